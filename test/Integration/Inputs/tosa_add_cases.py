#!/usr/bin/env python3
"""TOSA's integer add, modelled in NumPy from the TOSA specification.

  gen DIR   writes, for each case, DIR/CASE.mlir (a qsim.add and the same
            add with a ReLU, clamp_min = z_y, both half_even), DIR/CASE-a.npy
            and DIR/CASE-b.npy (storage integers), and the outputs of the
            add as TOSA's legalizations build it, computed here, in
            DIR/CASE-double-add.npy, DIR/CASE-double-relu.npy (DOUBLE_ROUND)
            and DIR/CASE-single-add.npy, DIR/CASE-single-relu.npy
            (SINGLE_ROUND). Prints the number of cases.

The add is the one TOSA's legalization of TFLite's ADD emits
(tensorflow/compiler/mlir/tosa/transforms/legalize_tfl.cc, ConvertTFLAddOp;
ExecuTorch's Arm backend builds the same): with S = max(s_a, s_b) and
l = 20 (15 for a 16-bit result),

    a' = RESCALE(a, scale32(2^l s_a / 2S), input_zp = z_a) to int32
    b' = RESCALE(b, scale32(2^l s_b / 2S), input_zp = z_b) to int32
    y  = RESCALE(ADD(a', b'), scale32(2S / (2^l s_y)), output_zp = z_y)

RESCALE and apply_scale_32 are the specification's (TOSA 1.0, "Precision
scaling" and RESCALE): value = in - input_zp, apply_scale_32 with the
double-round adjustment of 2^30 when shift > 31, + output_zp, saturated
to the output type. scale32 is the specification's encoding of a real
scale (its mantissa rounded to 31 bits, shift = 31 - exponent, at most
62), fixed_point_reference.py's encode_tosa. Nothing here is taken from
qsim.

The cases: every pair of i8 codes (a [256, 1] against b [256]), random
i8 tensors of one shape and with a broadcast, scales whose ratio is far
from 1, and an i16 add with zero points 0. Every case meets
apply_scale_32's value requirements (checked here).
"""

import os
import sys

import numpy as np

from fixed_point_reference import encode_tosa


def scale32(real):
    """The (multiplier, shift) of TOSA's 32-bit scale encoding."""
    multiplier, shift = encode_tosa(real)
    assert 2 <= shift <= 62 and 0 <= multiplier < 2**31
    return multiplier, shift


def apply_scale_32(value, multiplier, shift, double_round):
    value = value.astype(object)
    assert all(-(2**(shift - 1)) <= v < 2**(shift - 1) for v in value.flat), \
        "apply_scale_32's REQUIRE on the value"
    round_ = 1 << (shift - 1)
    if double_round and shift > 31:
        extra = np.where(value >= 0, 1 << 30, -(1 << 30))
    else:
        extra = 0
    return (value * multiplier + round_ + extra) >> shift


def rescale(value, pair, input_zp, output_zp, bits, double_round):
    result = apply_scale_32(value - input_zp, *pair, double_round) + output_zp
    low, high = -(2**(bits - 1)), 2**(bits - 1) - 1
    return np.clip(result, low, high)


def tosa_add(a, b, types, out, double_round):
    (s_a, z_a), (s_b, z_b) = types
    s_y, z_y, bits = out
    left = 15 if bits == 16 else 20
    twice_max = 2 * max(s_a, s_b)
    pairs = [scale32(2**left * s_a / twice_max),
             scale32(2**left * s_b / twice_max),
             scale32(twice_max / (2**left * s_y))]
    a32 = rescale(a.astype(np.int64), pairs[0], z_a, 0, 32, double_round)
    b32 = rescale(b.astype(np.int64), pairs[1], z_b, 0, 32, double_round)
    total = a32 + b32
    assert all(-(2**31) <= v < 2**31 for v in np.asarray(total).flat)
    return rescale(total, pairs[2], 0, z_y, bits, double_round)


def tensor_type(shape, bits, scale, zero):
    dims = "x".join(str(d) for d in shape)
    suffix = f":{zero}" if zero else ""
    return f"tensor<{dims}x!quant.uniform<i{bits}:f32, {scale!r}{suffix}>>"


def write_case(out, name, a, b, types, result, bits):
    (s_a, z_a), (s_b, z_b) = types
    s_y, z_y = result
    shape = np.broadcast_shapes(a.shape, b.shape)
    ta = tensor_type(a.shape, bits, s_a, z_a)
    tb = tensor_type(b.shape, bits, s_b, z_b)
    ty = tensor_type(shape, bits, s_y, z_y)
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write(
            f"func.func @main(%a: {ta}, %b: {tb}) -> ({ty}, {ty}) {{\n"
            f"  %y = qsim.add %a, %b : ({ta}, {tb}) -> {ty}\n"
            f"  %r = qsim.add %a, %b {{clamp_min = {z_y} : i64}} "
            f": ({ta}, {tb}) -> {ty}\n"
            f"  return %y, %r : {ty}, {ty}\n}}\n")
    storage = np.int8 if bits == 8 else np.int16
    np.save(os.path.join(out, f"{name}-a.npy"), a.astype(storage))
    np.save(os.path.join(out, f"{name}-b.npy"), b.astype(storage))
    for mode, double_round in (("double", True), ("single", False)):
        y = tosa_add(a, b, types, (s_y, z_y, bits), double_round)
        y = np.broadcast_to(y, shape)
        np.save(os.path.join(out, f"{name}-{mode}-add.npy"),
                y.astype(storage))
        np.save(os.path.join(out, f"{name}-{mode}-relu.npy"),
                np.maximum(y, z_y).astype(storage))


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2029)
    codes = np.arange(-128, 128)
    cases = [
        # Every pair of i8 codes.
        ("pairs", codes.reshape(256, 1), codes,
         [(0.0392, -5), (0.0213, 17)], (0.0517, -9), 8),
        # Scales far apart: one input's rescale has a large shift.
        ("apart", rng.integers(-128, 128, (8, 32, 32)),
         rng.integers(-128, 128, (8, 32, 32)),
         [(0.5, 3), (0.0007, -100)], (0.48, 0), 8),
        # One scale: the sum of two equal rescales.
        ("equal", rng.integers(-128, 128, (4, 8, 16, 16)),
         rng.integers(-128, 128, (8, 1, 1)),
         [(0.03125, 0), (0.03125, 0)], (0.0625, -1), 8),
    ]
    for index in range(3):
        scales = [float(rng.integers(1, 600)) / 10000 for _ in range(3)]
        zeros = [int(rng.integers(-128, 128)) for _ in range(3)]
        cases.append((f"random{index}",
                      rng.integers(-128, 128, (16, 8, 32, 32)),
                      rng.integers(-128, 128, (1, 8, 1, 32)),
                      [(scales[0], zeros[0]), (scales[1], zeros[1])],
                      (scales[2], zeros[2]), 8))
    cases.append(("wide", rng.integers(-32768, 32768, (64, 64)),
                  rng.integers(-32768, 32768, (64, 64)),
                  [(0.0011, 0), (0.0004, 0)], (0.0013, 0), 16))
    for name, a, b, types, result, bits in cases:
        write_case(out, name, np.asarray(a), np.asarray(b), types, result,
                   bits)
    print(f"tosa_add_cases: {len(cases)} cases")


if __name__ == "__main__":
    main()
