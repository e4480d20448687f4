#!/usr/bin/env python3
"""Trains a small residual CNN on the 8x8 handwritten digits and writes it as MLIR.

The data and its split are those of examples/digits (examples/digits/data.py):
the UCI ML hand-written digits from Debian's python3-sklearn, pixels scaled
to float32 [0, 1], 1,347 training and 450 test images.

The model (a ResNet in miniature, trained here in plain NumPy: im2col
forward and backward, BatchNorm with batch statistics, Adam, a fixed seed):

    stem.conv          conv 1->16, 3x3, padding 1, no bias      [N, 16, 8, 8]
    stem.bn            BatchNorm + ReLU
    layer1.conv1       conv 16->16, 3x3, padding 1, no bias     [N, 16, 8, 8]
    layer1.bn1         BatchNorm + ReLU
    layer1.conv2       conv 16->16, 3x3, padding 1, no bias     [N, 16, 8, 8]
    layer1.bn2         BatchNorm, + the block input, ReLU
    layer2.conv1       conv 16->32, 3x3, stride 2, padding 1    [N, 32, 4, 4]
    layer2.bn1         BatchNorm + ReLU
    layer2.conv2       conv 32->32, 3x3, padding 1, no bias     [N, 32, 4, 4]
    layer2.bn2         BatchNorm
    layer2.downsample  conv 16->32, 1x1, stride 2 + BatchNorm   [N, 32, 4, 4]
                       residual add of the two, ReLU
    avgpool            global average pool                      [N, 32, 1, 1]
    flatten                                                     [N, 32]
    fc                 linear 32->10                            [N, 10] (logits)

Usage (with Debian's /usr/bin/python3, which has NumPy and sklearn):

    train.py                 prints the float test accuracy of model.mlir
    train.py --train         (re)trains and rewrites model.mlir
    train.py --data-dir DIR  writes DIR/calib.npy (the first 200 training
                             images, [200, 1, 8, 8] float32), DIR/test_x.npy
                             ([450, 1, 8, 8] float32), DIR/test_y.npy (int64
                             labels) and DIR/float_logits.npy (NumPy's float
                             logits of model.mlir on the test split, BatchNorm
                             in inference mode) without training

model.mlir is `func.func @main(%x: tensor<?x1x8x8xf32>) -> tensor<?x10xf32>`
in the linalg-on-tensors form torch-mlir's TorchToLinalg emits: each conv a
tensor.pad + linalg.conv_2d_nchw_fchw into a zero linalg.fill (no bias),
each BatchNorm the four elementwise linalg.generics of the decomposed
aten.batch_norm (subtract the running mean, multiply by the precomputed
1/sqrt(var + eps), multiply by the weight, add the bias; constants of shape
[1, C, 1, 1]), ReLU as arith.cmpf ugt + arith.select, the residual add as
aten.add.Tensor's generic (alpha 1), the global average pool as
linalg.pooling_nchw_sum + a dividing generic, flatten as
tensor.collapse_shape, and fc as linalg.transpose + linalg.matmul + a bias
generic. The convs and the matmul carry NameLocs (loc("stem.conv"), ...).
"""

import argparse
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "digits"))
from data import load_split, write_data_dir  # noqa: E402

DEFAULT_MODEL = os.path.join(HERE, "model.mlir")

TRAIN_SEED = 20261201
EPOCHS = 30
BATCH = 32
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4
BN_EPS = 1e-5
BN_MOMENTUM = 0.1

C1, C2, NUM_CLASSES = 16, 32, 10

# The convs: name -> (out channels, in channels, kernel, stride, padding).
# Every conv is followed by a BatchNorm of the same prefix (see BN_OF).
CONVS = {
    "stem_conv": (C1, 1, 3, 1, 1),
    "layer1_conv1": (C1, C1, 3, 1, 1),
    "layer1_conv2": (C1, C1, 3, 1, 1),
    "layer2_conv1": (C2, C1, 3, 2, 1),
    "layer2_conv2": (C2, C2, 3, 1, 1),
    "layer2_downsample": (C2, C1, 1, 2, 0),
}
BN_OF = {
    "stem_conv": "stem_bn",
    "layer1_conv1": "layer1_bn1",
    "layer1_conv2": "layer1_bn2",
    "layer2_conv1": "layer2_bn1",
    "layer2_conv2": "layer2_bn2",
    "layer2_downsample": "layer2_downsample_bn",
}
BN_FIELDS = ("mean", "invstd", "weight", "bias")


def _param_shapes():
    shapes = {}
    for conv, (o, c, k, _, _) in CONVS.items():
        shapes[conv + "_weight"] = (o, c, k, k)
        for field in BN_FIELDS:
            shapes[f"{BN_OF[conv]}_{field}"] = (1, o, 1, 1)
    shapes["fc_weight"] = (NUM_CLASSES, C2)
    shapes["fc_bias"] = (NUM_CLASSES,)
    return shapes


# name -> shape of every constant of model.mlir, in the order it declares them.
PARAM_SHAPES = _param_shapes()


# --------------------------------------------------------------------------
# Layers in NumPy (float32)
# --------------------------------------------------------------------------

def im2col(x, k, stride, pad):
    """[N, C, H, W] -> ([N * OH * OW, C * k * k], OH, OW), columns (c, kh, kw)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    oh = (h + 2 * pad - k) // stride + 1
    ow = (w + 2 * pad - k) // stride + 1
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
    win = win[:, :, ::stride, ::stride][:, :, :oh, :ow]  # [N, C, OH, OW, k, k]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * k * k)
    return cols, oh, ow


def col2im(dcols, x_shape, k, stride, pad, oh, ow):
    """The adjoint of im2col: scatter-adds column gradients into [N, C, H, W]."""
    n, c, h, w = x_shape
    d = dcols.reshape(n, oh, ow, c, k, k)
    dxp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dcols.dtype)
    for i in range(k):
        for j in range(k):
            dxp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += \
                d[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, pad:pad + h, pad:pad + w]


def conv_forward(x, w, stride, pad):
    """A conv without bias; returns the output and the cache for backward."""
    k = w.shape[2]
    cols, oh, ow = im2col(x, k, stride, pad)
    y = cols @ w.reshape(w.shape[0], -1).T
    y = y.reshape(x.shape[0], oh, ow, w.shape[0]).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(y), (x.shape, cols, oh, ow, stride, pad)


def conv_backward(dy, w, cache, need_dx=True):
    x_shape, cols, oh, ow, stride, pad = cache
    o = w.shape[0]
    dyr = dy.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (dyr.T @ cols).reshape(w.shape)
    dx = None
    if need_dx:
        dcols = dyr @ w.reshape(o, -1)
        dx = col2im(dcols, x_shape, w.shape[2], stride, pad, oh, ow)
    return dx, dw


def bn_train_forward(x, gamma, beta):
    """BatchNorm with the batch's statistics over (N, H, W)."""
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    invstd = 1.0 / np.sqrt(var + BN_EPS)
    xhat = (x - mean) * invstd
    y = xhat * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
    return y.astype(np.float32), (xhat, invstd, gamma), mean.ravel(), var.ravel()


def bn_backward(dy, cache):
    xhat, invstd, gamma = cache
    m = dy.shape[0] * dy.shape[2] * dy.shape[3]
    dgamma = (dy * xhat).sum(axis=(0, 2, 3))
    dbeta = dy.sum(axis=(0, 2, 3))
    dxhat = dy * gamma.reshape(1, -1, 1, 1)
    dx = invstd / m * (m * dxhat - dxhat.sum(axis=(0, 2, 3), keepdims=True)
                       - xhat * (dxhat * xhat).sum(axis=(0, 2, 3), keepdims=True))
    return dx.astype(np.float32), dgamma, dbeta


def relu(x):
    return np.maximum(x, np.float32(0))


# --------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------

def infer(c, x):
    """Float32 logits [N, 10] of the model given by its MLIR constants c, in
    the order of the MLIR's ops (BatchNorm in inference mode)."""
    def conv_bn(name, inp):
        _, _, _, stride, pad = CONVS[name]
        y, _ = conv_forward(inp, c[name + "_weight"], stride, pad)
        bn = BN_OF[name]
        y = y - c[bn + "_mean"]
        y = y * c[bn + "_invstd"]
        y = y * c[bn + "_weight"]
        return y + c[bn + "_bias"]

    a0 = relu(conv_bn("stem_conv", x))
    h1 = relu(conv_bn("layer1_conv1", a0))
    a1 = relu(conv_bn("layer1_conv2", h1) + a0)
    h2 = relu(conv_bn("layer2_conv1", a1))
    a2 = relu(conv_bn("layer2_conv2", h2) + conv_bn("layer2_downsample", a1))
    pooled = a2.sum(axis=(2, 3)) / np.float32(a2.shape[2] * a2.shape[3])
    return pooled @ c["fc_weight"].T + c["fc_bias"]


def train_forward(p, x):
    """Logits with BatchNorm on batch statistics, the caches for backward, and
    each BatchNorm's batch (mean, var, count of values per channel)."""
    caches, stats = {}, {}

    def conv_bn(name, inp):
        _, _, _, stride, pad = CONVS[name]
        y, caches[name] = conv_forward(inp, p[name + "_weight"], stride, pad)
        bn = BN_OF[name]
        y, caches[bn], mean, var = bn_train_forward(y, p[bn + "_gamma"], p[bn + "_beta"])
        stats[bn] = (mean, var, y.size // y.shape[1])
        return y

    a0 = relu(conv_bn("stem_conv", x))
    h1 = relu(conv_bn("layer1_conv1", a0))
    a1 = relu(conv_bn("layer1_conv2", h1) + a0)
    h2 = relu(conv_bn("layer2_conv1", a1))
    a2 = relu(conv_bn("layer2_conv2", h2) + conv_bn("layer2_downsample", a1))
    pooled = a2.mean(axis=(2, 3))
    logits = pooled @ p["fc_weight"].T + p["fc_bias"]
    return logits, (caches, a0, h1, a1, h2, a2, pooled), stats


def backward(p, dlogits, acts):
    caches, a0, h1, a1, h2, a2, pooled = acts
    g = {}

    def conv_bn_back(name, dy, need_dx=True):
        bn = BN_OF[name]
        dy, g[bn + "_gamma"], g[bn + "_beta"] = bn_backward(dy, caches[bn])
        dx, g[name + "_weight"] = conv_backward(dy, p[name + "_weight"], caches[name],
                                                need_dx)
        return dx

    g["fc_weight"] = dlogits.T @ pooled
    g["fc_bias"] = dlogits.sum(axis=0)
    dpooled = dlogits @ p["fc_weight"]
    area = a2.shape[2] * a2.shape[3]
    ds2 = (np.broadcast_to(dpooled[:, :, None, None] / area, a2.shape) * (a2 > 0))
    ds2 = ds2.astype(np.float32)
    da1 = conv_bn_back("layer2_downsample", ds2)
    dh2 = conv_bn_back("layer2_conv2", ds2) * (h2 > 0)
    da1 = da1 + conv_bn_back("layer2_conv1", dh2)
    ds1 = da1 * (a1 > 0)
    dh1 = conv_bn_back("layer1_conv2", ds1) * (h1 > 0)
    da0 = ds1 + conv_bn_back("layer1_conv1", dh1)
    conv_bn_back("stem_conv", da0 * (a0 > 0), need_dx=False)
    return g


def init_params(rng):
    p = {}
    for name, (o, c, k, _, _) in CONVS.items():
        fan_in = c * k * k
        p[name + "_weight"] = (rng.standard_normal((o, c, k, k)) *
                               np.sqrt(2.0 / fan_in)).astype(np.float32)
        p[BN_OF[name] + "_gamma"] = np.ones(o, np.float32)
        p[BN_OF[name] + "_beta"] = np.zeros(o, np.float32)
    p["fc_weight"] = (rng.standard_normal((NUM_CLASSES, C2)) *
                      np.sqrt(1.0 / C2)).astype(np.float32)
    p["fc_bias"] = np.zeros(NUM_CLASSES, np.float32)
    return p


def mlir_constants(p, running):
    """The model's constants as model.mlir declares them (float32)."""
    c = {}
    for name, (o, _, _, _, _) in CONVS.items():
        bn = BN_OF[name]
        mean, var = running[bn]
        c[name + "_weight"] = p[name + "_weight"]
        c[bn + "_mean"] = mean.reshape(1, o, 1, 1)
        c[bn + "_invstd"] = (1.0 / np.sqrt(var + BN_EPS)).reshape(1, o, 1, 1)
        c[bn + "_weight"] = p[bn + "_gamma"].reshape(1, o, 1, 1)
        c[bn + "_bias"] = p[bn + "_beta"].reshape(1, o, 1, 1)
    c["fc_weight"] = p["fc_weight"]
    c["fc_bias"] = p["fc_bias"]
    return {k: np.asarray(v, np.float32) for k, v in c.items()}


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def train(x_train, y_train, x_test, y_test, epochs=EPOCHS, seed=TRAIN_SEED):
    """Adam (decoupled weight decay on the conv and fc weights) on softmax
    cross-entropy, with a cosine-decayed learning rate; returns the float32
    constants of model.mlir (BatchNorm's running statistics, momentum 0.1,
    unbiased variance, as torch keeps them)."""
    rng = np.random.default_rng(seed)
    p = init_params(rng)
    running = {bn: (np.zeros(CONVS[conv][0]), np.ones(CONVS[conv][0]))
               for conv, bn in BN_OF.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    n = x_train.shape[0]
    for epoch in range(epochs):
        lr = LEARNING_RATE * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        order = rng.permutation(n)
        total_loss = 0.0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            if len(idx) < 2:
                continue  # batch statistics need more than one image
            xb, yb = x_train[idx], y_train[idx]
            logits, acts, stats = train_forward(p, xb)
            for bn, (mean, var, count) in stats.items():
                rmean, rvar = running[bn]
                running[bn] = ((1 - BN_MOMENTUM) * rmean + BN_MOMENTUM * mean,
                               (1 - BN_MOMENTUM) * rvar +
                               BN_MOMENTUM * var * count / (count - 1))
            shifted = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            probs = e / e.sum(axis=1, keepdims=True)
            total_loss += float(-np.log(probs[np.arange(len(yb)), yb] + 1e-12).sum())
            dlogits = probs
            dlogits[np.arange(len(yb)), yb] -= 1
            dlogits = (dlogits / len(yb)).astype(np.float32)
            grads = backward(p, dlogits, acts)
            step += 1
            for k in p:
                m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
                v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
                mhat = m[k] / (1 - beta1 ** step)
                vhat = v[k] / (1 - beta2 ** step)
                update = mhat / (np.sqrt(vhat) + eps)
                if k.endswith("_weight"):
                    update = update + WEIGHT_DECAY * p[k]
                p[k] = (p[k] - lr * update).astype(np.float32)
        if epoch % 5 == 4 or epoch == epochs - 1:
            c = mlir_constants(p, running)
            print(f"epoch {epoch + 1:3d}  loss {total_loss / n:.4f}  "
                  f"train acc {accuracy(infer(c, x_train), y_train):.4f}  "
                  f"test acc {accuracy(infer(c, x_test), y_test):.4f}",
                  flush=True)
    return mlir_constants(p, running)


# --------------------------------------------------------------------------
# MLIR
# --------------------------------------------------------------------------

def fmt_f32(value):
    """Shortest decimal that round-trips the float32."""
    return np.format_float_scientific(np.float32(value), unique=True)


def dense(arr):
    if arr.ndim == 0:
        return fmt_f32(arr)
    return "[" + ", ".join(dense(a) for a in arr) + "]"


def tensor_type(shape):
    return "tensor<" + "x".join("?" if d is None else str(d) for d in shape) + "xf32>"


PAR4 = '["parallel", "parallel", "parallel", "parallel"]'
PAR2 = '["parallel", "parallel"]'


class Emitter:
    """Writes the ops of @main, one layer at a time; values are (name, type)."""

    def __init__(self):
        self.lines = []

    def emit(self, text):
        self.lines.append(text)

    def empty(self, name, t):
        self.emit(f"    %{name}_empty = tensor.empty(%batch) : {t}")
        return f"%{name}_empty"

    def conv(self, name, src, t_src, hw):
        """tensor.pad (when padded) + zero fill + linalg.conv_2d_nchw_fchw."""
        o, c, k, stride, pad = CONVS[name]
        loc = name.replace("_", ".", 1)
        if pad:
            t_pad = tensor_type((None, c, hw + 2 * pad, hw + 2 * pad))
            self.emit(f"""    %{name}_padded = tensor.pad {src} low[0, 0, {pad}, {pad}] high[0, 0, {pad}, {pad}] {{
    ^bb0(%{name}_i: index, %{name}_j: index, %{name}_k: index, %{name}_l: index):
      tensor.yield %cst : f32
    }} : {t_src} to {t_pad}""")
            src, t_src = f"%{name}_padded", t_pad
        out_hw = (hw + 2 * pad - k) // stride + 1
        t_dst = tensor_type((None, o, out_hw, out_hw))
        t_w = tensor_type((o, c, k, k))
        empty = self.empty(name, t_dst)
        self.emit(f"    %{name}_init = linalg.fill ins(%cst : f32) outs({empty} : {t_dst}) -> {t_dst}")
        self.emit(f"    %{name} = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : vector<2xi64>, "
                  f"strides = dense<{stride}> : vector<2xi64>}} ins({src}, %{name}_weight : "
                  f"{t_src}, {t_w}) outs(%{name}_init : {t_dst}) -> {t_dst} loc(\"{loc}\")")
        return f"%{name}", t_dst, out_hw

    def bn(self, bn, src, t, channels):
        """The four elementwise generics of the decomposed aten.batch_norm."""
        t_c = tensor_type((1, channels, 1, 1))
        bodies = {
            "mean": ("arith.mulf %in_1, %cst_1 : f32", "arith.subf %in, %{v}_scaled : f32"),
            "invstd": (None, "arith.mulf %in, %in_1 : f32"),
            "weight": (None, "arith.mulf %in, %in_1 : f32"),
            "bias": ("arith.mulf %in_1, %cst_1 : f32", "arith.addf %in, %{v}_scaled : f32"),
        }
        for field in BN_FIELDS:
            v = f"{bn}_{field}_out"
            scale, op = bodies[field]
            body = ""
            if scale:
                body = f"      %{v}_scaled = {scale}\n"
            body += f"      %{v}_r = {op.replace('{v}', v)}\n"
            empty = self.empty(f"{bn}_{field}", t)
            self.emit(f"""    %{v} = linalg.generic {{indexing_maps = [#map, #map_c, #map], iterator_types = {PAR4}}} ins({src}, %{bn}_{field} : {t}, {t_c}) outs({empty} : {t}) {{
    ^bb0(%in: f32, %in_1: f32, %out: f32):
{body}      linalg.yield %{v}_r : f32
    }} -> {t}""")
            src = f"%{v}"
        return src

    def relu(self, name, src, t):
        empty = self.empty(name, t)
        self.emit(f"""    %{name} = linalg.generic {{indexing_maps = [#map, #map], iterator_types = {PAR4}}} ins({src} : {t}) outs({empty} : {t}) {{
    ^bb0(%in: f32, %out: f32):
      %{name}_cmp = arith.cmpf ugt, %in, %cst : f32
      %{name}_sel = arith.select %{name}_cmp, %in, %cst : f32
      linalg.yield %{name}_sel : f32
    }} -> {t}""")
        return f"%{name}"

    def add(self, name, lhs, rhs, t):
        """aten.add.Tensor with alpha 1: lhs + 1.0 * rhs."""
        empty = self.empty(name, t)
        self.emit(f"""    %{name} = linalg.generic {{indexing_maps = [#map, #map, #map], iterator_types = {PAR4}}} ins({lhs}, {rhs} : {t}, {t}) outs({empty} : {t}) {{
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %{name}_scaled = arith.mulf %in_1, %cst_1 : f32
      %{name}_r = arith.addf %in, %{name}_scaled : f32
      linalg.yield %{name}_r : f32
    }} -> {t}""")
        return f"%{name}"

    def conv_bn(self, name, src, t_src, hw):
        out, t, out_hw = self.conv(name, src, t_src, hw)
        return self.bn(BN_OF[name], out, t, CONVS[name][0]), t, out_hw


def emit_mlir(c):
    t_x = tensor_type((None, 1, 8, 8))
    t_out = tensor_type((None, NUM_CLASSES))
    e = Emitter()

    y, t, hw = e.conv_bn("stem_conv", "%x", t_x, 8)
    a0 = e.relu("stem_relu", y, t)
    y, t, hw = e.conv_bn("layer1_conv1", a0, t, hw)
    h1 = e.relu("layer1_relu1", y, t)
    y, t, hw = e.conv_bn("layer1_conv2", h1, t, hw)
    a1 = e.relu("layer1_relu2", e.add("layer1_add", y, a0, t), t)
    t_a1, hw_a1 = t, hw
    y, t, hw = e.conv_bn("layer2_conv1", a1, t_a1, hw_a1)
    h2 = e.relu("layer2_relu1", y, t)
    y, t, hw = e.conv_bn("layer2_conv2", h2, t, hw)
    shortcut, _, _ = e.conv_bn("layer2_downsample", a1, t_a1, hw_a1)
    a2 = e.relu("layer2_relu2", e.add("layer2_add", y, shortcut, t), t)

    # AdaptiveAvgPool2d((1, 1)) on 4x4 is avg_pool2d with kernel 4, stride 4:
    # a sum pool over a zero fill, then a division by 16.
    t_pool = tensor_type((None, C2, 1, 1))
    t_flat = tensor_type((None, C2))
    t_fc_t = tensor_type((C2, NUM_CLASSES))
    empty = e.empty("avgpool_sum", t_pool)
    e.emit(f"    %avgpool_init = linalg.fill ins(%cst : f32) outs({empty} : {t_pool}) -> {t_pool}")
    e.emit(f"    %avgpool_window = tensor.empty() : tensor<{hw}x{hw}xf32>")
    e.emit(f"    %avgpool_sum = linalg.pooling_nchw_sum {{dilations = dense<1> : vector<2xi64>, "
           f"strides = dense<{hw}> : vector<2xi64>}} ins({a2}, %avgpool_window : {t}, "
           f"tensor<{hw}x{hw}xf32>) outs(%avgpool_init : {t_pool}) -> {t_pool}")
    empty = e.empty("avgpool", t_pool)
    e.emit(f"""    %avgpool = linalg.generic {{indexing_maps = [#map, #map], iterator_types = {PAR4}}} ins(%avgpool_sum : {t_pool}) outs({empty} : {t_pool}) {{
    ^bb0(%in: f32, %out: f32):
      %avgpool_div = arith.divf %in, %cst_area : f32
      linalg.yield %avgpool_div : f32
    }} -> {t_pool}""")
    e.emit(f"    %flat = tensor.collapse_shape %avgpool [[0], [1, 2, 3]] : {t_pool} into {t_flat}")
    e.emit(f"    %fc_weight_t_empty = tensor.empty() : {t_fc_t}")
    e.emit(f"    %fc_weight_t = linalg.transpose ins(%fc_weight : {tensor_type((NUM_CLASSES, C2))}) "
           f"outs(%fc_weight_t_empty : {t_fc_t}) permutation = [1, 0]")
    empty = e.empty("fc", t_out)
    e.emit(f"    %fc_init = linalg.fill ins(%cst : f32) outs({empty} : {t_out}) -> {t_out}")
    e.emit(f"    %fc = linalg.matmul ins(%flat, %fc_weight_t : {t_flat}, {t_fc_t}) "
           f"outs(%fc_init : {t_out}) -> {t_out} loc(\"fc\")")
    empty = e.empty("fc_bias", t_out)
    e.emit(f"""    %logits = linalg.generic {{indexing_maps = [#map2, #map3, #map2], iterator_types = {PAR2}}} ins(%fc, %fc_bias : {t_out}, {tensor_type((NUM_CLASSES,))}) outs({empty} : {t_out}) {{
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %fc_add = arith.addf %in, %in_1 : f32
      linalg.yield %fc_add : f32
    }} -> {t_out}""")

    consts = "\n".join(
        f"    %{name} = arith.constant dense<{dense(c[name])}> : {tensor_type(shape)}"
        for name, shape in PARAM_SHAPES.items())
    body = "\n".join(e.lines)
    return f"""// A small residual CNN trained on the 8x8 handwritten digits (UCI ML
// hand-written digits, as shipped by Debian's python3-sklearn). Generated by
// `train.py --train`; do not edit by hand.
//
//   stem.conv + bn + ReLU                  conv 1->16, 3x3      [N, 16, 8, 8]
//   layer1: conv1 + bn1 + ReLU, conv2 + bn2, + input, ReLU      [N, 16, 8, 8]
//   layer2: conv1 (stride 2) + bn1 + ReLU, conv2 + bn2,
//           + downsample (1x1 conv, stride 2, + bn), ReLU        [N, 32, 4, 4]
//   avgpool (global), flatten                                   [N, 32]
//   fc     linear 32->10                                        [N, 10] (logits)
//
// Input: [N, 1, 8, 8] float32 pixels in [0, 1] (the 0..16 values / 16).
// BatchNorm is in inference mode: (x - mean) * invstd * weight + bias with
// invstd = 1 / sqrt(running_var + {BN_EPS}).

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map_c = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
module {{
  func.func @main(%x: {t_x}) -> {t_out} {{
    %cst = arith.constant 0.000000e+00 : f32
    %cst_1 = arith.constant 1.000000e+00 : f32
    %cst_area = arith.constant {fmt_f32(hw * hw)} : f32
    %c0 = arith.constant 0 : index
{consts}
    %batch = tensor.dim %x, %c0 : {t_x}
{body}
    return %logits : {t_out}
  }}
}}
"""


_CONST_RE = re.compile(
    r"%(\w+) = arith\.constant dense<([^>]*)> : tensor<([0-9x]+)xf32>")


def read_mlir_params(path):
    """Reads the named constants back from model.mlir (exactly)."""
    with open(path) as f:
        text = f.read()
    found = {}
    for name, body, shape in _CONST_RE.findall(text):
        if name not in PARAM_SHAPES:
            continue
        values = [float(v) for v in re.split(r"[\s,\[\]]+", body) if v]
        dims = tuple(int(d) for d in shape.split("x"))
        if dims != PARAM_SHAPES[name]:
            sys.exit(f"{path}: {name} has shape {dims}, expected {PARAM_SHAPES[name]}")
        found[name] = np.array(values, np.float32).reshape(dims)
    missing = [k for k in PARAM_SHAPES if k not in found]
    if missing:
        sys.exit(f"{path}: missing constants {', '.join(missing)}; run train.py --train")
    return found


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", action="store_true",
                        help="(re)train and rewrite the model file")
    parser.add_argument("--data-dir", help="write calib/test .npy files here")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="the model file (default: model.mlir beside this script)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()

    x_train, y_train, x_test, y_test = load_split()
    print(f"digits: {len(x_train)} training images, {len(x_test)} test images")

    if args.train:
        start = time.time()
        consts = train(x_train, y_train, x_test, y_test, epochs=args.epochs)
        print(f"trained {args.epochs} epochs in {time.time() - start:.1f} s")
        with open(args.model, "w") as f:
            f.write(emit_mlir(consts))
        print(f"wrote {args.model}")

    # Everything below reads the constants back from the model file, so the
    # logits are those of exactly the model qsim sees.
    consts = read_mlir_params(args.model)
    logits = infer(consts, x_test)
    acc = accuracy(logits, y_test)
    print(f"float test accuracy: {acc * 100:.2f}% "
          f"({int(round(acc * len(y_test)))}/{len(y_test)})")

    if args.data_dir:
        write_data_dir(args.data_dir, x_train, x_test, y_test, logits)


if __name__ == "__main__":
    main()
