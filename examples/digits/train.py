#!/usr/bin/env python3
"""Trains a small CNN on the 8x8 handwritten digits and writes it as MLIR.

The data is the UCI ML hand-written digits data set (1,797 8x8 images, pixel
values 0..16, ten classes) as shipped by Debian's python3-sklearn and loaded
with sklearn.datasets.load_digits(); nothing is downloaded. Pixels are scaled
to float32 [0, 1]. The split is deterministic: a stratified
train_test_split with test_size=0.25 and random_state=0 (1,347 training
images, 450 test images).

The model (trained here in plain NumPy: im2col forward and backward, Adam,
a fixed seed):

    conv1  conv 1->8, 3x3, padding 1            + ReLU   [N, 8, 8, 8]
    conv2  conv 8->16, 3x3, stride 2, padding 1 + ReLU   [N, 16, 4, 4]
    flatten                                              [N, 256]
    fc     linear 256->10                                [N, 10] (logits)

Usage (with Debian's /usr/bin/python3, which has NumPy and sklearn):

    train.py                 prints the float test accuracy of model.mlir
    train.py --train         (re)trains and rewrites model.mlir
    train.py --data-dir DIR  writes DIR/calib.npy (the first 200 training
                             images, [200, 1, 8, 8] float32), DIR/test_x.npy
                             ([450, 1, 8, 8] float32), DIR/test_y.npy (int64
                             labels) and DIR/float_logits.npy (NumPy's float
                             logits of model.mlir on the test split) without
                             training

model.mlir is `func.func @main(%x: tensor<?x1x8x8xf32>) -> tensor<?x10xf32>`
in the linalg-on-tensors form torch-mlir emits: tensor.pad +
linalg.conv_2d_nchw_fchw (zero-filled init), a broadcast bias linalg.generic,
a ReLU linalg.generic (arith.maximumf), tensor.collapse_shape, and a [F, K]
weight transposed by linalg.transpose into linalg.matmul plus a bias generic.
The conv and matmul ops carry the NameLocs "conv1", "conv2" and "fc".
"""

import argparse
import os
import re
import sys
import time

import numpy as np

from data import load_split, write_data_dir

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "model.mlir")

TRAIN_SEED = 20261126
EPOCHS = 60
BATCH = 32
LEARNING_RATE = 2e-3

C1, C2, NUM_CLASSES = 8, 16, 10
FLAT = C2 * 4 * 4

# name -> shape, in the order the MLIR declares them.
PARAM_SHAPES = {
    "conv1_weight": (C1, 1, 3, 3),
    "conv1_bias": (C1,),
    "conv2_weight": (C2, C1, 3, 3),
    "conv2_bias": (C2,),
    "fc_weight": (NUM_CLASSES, FLAT),
    "fc_bias": (NUM_CLASSES,),
}


# --------------------------------------------------------------------------
# The model in NumPy
# --------------------------------------------------------------------------

def im2col(x, k, stride, pad):
    """[N, C, H, W] -> ([N * OH * OW, C * k * k], OH, OW), columns (c, kh, kw)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
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


def conv_forward(x, w, b, stride, pad):
    cols, oh, ow = im2col(x, w.shape[2], stride, pad)
    y = cols @ w.reshape(w.shape[0], -1).T + b
    y = y.reshape(x.shape[0], oh, ow, w.shape[0]).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(y), (cols, oh, ow)


def conv_backward(dy, x_shape, w, stride, pad, cache, need_dx=True):
    cols, oh, ow = cache
    o = w.shape[0]
    dyr = dy.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (dyr.T @ cols).reshape(w.shape)
    db = dyr.sum(axis=0)
    dx = None
    if need_dx:
        dcols = dyr @ w.reshape(o, -1)
        dx = col2im(dcols, x_shape, w.shape[2], stride, pad, oh, ow)
    return dx, dw, db


def forward(p, x, keep=False):
    """Float32 logits [N, 10]; with keep, also the activations for backward."""
    y1, c1 = conv_forward(x, p["conv1_weight"], p["conv1_bias"], 1, 1)
    r1 = np.maximum(y1, np.float32(0))
    y2, c2 = conv_forward(r1, p["conv2_weight"], p["conv2_bias"], 2, 1)
    r2 = np.maximum(y2, np.float32(0))
    flat = r2.reshape(x.shape[0], -1)
    logits = flat @ p["fc_weight"].T + p["fc_bias"]
    if keep:
        return logits, (x, y1, c1, r1, y2, c2, r2, flat)
    return logits


def backward(p, dlogits, acts):
    x, y1, c1, r1, y2, c2, r2, flat = acts
    g = {}
    g["fc_weight"] = dlogits.T @ flat
    g["fc_bias"] = dlogits.sum(axis=0)
    dflat = dlogits @ p["fc_weight"]
    dy2 = dflat.reshape(r2.shape) * (y2 > 0)
    dr1, g["conv2_weight"], g["conv2_bias"] = conv_backward(
        dy2, r1.shape, p["conv2_weight"], 2, 1, c2)
    dy1 = dr1 * (y1 > 0)
    _, g["conv1_weight"], g["conv1_bias"] = conv_backward(
        dy1, x.shape, p["conv1_weight"], 1, 1, c1, need_dx=False)
    return g


def init_params(rng):
    def he(shape, fan_in):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
    return {
        "conv1_weight": he(PARAM_SHAPES["conv1_weight"], 9),
        "conv1_bias": np.zeros(C1, np.float32),
        "conv2_weight": he(PARAM_SHAPES["conv2_weight"], C1 * 9),
        "conv2_bias": np.zeros(C2, np.float32),
        "fc_weight": he(PARAM_SHAPES["fc_weight"], FLAT) / np.float32(2),
        "fc_bias": np.zeros(NUM_CLASSES, np.float32),
    }


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def train(x_train, y_train, x_test, y_test, epochs=EPOCHS, seed=TRAIN_SEED):
    """Adam on softmax cross-entropy; returns float32 parameters."""
    rng = np.random.default_rng(seed)
    p = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    n = x_train.shape[0]
    for epoch in range(epochs):
        # Cosine decay of the learning rate over the run.
        lr = LEARNING_RATE * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
        order = rng.permutation(n)
        total_loss = 0.0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = x_train[idx], y_train[idx]
            logits, acts = forward(p, xb, keep=True)
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
                p[k] = (p[k] - lr * mhat / (np.sqrt(vhat) + eps)).astype(np.float32)
        if epoch % 5 == 4 or epoch == epochs - 1:
            print(f"epoch {epoch + 1:3d}  loss {total_loss / n:.4f}  "
                  f"train acc {accuracy(forward(p, x_train), y_train):.4f}  "
                  f"test acc {accuracy(forward(p, x_test), y_test):.4f}",
                  flush=True)
    return p


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


def emit_mlir(p):
    t_x = tensor_type((None, 1, 8, 8))
    t_xp = tensor_type((None, 1, 10, 10))
    t_y1 = tensor_type((None, C1, 8, 8))
    t_y1p = tensor_type((None, C1, 10, 10))
    t_y2 = tensor_type((None, C2, 4, 4))
    t_flat = tensor_type((None, FLAT))
    t_out = tensor_type((None, NUM_CLASSES))
    t = {k: tensor_type(s) for k, s in PARAM_SHAPES.items()}
    t_fcT = tensor_type((FLAT, NUM_CLASSES))
    par4 = '["parallel", "parallel", "parallel", "parallel"]'
    par2 = '["parallel", "parallel"]'

    consts = "\n".join(
        f"    %{name} = arith.constant dense<{dense(p[name])}> : {t[name]}"
        for name in PARAM_SHAPES)

    def pad(out, src, t_src, t_dst):
        return f"""    {out} = tensor.pad {src} low[0, 0, 1, 1] high[0, 0, 1, 1] {{
    ^bb0(%{out[1:]}_i: index, %{out[1:]}_j: index, %{out[1:]}_k: index, %{out[1:]}_l: index):
      tensor.yield %cst : f32
    }} : {t_src} to {t_dst}"""

    def conv(name, out, src, t_src, t_dst, stride):
        return f"""    %{name}_empty = tensor.empty(%batch) : {t_dst}
    %{name}_init = linalg.fill ins(%cst : f32) outs(%{name}_empty : {t_dst}) -> {t_dst}
    {out} = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}} ins({src}, %{name}_weight : {t_src}, {t[name + '_weight']}) outs(%{name}_init : {t_dst}) -> {t_dst} loc("{name}")"""

    def bias4(name, out, src, t_dst):
        return f"""    %{name}_bias_empty = tensor.empty(%batch) : {t_dst}
    {out} = linalg.generic {{indexing_maps = [#map, #map1, #map], iterator_types = {par4}}} ins({src}, %{name}_bias : {t_dst}, {t[name + '_bias']}) outs(%{name}_bias_empty : {t_dst}) {{
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %{name}_add = arith.addf %in, %in_0 : f32
      linalg.yield %{name}_add : f32
    }} -> {t_dst}"""

    def relu(name, out, src, t_dst):
        return f"""    %{name}_relu_empty = tensor.empty(%batch) : {t_dst}
    {out} = linalg.generic {{indexing_maps = [#map, #map], iterator_types = {par4}}} ins({src} : {t_dst}) outs(%{name}_relu_empty : {t_dst}) {{
    ^bb0(%in: f32, %out: f32):
      %{name}_max = arith.maximumf %in, %cst_0 : f32
      linalg.yield %{name}_max : f32
    }} -> {t_dst}"""

    body = "\n".join([
        pad("%x_padded", "%x", t_x, t_xp),
        conv("conv1", "%conv1", "%x_padded", t_xp, t_y1, 1),
        bias4("conv1", "%conv1_biased", "%conv1", t_y1),
        relu("conv1", "%conv1_relu", "%conv1_biased", t_y1),
        pad("%conv1_padded", "%conv1_relu", t_y1, t_y1p),
        conv("conv2", "%conv2", "%conv1_padded", t_y1p, t_y2, 2),
        bias4("conv2", "%conv2_biased", "%conv2", t_y2),
        relu("conv2", "%conv2_relu", "%conv2_biased", t_y2),
        f"    %flat = tensor.collapse_shape %conv2_relu [[0], [1, 2, 3]] : {t_y2} into {t_flat}",
        f"    %fc_weight_t_empty = tensor.empty() : {t_fcT}",
        f"    %fc_weight_t = linalg.transpose ins(%fc_weight : {t['fc_weight']}) outs(%fc_weight_t_empty : {t_fcT}) permutation = [1, 0]",
        f"    %fc_empty = tensor.empty(%batch) : {t_out}",
        f"    %fc_init = linalg.fill ins(%cst : f32) outs(%fc_empty : {t_out}) -> {t_out}",
        f"    %fc = linalg.matmul ins(%flat, %fc_weight_t : {t_flat}, {t_fcT}) outs(%fc_init : {t_out}) -> {t_out} loc(\"fc\")",
        f"    %fc_bias_empty = tensor.empty(%batch) : {t_out}",
        f"""    %logits = linalg.generic {{indexing_maps = [#map2, #map3, #map2], iterator_types = {par2}}} ins(%fc, %fc_bias : {t_out}, {t['fc_bias']}) outs(%fc_bias_empty : {t_out}) {{
    ^bb0(%in: f32, %in_0: f32, %out: f32):
      %fc_add = arith.addf %in, %in_0 : f32
      linalg.yield %fc_add : f32
    }} -> {t_out}""",
    ])

    return f"""// A small CNN trained on the 8x8 handwritten digits (UCI ML hand-written
// digits, as shipped by Debian's python3-sklearn). Generated by
// `train.py --train`; do not edit by hand.
//
//   conv1  conv 1->8, 3x3, padding 1            + ReLU   [N, 8, 8, 8]
//   conv2  conv 8->16, 3x3, stride 2, padding 1 + ReLU   [N, 16, 4, 4]
//   flatten                                              [N, 256]
//   fc     linear 256->10                                [N, 10] (logits)
//
// Input: [N, 1, 8, 8] float32 pixels in [0, 1] (the 0..16 values / 16).

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d1)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
module {{
  func.func @main(%x: {t_x}) -> {t_out} {{
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant 0.000000e+00 : f32
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
    """Reads the named weight constants back from model.mlir (exactly)."""
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
        params = train(x_train, y_train, x_test, y_test, epochs=args.epochs)
        print(f"trained {args.epochs} epochs in {time.time() - start:.1f} s")
        with open(args.model, "w") as f:
            f.write(emit_mlir(params))
        print(f"wrote {args.model}")

    # Everything below reads the weights back from the model file, so the
    # logits are those of exactly the model qsim sees.
    params = read_mlir_params(args.model)
    logits = forward(params, x_test)
    acc = accuracy(logits, y_test)
    print(f"float test accuracy: {acc * 100:.2f}% "
          f"({int(round(acc * len(y_test)))}/{len(y_test)})")

    if args.data_dir:
        write_data_dir(args.data_dir, x_train, x_test, y_test, logits)

if __name__ == "__main__":
    main()
