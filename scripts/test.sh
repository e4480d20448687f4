#!/usr/bin/env bash
# Installs what is missing, builds qsim and runs every test (the lit suite:
# dialect, transforms, conversions, JIT integration and differential tests).
# Ends with a line "lit: N passed, N failed, N skipped".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" qsim-test-depends

results="$build/test/lit-results.json"
status=0
/usr/lib/llvm-22/bin/lit -sv "$build/test" -o "$results" "$@" || status=$?
/usr/bin/python3 "$root/scripts/summarize-lit.py" "$results"
exit "$status"
