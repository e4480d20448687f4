#!/usr/bin/env python3
"""NumPy inputs and independent reference outputs for the qsim-run tests.

  float-convnet DIR           writes DIR/{x,w1,b1,w2,b2}.npy and DIR/ref.npy,
                              the float output of float-convnet.mlir's net
                              computed here in float64
  tosa-conv MLIR DIR BATCH..  reads the tosa.const weights and bias of the
                              TOSA conv in MLIR and writes DIR/xB.npy and
                              DIR/refB.npy (NHWC conv, bias, ReLU6) for each
                              batch size B
  qnet MLIR DIR               reads the !quant.uniform aliases of
                              quantized-convnet.mlir, writes random storage
                              integers for its arguments and DIR/expected.npy,
                              a plain NumPy simulation of the integer
                              arithmetic (int64 sums, float64 requantization,
                              round half to even)
  kernel-net MLIR DIR         reads the !quant.uniform aliases and the
                              integer weight constants of kernels.mlir,
                              writes random u8 storage integers as DIR/x.npy
                              and, by the same simulation of its conv, conv
                              and linear layers, its outputs as
                              DIR/{y3,r1,acc3}.npy
  check-equal ACTUAL EXPECTED fails unless the two arrays have the same dtype,
                              shape and values, bit for bit
  check-close ACTUAL EXPECTED TOL
                              fails unless the float arrays have the same
                              shape and differ by at most TOL

Nothing here runs qsim: the references only share the formulas of
docs/QSim.md with it.
"""

import ast
import os
import re
import sys

import numpy as np


def conv2d_nchw(x, w, stride=1, pad=(0, 0, 0, 0), pad_value=0.0):
    """Cross-correlation of NCHW `x` with OIHW `w`; pad = (top, left, bottom,
    right). The sums are in x's dtype (use float64 or int64)."""
    top, left, bottom, right = pad
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)),
                constant_values=pad_value)
    n, _, h, wd = xp.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, o, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh,
                       j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(patch, w.astype(x.dtype),
                                         axes=([1, 2, 3], [1, 2, 3]))
    return y


def float_convnet(out_dir):
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (2, 3, 8, 8)).astype(np.float32)
    w1 = rng.normal(0, 0.4, (4, 3, 3, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.2, (4,)).astype(np.float32)
    w2 = rng.normal(0, 0.4, (5, 4, 3, 3)).astype(np.float32)
    b2 = rng.normal(0, 0.2, (5,)).astype(np.float32)
    # conv 3->4 (padding 1) + bias + ReLU, conv 4->5 (stride 2, padding 1)
    # + bias.
    x64 = x.astype(np.float64)
    y1 = conv2d_nchw(x64, w1, 1, (1, 1, 1, 1)) + b1.reshape(1, -1, 1, 1)
    r1 = np.maximum(y1, 0)
    y2 = conv2d_nchw(r1, w2, 2, (1, 1, 1, 1)) + b2.reshape(1, -1, 1, 1)
    os.makedirs(out_dir, exist_ok=True)
    for name, value in (("x", x), ("w1", w1), ("b1", b1), ("w2", w2),
                        ("b2", b2), ("ref", y2.astype(np.float32))):
        np.save(os.path.join(out_dir, name + ".npy"), value)


def read_dense_constant(mlir, name):
    """The values of `%name = "tosa.const"() <{values = dense<...> : T}>`."""
    match = re.search(r"%" + name + r' = "tosa.const"\(\) <\{values = '
                      r"dense<(.*?)> : tensor<([0-9x]+)xf32>", mlir)
    if not match:
        sys.exit(f"no tosa.const %{name} in the model")
    shape = tuple(int(d) for d in match.group(2).split("x"))
    return np.array(ast.literal_eval(match.group(1)), np.float64).reshape(shape)


def tosa_conv(mlir_path, out_dir, batches):
    with open(mlir_path) as f:
        mlir = f.read()
    w = read_dense_constant(mlir, "w")  # OHWI
    b = read_dense_constant(mlir, "b")
    pad = re.search(r"pad = array<i64: (\d+), (\d+), (\d+), (\d+)>", mlir)
    top, bottom, left, right = (int(p) for p in pad.groups())
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(5)
    for batch in batches:
        # Wide enough that ReLU6 clamps at both ends.
        x = rng.uniform(-3, 3, (batch, 5, 5, w.shape[3])).astype(np.float32)
        nchw = x.astype(np.float64).transpose(0, 3, 1, 2)
        y = conv2d_nchw(nchw, w.transpose(0, 3, 1, 2), 1,
                        (top, left, bottom, right))
        y = np.clip(y + b.reshape(1, -1, 1, 1), 0, 6).transpose(0, 2, 3, 1)
        np.save(os.path.join(out_dir, f"x{batch}.npy"), x)
        np.save(os.path.join(out_dir, f"ref{batch}.npy"), y.astype(np.float32))


class QuantType:
    """A parsed `!quant.uniform<...>`: storage range, axis, scales, zero
    points."""

    def __init__(self, text):
        match = re.fullmatch(
            r"!quant\.uniform<([iu])(\d+)(?:<(-?\d+):(-?\d+)>)?:f32(?::(\d+))?, "
            r"(\{.*\}|[^{}]+)>", text.strip())
        if not match:
            sys.exit(f"cannot parse {text}")
        signed, bits, lo, hi, axis, params = match.groups()
        bits = int(bits)
        if lo is not None:
            self.qmin, self.qmax = int(lo), int(hi)
        elif signed == "i":
            self.qmin, self.qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        else:
            self.qmin, self.qmax = 0, 2 ** bits - 1
        self.dtype = np.dtype(f"{'int' if signed == 'i' else 'uint'}{max(bits, 8)}")
        self.axis = None if axis is None else int(axis)
        self.scales, self.zero_points = [], []
        for item in params.strip("{}").split(","):
            scale, _, zero_point = item.strip().partition(":")
            self.scales.append(float(scale))
            self.zero_points.append(int(zero_point or 0))

    def channel_values(self, values, rank, axis):
        """`values` shaped to broadcast along `axis` of a rank-`rank` array."""
        shape = [1] * rank
        shape[axis] = len(values)
        return np.array(values).reshape(shape)


def read_quant_aliases(mlir):
    return {name: QuantType(text) for name, text in
            re.findall(r"^!(\w+) = (!quant\.uniform<.*>)$", mlir, re.M)}


def qconv(xq, x_type, wq, w_type, bias, stride, pad):
    """INT32 accumulators of qsim.conv2d: bias + sum (x - z_x)(w - z_w),
    with the padding holding z_x (so it adds nothing)."""
    x = xq.astype(np.int64) - x_type.zero_points[0]
    w = wq.astype(np.int64) - w_type.channel_values(w_type.zero_points, 4, 0)
    acc = conv2d_nchw(x, w, stride, (pad,) * 4) + bias.reshape(1, -1, 1, 1)
    # Accumulation wraps modulo 2^32; these sums stay far inside int32.
    assert np.all(np.abs(acc) < 2 ** 31)
    return acc


def requantize(acc, acc_type, y_type, relu):
    """round_half_to_even(acc * M) + z_y, M = s_acc / s_y in float64,
    clamped to the storage range (and to z_y from below for a ReLU)."""
    m = np.array(acc_type.scales) / y_type.scales[0]
    prod = acc.astype(np.float64) * m.reshape(1, -1, 1, 1)
    z_y = y_type.zero_points[0]
    lo = max(y_type.qmin, z_y) if relu else y_type.qmin
    return np.clip(np.round(prod) + z_y, lo, y_type.qmax).astype(np.int64)


def qnet(mlir_path, out_dir):
    with open(mlir_path) as f:
        types = read_quant_aliases(f.read())
    rng = np.random.default_rng(3)
    t = types
    xq = rng.integers(60, 200, (2, 3, 6, 6))
    w1 = rng.integers(-60, 61, (4, 3, 3, 3))
    b1 = rng.integers(-3000, 3000, (4,))
    w2 = rng.integers(-40, 41, (2, 4, 3, 3))
    b2 = rng.integers(-500, 500, (2,))
    acc1 = qconv(xq, t["x"], w1, t["w1"], b1, 1, 1)
    y1 = requantize(acc1, t["acc1"], t["y1"], relu=True)
    acc2 = qconv(y1, t["y1"], w2, t["w2"], b2, 2, 1)
    y2 = requantize(acc2, t["acc2"], t["y2"], relu=False)
    os.makedirs(out_dir, exist_ok=True)
    for name, value, dtype in (("x", xq, t["x"].dtype), ("w1", w1, t["w1"].dtype),
                               ("b1", b1, np.int32), ("w2", w2, t["w2"].dtype),
                               ("b2", b2, np.int32),
                               ("expected", y2, t["y2"].dtype)):
        np.save(os.path.join(out_dir, name + ".npy"), value.astype(dtype))
    # A test that only saturated or only clamped would prove little.
    assert len(np.unique(y2)) > 10, np.unique(y2)


def read_int_constant(mlir, name):
    """The values of `%name = arith.constant dense<...> : tensor<...xiN>`."""
    match = re.search(r"%" + name + r" = arith\.constant dense<(.*?)>\s*:\s*"
                      r"tensor<([0-9x]+)xi(?:8|32)>", mlir, re.S)
    if not match:
        sys.exit(f"no integer arith.constant %{name} in the model")
    shape = tuple(int(d) for d in match.group(2).split("x"))
    return np.array(ast.literal_eval(match.group(1)), np.int64).reshape(shape)


def requantize_rows(acc, acc_type, y_type):
    """requantize of an [N, F] accumulator with a per-tensor result."""
    m = np.array(acc_type.scales) / y_type.scales[0]
    prod = acc.astype(np.float64) * m.reshape(1, -1)
    return np.clip(np.round(prod) + y_type.zero_points[0], y_type.qmin,
                   y_type.qmax).astype(np.int64)


def kernel_net(mlir_path, out_dir):
    with open(mlir_path) as f:
        mlir = f.read()
    t = read_quant_aliases(mlir)
    c = {name: read_int_constant(mlir, name)
         for name in ("w1s", "b1", "w2s", "b2", "w3s", "b3")}
    rng = np.random.default_rng(4)
    xq = rng.integers(0, 256, (2, 3, 6, 9))
    acc1 = qconv(xq, t["x"], c["w1s"], t["w1"], c["b1"], 1, 1)
    y1 = requantize(acc1, t["acc1"], t["y1"], relu=True)
    acc2 = qconv(y1, t["y1"], c["w2s"], t["w2"], c["b2"], 2, 1)
    y2 = requantize(acc2, t["acc2"], t["y2"], relu=False)
    rows = y2.reshape(y2.shape[0], -1) - t["y2"].zero_points[0]
    acc3 = rows @ (c["w3s"] - t["w3"].zero_points[0]).T + c["b3"]
    y3 = requantize_rows(acc3, t["acc3"], t["y3"])
    os.makedirs(out_dir, exist_ok=True)
    assert np.all(np.abs(acc3) < 2 ** 31)
    for name, value, dtype in (("x", xq, t["x"].dtype),
                               ("y3", y3, t["y3"].dtype),
                               ("r1", y1, t["y1"].dtype),
                               ("acc3", acc3, np.int32)):
        np.save(os.path.join(out_dir, name + ".npy"), value.astype(dtype))
    # Outputs that only saturated or only clamped would prove little, in
    # every layer.
    for name, y, y_type in (("y1", y1, t["y1"]), ("y2", y2, t["y2"]),
                            ("y3", y3, t["y3"])):
        inside = (y > y_type.qmin) & (y < y_type.qmax)
        assert len(np.unique(y)) > 8 and inside.mean() > 0.3, (name, np.unique(y))


def check_equal(actual_path, expected_path):
    actual, expected = np.load(actual_path), np.load(expected_path)
    if actual.dtype != expected.dtype or actual.shape != expected.shape:
        sys.exit(f"{actual_path}: {actual.dtype} {actual.shape}, expected "
                 f"{expected.dtype} {expected.shape}")
    if not np.array_equal(actual, expected):
        diff = np.argwhere(actual != expected)
        sys.exit(f"{actual_path}: {len(diff)} element(s) differ, first at "
                 f"{tuple(diff[0])}: {actual[tuple(diff[0])]} != "
                 f"{expected[tuple(diff[0])]}")
    print(f"{actual_path}: equal ({actual.size} {actual.dtype} elements)")


def check_close(actual_path, expected_path, tolerance):
    actual, expected = np.load(actual_path), np.load(expected_path)
    if actual.shape != expected.shape:
        sys.exit(f"{actual_path}: shape {actual.shape}, expected {expected.shape}")
    error = np.max(np.abs(actual.astype(np.float64) - expected), initial=0)
    if not error <= float(tolerance):
        sys.exit(f"{actual_path}: max abs error {error} exceeds {tolerance}")
    print(f"{actual_path}: close")


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "float-convnet":
        float_convnet(*args)
    elif command == "tosa-conv":
        tosa_conv(args[0], args[1], [int(b) for b in args[2:]])
    elif command == "qnet":
        qnet(*args)
    elif command == "kernel-net":
        kernel_net(*args)
    elif command == "check-equal":
        check_equal(*args)
    elif command == "check-close":
        check_close(*args)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
