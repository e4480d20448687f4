"""Expected constants of fold-batch-norm.mlir, computed with NumPy.

Each case lists the conv weights W [O, ...], the bias (0 without one) and
the BatchNorm parameters written in the test's constants; the fold must give
a = invstd * gamma, b = beta - mean * a, W' = a[o] * W[o] and
bias' = a * bias + b, in double, stored in f32. invstd is 1 / sqrt(var + eps)
rounded in f32 as the float model computes it (the test writes it as a
constant, or computes it with math.rsqrt in the body). Prints, per case,
the expected constants as the hexadecimal dense<"0x..."> strings that
--mlir-print-elementsattrs-with-hex-if-larger=1 prints (little-endian f32,
exact), and their values to 9 significant digits.

Usage: python3 fold_batch_norm.py
"""

import numpy as np


def mlir_hex(array):
    return '"0x' + np.asarray(array, "<f4").tobytes().hex().upper() + '"'


def decimal(array):
    return " ".join("%.9g" % v for v in np.asarray(array, np.float32).ravel())


def invstd_f32(var, eps):
    total = np.float32(var) + np.float32(eps)
    return np.float32(1.0) / np.sqrt(total)


def fold(name, weights, bias, mean, invstd, gamma, beta):
    weights = np.asarray(weights, np.float32)
    channels = weights.shape[0]
    bias = np.broadcast_to(np.asarray(bias, np.float32), (channels,))
    a = np.asarray(invstd, np.float64) * np.asarray(gamma, np.float32)
    b = np.asarray(beta, np.float32) - np.asarray(mean, np.float32) * a
    shape = (channels,) + (1,) * (weights.ndim - 1)
    folded_w = (a.reshape(shape) * weights.astype(np.float64)).astype(np.float32)
    folded_b = (a * bias + b).astype(np.float32)
    print(f"== {name}")
    print("invstd", decimal(invstd))
    print("W'    ", mlir_hex(folded_w), decimal(folded_w))
    print("bias' ", mlir_hex(folded_b), decimal(folded_b))


W = [[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]
W_GROUPED = [[[[1.0, 2.0], [3.0, 4.0]], [[0.5, -0.5], [1.5, -1.5]]],
             [[[-1.0, 0.5], [0.25, 2.0]], [[2.0, 1.0], [-2.0, -1.0]]]]
BN = dict(mean=[0.5, -1.0], invstd=[2.0, 0.5], gamma=[1.5, 3.0],
          beta=[0.25, -0.75])
VAR, EPS = [0.5, 2.0], 1e-5
REAL_BN = dict(mean=[0.1, -0.3],
               invstd=[invstd_f32(v, EPS) for v in VAR],
               gamma=[0.9, 1.1], beta=[0.2, -0.1])

fold("conv, zero fill, four generics", W, 0.0, **BN)
fold("conv, bias broadcast, four generics", W, [1.0, -2.0], **REAL_BN)
fold("depthwise, generic bias broadcast", W, [0.5, 0.5], **BN)
fold("grouped", W_GROUPED, [0.25, -0.25], **BN)
fold("fused generic with rsqrt(var + eps)", W, 0.0, **REAL_BN)
fold("four generics then relu", W, 0.0, **BN)
fold("linear [F, K] transposed, bias add, BatchNorm1d",
     [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], [0.5, -1.0], **BN)
