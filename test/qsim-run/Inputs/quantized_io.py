#!/usr/bin/env python3
"""Inputs and expected outputs of quantized-io.mlir.

  gen DIR    writes storage-integer inputs (a.npy uint8, p.npy int8), float
             inputs for --quantize-inputs (af.npy float32, pf.npy float64)
             and f.npy
  check DIR MODE
             checks DIR/out-MODE/resultN[.dequantized].npy, MODE being
             `storage` or `quantize`, against the formulas of docs/QSim.md
             evaluated here in NumPy
"""

import os
import sys

import numpy as np

# The types of quantized-io.mlir.
A_SCALE, A_ZERO = 0.1, 100
P_SCALES = np.array([0.5, 0.25, 0.125])
P_ZEROS = np.array([0, 0, 4])


def quantize(x, scale, zero, qmin, qmax):
    """clip(round_half_to_even(x / s) + z): x / s in float32."""
    q = np.round(np.asarray(x, np.float32) / np.asarray(scale, np.float32))
    return np.clip(q.astype(np.int64) + zero, qmin, qmax)


def dequantize(q, scale, zero):
    """s * (q - z) in float32."""
    return (np.asarray(scale, np.float32) *
            (q.astype(np.int64) - zero).astype(np.float32)).astype(np.float32)


def gen(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "a.npy"), np.array([0, 99, 100, 255], np.uint8))
    np.save(os.path.join(out_dir, "p.npy"),
            np.array([[-128, 0, 127], [1, -1, 4]], np.int8))
    np.save(os.path.join(out_dir, "f.npy"), np.array([1.5, -2.0], np.float32))
    # 0.05 / 0.1 is exactly 0.5 in float32 and rounds to even (0); -20 and 30
    # saturate.
    np.save(os.path.join(out_dir, "af.npy"),
            np.array([-20.0, 0.05, 0.26, 30.0], np.float32))
    # Per channel: 1.0 / 0.5, 1.0 / 0.25, 1.0 / 0.125 + 4; 100 saturates.
    np.save(os.path.join(out_dir, "pf.npy"),
            np.array([[1.0, 1.0, 1.0], [-0.75, 100.0, -0.3]], np.float64))


def expect(path, expected):
    actual = np.load(path)
    if actual.dtype != expected.dtype or not np.array_equal(actual, expected):
        sys.exit(f"{path}: {actual!r}, expected {expected!r}")


def check(out_dir, mode):
    if mode == "storage":
        a = np.load(os.path.join(out_dir, "a.npy")).astype(np.int64)
        p = np.load(os.path.join(out_dir, "p.npy")).astype(np.int64)
    else:
        a = quantize(np.load(os.path.join(out_dir, "af.npy")), A_SCALE, A_ZERO,
                     0, 255)
        p = quantize(np.load(os.path.join(out_dir, "pf.npy")),
                     P_SCALES.reshape(1, 3), P_ZEROS.reshape(1, 3), -128, 127)
    f = np.load(os.path.join(out_dir, "f.npy"))
    out = os.path.join(out_dir, "out-" + mode)
    relu = np.maximum(a, A_ZERO)
    expect(os.path.join(out, "result0.npy"), relu.astype(np.uint8))
    expect(os.path.join(out, "result0.dequantized.npy"),
           dequantize(relu, A_SCALE, A_ZERO))
    expect(os.path.join(out, "result1.npy"), p.astype(np.int8))
    expect(os.path.join(out, "result1.dequantized.npy"),
           dequantize(p, P_SCALES.reshape(1, 3), P_ZEROS.reshape(1, 3)))
    expect(os.path.join(out, "result2.npy"), f + f)
    # A float result has nothing to dequantize.
    if os.path.exists(os.path.join(out, "result2.dequantized.npy")):
        sys.exit("result2.dequantized.npy written for a float result")
    print(f"{mode}: a = {a.tolist()}, p = {p.tolist()}")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
