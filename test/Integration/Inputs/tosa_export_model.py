#!/usr/bin/env python3
"""A qsim program of every op that --convert-qsim-to-tosa exports.

  gen DIR   writes DIR/layers.mlir and DIR/input.npy

layers.mlir takes a float [N, 4, 9, 9] input and returns four dequantized
branches, so that every exported op shows in an output:

  0  quantize (x * (1/s), s = 1/16), depthwise conv (groups 4, 2 channels
     each, stride 2, padding top/left only, so that TOSA needs a slice of
     the input), requantize with a fused ReLU, 2x2 max pool whose bottom and
     right padding TOSA drops;
  1  conv with dilation 2, per-tensor weights with zero point 3 and no
     bias, a per-tensor requantization with a clamp_max, qsim.clamp and
     qsim.relu;
  2  1x1 conv of stride 3 (two unread rows and columns), collapse_shape,
     linear without bias, requantize, table;
  3  requantize of the i8 input to another i8 type, concatenated with its
     ReLU along the channels.

Every requantize is half_even; the test sets the TOSA rounding with
--qsim-set-rounding, which computes the multipliers and shifts. Each output
scale keeps M = s_acc / s_y below 1/60 so that the specification's input
range holds for the accumulators. The input mixes uniform values with the
values that quantization treats specially: ties of x * 16 (exact in
float32), NaN, infinities, signed zeros and values far outside the range.
"""

import os
import sys

import numpy as np

RNG = np.random.default_rng(2026)
S_X = 0.0625
Z_X = -7


def per_tensor(storage, scale, zero=0):
    return f"!quant.uniform<{storage}:f32, {scale!r}:{zero}>"


def per_axis(storage, axis, scales):
    body = ",".join(repr(float(s)) for s in scales)
    return f"!quant.uniform<{storage}:f32:{axis}, {{{body}}}>"


def dense(values, shape, element):
    nested = np.asarray(values, dtype=np.int64).reshape(shape).tolist()
    dims = "x".join(str(d) for d in shape)
    return f"dense<{nested}> : tensor<{dims}x{element}>"


def weights(shape):
    return RNG.integers(-127, 128, size=shape)


def output_scales(acc_scales):
    return [s * RNG.uniform(60, 600) for s in acc_scales]


def gen(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    x_type = per_tensor("i8", S_X, Z_X)
    lines = []
    emit = lines.append
    emit("func.func @main(%x: tensor<?x4x9x9xf32>) -> (tensor<?x8x2x2xf32>, "
         "tensor<?x6x9x9xf32>, tensor<?x5xf32>, tensor<?x8x9x9xf32>) {")
    emit(f"  %q = qsim.quantize %x {{scaling = #qsim.scaling<reciprocal>}} "
         f": tensor<?x4x9x9xf32> -> tensor<?x4x9x9x{x_type}>")

    # Branch 0: depthwise conv, requantize + ReLU, max pool.
    w_scales = RNG.uniform(0.002, 0.02, 8)
    acc_scales = [S_X * s for s in w_scales]
    y_scale = max(output_scales(acc_scales))
    y_zero = -20
    w0 = per_axis("i8", 0, w_scales)
    acc0 = per_axis("i32", 1, acc_scales)
    y0 = per_tensor("i8", y_scale, y_zero)
    emit(f"  %w0s = arith.constant {dense(weights((8, 1, 3, 3)), (8, 1, 3, 3), 'i8')}")
    emit(f"  %w0 = quant.scast %w0s : tensor<8x1x3x3xi8> to tensor<8x1x3x3x{w0}>")
    emit(f"  %b0 = arith.constant {dense(RNG.integers(-3000, 3000, 8), (8,), 'i32')}")
    emit(f"  %acc0 = qsim.conv2d %q, %w0, %b0 {{groups = 4 : i64, "
         f"strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>}} "
         f": (tensor<?x4x9x9x{x_type}>, tensor<8x1x3x3x{w0}>, tensor<8xi32>) "
         f"-> tensor<?x8x4x4x{acc0}>")
    emit(f"  %r0 = qsim.requantize %acc0 {{clamp_min = {y_zero} : i64}} "
         f": tensor<?x8x4x4x{acc0}> -> tensor<?x8x4x4x{y0}>")
    emit(f"  %p0 = qsim.max_pool2d %r0 {{kernel = array<i64: 2, 2>, "
         f"strides = array<i64: 2, 2>, padding = array<i64: 0, 0, 1, 1>}} "
         f": tensor<?x8x4x4x{y0}> -> tensor<?x8x2x2x{y0}>")
    emit(f"  %out0 = qsim.dequantize %p0 : tensor<?x8x2x2x{y0}> -> tensor<?x8x2x2xf32>")

    # Branch 1: dilated conv, per-tensor weights with a zero point.
    w_scale = 0.01
    acc_scale = S_X * w_scale
    y_scale = output_scales([acc_scale])[0]
    w1 = per_tensor("i8", w_scale, 3)
    acc1 = per_tensor("i32", acc_scale)
    y1 = per_tensor("i8", y_scale, 5)
    emit(f"  %w1s = arith.constant {dense(RNG.integers(-120, 120, (6, 4, 3, 3)), (6, 4, 3, 3), 'i8')}")
    emit(f"  %w1 = quant.scast %w1s : tensor<6x4x3x3xi8> to tensor<6x4x3x3x{w1}>")
    emit(f"  %acc1 = qsim.conv2d %q, %w1 {{dilations = array<i64: 2, 2>, "
         f"padding = array<i64: 2, 2, 2, 2>}} "
         f": (tensor<?x4x9x9x{x_type}>, tensor<6x4x3x3x{w1}>) -> tensor<?x6x9x9x{acc1}>")
    emit(f"  %r1 = qsim.requantize %acc1 {{clamp_max = 100 : i64}} "
         f": tensor<?x6x9x9x{acc1}> -> tensor<?x6x9x9x{y1}>")
    emit(f"  %c1 = qsim.clamp %r1 {{min = {-40 * y_scale!r}, max = {60 * y_scale!r}}} "
         f": tensor<?x6x9x9x{y1}>")
    emit(f"  %l1 = qsim.relu %c1 : tensor<?x6x9x9x{y1}>")
    emit(f"  %out1 = qsim.dequantize %l1 : tensor<?x6x9x9x{y1}> -> tensor<?x6x9x9xf32>")

    # Branch 2: strided 1x1 conv, flatten, linear, table.
    w_scales = RNG.uniform(0.002, 0.02, 3)
    acc_scales = [S_X * s for s in w_scales]
    y_scale = max(output_scales(acc_scales))
    w2 = per_axis("i8", 0, w_scales)
    acc2 = per_axis("i32", 1, acc_scales)
    y2 = per_tensor("i8", y_scale, 0)
    emit(f"  %w2s = arith.constant {dense(weights((3, 4, 1, 1)), (3, 4, 1, 1), 'i8')}")
    emit(f"  %w2 = quant.scast %w2s : tensor<3x4x1x1xi8> to tensor<3x4x1x1x{w2}>")
    emit(f"  %acc2 = qsim.conv2d %q, %w2 {{strides = array<i64: 3, 3>}} "
         f": (tensor<?x4x9x9x{x_type}>, tensor<3x4x1x1x{w2}>) -> tensor<?x3x3x3x{acc2}>")
    emit(f"  %r2 = qsim.requantize %acc2 : tensor<?x3x3x3x{acc2}> -> tensor<?x3x3x3x{y2}>")
    emit(f"  %f2 = tensor.collapse_shape %r2 [[0], [1, 2, 3]] "
         f": tensor<?x3x3x3x{y2}> into tensor<?x27x{y2}>")
    fc_scales = RNG.uniform(0.002, 0.02, 5)
    fc_acc = [y_scale * s for s in fc_scales]
    z_scale = max(output_scales(fc_acc))
    wf = per_axis("i8", 0, fc_scales)
    accf = per_axis("i32", 1, fc_acc)
    z2 = per_tensor("i8", z_scale, 9)
    t2 = per_tensor("i8", 0.05, -3)
    emit(f"  %wfs = arith.constant {dense(weights((5, 27)), (5, 27), 'i8')}")
    emit(f"  %wf = quant.scast %wfs : tensor<5x27xi8> to tensor<5x27x{wf}>")
    emit(f"  %accf = qsim.linear %f2, %wf : (tensor<?x27x{y2}>, tensor<5x27x{wf}>) "
         f"-> tensor<?x5x{accf}>")
    emit(f"  %rf = qsim.requantize %accf : tensor<?x5x{accf}> -> tensor<?x5x{z2}>")
    table = dense(RNG.integers(-128, 128, 256), (256,), "i32")
    emit(f"  %tf = qsim.table %rf {{table = {table}}} : tensor<?x5x{z2}> -> tensor<?x5x{t2}>")
    emit(f"  %out2 = qsim.dequantize %tf : tensor<?x5x{t2}> -> tensor<?x5xf32>")

    # Branch 3: i8 to i8 requantization, concat.
    y3 = per_tensor("i8", S_X * 1.37, 4)
    emit(f"  %r3 = qsim.requantize %q : tensor<?x4x9x9x{x_type}> -> tensor<?x4x9x9x{y3}>")
    emit(f"  %l3 = qsim.relu %r3 : tensor<?x4x9x9x{y3}>")
    emit(f"  %c3 = qsim.concat %r3, %l3 {{axis = 1 : i64}} : (tensor<?x4x9x9x{y3}>, "
         f"tensor<?x4x9x9x{y3}>) -> tensor<?x8x9x9x{y3}>")
    emit(f"  %out3 = qsim.dequantize %c3 : tensor<?x8x9x9x{y3}> -> tensor<?x8x9x9xf32>")
    emit("  return %out0, %out1, %out2, %out3 : tensor<?x8x2x2xf32>, "
         "tensor<?x6x9x9xf32>, tensor<?x5xf32>, tensor<?x8x9x9xf32>")
    emit("}")
    with open(os.path.join(out_dir, "layers.mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")

    n = 64
    x = RNG.uniform(-10, 10, (n, 4, 9, 9)).astype(np.float32)
    # Half of the images on exact ties of x * 16, the values that tell
    # rounding half to even from half away from zero.
    ties = (RNG.integers(-160, 160, (n // 2, 4, 9, 9)) + 0.5) / 16
    x[: n // 2] = ties.astype(np.float32)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30,
                        7.96875, -8.03125, 3e-39], dtype=np.float32)
    flat = x.reshape(-1)
    spots = RNG.choice(flat.size, 2000, replace=False)
    flat[spots] = special[np.arange(spots.size) % special.size]
    np.save(os.path.join(out_dir, "input.npy"), x)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    gen(sys.argv[2])


if __name__ == "__main__":
    main()
