#!/usr/bin/env python3
"""An integer TOSA program as a TOSA front end writes an int8 model.

  gen DIR   writes DIR/model.mlir and DIR/input.npy

model.mlir takes an int8 NHWC image batch [N, 8, 8, 3] (zero point -5)
and returns five branches, written here from the TOSA specification's op
definitions rather than by qsim's export:

  0  conv2d 3x3 (input zero point -5, bias), per-channel DOUBLE_ROUND
     rescale to i8 (zero point -128) with a clamp to [-128, 40];
     depthwise_conv2d 3x3 with channel multiplier 2, stride 2, per-channel
     SINGLE_ROUND rescale; max_pool2d 2x2 of stride 1 with bottom/right
     padding;
  1  the image as rows [1, N * 64, 3], matmul by a [1, 3, 5] matrix (zero
     points -5 and 2), add of a [1, 1, 5] bias, per-channel DOUBLE_ROUND
     rescale to i16, clamp to [-1000, 30000];
  2  TFLite's ADD as its TOSA legalization writes it: both operands (the
     image and its clamp to [0, 127]) rescaled to i32 with a left shift,
     an i32 add, and a rescale of the sum back to i8;
  3  a per-channel rescale of the image to another i8 type, and a clamp;
  4  an unsigned rescale (the image read as u8, written as i8), which the
     import leaves TOSA.

The multipliers are drawn in [2^30, 2^31) with shifts that spread the
outputs over their range, so the clamps and the rounding both matter.
"""

import os
import sys

import numpy as np

RNG = np.random.default_rng(2027)
Z_X = -5


def ttype(shape, element):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    return f"tensor<{dims}x{element}>"


class Writer:
    def __init__(self):
        self.lines = []
        self.count = 0

    def value(self, text):
        name = f"%v{self.count}"
        self.count += 1
        self.lines.append(f"    {name} = {text}")
        return name

    def const(self, values, shape, element):
        nested = np.asarray(values, dtype=np.int64).reshape(shape).tolist()
        t = ttype(shape, element)
        return self.value(
            f'"tosa.const"() <{{values = dense<{nested}> : {t}}}> : () -> {t}')

    def shape(self, dims):
        return self.value(
            f"tosa.const_shape {{values = dense<{list(dims)}> : "
            f"tensor<{len(dims)}xindex>}} : () -> !tosa.shape<{len(dims)}>")

    def rescale(self, x, in_shape, in_el, out_el, multipliers, shifts,
                in_zp, out_zp, rounding, per_channel, in_unsigned=False):
        m = self.const(multipliers, [len(multipliers)], "i32")
        s = self.const(shifts, [len(shifts)], "i8")
        izp = self.const([in_zp], [1], in_el)
        ozp = self.const([out_zp], [1], out_el)
        return self.value(
            f"tosa.rescale {x}, {m}, {s}, {izp}, {ozp} {{input_unsigned = "
            f"{str(in_unsigned).lower()}, output_unsigned = false, "
            f"per_channel = {str(per_channel).lower()}, rounding_mode = "
            f"{rounding}, scale32 = true}} : ({ttype(in_shape, in_el)}, "
            f"tensor<{len(multipliers)}xi32>, tensor<{len(shifts)}xi8>, "
            f"tensor<1x{in_el}>, tensor<1x{out_el}>) -> "
            f"{ttype(in_shape, out_el)}")

    def clamp(self, x, shape, element, lo, hi):
        return self.value(
            f"tosa.clamp {x} {{max_val = {hi} : {element}, min_val = {lo} : "
            f"{element}}} : ({ttype(shape, element)}) -> "
            f"{ttype(shape, element)}")


def pairs(count, shift):
    """Multipliers in [2^30, 2^31) with shifts near `shift`."""
    multipliers = RNG.integers(1 << 30, (1 << 31) - 1, size=count)
    shifts = shift + RNG.integers(-1, 2, size=count)
    return multipliers.tolist(), shifts.tolist()


def model():
    w = Writer()
    x = "%x"
    nhwc = [None, 8, 8, 3]
    results = []

    # 0: conv, depthwise, max pool.
    weights = w.const(RNG.integers(-128, 128, size=(4, 3, 3, 3)),
                      [4, 3, 3, 3], "i8")
    bias = w.const(RNG.integers(-3000, 3000, size=4), [4], "i32")
    izp, wzp = w.const([Z_X], [1], "i8"), w.const([0], [1], "i8")
    acc = w.value(
        f"tosa.conv2d {x}, {weights}, {bias}, {izp}, {wzp} {{acc_type = i32, "
        f"dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, "
        f"stride = array<i64: 1, 1>}} : ({ttype(nhwc, 'i8')}, "
        f"tensor<4x3x3x3xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> "
        f"{ttype([None, 8, 8, 4], 'i32')}")
    y = w.rescale(acc, [None, 8, 8, 4], "i32", "i8", *pairs(4, 38), 0, -128,
                  "DOUBLE_ROUND", True)
    y = w.clamp(y, [None, 8, 8, 4], "i8", -128, 40)
    weights = w.const(RNG.integers(-128, 128, size=(3, 3, 4, 2)),
                      [3, 3, 4, 2], "i8")
    bias = w.const(RNG.integers(-3000, 3000, size=8), [8], "i32")
    izp, wzp = w.const([-128], [1], "i8"), w.const([0], [1], "i8")
    acc = w.value(
        f"tosa.depthwise_conv2d {y}, {weights}, {bias}, {izp}, {wzp} "
        f"{{acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, "
        f"0, 1, 0>, stride = array<i64: 2, 2>}} : "
        f"({ttype([None, 8, 8, 4], 'i8')}, tensor<3x3x4x2xi8>, "
        f"tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> "
        f"{ttype([None, 4, 4, 8], 'i32')}")
    y = w.rescale(acc, [None, 4, 4, 8], "i32", "i8", *pairs(8, 38), 0, 3,
                  "SINGLE_ROUND", True)
    y = w.value(
        f"tosa.max_pool2d {y} {{kernel = array<i64: 2, 2>, pad = array<i64: "
        f"0, 1, 0, 1>, stride = array<i64: 1, 1>}} : "
        f"({ttype([None, 4, 4, 8], 'i8')}) -> "
        f"{ttype([None, 4, 4, 8], 'i8')}")
    results.append((y, ttype([None, 4, 4, 8], "i8")))

    # 1: matmul, bias add, rescale to i16, clamp.
    rows = w.value(
        f"tosa.reshape {x}, {w.shape([1, -1, 3])} : ({ttype(nhwc, 'i8')}, "
        f"!tosa.shape<3>) -> {ttype([1, None, 3], 'i8')}")
    matrix = w.const(RNG.integers(-128, 128, size=(1, 3, 5)), [1, 3, 5],
                     "i8")
    azp, bzp = w.const([Z_X], [1], "i8"), w.const([2], [1], "i8")
    acc = w.value(
        f"tosa.matmul {rows}, {matrix}, {azp}, {bzp} : "
        f"({ttype([1, None, 3], 'i8')}, tensor<1x3x5xi8>, tensor<1xi8>, "
        f"tensor<1xi8>) -> {ttype([1, None, 5], 'i32')}")
    bias = w.const(RNG.integers(-30000, 30000, size=(1, 1, 5)), [1, 1, 5],
                   "i32")
    acc = w.value(
        f"tosa.add {acc}, {bias} : ({ttype([1, None, 5], 'i32')}, "
        f"tensor<1x1x5xi32>) -> {ttype([1, None, 5], 'i32')}")
    y = w.rescale(acc, [1, None, 5], "i32", "i16", *pairs(5, 33), 0, 0,
                  "DOUBLE_ROUND", True)
    y = w.clamp(y, [1, None, 5], "i16", -1000, 30000)
    results.append((y, ttype([1, None, 5], "i16")))

    # 2: TFLite's ADD: left shift 20, the operands at 2S, the sum back.
    relu = w.clamp(x, nhwc, "i8", 0, 127)
    wide = []
    for operand, zp in ((x, Z_X), (relu, Z_X)):
        multiplier, shift = pairs(1, 31)
        wide.append(w.rescale(operand, nhwc, "i8", "i32", multiplier,
                              [shift[0] - 20], zp, 0, "SINGLE_ROUND", False))
    total = w.value(
        f"tosa.add {wide[0]}, {wide[1]} : ({ttype(nhwc, 'i32')}, "
        f"{ttype(nhwc, 'i32')}) -> {ttype(nhwc, 'i32')}")
    y = w.rescale(total, nhwc, "i32", "i8", *pairs(1, 52), 0, 7,
                  "DOUBLE_ROUND", False)
    results.append((y, ttype(nhwc, "i8")))

    # 3: a per-channel rescale of the image and a clamp.
    y = w.rescale(x, nhwc, "i8", "i8", *pairs(3, 31), Z_X, 10,
                  "DOUBLE_ROUND", True)
    y = w.clamp(y, nhwc, "i8", -100, 100)
    results.append((y, ttype(nhwc, "i8")))

    # 4: unsigned input: stays TOSA.
    y = w.rescale(x, nhwc, "i8", "i8", [1 << 30], [31], 128, 0,
                  "SINGLE_ROUND", False, in_unsigned=True)
    results.append((y, ttype(nhwc, "i8")))

    names = ", ".join(name for name, _ in results)
    types = ", ".join(t for _, t in results)
    body = "\n".join(w.lines)
    return (f"func.func @main(%x: {ttype(nhwc, 'i8')}) -> ({types}) {{\n"
            f"{body}\n    return {names} : {types}\n}}\n")


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "model.mlir"), "w") as f:
        f.write(model())
    image = RNG.integers(-128, 128, size=(64, 8, 8, 3)).astype(np.int8)
    image[0, 0, 0, :] = [-128, 127, Z_X]
    np.save(os.path.join(out, "input.npy"), image)


if __name__ == "__main__":
    main()
