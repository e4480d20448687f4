#!/usr/bin/env bash
# Configures and builds qsim with clang 22, AddressSanitizer (with
# LeakSanitizer), UndefinedBehaviorSanitizer and libFuzzer's coverage
# instrumentation into build-sanitized/ ($QSIM_SANITIZED_BUILD_DIR), with the
# fuzzers of test/fuzz. Extra arguments are passed to ninja (for example a
# target). scripts/test-sanitized.sh and scripts/fuzz.sh call it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# clang 22 matches Debian's LLVM 22 and has the sanitizer and libFuzzer
# runtimes (libclang-rt-22-dev); gcc has no libFuzzer. Configured every time
# (a few seconds), so that an option changed here reaches an existing folder.
QSIM_BUILD_DIR="${QSIM_SANITIZED_BUILD_DIR:-$root/build-sanitized}" \
  QSIM_CC=clang-22 QSIM_CXX=clang++-22 QSIM_RECONFIGURE=1 \
  QSIM_CMAKE_OPTIONS="-DQSIM_ENABLE_SANITIZERS=address;undefined -DQSIM_BUILD_FUZZERS=ON" \
  bash "$root/scripts/build.sh" "$@"
