#!/usr/bin/env bash
# Fuzzes the .npy reader (lib/Support/Npy.cpp) with libFuzzer.
#
#   scripts/fuzz-npy.sh [SECONDS [OUTPUT_DIR]]
#
# Builds test/fuzz/npy-fuzzer.cpp together with Npy.cpp with Debian's clang
# (packages clang and libclang-rt-14-dev) and the address and
# undefined-behaviour sanitizers, seeds a corpus with valid and invalid .npy
# files written by NumPy, and runs the fuzzer for SECONDS (default 60).
# Exits non-zero on a crash, a sanitizer report, a broken round trip, a
# timeout or running out of memory; the input that did it is saved in
# OUTPUT_DIR as crash-*, timeout-* or oom-*, and
#   OUTPUT_DIR/npy-fuzzer FILE
# replays it. OUTPUT_DIR (default $QSIM_FUZZ_DIR, else build/fuzz) also keeps
# the corpus the fuzzer grows, so a later run goes on from there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
out="${2:-${QSIM_FUZZ_DIR:-$root/build/fuzz}}"
cxx="${CLANGXX:-/usr/bin/clang++}"
python="${PYTHON:-/usr/bin/python3}"
llvm=/usr/lib/llvm-22

mkdir -p "$out/seeds" "$out/corpus"
fuzzer="$out/npy-fuzzer"
sources=("$root/test/fuzz/npy-fuzzer.cpp" "$root/lib/Support/Npy.cpp")

# Rebuild only when a source, the header or this script changed.
rebuild=0
[ -x "$fuzzer" ] || rebuild=1
for f in "${sources[@]}" "$root/include/qsim/Support/Npy.h" "${BASH_SOURCE[0]}"; do
  [ "$f" -nt "$fuzzer" ] && rebuild=1
done
if [ "$rebuild" -eq 1 ]; then
  echo "fuzz-npy: building $fuzzer"
  # libLLVM is built without RTTI; -fno-rtti keeps the classes this code
  # derives from it (llvm::ErrorInfo) linkable, and turns off UBSan's vptr
  # check, which needs RTTI.
  "$cxx" -std=c++17 -g -O1 -fno-rtti -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/include" -I"$llvm/include" \
    "${sources[@]}" \
    -L"$llvm/lib" -lLLVM -Wl,-rpath,"$llvm/lib" \
    -o "$fuzzer.tmp"
  mv "$fuzzer.tmp" "$fuzzer"
fi

"$python" "$root/test/fuzz/make-npy-seeds.py" "$out/seeds"
common=(-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/")

# Every seed once, whole: the fuzzing below truncates inputs to -max_len.
echo "fuzz-npy: running the seeds"
if ! "$fuzzer" "${common[@]}" "$out"/seeds/*.npy > "$out/seeds.log" 2>&1; then
  cat "$out/seeds.log" >&2
  echo "fuzz-npy: a seed fails" >&2
  exit 1
fi

echo "fuzz-npy: fuzzing for $seconds s in $out"
# New inputs go to the first directory (the corpus); the seeds are only read.
# Headers are short, so 4 KiB inputs reach everything while keeping the
# fuzzer fast; libFuzzer would otherwise size inputs after the largest seed.
"$fuzzer" "${common[@]}" -max_total_time="$seconds" -max_len=4096 \
  -dict="$root/test/fuzz/npy.dict" -print_final_stats=1 \
  "$out/corpus" "$out/seeds"
echo "fuzz-npy: no crash in $seconds s"
