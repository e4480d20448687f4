#!/usr/bin/env python3
"""TOSA's integer AVG_POOL2D, modelled in NumPy from the TOSA specification.

  gen DIR   writes, for each case, DIR/CASE.mlir (one qsim.avg_pool2d,
            half_even, padding not counted), DIR/CASE-x.npy (NCHW storage
            integers) and DIR/CASE-tosa.npy, the output of TOSA's
            AVG_POOL2D computed here. Prints the number of cases.

The specification (TOSA 1.0, AVG_POOL2D and reciprocal_scale): for each
output, acc = the int32 sum of (x - input_zp) over the window's taps that
lie inside the input, count = their number, and

    k = 32 - count_leading_zeros(count - 1)
    multiplier = (((1 << 30) + 1) << k) // count,  shift = 30 + k
    acc = apply_scale_32(acc, multiplier, shift, double_round = false)
    y = clamp(acc + output_zp, type's minimum, maximum)

Nothing here is taken from qsim. The cases: padded and strided 3x3
windows (counts 4, 6 and 9), a window that overhangs the padding unevenly,
a global 7x7 pool, a 1x1 pool (count 1) and an i16 pool.
"""

import os
import sys

import numpy as np


def reciprocal_scale(count):
    k = (count - 1).bit_length()  # 32 - clz32(count - 1)
    return (((1 << 30) + 1) << k) // count, 30 + k


def apply_scale_32(value, multiplier, shift):
    assert -(1 << (shift - 1)) <= value < (1 << (shift - 1))
    return (value * multiplier + (1 << (shift - 1))) >> shift


def tosa_avg_pool(x, kernel, stride, pad, zx, zy, bits):
    """x NCHW; pad [top, left, bottom, right] (qsim's order)."""
    n, c, h, w = x.shape
    oh = (h + pad[0] + pad[2] - kernel[0]) // stride[0] + 1
    ow = (w + pad[1] + pad[3] - kernel[1]) // stride[1] + 1
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    y = np.zeros((n, c, oh, ow), dtype=np.int64)
    xs = x.astype(np.int64) - zx
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * stride[0] - pad[0], j * stride[1] - pad[1]
            ys = range(max(y0, 0), min(y0 + kernel[0], h))
            xr = range(max(x0, 0), min(x0 + kernel[1], w))
            count = len(ys) * len(xr)
            multiplier, shift = reciprocal_scale(count)
            window = xs[:, :, ys.start:ys.stop, xr.start:xr.stop]
            sums = window.sum(axis=(2, 3))
            for nn in range(n):
                for cc in range(c):
                    acc = int(sums[nn, cc])
                    assert -(1 << 31) <= acc < (1 << 31)
                    v = apply_scale_32(acc, multiplier, shift) + zy
                    y[nn, cc, i, j] = min(max(v, lo), hi)
    return y


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2030)
    # name, shape, kernel, stride, padding, zx, zy, bits, scale
    cases = [
        ("padded", (4, 8, 13, 13), (3, 3), (2, 2), (1, 1, 1, 1), -3, 7, 8,
         0.05),
        ("uneven", (2, 4, 9, 11), (3, 2), (2, 3), (2, 1, 0, 1), 5, -9, 8,
         0.125),
        ("global", (8, 16, 7, 7), (7, 7), (1, 1), (0, 0, 0, 0), -128, -128,
         8, 0.0235),
        ("one", (2, 4, 5, 5), (1, 1), (1, 1), (0, 0, 0, 0), 12, -12, 8,
         0.5),
        ("wide", (2, 4, 8, 8), (3, 3), (1, 1), (1, 1, 1, 1), 0, 0, 16,
         0.001),
    ]
    for name, shape, kernel, stride, pad, zx, zy, bits, scale in cases:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1))
        x = rng.integers(lo, hi, shape)
        y = tosa_avg_pool(x, kernel, stride, pad, zx, zy, bits)
        storage = np.int8 if bits == 8 else np.int16
        np.save(os.path.join(out, f"{name}-x.npy"), x.astype(storage))
        np.save(os.path.join(out, f"{name}-tosa.npy"), y.astype(storage))

        def ttype(dims, zero):
            suffix = f":{zero}" if zero else ""
            return (f"tensor<{'x'.join(str(d) for d in dims)}x"
                    f"!quant.uniform<i{bits}:f32, {scale!r}{suffix}>>")

        tx, ty = ttype(shape, zx), ttype(y.shape, zy)
        with open(os.path.join(out, name + ".mlir"), "w") as f:
            f.write(
                f"func.func @main(%x: {tx}) -> {ty} {{\n"
                f"  %y = qsim.avg_pool2d %x {{kernel = array<i64: "
                f"{kernel[0]}, {kernel[1]}>, strides = array<i64: "
                f"{stride[0]}, {stride[1]}>, padding = array<i64: "
                f"{', '.join(str(p) for p in pad)}>}} : {tx} -> {ty}\n"
                f"  return %y : {ty}\n}}\n")
    print(f"tosa_avg_pool_cases: {len(cases)} cases")


if __name__ == "__main__":
    main()
