#!/usr/bin/env bash
# Installs what is missing, builds qsim and runs every test: the lit suite
# (dialect, transforms, conversions, JIT integration and differential
# tests) in build/ (gcc), then the same suite in build-sanitized/ (clang 22,
# AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer), where the
# short deterministic fuzzer runs of test/fuzz run too
# (scripts/test-sanitized.sh). QSIM_SANITIZED=0 runs only the first.
# Extra arguments go to lit. Ends with a line per suite and a line
# "lit: N passed, N failed, N skipped" for both.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
sanitized="${QSIM_SANITIZED_BUILD_DIR:-$root/build-sanitized}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/install-npm-deps.sh"
# Both suites compare with the ONNX Runtime installed into build/npm.
export QSIM_NPM_DIR="$build/npm"
bash "$root/scripts/build.sh" qsim-test-depends

status=0
results=("$build/test/lit-results.json")
/usr/lib/llvm-22/bin/lit -sv "$build/test" -o "${results[0]}" "$@" || status=$?

if [ "${QSIM_SANITIZED:-1}" != 0 ]; then
  echo "== the sanitized suite, in $sanitized"
  QSIM_SANITIZED_BUILD_DIR="$sanitized" bash "$root/scripts/build-sanitized.sh" qsim-test-depends
  results+=("$sanitized/test/lit-results.json")
  /usr/lib/llvm-22/bin/lit -sv "$sanitized/test" -o "${results[1]}" "$@" || status=$?
fi
/usr/bin/python3 "$root/scripts/summarize-lit.py" "${results[@]}"
exit "$status"
