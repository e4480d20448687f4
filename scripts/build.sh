#!/usr/bin/env bash
# Configures (once) and builds qsim with Ninja in build/, against Debian's
# LLVM/MLIR 22. Extra arguments are passed to ninja (for example a target).
#
# The environment chooses another configuration: QSIM_BUILD_DIR (the
# folder), QSIM_CC and QSIM_CXX (default gcc and g++), QSIM_CMAKE_OPTIONS
# (more -D options, separated by spaces) and QSIM_RECONFIGURE=1 (configure
# an existing folder again, so that changed options reach it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"

launcher=()
if command -v ccache >/dev/null 2>&1; then
  # Paths below the source tree are hashed relative to it, so clones in
  # other folders (CI's, a second work tree) share the cache.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

read -r -a options <<< "${QSIM_CMAKE_OPTIONS:-}"
if [ ! -f "$build/build.ninja" ] || [ "${QSIM_RECONFIGURE:-0}" = 1 ]; then
  cmake -G Ninja -S "$root" -B "$build" >/dev/null \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="${QSIM_CC:-gcc}" -DCMAKE_CXX_COMPILER="${QSIM_CXX:-g++}" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    "${launcher[@]}" "${options[@]}"
fi
# Two parallel jobs: MLIR translation units need about 1 GiB each.
ninja -C "$build" -j "${QSIM_JOBS:-2}" "$@"
