#!/usr/bin/env python3
"""TOSA's integer product, modelled in NumPy from the TOSA specification.

  gen DIR   writes, for each case, DIR/CASE.mlir (a qsim.mul and the same
            product with a ReLU, clamp_min = z_y, both half_even),
            DIR/CASE-a.npy and DIR/CASE-b.npy (i8 storage integers), and the
            outputs of the product as TOSA's legalization of TFLite's MUL
            builds it, computed here, in DIR/CASE-double-mul.npy,
            DIR/CASE-double-relu.npy (DOUBLE_ROUND) and the -single- ones
            (SINGLE_ROUND). Prints the number of cases.

The legalization (tensorflow/compiler/mlir/tosa/transforms/legalize_tfl.cc,
ConvertTFLMulOp): each operand RESCALEd to int32 by 1.0 (input_zp = z),
an int32 MUL with shift 0, and the product RESCALEd to the result by
scale32(s_a s_b / s_y) with output_zp = z_y. RESCALE, apply_scale_32 and
scale32 are tosa_add_cases.py's, written from the specification.

The cases: every pair of i8 codes (a [256, 1] against b [256]), a
squeeze-and-excitation gate broadcast over the spatial dimensions, and a
product of scales far from 1.
"""

import os
import sys

import numpy as np

from tosa_add_cases import rescale, scale32, tensor_type


def tosa_mul(a, b, types, out, double_round):
    (s_a, z_a), (s_b, z_b) = types
    s_y, z_y = out
    one = scale32(1.0)
    a32 = rescale(a.astype(np.int64), one, z_a, 0, 32, double_round)
    b32 = rescale(b.astype(np.int64), one, z_b, 0, 32, double_round)
    product = a32 * b32
    assert all(-(2**31) <= v < 2**31 for v in np.asarray(product).flat)
    return rescale(product, scale32(s_a * s_b / s_y), 0, z_y, 8,
                   double_round)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2031)
    codes = np.arange(-128, 128)
    cases = [
        ("pairs", codes.reshape(256, 1), codes,
         [(0.0392, -5), (0.0213, 17)], (0.0517, -9)),
        ("gate", rng.integers(-128, 128, (4, 8, 16, 16)),
         rng.integers(-128, 128, (4, 8, 1, 1)),
         [(0.031, 3), (1.0 / 256, -128)], (0.029, 1)),
        ("apart", rng.integers(-128, 128, (8, 32, 32)),
         rng.integers(-128, 128, (32,)),
         [(2.5, 0), (0.0007, -100)], (0.6, 4)),
    ]
    for name, a, b, types, result in cases:
        a, b = np.asarray(a), np.asarray(b)
        (s_a, z_a), (s_b, z_b) = types
        s_y, z_y = result
        shape = np.broadcast_shapes(a.shape, b.shape)
        ta = tensor_type(a.shape, 8, s_a, z_a)
        tb = tensor_type(b.shape, 8, s_b, z_b)
        ty = tensor_type(shape, 8, s_y, z_y)
        with open(os.path.join(out, name + ".mlir"), "w") as f:
            f.write(
                f"func.func @main(%a: {ta}, %b: {tb}) -> ({ty}, {ty}) {{\n"
                f"  %y = qsim.mul %a, %b : ({ta}, {tb}) -> {ty}\n"
                f"  %r = qsim.mul %a, %b {{clamp_min = {z_y} : i64}} "
                f": ({ta}, {tb}) -> {ty}\n"
                f"  return %y, %r : {ty}, {ty}\n}}\n")
        np.save(os.path.join(out, f"{name}-a.npy"), a.astype(np.int8))
        np.save(os.path.join(out, f"{name}-b.npy"), b.astype(np.int8))
        for mode, double_round in (("double", True), ("single", False)):
            y = np.broadcast_to(
                tosa_mul(a, b, types, result, double_round), shape)
            np.save(os.path.join(out, f"{name}-{mode}-mul.npy"),
                    y.astype(np.int8))
            np.save(os.path.join(out, f"{name}-{mode}-relu.npy"),
                    np.maximum(y, z_y).astype(np.int8))
    print(f"tosa_mul_cases: {len(cases)} cases")


if __name__ == "__main__":
    main()
