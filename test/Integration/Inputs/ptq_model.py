#!/usr/bin/env python3
"""A small float CNN for the post-training quantization end-to-end test.

  gen DIR             writes DIR/model.mlir (conv-relu, conv-relu, flatten,
                      linear, in the linalg form torch-mlir emits),
                      DIR/calib.npy, DIR/test.npy and DIR/float.npy (NumPy's
                      float output on test.npy)
  check DIR STATS OUT simulates the INT8 model that qsim-ptq builds from
                      STATS (per-channel symmetric i8 weights, u8 asymmetric
                      activations, int32 bias, float64 requantization, fused
                      ReLU) in plain NumPy, independently of qsim, and checks
                      that OUT (qsim-run's output on test.npy) equals it bit
                      for bit and stays near the float output.
  check-tosa DIR STATS OUT
                      the same for qsim-ptq target=tosa: i8 activations,
                      values and weights scaled by the float32 reciprocal
                      of the scale, and each requantization as the TOSA
                      specification's RESCALE (apply_scale_32 with
                      double_round) with the scale32 multiplier and shift,
                      on DIR/many.npy (4,000 images)
  check-many DIR STATS OUT
                      the first simulation on DIR/many.npy
  check-tflite DIR STATS OUT
                      qsim-ptq target=tflite, written from the TFLite
                      converter's and kernels' definitions: parameters as
                      the MLIR quantizer's fakeQuantAttrsToType picks them
                      (float64, the zero point from the bound with the
                      smaller error, rounded half away from zero, the scale
                      stored as float32), narrow symmetric weights,
                      quantization by round(x / s) (C's round), the bias
                      rounded half away, and the requantization of CONV_2D
                      and FULLY_CONNECTED as ruy computes it
                      (QuantizeMultiplier's pair, one rounding), on
                      DIR/many.npy
"""

import json
import math
import os
import sys

import numpy as np

# TFLite's QuantizeMultiplier and ruy's single rounding, as the fixed-point
# conformance test writes them from TFLite's and ruy's definitions.
from fixed_point_reference import encode_tflite, reference

RNG = np.random.default_rng(7)
W1 = RNG.normal(0, 0.4, (4, 1, 3, 3)).astype(np.float32)
B1 = RNG.normal(0, 0.1, (4,)).astype(np.float32)
W2 = RNG.normal(0, 0.3, (4, 4, 3, 3)).astype(np.float32)
B2 = RNG.normal(0, 0.1, (4,)).astype(np.float32)
WF = RNG.normal(0, 0.3, (3, 36)).astype(np.float32)  # [F, K] as PyTorch stores it
BF = RNG.normal(0, 0.1, (3,)).astype(np.float32)
CALIB = RNG.uniform(-1, 1, (200, 1, 6, 6)).astype(np.float32)
TEST = RNG.uniform(-1, 1, (10, 1, 6, 6)).astype(np.float32)
# More images for the comparisons whose roundings differ rarely.
MANY = RNG.uniform(-1, 1, (4000, 1, 6, 6)).astype(np.float32)


def conv(x, w, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return y


def float_model(x):
    y1 = np.maximum(conv(x, W1, 1, 1) + B1.reshape(1, -1, 1, 1), 0)
    y2 = np.maximum(conv(y1, W2, 2, 1) + B2.reshape(1, -1, 1, 1), 0)
    return (y2.reshape(len(x), -1) @ WF.T + BF).astype(np.float32)


def affine(a, b, qmin, qmax, symmetric):
    a, b = min(a, 0.0), max(b, 0.0)
    if symmetric:
        m = max(abs(a), abs(b))
        a, b = -m, m
    s = (b - a) / (qmax - qmin) if b > a else 1.0
    z = np.round((qmin + qmax) / 2) if symmetric else np.round(qmin - a / s)
    return s, int(np.clip(z, qmin, qmax))


def quantize(x, s, z, qmin, qmax):
    q = np.round(np.asarray(x, np.float32) / np.float32(s)).astype(np.int64) + z
    return np.clip(q, qmin, qmax)


def quantize_reciprocal(x, s, z, qmin, qmax):
    r = np.float32(1.0) / np.float32(s)
    q = np.round(np.asarray(x, np.float32) * r).astype(np.int64) + z
    return np.clip(q, qmin, qmax)


def accumulate(xq, zx, sx, w, b, stride, pad, is_conv, quantize_values,
               params=affine, weight_qmin=-128, round_bias=np.round):
    """Quantizes the weights per output channel with `params` over
    [weight_qmin, 127] and `quantize_values`, and the bias at the
    accumulator scale with `round_bias`; returns the int32 accumulator and
    its per-channel scale."""
    ws = [params(float(w[o].min()), float(w[o].max()), weight_qmin, 127, True)[0]
          for o in range(w.shape[0])]
    wq = np.stack([quantize_values(w[o], ws[o], 0, weight_qmin, 127)
                   for o in range(w.shape[0])])
    acc_scale = np.array([sx * s for s in ws])
    bq = np.clip(round_bias(b.astype(np.float64) / acc_scale), -2**31, 2**31 - 1)
    x = (xq - zx).astype(np.int64)
    if is_conv:
        acc = conv(x, wq.astype(np.int64), stride, pad) + bq.astype(np.int64).reshape(1, -1, 1, 1)
    else:
        acc = x @ wq.astype(np.int64).T + bq.astype(np.int64)
    return acc, acc_scale


def requantize_float64(acc, m):
    """round_half_even(acc * M) in float64, M per output channel (axis 1)."""
    shape = (1, -1, 1, 1) if acc.ndim == 4 else (1, -1)
    return np.round(acc.astype(np.float64) * m.reshape(shape)).astype(np.int64)


def encode_scale32(m):
    """TOSA's 32-bit scale: the frexp mantissa as a Q31 multiplier,
    rounded half away from zero, and shift = 31 - exponent."""
    mantissa, exponent = math.frexp(m)
    multiplier = math.floor(mantissa * 2**31 + 0.5)
    if multiplier == 2**31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    assert 32 <= shift <= 62, shift
    return multiplier, shift


def apply_scale_32(value, multiplier, shift):
    """The specification's apply_scale_32 with double_round = true."""
    rounding = (1 << (shift - 1)) + np.where(value >= 0, 1 << 30, -(1 << 30))
    return (value * multiplier + rounding) >> shift


def requantize_tosa(acc, m):
    """TOSA's RESCALE of each output channel (axis 1) with the scale32 pair
    of its M."""
    y = np.empty_like(acc)
    for o in range(acc.shape[1]):
        y[:, o] = apply_scale_32(acc[:, o], *encode_scale32(m[o]))
    return y


def simulate(x, stats, qmin, qmax, quantize_values, requantize,
             params=affine, weight_qmin=-128, round_bias=np.round):
    """The INT8 model with activations in [qmin, qmax] and `params`' scales
    and zero points, values and weights quantized by `quantize_values`, the
    weights over [weight_qmin, 127], biases rounded by `round_bias`,
    accumulators requantized by `requantize`, fused ReLUs clamping at the
    zero point."""
    ranges = stats["activations"]
    def activation(name):
        r = ranges["main/" + name]
        return params(r["min"], r["max"], qmin, qmax, False)
    def layer(xq, zx, sx, w, b, name, stride, pad, relu, is_conv):
        sy, zy = activation(name)
        acc, acc_scale = accumulate(xq, zx, sx, w, b, stride, pad, is_conv,
                                    quantize_values, params, weight_qmin,
                                    round_bias)
        lo = zy if relu else qmin
        return np.clip(requantize(acc, acc_scale / sy) + zy, lo, qmax), sy, zy
    sx, zx = activation("arg0")
    xq = quantize_values(x, sx, zx, qmin, qmax)
    q1, s1, z1 = layer(xq, zx, sx, W1, B1, "conv1.output", 1, 1, True, True)
    q2, s2, z2 = layer(q1, z1, s1, W2, B2, "conv2.output", 2, 1, True, True)
    qf, sf, zf = layer(q2.reshape(len(x), -1), z2, s2, WF, BF, "fc.output",
                       0, 0, False, False)
    return (np.float32(sf) * (qf - zf).astype(np.float32)).astype(np.float32)


def int8_model(x, stats):
    """qsim-ptq's default: u8 activations, division, float64."""
    return simulate(x, stats, 0, 255, quantize, requantize_float64)


def tosa_model(x, stats):
    """qsim-ptq target=tosa: i8 activations, the float32 reciprocal,
    TOSA's RESCALE with double rounding."""
    return simulate(x, stats, -128, 127, quantize_reciprocal, requantize_tosa)


def round_half_away(v):
    """C's round: ties away from zero (exact in float64 below 2^52)."""
    v = np.asarray(v, np.float64)
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def affine_tflite(a, b, qmin, qmax, symmetric):
    """The MLIR quantizer's fakeQuantAttrsToType, as the TFLite converter
    applies it to a calibrated range."""
    a, b = min(a, 0.0), max(b, 0.0)
    if symmetric:
        m = max(abs(a), abs(b))
        a, b = -m, m
    if not b > a:
        return 1.0, 0 if symmetric else qmin
    s = (b - a) / (qmax - qmin)
    from_min, from_max = qmin - a / s, qmax - b / s
    z = from_min if abs(qmin) + abs(a / s) < abs(qmax) + abs(b / s) else from_max
    z = min(max(z, qmin), qmax)
    # A .tflite stores the scale as float32.
    return float(np.float32(s)), int(round_half_away(z))


def quantize_tflite(x, s, z, qmin, qmax):
    """TFLite's reference Quantize: zero_point + round(x / scale) in
    float32, clamped."""
    scaled = np.asarray(x, np.float32) / np.float32(s)
    return np.clip(round_half_away(scaled).astype(np.int64) + z, qmin, qmax)


def requantize_ruy(acc, m):
    """ruy's MultiplyByQuantizedMultiplier: (x * q + 2^(t - 1)) >> t with
    t = 31 - shift, one rounding, with QuantizeMultiplier's pair of each
    output channel's M (axis 1)."""
    y = np.empty_like(acc)
    for o in range(acc.shape[1]):
        q, shift = encode_tflite(float(m[o]))
        y[:, o] = reference("tflite_single", acc[:, o], np.array([q]),
                            np.array([shift]))
    return y


def tflite_model(x, stats):
    """qsim-ptq target=tflite: TFLite's parameters and kernels."""
    return simulate(x, stats, -128, 127, quantize_tflite, requantize_ruy,
                    params=affine_tflite, weight_qmin=-127,
                    round_bias=round_half_away)


def dense(a):
    return np.array2string(a, separator=", ", threshold=1 << 30,
                           floatmode="unique", max_line_width=1 << 30)


def write_model(path):
    text = f"""// Generated by ptq_model.py: conv-relu, conv-relu, flatten, linear.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<?x1x6x6xf32>) -> tensor<?x3xf32> {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x1x6x6xf32>
  %w1 = arith.constant dense<{dense(W1)}> : tensor<4x1x3x3xf32>
  %b1 = arith.constant dense<{dense(B1)}> : tensor<4xf32>
  %w2 = arith.constant dense<{dense(W2)}> : tensor<4x4x3x3xf32>
  %b2 = arith.constant dense<{dense(B2)}> : tensor<4xf32>
  %wf = arith.constant dense<{dense(WF)}> : tensor<3x36xf32>
  %bf = arith.constant dense<{dense(BF)}> : tensor<3xf32>
  %p1 = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<?x1x6x6xf32> to tensor<?x1x8x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x4x6x6xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32>
  %c1 = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} ins(%p1, %w1 : tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) outs(%f1 : tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> loc("conv1")
  %a1 = linalg.generic {{indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} ins(%c1, %b1 : tensor<?x4x6x6xf32>, tensor<4xf32>) outs(%e1 : tensor<?x4x6x6xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<?x4x6x6xf32>
  %r1 = linalg.generic {{indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} ins(%a1 : tensor<?x4x6x6xf32>) outs(%e1 : tensor<?x4x6x6xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<?x4x6x6xf32>
  %p2 = tensor.pad %r1 low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<?x4x6x6xf32> to tensor<?x4x8x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x4x3x3xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x4x3x3xf32>) -> tensor<?x4x3x3xf32>
  %c2 = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}} ins(%p2, %w2 : tensor<?x4x8x8xf32>, tensor<4x4x3x3xf32>) outs(%f2 : tensor<?x4x3x3xf32>) -> tensor<?x4x3x3xf32> loc("conv2")
  %a2 = linalg.generic {{indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} ins(%c2, %b2 : tensor<?x4x3x3xf32>, tensor<4xf32>) outs(%e2 : tensor<?x4x3x3xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<?x4x3x3xf32>
  %r2 = linalg.generic {{indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}} ins(%a2 : tensor<?x4x3x3xf32>) outs(%e2 : tensor<?x4x3x3xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<?x4x3x3xf32>
  %flat = tensor.collapse_shape %r2 [[0], [1, 2, 3]] : tensor<?x4x3x3xf32> into tensor<?x36xf32>
  %wte = tensor.empty() : tensor<36x3xf32>
  %wt = linalg.transpose ins(%wf : tensor<3x36xf32>) outs(%wte : tensor<36x3xf32>) permutation = [1, 0]
  %e3 = tensor.empty(%n) : tensor<?x3xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %mm = linalg.matmul ins(%flat, %wt : tensor<?x36xf32>, tensor<36x3xf32>) outs(%f3 : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc")
  %y = linalg.generic {{indexing_maps = [#id2, #ch2, #id2], iterator_types = ["parallel", "parallel"]}} ins(%mm, %bf : tensor<?x3xf32>, tensor<3xf32>) outs(%e3 : tensor<?x3xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}}
"""
    with open(path, "w") as f:
        f.write(text)


def main():
    if sys.argv[1] == "gen":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        write_model(os.path.join(out, "model.mlir"))
        np.save(os.path.join(out, "calib.npy"), CALIB)
        np.save(os.path.join(out, "test.npy"), TEST)
        np.save(os.path.join(out, "many.npy"), MANY)
        np.save(os.path.join(out, "float.npy"), float_model(TEST))
        return 0
    mode, out, stats_path, result_path = sys.argv[1:]
    with open(stats_path) as f:
        stats = json.load(f)
    # check-tosa and check-many run on many.npy, check on test.npy.
    images = TEST if mode == "check" else MANY
    model = {"check-tosa": tosa_model,
             "check-tflite": tflite_model}.get(mode, int8_model)
    expected = model(images, stats)
    actual = np.load(result_path)
    if actual.dtype != np.float32 or actual.shape != expected.shape:
        print(f"FAIL: got {actual.dtype} {actual.shape}, expected float32 {expected.shape}")
        return 1
    mismatches = int(np.sum(actual != expected))
    error = float(np.max(np.abs(expected - float_model(images))))
    print(f"INT8 elements differing from the NumPy simulation: {mismatches}")
    print(f"max abs error of the simulation against float: {error:.4f}")
    if mismatches and len(images) == len(TEST):
        print(dense(actual))
        print(dense(expected))
    # The random images reach outside the calibrated ranges, where the
    # error grows: only test.npy is held to the float output.
    too_far = images is TEST and error > 0.1
    return 1 if mismatches or too_far else 0


if __name__ == "__main__":
    sys.exit(main())
