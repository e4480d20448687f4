#!/usr/bin/env python3
"""NumPy references of qsim.requantize's fixed-point rounding modes.

  write DIR           writes the programs, inputs and pairs of the test:
                      DIR/<mode>.mlir (one requantize per mode), DIR/acc.npy
                      (int32 accumulators, 1,048,576 per mode with the edges
                      first) and, for TOSA's smaller shifts, DIR/acc16.npy
                      and DIR/<mode>_i16.mlir; for the TOSA modes also
                      DIR/<mode>_rescale[_i16].mlir, the same pairs as an
                      upstream tosa.rescale
  check DIR MODE OUT  compares qsim-run's result OUT/result0.npy with this
                      file's reference of MODE; exits 1 on any difference
  encodings DIR       writes DIR/encodings.mlir, one per-axis requantize
                      whose channel scales are edge and random multipliers
  check-encodings MODE FILE
                      compares the pairs that --qsim-set-rounding printed
                      into FILE with this file's encoder of MODE

Each reference is written from the runtime's own definition, not from
qsim's code:
  tflite_double  gemmlowp's SaturatingRoundingDoublingHighMul and
                 RoundingDivideByPOT, as TFLite's reference
                 MultiplyByQuantizedMultiplier (kernels/internal/common.h)
                 composes them: x * 2^left, then the high half of the
                 doubled product rounded (nudge 2^30 or 1 - 2^30, a division
                 truncated towards zero), then a right shift rounding half
                 away from zero;
  tflite_single  MultiplyByQuantizedMultiplier with TFLITE_SINGLE_ROUNDING
                 (ruy's): (x * m + 2^(30 - shift)) >> (31 - shift);
  tosa_single,   the TOSA specification's apply_scale_32: (x * m + 2^(s-1)
  tosa_double    [+- 2^30 when double_round and s > 31]) >> s.
The encoders are TFLite's QuantizeMultiplier (quantization_util.cc) and
the TOSA scale32 encoding of MLIR's TOSA utilities: frexp, the mantissa
times 2^31 rounded half away from zero, 2^31 halved.
"""

import math
import re
import sys

import numpy as np

INT32_MIN, INT32_MAX = -2**31, 2**31 - 1
ROWS = 131072

# Per channel (multiplier, shift) of each kind, the edges of the encodings:
# M = 0.25 (ties at x = 2 mod 4), a multiplier of 2^31 - 1 (M just below 1
# for TFLite), M > 1 (TFLite left shifts, wrapping at 32 bits), the
# smallest shifts, a flushed multiplier, shift 31 (TFLite) and random pairs.
TFLITE_PAIRS = [(2**30, -1), (2**31 - 1, 0), (1610612736, 2), (2**30, -31),
                (0, 0), (1374389535, -4), (2**30, 30), (1518500250, -12)]
# i32 input: TOSA takes every int32 only with shift >= 32.
TOSA_PAIRS = [(2**30, 32), (2**31 - 1, 33), (2**30, 62), (0, 40),
              (1374389535, 35), (1518500250, 45), (1, 32), (2**31 - 1, 32)]
# i16 input: the shifts from 17 (2^16 covers every i16) to 31.
TOSA16_PAIRS = [(2**30, 17), (2**31 - 1, 18), (1374389535, 31), (3, 17),
                (1610612736, 24), (2**30, 31), (0, 20), (1518500250, 28)]
MODES = ("tflite_double", "tflite_single", "tosa_single", "tosa_double")


def wrap32(v):
    return ((v + 2**31) % 2**32 - 2**31).astype(np.int64)


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul for int32 a, b (int64)."""
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    total = ab + nudge
    # C++ integer division truncates towards zero.
    high = np.sign(total) * (np.abs(total) // (1 << 31))
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, high)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT: x / 2^exponent, ties away from zero."""
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def reference(mode, x, multiplier, shift):
    """x [N, C] int64, multiplier and shift [C]: the runtime's x * M."""
    m = multiplier.astype(np.int64)[None, :]
    s = shift.astype(np.int64)[None, :]
    if mode == "tflite_double":
        left = np.maximum(s, 0)
        right = np.maximum(-s, 0)
        return rounding_divide_by_pot(srdhm(wrap32(x << left), m), right)
    if mode == "tflite_single":
        total = 31 - s
        return (x * m + (np.int64(1) << (total - 1))) >> total
    rounding = np.int64(1) << (s - 1)
    if mode == "tosa_double":
        rounding = rounding + np.where(s > 31, np.where(x >= 0, 1, -1) << 30, 0)
    return (x * m + rounding) >> s


def accumulators(rng, rows, lo, hi, pairs):
    """[rows, len(pairs)] values in [lo, hi]: the edges first (the
    extremes, zero, +-1, and the ties of every pair's multiplier, in every
    channel), then uniform values over the whole range, then small ones,
    where the rounding decides most."""
    edges = [lo, lo + 1, hi, hi - 1, 0, 1, -1, 2, -2, 3, -3, 6, -6]
    for m, s in pairs:
        # x * m / 2^k lands on .5 where x * m is an odd multiple of 2^(k-1).
        k = 31 - s if s <= 30 else s
        if m and 0 < k <= 62:
            g = math.gcd(m, 1 << (k - 1))
            step = (1 << (k - 1)) // g
            for t in (1, 3, -1, -3, 5):
                v = step * t
                if lo <= v <= hi:
                    edges.append(v)
    edges = np.array([e for e in edges if lo <= e <= hi], np.int64)
    channels = len(pairs)
    x = np.empty((rows, channels), np.int64)
    half = rows // 2
    x[:half] = rng.integers(lo, hi, (half, channels), endpoint=True)
    x[half:] = rng.integers(-4096, 4096, (rows - half, channels), endpoint=True)
    x[:len(edges)] = edges[:, None]
    return np.clip(x, lo, hi)


def pair_lists(pairs):
    """The multipliers and the shifts of `pairs` as comma-separated lists."""
    return (", ".join(str(m) for m, _ in pairs),
            ", ".join(str(s) for _, s in pairs))


def program(mode, pairs, storage, rows):
    channels = len(pairs)
    scales = ", ".join("1.0" for _ in pairs)
    acc = f"tensor<{rows}x{channels}x!quant.uniform<{storage}:f32:1, {{{scales}}}>>"
    out = f"tensor<{rows}x{channels}x!quant.uniform<i32:f32, 1.0>>"
    multipliers, shifts = pair_lists(pairs)
    return (f"func.func @main(%acc: {acc}) -> {out} {{\n"
            f"  %y = qsim.requantize %acc {{rounding = #qsim.rounding<{mode}>, "
            f"multiplier = array<i32: {multipliers}>, shift = array<i32: {shifts}>}}"
            f" : {acc} -> {out}\n"
            f"  return %y : {out}\n}}\n")


def rescale_program(mode, pairs, storage, rows):
    """The same requantization as upstream TOSA: one per-channel
    tosa.rescale, which upstream's tosa-to-linalg and tosa-to-arith lower
    (the independent implementation of apply_scale_32)."""
    channels = len(pairs)
    rounding = "DOUBLE_ROUND" if mode == "tosa_double" else "SINGLE_ROUND"
    acc = f"tensor<{rows}x{channels}x{storage}>"
    out = f"tensor<{rows}x{channels}xi32>"
    multipliers, shifts = pair_lists(pairs)
    return (f"func.func @main(%acc: {acc}) -> {out} {{\n"
            f"  %m = \"tosa.const\"() <{{values = dense<[{multipliers}]> : tensor<{channels}xi32>}}> : () -> tensor<{channels}xi32>\n"
            f"  %s = \"tosa.const\"() <{{values = dense<[{shifts}]> : tensor<{channels}xi8>}}> : () -> tensor<{channels}xi8>\n"
            f"  %zi = \"tosa.const\"() <{{values = dense<0> : tensor<1x{storage}>}}> : () -> tensor<1x{storage}>\n"
            f"  %zo = \"tosa.const\"() <{{values = dense<0> : tensor<1xi32>}}> : () -> tensor<1xi32>\n"
            f"  %y = tosa.rescale %acc, %m, %s, %zi, %zo {{scale32 = true, rounding_mode = {rounding}, "
            f"per_channel = true, input_unsigned = false, output_unsigned = false}} : "
            f"({acc}, tensor<{channels}xi32>, tensor<{channels}xi8>, tensor<1x{storage}>, tensor<1xi32>) -> {out}\n"
            f"  return %y : {out}\n}}\n")


def pairs_of(mode, wide):
    if mode.startswith("tflite"):
        return TFLITE_PAIRS
    return TOSA16_PAIRS if wide else TOSA_PAIRS


def write(directory):
    rng = np.random.default_rng(11)
    # The TFLite and TOSA programs read the same accumulators, whose edges
    # hold the ties of both kinds of pairs.
    x = accumulators(rng, ROWS, INT32_MIN, INT32_MAX, TFLITE_PAIRS + TOSA_PAIRS)
    np.save(f"{directory}/acc.npy", x[:, :len(TFLITE_PAIRS)].astype(np.int32))
    np.save(f"{directory}/acc16.npy",
            accumulators(rng, ROWS, -32768, 32767, TOSA16_PAIRS).astype(np.int16))
    for mode in MODES:
        with open(f"{directory}/{mode}.mlir", "w") as f:
            f.write(program(mode, pairs_of(mode, False), "i32", ROWS))
    for mode in ("tosa_single", "tosa_double"):
        with open(f"{directory}/{mode}_i16.mlir", "w") as f:
            f.write(program(mode, pairs_of(mode, True), "i16", ROWS))
        with open(f"{directory}/{mode}_rescale.mlir", "w") as f:
            f.write(rescale_program(mode, pairs_of(mode, False), "i32", ROWS))
        with open(f"{directory}/{mode}_rescale_i16.mlir", "w") as f:
            f.write(rescale_program(mode, pairs_of(mode, True), "i16", ROWS))


def check(directory, mode, out, wide=False):
    x = np.load(f"{directory}/{'acc16' if wide else 'acc'}.npy").astype(np.int64)
    pairs = pairs_of(mode, wide)
    m = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    want = np.clip(reference(mode, x, m, s), INT32_MIN, INT32_MAX)
    got = np.load(f"{out}/result0.npy").astype(np.int64)
    differ = int(np.count_nonzero(got != want))
    print(f"{mode}{' i16' if wide else ''}: {got.size} values, {differ} differ "
          f"from the reference")
    return got.shape == want.shape and differ == 0


# Encodings.

def encode_tflite(value):
    if value == 0:
        return 0, 0
    q, e = math.frexp(value)
    fixed = int(math.floor(q * 2**31 + 0.5))
    if fixed == 2**31:
        fixed //= 2
        e += 1
    if e < -31:
        return 0, 0
    if e > 30:
        return 2**31 - 1, 30
    return fixed, e


def encode_tosa(value):
    q, e = math.frexp(value)
    fixed = int(math.floor(q * 2**31 + 0.5))
    if fixed == 2**31:
        fixed //= 2
        e += 1
    shift = 31 - e
    if shift > 62:
        fixed >>= min(31, shift - 62)
        shift = 62
    elif shift < 2:
        fixed >>= 2 - shift
        shift = 2
    return fixed, shift


def encoding_values():
    rng = np.random.default_rng(5)
    values = [0.25, 0.5, 1.0, 3.0, 2.0**-31, 2.0**-32, 2.0**-40, 2.0**-70,
              2.0**29, 0.999, 1e-12, 2.0**30]
    # Mantissas that round to 2^31 (the halving), and exact ties of the
    # Q31 rounding (k + 0.5) / 2^31, which go away from zero.
    values += [(2**31 - 0.25) / 2**31 * 2.0**-5, (2**31 - 0.5) / 2**31 * 2.0**-3]
    values += [(2**30 + 0.5 + 7) / 2**31 * 2.0**-2, (2**30 + 0.5 + 8) / 2**31]
    values += list(10.0 ** rng.uniform(-9, 1.2, 200))
    return values


def write_encodings(directory):
    values = encoding_values()
    scales = ", ".join(f"{v:.17e}" for v in values)
    # A 2-bit input: its values [-2, 1] are in the range TOSA takes with
    # every shift, so that each multiplier can be encoded.
    acc = f"tensor<1x{len(values)}x!quant.uniform<i2:f32:1, {{{scales}}}>>"
    out = f"tensor<1x{len(values)}x!quant.uniform<i32:f32, 1.0>>"
    with open(f"{directory}/encodings.mlir", "w") as f:
        f.write(f"func.func @main(%acc: {acc}) -> {out} {{\n"
                f"  %y = qsim.requantize %acc : {acc} -> {out}\n"
                f"  return %y : {out}\n}}\n")


def check_encodings(mode, path):
    text = open(path).read()
    multipliers = [int(v) for v in re.search(r"multiplier = array<i32: ([^>]*)>", text).group(1).split(",")]
    shifts = [int(v) for v in re.search(r"shift = array<i32: ([^>]*)>", text).group(1).split(",")]
    encode = encode_tflite if mode.startswith("tflite") else encode_tosa
    want = [encode(v) for v in encoding_values()]
    got = list(zip(multipliers, shifts))
    differ = [(v, g, w) for v, g, w in zip(encoding_values(), got, want) if g != w]
    print(f"{mode} encodings: {len(got)} multipliers, {len(differ)} differ from the reference")
    for v, g, w in differ[:5]:
        print(f"  M = {v!r}: qsim {g}, reference {w}")
    return len(got) == len(want) and not differ


def main():
    command = sys.argv[1]
    if command == "write":
        write(sys.argv[2])
        write_encodings(sys.argv[2])
        return 0
    if command == "check":
        wide = len(sys.argv) > 5 and sys.argv[5] == "--i16"
        return 0 if check(sys.argv[2], sys.argv[3], sys.argv[4], wide) else 1
    if command == "check-encodings":
        return 0 if check_encodings(sys.argv[2], sys.argv[3]) else 1
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
