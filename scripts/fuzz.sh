#!/usr/bin/env bash
# Runs one libFuzzer target of test/fuzz.
#
#   scripts/fuzz.sh TARGET [SECONDS] [--runs N] [--work DIR] [--no-build]
#
# TARGET is qsim-opt (parse, verify and every qsim pass on mutated IR), npy
# (the .npy reader) or stats (the statistics-file reader): the program
# bin/TARGET-fuzzer of the sanitized build, which may also be named. Without --no-build it is built
# first (scripts/build-sanitized.sh, in build-sanitized/ or
# $QSIM_SANITIZED_BUILD_DIR). The seeds, written by
# test/fuzz/make-TARGET-seeds.py, and the inputs of
# test/fuzz/TARGET-regressions each run once whole; then the fuzzer
# mutates them with the dictionary test/fuzz/TARGET.dict for SECONDS
# (default 60), or, with --runs N, for exactly N inputs from a fixed random
# seed, which is what the test suite does so that it never fails at random.
#
# Exits non-zero on a crash, a sanitizer report, a broken invariant, a
# timeout or running out of memory. The input that did it is saved in DIR
# (default BUILD/fuzz/TARGET) as crash-*, timeout-* or oom-*, and
#   BUILD/bin/TARGET-fuzzer FILE
# replays it. DIR also keeps the corpus the fuzzer grows, so a later run
# goes on from there. The last lines give the number of inputs run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_SANITIZED_BUILD_DIR:-$root/build-sanitized}"
python="${PYTHON:-/usr/bin/python3}"
# The fuzzers are instrumented and libMLIR is not, and both allocate from
# one BumpPtrAllocator whose slabs the instrumented code poisons: without
# this, libMLIR's allocations in such a slab are false use-after-poison
# reports (test/lit.cfg.py sets it for the test suite too).
case ":${ASAN_OPTIONS:-}:" in
  *:allow_user_poisoning=*) ;;
  *) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_poisoning=0" ;;
esac

target=""
seconds=60
runs=""
work=""
build_it=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --no-build) build_it=0; shift ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *)
      if [ -z "$target" ]; then target="$1"; else seconds="$1"; fi
      shift ;;
  esac
done
# The program's name works too (lit tests use it: lit would replace a bare
# "qsim-opt" with the tool's path).
target="${target%-fuzzer}"
if [ -z "$target" ] || [ ! -f "$root/test/fuzz/make-$target-seeds.py" ]; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS] [--runs N] [--work DIR] [--no-build]" >&2
  echo "targets: $(cd "$root/test/fuzz" && ls make-*-seeds.py | sed 's/^make-//; s/-seeds.py$//' | tr '\n' ' ')" >&2
  exit 2
fi
work="${work:-$build/fuzz/$target}"
fuzzer="$build/bin/$target-fuzzer"

if [ "$build_it" -eq 1 ]; then
  QSIM_SANITIZED_BUILD_DIR="$build" bash "$root/scripts/build-sanitized.sh" "$target-fuzzer"
fi
if [ ! -x "$fuzzer" ]; then
  echo "fuzz: $fuzzer is not built" >&2
  exit 1
fi

mkdir -p "$work/seeds" "$work/corpus"
"$python" "$root/test/fuzz/make-$target-seeds.py" "$work/seeds"

# -timeout bounds the time per input, -rss_limit_mb the memory; inputs are
# bounded to 8 KiB, which holds every seed the generators keep. No input
# needs a second, but the timeout is wall-clock time and includes
# LeakSanitizer's scans of the heap, so it is generous: a busy machine must
# not fail the suite's runs.
common=(-timeout=120 -rss_limit_mb=3072 -max_len=8192 -artifact_prefix="$work/")
dict="$root/test/fuzz/$target.dict"
[ -f "$dict" ] && common+=(-dict="$dict")

# Every seed once, whole, and every input that once crashed the fuzzer
# (test/fuzz/TARGET-regressions).
echo "fuzz $target: running the seeds"
regressions=()
if [ -d "$root/test/fuzz/$target-regressions" ]; then
  regressions=("$root/test/fuzz/$target-regressions"/*)
fi
if ! "$fuzzer" "${common[@]}" "$work"/seeds/* "${regressions[@]}" \
    > "$work/seeds.log" 2>&1; then
  tail -n 40 "$work/seeds.log" >&2
  echo "fuzz $target: a seed fails" >&2
  exit 1
fi

# New inputs go to the first directory (the corpus); the seeds are only read.
if [ -n "$runs" ]; then
  echo "fuzz $target: fuzzing $runs inputs"
  # libFuzzer's -runs counts the corpus it loads first, too.
  loaded=$(find "$work/corpus" "$work/seeds" -type f | wc -l)
  limit=(-runs="$((runs + loaded))" -seed=1)
else
  echo "fuzz $target: fuzzing for $seconds s in $work"
  limit=(-max_total_time="$seconds")
fi
status=0
"$fuzzer" "${common[@]}" "${limit[@]}" -print_final_stats=1 \
  "$work/corpus" "$work/seeds" > "$work/fuzz.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 60 "$work/fuzz.log" >&2
  echo "fuzz $target: failed (status $status); the input is in $work" >&2
  exit 1
fi
grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$work/fuzz.log" || true
echo "fuzz $target: no crash"
