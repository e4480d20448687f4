#!/usr/bin/env bash
# Installs what is missing, builds qsim with AddressSanitizer (with
# LeakSanitizer) and UndefinedBehaviorSanitizer into build-sanitized/
# (scripts/build-sanitized.sh), and runs the whole lit suite there, with a
# short deterministic run of each fuzzer. The first sanitizer report ends
# the program that made it, so any report fails its test; test/lit.cfg.py
# sets the options. Ends with a line "lit: N passed, N failed, N skipped";
# extra arguments go to lit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_SANITIZED_BUILD_DIR:-$root/build-sanitized}"
bash "$root/scripts/install-deps.sh"
QSIM_BUILD_DIR="$build" bash "$root/scripts/install-npm-deps.sh"
export QSIM_NPM_DIR="${QSIM_NPM_DIR:-$build/npm}"
QSIM_SANITIZED_BUILD_DIR="$build" bash "$root/scripts/build-sanitized.sh" qsim-test-depends

results="$build/test/lit-results.json"
status=0
/usr/lib/llvm-22/bin/lit -sv "$build/test" -o "$results" "$@" || status=$?
/usr/bin/python3 "$root/scripts/summarize-lit.py" "$results"
exit "$status"
