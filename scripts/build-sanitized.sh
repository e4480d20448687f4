#!/usr/bin/env bash
# Configures and builds qsim with clang 22, AddressSanitizer (with
# LeakSanitizer), UndefinedBehaviorSanitizer and libFuzzer's coverage
# instrumentation into build-sanitized/ ($QSIM_SANITIZED_BUILD_DIR), with the
# fuzzers of test/fuzz. Extra arguments are passed to ninja (for example a
# target). scripts/test-sanitized.sh and scripts/fuzz.sh call it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_SANITIZED_BUILD_DIR:-$root/build-sanitized}"

# clang 22 matches Debian's LLVM 22 and has the sanitizer and libFuzzer
# runtimes (libclang-rt-22-dev); gcc has no libFuzzer.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# Configured every time (a few seconds), so that a flag changed here
# reaches an existing folder.
cmake -G Ninja -S "$root" -B "$build" >/dev/null \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
  "-DQSIM_ENABLE_SANITIZERS=address;undefined" -DQSIM_BUILD_FUZZERS=ON \
  "${launcher[@]}"
QSIM_BUILD_DIR="$build" bash "$root/scripts/build.sh" "$@"
