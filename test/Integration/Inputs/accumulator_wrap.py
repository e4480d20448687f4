#!/usr/bin/env python3
"""Inputs and the NumPy reference of accumulator-wrap.mlir.

  gen DIR    writes DIR/x.npy, the u16 storage integers of the input
  check DIR  compares DIR/out/result0.npy (qsim-run's int32 accumulators)
             with the exact int64 result and with it wrapped modulo 2^32
"""

import sys

import numpy as np

# The weights and bias of @linear in accumulator-wrap.mlir.
W = np.array([[32767, 1], [32767, 1]], dtype=np.int64)
B = np.array([32767, 32768], dtype=np.int64)
X = np.array([[65535, 65535], [1000, 2], [65535, 0]], dtype=np.uint16)


def wrap_int32(values):
    return ((values + 2**31) % 2**32 - 2**31).astype(np.int64)


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == "gen":
        np.save(f"{directory}/x.npy", X)
        return
    result = np.load(f"{directory}/out/result0.npy")
    exact = X.astype(np.int64) @ W.T + B
    wrapped = wrap_int32(exact)
    print("dtype", result.dtype)
    print("equals the int32-wrapped reference:",
          bool(np.array_equal(result.astype(np.int64), wrapped)))
    for index in zip(*np.nonzero(result.astype(np.int64) != exact)):
        row, channel = (int(i) for i in index)
        print(f"differs from int64 at row {row} channel {channel}: "
              f"int64 {exact[row, channel]}, qsim-run {result[row, channel]}")
    print("int64 maximum per channel:", exact.max(axis=0).tolist())


if __name__ == "__main__":
    main()
