#!/usr/bin/env bash
# Configures (once) and builds qsim with Ninja in build/, against Debian's
# LLVM/MLIR 22. Extra arguments are passed to ninja (for example a target).
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

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    "${launcher[@]}"
fi
# Two parallel jobs: MLIR translation units need about 1 GiB each.
ninja -C "$build" -j "${QSIM_JOBS:-2}" "$@"
