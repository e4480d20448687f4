#!/usr/bin/env python3
"""Builds the bundled two-layer quantized conv net and its NumPy reference.

The float model (conv 3->4, 3x3, padding 1, ReLU; conv 4->2, 3x3, stride 2,
ReLU) has fixed pseudo-random weights. This script quantizes it with the
affine-parameter math of DESIGN.md (u8 asymmetric activations, i8 symmetric
per-channel weights, i32 biases at s_x * s_w) and

  --emit-mlir FILE   writes two-layer-convnet.mlir, which computes the float
                     model with linalg and the INT8 model with qsim ops and
                     prints both;
  --emit-npy DIR     writes DIR/input.npy and DIR/float_output.npy (the
                     float model's output computed by NumPy), for qsim-run;
  --emit-check FILE  writes FileCheck lines with the integers (and the float
                     outputs) that the JIT-run module must print, computed here
                     by a plain NumPy simulation of the integer arithmetic,
                     independent of qsim's lowering.
"""

import argparse
import os

import numpy as np

SEED = 20261126
X_SHAPE = (1, 3, 6, 6)
W1_SHAPE = (4, 3, 3, 3)
W2_SHAPE = (2, 4, 3, 3)


def affine_params(a, b, num_bits=8, symmetric=False, signed=False):
    """DESIGN.md's affine parameters for the range [a, b]."""
    qmin, qmax = ((-(2 ** (num_bits - 1)), 2 ** (num_bits - 1) - 1)
                  if signed else (0, 2 ** num_bits - 1))
    a, b = min(a, 0.0), max(b, 0.0)
    if symmetric:
        m = max(abs(a), abs(b))
        a, b = -m, m
    s = (b - a) / (qmax - qmin) if b > a else 1.0
    z = int(np.clip(np.round(qmin - a / s), qmin, qmax))
    return s, z, qmin, qmax


def quantize(x, s, z, qmin, qmax):
    """clip(round_half_to_even(x / s) + z), x / s in float32."""
    scaled = np.asarray(x, np.float32) / np.float32(s)
    return np.clip(np.round(scaled).astype(np.int64) + z, qmin, qmax)


def conv2d_float(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    y = np.zeros((n, o, oh, ow), np.float32)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return y + b.reshape(1, -1, 1, 1)


def conv2d_int(xq, zx, wq, b32, stride, pad):
    """INT32 accumulation of (x_q - z_x) * w_q; padding holds z_x."""
    x = xq.astype(np.int64) - zx
    return conv2d_float(x.astype(np.float64), wq.astype(np.float64),
                        b32.astype(np.float64), stride, pad).astype(np.int64)


def requantize(acc, m, zy, lo, hi):
    """clip(round_half_to_even(acc * M) + z_y), product in float64."""
    prod = acc.astype(np.float64) * m.reshape(1, -1, 1, 1)
    return np.clip(np.round(prod) + zy, lo, hi).astype(np.int64)


class Layer:
    def __init__(self, w, b, s_x, stride, pad, out_range):
        self.stride, self.pad = stride, pad
        self.w_scales = []
        wq = np.zeros(w.shape, np.int64)
        for o in range(w.shape[0]):
            s, z, lo, hi = affine_params(float(w[o].min()), float(w[o].max()),
                                         symmetric=True, signed=True)
            self.w_scales.append(s)
            wq[o] = quantize(w[o], s, z, lo, hi)
        self.wq = wq
        self.acc_scales = [s_x * s for s in self.w_scales]
        self.b32 = np.array([np.clip(np.round(bv / sa), -2**31, 2**31 - 1)
                             for bv, sa in zip(b.astype(np.float64), self.acc_scales)],
                            np.int64)
        self.s_y, self.z_y, _, _ = affine_params(*out_range)


def build():
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-1.0, 1.0, X_SHAPE).astype(np.float32)
    w1 = rng.normal(0.0, 0.3, W1_SHAPE).astype(np.float32)
    b1 = rng.normal(0.0, 0.1, (W1_SHAPE[0],)).astype(np.float32)
    w2 = rng.normal(0.0, 0.3, W2_SHAPE).astype(np.float32)
    b2 = rng.normal(0.0, 0.1, (W2_SHAPE[0],)).astype(np.float32)

    y1 = conv2d_float(x, w1, b1, 1, 1)
    r1 = np.maximum(y1, 0)
    y2 = conv2d_float(r1, w2, b2, 2, 1)
    r2 = np.maximum(y2, 0)

    s_x, z_x, _, _ = affine_params(float(x.min()), float(x.max()))
    # Output ranges are taken before the ReLU, so z_y > 0 and the fused ReLU
    # visibly clamps at z_y.
    l1 = Layer(w1, b1, s_x, 1, 1, (float(y1.min()), float(y1.max())))
    l2 = Layer(w2, b2, l1.s_y, 2, 1, (float(y2.min()), float(y2.max())))

    xq = quantize(x, s_x, z_x, 0, 255)
    acc1 = conv2d_int(xq, z_x, l1.wq, l1.b32, 1, 1)
    q1 = requantize(acc1, np.array(l1.acc_scales) / l1.s_y, l1.z_y, l1.z_y, 255)
    acc2 = conv2d_int(q1, l1.z_y, l2.wq, l2.b32, 2, 1)
    q2 = requantize(acc2, np.array(l2.acc_scales) / l2.s_y, l2.z_y, l2.z_y, 255)
    deq = (np.float32(l2.s_y) * (q2 - l2.z_y).astype(np.float32)).astype(np.float32)
    return dict(x=x, w1=w1, b1=b1, w2=w2, b2=b2, r2=r2, s_x=s_x, z_x=z_x,
                l1=l1, l2=l2, xq=xq, q2=q2, deq=deq)


def fmt_f(v):
    return np.format_float_scientific(np.float32(v), unique=True)


def dense(arr, fmt):
    if arr.ndim == 0:
        return fmt(arr)
    return "[" + ", ".join(dense(a, fmt) for a in arr) + "]"


def uniform(s, z=None):
    return f"{repr(float(s))}" + ("" if z is None else f":{z}")


def emit_mlir(m, path):
    l1, l2 = m["l1"], m["l2"]
    xt = f"!quant.uniform<u8:f32, {uniform(m['s_x'], m['z_x'])}>"
    w1t = "!quant.uniform<i8:f32:0, {" + ", ".join(map(repr, l1.w_scales)) + "}>"
    a1t = "!quant.uniform<i32:f32:1, {" + ", ".join(map(repr, l1.acc_scales)) + "}>"
    y1t = f"!quant.uniform<u8:f32, {uniform(l1.s_y, l1.z_y)}>"
    w2t = "!quant.uniform<i8:f32:0, {" + ", ".join(map(repr, l2.w_scales)) + "}>"
    a2t = "!quant.uniform<i32:f32:1, {" + ", ".join(map(repr, l2.acc_scales)) + "}>"
    y2t = f"!quant.uniform<u8:f32, {uniform(l2.s_y, l2.z_y)}>"
    i = lambda a: dense(a, lambda v: str(int(v)))
    f = lambda a: dense(a, fmt_f)
    text = f"""// A two-layer conv net, float and INT8, generated by make_convnet.py.
//
// conv 3->4 (3x3, padding 1) + ReLU, conv 4->2 (3x3, stride 2, padding 1)
// + ReLU. The INT8 model quantizes the input to u8, uses i8 symmetric
// per-channel weights and i32 biases, requantizes each accumulator to u8
// with the ReLU fused into the requantize clamp, and dequantizes the output.
// `main` prints the float output, the INT8 output's storage integers and
// their dequantized values.

!x = {xt}
!w1 = {w1t}
!acc1 = {a1t}
!y1 = {y1t}
!w2 = {w2t}
!acc2 = {a2t}
!y2 = {y2t}

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @input() -> tensor<1x3x6x6xf32> {{
  %x = arith.constant dense<{f(m['x'])}> : tensor<1x3x6x6xf32>
  return %x : tensor<1x3x6x6xf32>
}}

// Adds a per-channel bias and applies ReLU.
func.func @bias_relu(%y: tensor<1x?x?x?xf32>, %b: tensor<?xf32>) -> tensor<1x?x?x?xf32> {{
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {{indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%b : tensor<?xf32>) outs(%y : tensor<1x?x?x?xf32>) {{
  ^bb0(%bv: f32, %yv: f32):
    %s = arith.addf %yv, %bv : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<1x?x?x?xf32>
  return %r : tensor<1x?x?x?xf32>
}}

func.func @float_model(%x: tensor<1x3x6x6xf32>) -> tensor<1x2x3x3xf32> {{
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<{f(m['w1'])}> : tensor<4x3x3x3xf32>
  %b1 = arith.constant dense<{f(m['b1'])}> : tensor<4xf32>
  %w2 = arith.constant dense<{f(m['w2'])}> : tensor<2x4x3x3xf32>
  %b2 = arith.constant dense<{f(m['b2'])}> : tensor<2xf32>
  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<1x3x6x6xf32> to tensor<1x3x8x8xf32>
  %e1 = tensor.empty() : tensor<1x4x6x6xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c1 = linalg.conv_2d_nchw_fchw ins(%xp, %w1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%z1 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c1d = tensor.cast %c1 : tensor<1x4x6x6xf32> to tensor<1x?x?x?xf32>
  %b1d = tensor.cast %b1 : tensor<4xf32> to tensor<?xf32>
  %r1d = call @bias_relu(%c1d, %b1d) : (tensor<1x?x?x?xf32>, tensor<?xf32>) -> tensor<1x?x?x?xf32>
  %r1 = tensor.cast %r1d : tensor<1x?x?x?xf32> to tensor<1x4x6x6xf32>
  %rp = tensor.pad %r1 low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<1x4x6x6xf32> to tensor<1x4x8x8xf32>
  %e2 = tensor.empty() : tensor<1x2x3x3xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %c2 = linalg.conv_2d_nchw_fchw {{strides = dense<2> : tensor<2xi64>}} ins(%rp, %w2 : tensor<1x4x8x8xf32>, tensor<2x4x3x3xf32>) outs(%z2 : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %c2d = tensor.cast %c2 : tensor<1x2x3x3xf32> to tensor<1x?x?x?xf32>
  %b2d = tensor.cast %b2 : tensor<2xf32> to tensor<?xf32>
  %r2d = call @bias_relu(%c2d, %b2d) : (tensor<1x?x?x?xf32>, tensor<?xf32>) -> tensor<1x?x?x?xf32>
  %r2 = tensor.cast %r2d : tensor<1x?x?x?xf32> to tensor<1x2x3x3xf32>
  return %r2 : tensor<1x2x3x3xf32>
}}

func.func @int8_model(%x: tensor<1x3x6x6xf32>) -> tensor<1x2x3x3x!y2> {{
  %w1i = arith.constant dense<{i(l1.wq)}> : tensor<4x3x3x3xi8>
  %b1 = arith.constant dense<{i(l1.b32)}> : tensor<4xi32>
  %w2i = arith.constant dense<{i(l2.wq)}> : tensor<2x4x3x3xi8>
  %b2 = arith.constant dense<{i(l2.b32)}> : tensor<2xi32>
  %w1 = quant.scast %w1i : tensor<4x3x3x3xi8> to tensor<4x3x3x3x!w1>
  %w2 = quant.scast %w2i : tensor<2x4x3x3xi8> to tensor<2x4x3x3x!w2>
  %xq = qsim.quantize %x : tensor<1x3x6x6xf32> -> tensor<1x3x6x6x!x>
  %acc1 = qsim.conv2d %xq, %w1, %b1 {{padding = array<i64: 1, 1, 1, 1>}}
      : (tensor<1x3x6x6x!x>, tensor<4x3x3x3x!w1>, tensor<4xi32>) -> tensor<1x4x6x6x!acc1>
  %y1 = qsim.requantize %acc1 : tensor<1x4x6x6x!acc1> -> tensor<1x4x6x6x!y1>
  %r1 = qsim.relu %y1 : tensor<1x4x6x6x!y1>
  %acc2 = qsim.conv2d %r1, %w2, %b2 {{strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}}
      : (tensor<1x4x6x6x!y1>, tensor<2x4x3x3x!w2>, tensor<2xi32>) -> tensor<1x2x3x3x!acc2>
  %y2 = qsim.requantize %acc2 : tensor<1x2x3x3x!acc2> -> tensor<1x2x3x3x!y2>
  %r2 = qsim.relu %y2 : tensor<1x2x3x3x!y2>
  return %r2 : tensor<1x2x3x3x!y2>
}}

func.func @main() {{
  %x = call @input() : () -> tensor<1x3x6x6xf32>
  %f = call @float_model(%x) : (tensor<1x3x6x6xf32>) -> tensor<1x2x3x3xf32>
  %fp = tensor.cast %f : tensor<1x2x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%fp) : (tensor<*xf32>) -> ()

  %q = call @int8_model(%x) : (tensor<1x3x6x6xf32>) -> tensor<1x2x3x3x!y2>
  %qs = quant.scast %q : tensor<1x2x3x3x!y2> to tensor<1x2x3x3xi8>
  %qw = arith.extui %qs : tensor<1x2x3x3xi8> to tensor<1x2x3x3xi32>
  %qp = tensor.cast %qw : tensor<1x2x3x3xi32> to tensor<*xi32>
  call @printMemrefI32(%qp) : (tensor<*xi32>) -> ()

  %d = qsim.dequantize %q : tensor<1x2x3x3x!y2> -> tensor<1x2x3x3xf32>
  %dp = tensor.cast %d : tensor<1x2x3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%dp) : (tensor<*xf32>) -> ()
  return
}}
"""
    with open(path, "w") as out:
        out.write(text)


def emit_check(m, path):
    lines = []
    for name, arr, conv in (("float output", m["r2"], None),
                            ("INT8 storage", m["q2"], int),
                            ("INT8 dequantized", m["deq"], None)):
        lines.append(f"// {name}")
        lines.append("// CHECK: rank = 4 offset = 0 sizes = [1, 2, 3, 3]")
        flat = arr.reshape(-1, arr.shape[-1])
        for row in flat:
            if conv is int:
                vals = ", ".join(str(int(v)) for v in row)
            else:
                # printMemrefF32 prints six significant digits; match them
                # up to the last digit, which float32 rounding may move.
                vals = ", ".join(f"{{{{{np.format_float_positional(np.float32(v), precision=6, unique=False, fractional=False, trim='-')[:-1]}[0-9]*}}}}"
                                 if abs(v) >= 1e-6 else "0" for v in row)
            lines.append(f"// CHECK: {vals}")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emit-mlir")
    parser.add_argument("--emit-check")
    parser.add_argument("--emit-npy")
    args = parser.parse_args()
    model = build()
    if args.emit_mlir:
        emit_mlir(model, args.emit_mlir)
    if args.emit_check:
        emit_check(model, args.emit_check)
    if args.emit_npy:
        os.makedirs(args.emit_npy, exist_ok=True)
        np.save(os.path.join(args.emit_npy, "input.npy"), model["x"])
        np.save(os.path.join(args.emit_npy, "float_output.npy"),
                model["r2"].astype(np.float32))
        np.save(os.path.join(args.emit_npy, "int8_output.npy"),
                model["q2"].astype(np.uint8))


if __name__ == "__main__":
    main()
