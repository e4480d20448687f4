#!/usr/bin/env python3
"""NumPy references of qsim's float32 arithmetic modes, written from
PyTorch's and ONNX Runtime's definitions, not from qsim's code.

float32_half_even (qsim.requantize), as QNNPACK's and MLAS's requantization
compute it (convert the int32 accumulator to float32, multiply by the
float32 multiplier, round to nearest even, add the output zero point,
saturate):

    y = clamp(rint(float32(x - z_in) * m) + z_y, lo, hi)

scaling = reciprocal (qsim.quantize), as PyTorch's quantize_val computes it
(`zero_point + nearbyint(value * (1.0f / scale))`):

    q = clamp(rint(x * float32(1 / float32(s))) + z, qmin, qmax)

rounding = half_away (qsim.quantize), as TFLite's reference Quantize kernel
computes it (`zero_point + TfLiteRound(val / scale)`, C's round, which
rounds ties away from zero):

    q = clamp(round_half_away(x / float32(s)) + z, qmin, qmax)

    write DIR     writes the programs and their inputs
    check DIR NAME OUT [--as MODE]
                  compares OUT/result0.npy with the reference NAME (or, for
                  the negative controls, with the reference of MODE);
                  exits 1 when any value differs
"""

import argparse
import sys

import numpy as np

F32 = np.float32
ROWS = 131072
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1

# One f32 multiplier per channel: powers of two (exact ties), a third (no
# exact product), one above 1, the smallest normal f32, and multipliers
# that bring the whole int32 range into i16, where the f32 conversion and
# product round apart from exact arithmetic.
MULTIPLIERS = [F32(v) for v in (
    0.5, 0.25, 1.0 / 3.0, 3.75, 1.1754944e-38, 1.0e-5, 3.3e-6, 0.0016270491)]
OUT_ZERO, OUT_MIN, OUT_MAX = -3, -32768, 32767  # i16 results
IN_ZERO = 5  # the i8 -> i8 rescale

# Quantize: one scale and zero point per channel (u8).
SCALES = [F32(v) for v in (0.1, 1.0 / 3.0, 0.0039215688, 0.0063268416,
                           0.0162203386, 7.0, 2.0 ** -10, 0.0251)]
ZEROS = [0, 128, 3, 0, 17, 255, 64, 1]


def f32_list(values):
    return ", ".join(np.format_float_scientific(v, unique=True) for v in values)


def accumulators(rng):
    """[ROWS, 8] int32: the edges (extremes, zero, +-1, values past 2^24,
    where the conversion to f32 rounds, and the ties x * m = k + 0.5 of the
    power-of-two multipliers), then uniform and small values."""
    channels = len(MULTIPLIERS)
    edges = [INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 0, 1, -1, 3,
             -3, 5, -5, 7, -7, (1 << 24) + 1, -(1 << 24) - 1, (1 << 25) + 3,
             255, -255, 257, 1021, -1021]
    x = np.empty((ROWS, channels), np.int64)
    half = ROWS // 2
    x[:half] = rng.integers(INT32_MIN, INT32_MAX, (half, channels),
                            endpoint=True)
    x[half:] = rng.integers(-100000, 100000, (ROWS - half, channels),
                            endpoint=True)
    x[:len(edges)] = np.array(edges, np.int64)[:, None]
    return x


def reals(rng):
    """[ROWS, 8] f32 around each channel's codes, with the exact ties
    (k + 0.5) * s and their float32 neighbours."""
    s = np.array(SCALES, F32)
    k = rng.integers(-300, 300, (ROWS, len(SCALES))).astype(F32)
    ties = ((k + F32(0.5)) * s).astype(F32)
    x = ties.copy()
    third = ROWS // 3
    x[third:2 * third] = np.nextafter(ties[third:2 * third], F32(np.inf))
    x[2 * third:] = (rng.uniform(-300, 300, (ROWS - 2 * third, len(SCALES)))
                     * s).astype(F32)
    return x


def requantize_program(storage, in_zero):
    channels = len(MULTIPLIERS)
    ones = ", ".join("1.0" for _ in MULTIPLIERS)
    zero = f":{in_zero}" if in_zero else ""
    acc = f"tensor<{ROWS}x{channels}x!quant.uniform<{storage}:f32:1, {{{ones}}}>>"
    if in_zero:
        acc = (f"tensor<{ROWS}x{channels}x!quant.uniform<{storage}:f32:1, "
               f"{{{', '.join(f'1.0{zero}' for _ in MULTIPLIERS)}}}>>")
    out = f"tensor<{ROWS}x{channels}x!quant.uniform<i16:f32, 1.0:{OUT_ZERO}>>"
    return (f"func.func @main(%acc: {acc}) -> {out} {{\n"
            f"  %y = qsim.requantize %acc {{rounding = #qsim.rounding<float32_half_even>, "
            f"float_multiplier = array<f32: {f32_list(MULTIPLIERS)}>}} : {acc} -> {out}\n"
            f"  return %y : {out}\n}}\n")


def quantize_program(scaling, rounding="half_even"):
    channels = len(SCALES)
    params = ", ".join(f"{np.format_float_scientific(s, unique=True)}:{z}"
                       for s, z in zip(SCALES, ZEROS))
    x = f"tensor<{ROWS}x{channels}xf32>"
    q = f"tensor<{ROWS}x{channels}x!quant.uniform<u8:f32:1, {{{params}}}>>"
    return (f"func.func @main(%x: {x}) -> {q} {{\n"
            f"  %q = qsim.quantize %x {{scaling = #qsim.scaling<{scaling}>, "
            f"rounding = #qsim.quantize_rounding<{rounding}>}} : {x} -> {q}\n"
            f"  return %q : {q}\n}}\n")


def write(directory):
    rng = np.random.default_rng(5)
    x = accumulators(rng)
    np.save(f"{directory}/acc.npy", x.astype(np.int32))
    np.save(f"{directory}/act.npy",
            rng.integers(-128, 128, (ROWS, len(MULTIPLIERS))).astype(np.int8))
    np.save(f"{directory}/real.npy", reals(rng))
    programs = {
        "requantize": requantize_program("i32", 0),
        "requantize_i8": requantize_program("i8", IN_ZERO),
        "quantize_reciprocal": quantize_program("reciprocal"),
        "quantize_divide": quantize_program("divide"),
        "quantize_half_away": quantize_program("divide", "half_away"),
    }
    for name, text in programs.items():
        with open(f"{directory}/{name}.mlir", "w") as f:
            f.write(text)


def reference(directory, name):
    m = np.array(MULTIPLIERS, F32)
    if name in ("requantize", "requantize_f64"):
        x = np.load(f"{directory}/acc.npy").astype(np.int64)
    elif name == "requantize_i8":
        x = np.load(f"{directory}/act.npy").astype(np.int64) - IN_ZERO
    if name in ("requantize", "requantize_i8"):
        # int64 -> float32 rounds to nearest even, as cvtdq2ps does.
        y = np.rint(x.astype(F32) * m)
        return np.clip(y.astype(np.float64) + OUT_ZERO, OUT_MIN, OUT_MAX)
    if name == "requantize_f64":
        y = np.rint(x.astype(np.float64) * m.astype(np.float64))
        return np.clip(y + OUT_ZERO, OUT_MIN, OUT_MAX)
    r = np.load(f"{directory}/real.npy")
    s = np.array(SCALES, F32)
    z = np.array(ZEROS, np.float64)
    if name == "quantize_reciprocal":
        scaled = r * (F32(1) / s).astype(F32)
    else:
        scaled = r / s
    scaled = scaled.astype(F32).astype(np.float64)
    if name == "quantize_half_away":
        # Exact in float64: |scaled| < 2^24, so adding 0.5 does not round.
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
    else:
        rounded = np.rint(scaled)
    return np.clip(rounded + z, 0, 255)


def check(directory, name, out, as_mode):
    want = reference(directory, as_mode or name)
    got = np.load(f"{out}/result0.npy").astype(np.float64)
    differ = int(np.count_nonzero(got != want))
    label = f"{name} against {as_mode}" if as_mode else name
    print(f"{label}: {got.size} values, {differ} differ from the reference")
    return got.shape == want.shape and differ == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("directory")
    c = sub.add_parser("check")
    c.add_argument("directory")
    c.add_argument("name")
    c.add_argument("out")
    c.add_argument("--as", dest="as_mode")
    args = parser.parse_args()
    if args.command == "write":
        write(args.directory)
        return 0
    return 0 if check(args.directory, args.name, args.out, args.as_mode) else 1


if __name__ == "__main__":
    sys.exit(main())
