#!/usr/bin/env python3
"""A small residual CNN for the whole-network quantization end-to-end test.

  gen DIR                 writes DIR/model.mlir (conv-relu, conv, BatchNorm,
                          residual add, relu, global average pool, flatten,
                          linear, in the linalg forms torch-mlir emits),
                          DIR/calib.npy, DIR/test.npy and DIR/float.npy
                          (NumPy's float output on test.npy)
  check DIR STATS OUT     simulates the INT8 model that qsim-ptq builds from
        [--perturb]       STATS in plain NumPy, from the documented formulas
                          (BatchNorm folded into conv2, per-channel symmetric
                          i8 weights, u8 asymmetric activations, int32 bias,
                          float64 requantization, qsim.add, qsim.avg_pool2d,
                          fused ReLUs), independently of qsim, and counts the
                          elements of OUT (qsim-run's output on test.npy)
                          that differ from it. --perturb rounds the add's two
                          rescaled operands separately instead of their sum
                          once, a negative control that must differ.
"""

import json
import os
import sys

import numpy as np

C_IN, C, H, W, F = 2, 4, 6, 6, 3
RNG = np.random.default_rng(11)
W1 = RNG.normal(0, 0.4, (C, C_IN, 3, 3)).astype(np.float32)
B1 = RNG.normal(0, 0.1, (C,)).astype(np.float32)
W2 = RNG.normal(0, 0.3, (C, C, 3, 3)).astype(np.float32)
MEAN = RNG.normal(0, 0.2, (C,)).astype(np.float32)
VAR = RNG.uniform(0.5, 2.0, (C,)).astype(np.float32)
EPS = np.float32(1e-5)
# The generator folds rsqrt(var + eps) into a constant, as torch-mlir's
# constant folding does; the model reads these float32 values.
INVSTD = (np.float32(1) / np.sqrt(VAR + EPS)).astype(np.float32)
GAMMA = RNG.uniform(0.5, 1.5, (C,)).astype(np.float32)
BETA = RNG.normal(0, 0.2, (C,)).astype(np.float32)
WF = RNG.normal(0, 0.5, (F, C)).astype(np.float32)  # [F, K] as PyTorch stores it
BF = RNG.normal(0, 0.1, (F,)).astype(np.float32)
CALIB = RNG.uniform(-1, 1, (200, C_IN, H, W)).astype(np.float32)
TEST = RNG.uniform(-1, 1, (40, C_IN, H, W)).astype(np.float32)


def conv(x, w, pad):
    """A stride-1 conv2d, NCHW / FCHW, in the dtype of x and w."""
    n, _, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = np.zeros((n, o, h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1), x.dtype)
    for i in range(y.shape[2]):
        for j in range(y.shape[3]):
            patch = xp[:, :, i:i + kh, j:j + kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return y


def channel(v):
    return v.reshape(1, -1, 1, 1)


def float_model(x):
    """The float model, op by op in float32 as the MLIR computes it."""
    y1 = np.maximum(conv(x, W1, 1) + channel(B1), 0)
    y2 = conv(y1, W2, 1)
    bn = ((y2 - channel(MEAN)) * channel(INVSTD)) * channel(GAMMA) + channel(BETA)
    r = np.maximum(bn + y1, 0)
    pooled = r.sum(axis=(2, 3), dtype=np.float32) / np.float32(H * W)
    return (pooled @ WF.T + BF).astype(np.float32)


def fold_batch_norm():
    """docs/QSim.md, "Folding BatchNorm": the four generics evaluated
    symbolically as y = a[c] x + b[c] in float64 from the f32 constants,
    then W' = a W and bias' = a bias + b (bias 0: conv2 has a zero fill) in
    float64, rounded to f32."""
    a = np.ones(C)
    b = np.zeros(C)
    # x - mean * 1.0
    b = b - MEAN.astype(np.float64) * 1.0
    # * invstd
    a, b = a * INVSTD.astype(np.float64), b * INVSTD.astype(np.float64)
    # * gamma
    a, b = a * GAMMA.astype(np.float64), b * GAMMA.astype(np.float64)
    # + beta * 1.0
    b = b + BETA.astype(np.float64) * 1.0
    w = (a.reshape(-1, 1, 1, 1) * W2.astype(np.float64)).astype(np.float32)
    bias = (a * 0.0 + b).astype(np.float32)
    return w, bias


def affine(lo, hi, qmin, qmax, symmetric):
    """DESIGN.md's affine parameters for the range [lo, hi]."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if symmetric:
        m = max(abs(lo), abs(hi))
        lo, hi = -m, m
    s = (hi - lo) / (qmax - qmin) if hi > lo else 1.0
    z = np.round((qmin + qmax) / 2) if symmetric else np.round(qmin - lo / s)
    return s, int(np.clip(z, qmin, qmax))


def quantize(x, s, z, qmin, qmax):
    q = np.round(np.asarray(x, np.float32) / np.float32(s)).astype(np.int64) + z
    return np.clip(q, qmin, qmax)


def int_layer(xq, zx, sx, w, b, sy, zy, relu, is_conv):
    """qsim.conv2d / qsim.linear with per-channel symmetric i8 weights and
    an int32 bias, then qsim.requantize with the ReLU fused as lo = z_y."""
    ws = [affine(float(w[o].min()), float(w[o].max()), -128, 127, True)[0]
          for o in range(w.shape[0])]
    wq = np.stack([quantize(w[o], ws[o], 0, -128, 127) for o in range(w.shape[0])])
    acc_scale = np.array([sx * s for s in ws])
    bq = np.clip(np.round(b.astype(np.float64) / acc_scale), -2**31, 2**31 - 1)
    x = (xq - zx).astype(np.int64)
    if is_conv:
        acc = conv(x, wq.astype(np.int64), 1) + channel(bq.astype(np.int64))
        m = channel(acc_scale / sy)
    else:
        acc = x @ wq.astype(np.int64).T + bq.astype(np.int64)
        m = (acc_scale / sy).reshape(1, -1)
    lo = zy if relu else 0
    return np.clip(np.round(acc.astype(np.float64) * m) + zy, lo, 255).astype(np.int64)


def int_add(a, sa, za, b, sb, zb, sy, zy, relu, perturb):
    """qsim.add: clamp(round(M_a (a - z_a) + M_b (b - z_b)) + z_y, lo, 255),
    both products and then their sum in float64."""
    ma, mb = sa / sy, sb / sy
    da = (a - za).astype(np.float64)
    db = (b - zb).astype(np.float64)
    if perturb:
        v = np.round(ma * da) + np.round(mb * db)
    else:
        v = np.round(ma * da + mb * db)
    lo = zy if relu else 0
    return np.clip(v + zy, lo, 255).astype(np.int64)


def int_global_avg_pool(x, sx, zx, sy, zy):
    """qsim.avg_pool2d over the whole H x W window (no padding):
    clamp(round((double(S) * M) / double(count)) + z_y), M = s_x / s_y."""
    s = (x - zx).sum(axis=(2, 3)).astype(np.float64)
    m = sx / sy
    return np.clip(np.round((s * m) / float(H * W)) + zy, 0, 255).astype(np.int64)


def activation_params(stats):
    """The u8 parameters of every observed activation, by the role the
    observer's name gives it (add<K> and avgpool<K> by their prefix)."""
    params = {}
    for name, r in stats["activations"].items():
        role = name.split("/", 1)[1]
        for prefix in ("add", "avgpool"):
            if role.startswith(prefix) and role.endswith(".output"):
                role = prefix
        params[role] = affine(r["min"], r["max"], 0, 255, False)
    expected = {"arg0", "conv1.output", "conv2.output", "add", "avgpool", "fc.output"}
    if set(params) != expected:
        raise SystemExit(f"FAIL: statistics name {sorted(stats['activations'])}")
    return params


def int8_model(x, stats, perturb=False):
    p = activation_params(stats)
    sx, zx = p["arg0"]
    s1, z1 = p["conv1.output"]
    s2, z2 = p["conv2.output"]
    sa, za = p["add"]
    sp, zp = p["avgpool"]
    sf, zf = p["fc.output"]
    w2, b2 = fold_batch_norm()
    xq = quantize(x, sx, zx, 0, 255)
    q1 = int_layer(xq, zx, sx, W1, B1, s1, z1, True, True)
    q2 = int_layer(q1, z1, s1, w2, b2, s2, z2, False, True)
    qa = int_add(q2, s2, z2, q1, s1, z1, sa, za, True, perturb)
    qp = int_global_avg_pool(qa, sa, za, sp, zp)
    qf = int_layer(qp, zp, sp, WF, BF, sf, zf, False, False)
    result = (np.float32(sf) * (qf - zf).astype(np.float32)).astype(np.float32)
    return result, qa


def dense(a):
    return np.array2string(a, separator=", ", threshold=1 << 30,
                           floatmode="unique", max_line_width=1 << 30)


def write_model(path):
    def bn(v):
        return dense(v.reshape(1, C, 1, 1))

    elementwise = '["parallel", "parallel", "parallel", "parallel"]'
    text = f"""// Generated by residual_model.py: conv-relu, conv-batchnorm, residual
// add, relu, global average pool, flatten, linear.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bn4 = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
func.func @main(%x: tensor<?x{C_IN}x{H}x{W}xf32>) -> tensor<?x{F}xf32> {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %count = arith.constant {float(H * W)} : f32
  %n = tensor.dim %x, %c0 : tensor<?x{C_IN}x{H}x{W}xf32>
  %w1 = arith.constant dense<{dense(W1)}> : tensor<{C}x{C_IN}x3x3xf32>
  %b1 = arith.constant dense<{dense(B1)}> : tensor<{C}xf32>
  %w2 = arith.constant dense<{dense(W2)}> : tensor<{C}x{C}x3x3xf32>
  %mean = arith.constant dense<{bn(MEAN)}> : tensor<1x{C}x1x1xf32>
  %invstd = arith.constant dense<{bn(INVSTD)}> : tensor<1x{C}x1x1xf32>
  %gamma = arith.constant dense<{bn(GAMMA)}> : tensor<1x{C}x1x1xf32>
  %beta = arith.constant dense<{bn(BETA)}> : tensor<1x{C}x1x1xf32>
  %wf = arith.constant dense<{dense(WF)}> : tensor<{F}x{C}xf32>
  %bf = arith.constant dense<{dense(BF)}> : tensor<{F}xf32>
  %p1 = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<?x{C_IN}x{H}x{W}xf32> to tensor<?x{C_IN}x{H + 2}x{W + 2}xf32>
  %e = tensor.empty(%n) : tensor<?x{C}x{H}x{W}xf32>
  %i1 = linalg.broadcast ins(%b1 : tensor<{C}xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) dimensions = [0, 2, 3]
  %c1 = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}} ins(%p1, %w1 : tensor<?x{C_IN}x{H + 2}x{W + 2}xf32>, tensor<{C}x{C_IN}x3x3xf32>) outs(%i1 : tensor<?x{C}x{H}x{W}xf32>) -> tensor<?x{C}x{H}x{W}xf32> loc("conv1")
  %r1 = linalg.generic {{indexing_maps = [#id4, #id4], iterator_types = {elementwise}}} ins(%c1 : tensor<?x{C}x{H}x{W}xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %p2 = tensor.pad %r1 low[0, 0, 1, 1] high[0, 0, 1, 1] {{
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  }} : tensor<?x{C}x{H}x{W}xf32> to tensor<?x{C}x{H + 2}x{W + 2}xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<?x{C}x{H}x{W}xf32>) -> tensor<?x{C}x{H}x{W}xf32>
  %c2 = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}} ins(%p2, %w2 : tensor<?x{C}x{H + 2}x{W + 2}xf32>, tensor<{C}x{C}x3x3xf32>) outs(%f2 : tensor<?x{C}x{H}x{W}xf32>) -> tensor<?x{C}x{H}x{W}xf32> loc("conv2")
  %bn1 = linalg.generic {{indexing_maps = [#id4, #bn4, #id4], iterator_types = {elementwise}}} ins(%c2, %mean : tensor<?x{C}x{H}x{W}xf32>, tensor<1x{C}x1x1xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %0 = arith.mulf %in_1, %one : f32
    %1 = arith.subf %in, %0 : f32
    linalg.yield %1 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %bn2 = linalg.generic {{indexing_maps = [#id4, #bn4, #id4], iterator_types = {elementwise}}} ins(%bn1, %invstd : tensor<?x{C}x{H}x{W}xf32>, tensor<1x{C}x1x1xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %0 = arith.mulf %in, %in_1 : f32
    linalg.yield %0 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %bn3 = linalg.generic {{indexing_maps = [#id4, #bn4, #id4], iterator_types = {elementwise}}} ins(%bn2, %gamma : tensor<?x{C}x{H}x{W}xf32>, tensor<1x{C}x1x1xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %0 = arith.mulf %in, %in_1 : f32
    linalg.yield %0 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %bn4 = linalg.generic {{indexing_maps = [#id4, #bn4, #id4], iterator_types = {elementwise}}} ins(%bn3, %beta : tensor<?x{C}x{H}x{W}xf32>, tensor<1x{C}x1x1xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %0 = arith.mulf %in_1, %one : f32
    %1 = arith.addf %in, %0 : f32
    linalg.yield %1 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %sum = linalg.generic {{indexing_maps = [#id4, #id4, #id4], iterator_types = {elementwise}}} ins(%bn4, %r1 : tensor<?x{C}x{H}x{W}xf32>, tensor<?x{C}x{H}x{W}xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %0 = arith.mulf %in_1, %one : f32
    %1 = arith.addf %in, %0 : f32
    linalg.yield %1 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %r2 = linalg.generic {{indexing_maps = [#id4, #id4], iterator_types = {elementwise}}} ins(%sum : tensor<?x{C}x{H}x{W}xf32>) outs(%e : tensor<?x{C}x{H}x{W}xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  }} -> tensor<?x{C}x{H}x{W}xf32>
  %window = tensor.empty() : tensor<{H}x{W}xf32>
  %ep = tensor.empty(%n) : tensor<?x{C}x1x1xf32>
  %fp = linalg.fill ins(%zero : f32) outs(%ep : tensor<?x{C}x1x1xf32>) -> tensor<?x{C}x1x1xf32>
  %pool = linalg.pooling_nchw_sum {{dilations = dense<1> : vector<2xi64>, strides = dense<{H}> : vector<2xi64>}} ins(%r2, %window : tensor<?x{C}x{H}x{W}xf32>, tensor<{H}x{W}xf32>) outs(%fp : tensor<?x{C}x1x1xf32>) -> tensor<?x{C}x1x1xf32>
  %mean_hw = linalg.generic {{indexing_maps = [#id4, #id4], iterator_types = {elementwise}}} ins(%pool : tensor<?x{C}x1x1xf32>) outs(%ep : tensor<?x{C}x1x1xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %0 = arith.divf %in, %count : f32
    linalg.yield %0 : f32
  }} -> tensor<?x{C}x1x1xf32>
  %flat = tensor.collapse_shape %mean_hw [[0], [1, 2, 3]] : tensor<?x{C}x1x1xf32> into tensor<?x{C}xf32>
  %wte = tensor.empty() : tensor<{C}x{F}xf32>
  %wt = linalg.transpose ins(%wf : tensor<{F}x{C}xf32>) outs(%wte : tensor<{C}x{F}xf32>) permutation = [1, 0]
  %e3 = tensor.empty(%n) : tensor<?x{F}xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x{F}xf32>) -> tensor<?x{F}xf32>
  %mm = linalg.matmul ins(%flat, %wt : tensor<?x{C}xf32>, tensor<{C}x{F}xf32>) outs(%f3 : tensor<?x{F}xf32>) -> tensor<?x{F}xf32> loc("fc")
  %y = linalg.generic {{indexing_maps = [#ch2, #id2, #id2], iterator_types = ["parallel", "parallel"]}} ins(%bf, %mm : tensor<{F}xf32>, tensor<?x{F}xf32>) outs(%e3 : tensor<?x{F}xf32>) {{
  ^bb0(%b: f32, %in: f32, %out: f32):
    %0 = arith.addf %b, %in : f32
    linalg.yield %0 : f32
  }} -> tensor<?x{F}xf32>
  return %y : tensor<?x{F}xf32>
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
        np.save(os.path.join(out, "float.npy"), float_model(TEST))
        return 0
    args = sys.argv[2:]
    perturb = "--perturb" in args
    args = [a for a in args if a != "--perturb"]
    _, stats_path, result_path = args
    with open(stats_path) as f:
        stats = json.load(f)
    expected, add_codes = int8_model(TEST, stats, perturb)
    actual = np.load(result_path)
    if actual.dtype != np.float32 or actual.shape != expected.shape:
        print(f"FAIL: got {actual.dtype} {actual.shape}, expected float32 {expected.shape}")
        return 1
    mismatches = int(np.sum(actual != expected))
    print(f"INT8 elements differing from the NumPy simulation: {mismatches}")
    if perturb:
        changed = int(np.sum(add_codes != int8_model(TEST, stats)[1]))
        print(f"add codes the perturbation changes: {changed} of {add_codes.size}")
        return 0
    error = float(np.max(np.abs(expected - float_model(TEST))))
    print(f"max abs error of the simulation against float: {error:.4f}")
    if mismatches:
        print(dense(actual))
        print(dense(expected))
    return 1 if mismatches or error > 0.1 else 0


if __name__ == "__main__":
    sys.exit(main())
