#!/usr/bin/env python3
"""Checks that two dequantized outputs of a QDQ model differ only by single
quantization steps.

    one_step_apart.py A.npy B.npy --model M.onnx --scale NAME --zero-point NAME
                      [--gemm NODE --intermediates DIR]

A and B are float outputs of the model's last DequantizeLinear, whose scale
and zero point are the initializers NAME of M.onnx. Each value of A and B
must be exactly (q - zp) * scale for an integer code q in [0, 255]; prints
how many values differ and fails unless every differing pair of codes is
one step apart.

With --gemm, also recomputes the model's final quantized Gemm NODE (its
uint8 input read from DIR, the --intermediates of qdq_reference.py) in
integers, requantized once with the multiplier s_x * s_w[c] / s_y in float64
and once as ONNX Runtime computes it (float32(float32(s_x * s_w[c]) / s_y),
times float32(acc) in float32), and prints where the two roundings differ:
the values where A and B differ should be exactly those.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def initializers(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def codes(values, scale, zero_point, label):
    q = np.rint(values.astype(np.float64) / np.float64(scale)) + int(zero_point)
    back = ((q - int(zero_point)).astype(np.float32) * np.float32(scale)).astype(np.float32)
    if not np.array_equal(back, values) or q.min() < 0 or q.max() > 255:
        sys.exit(f"one_step_apart: {label} holds values that are not (q - zp) * scale")
    return q.astype(np.int64)


def gemm_requantize(model, inits, node_name, folder):
    """The final Gemm's codes under both multipliers."""
    nodes = {n.name: n for n in model.graph.node}
    producer = {o: n for n in model.graph.node for o in n.output}
    gemm = nodes[node_name]

    def dq_inputs(tensor):
        dq = producer[tensor]
        assert dq.op_type == "DequantizeLinear", dq.op_type
        return dq.input

    x_q, x_s, x_zp = dq_inputs(gemm.input[0])
    w_q, w_s, _ = dq_inputs(gemm.input[1])
    b_q, _, _ = dq_inputs(gemm.input[2])
    consumer = [n for n in model.graph.node if gemm.output[0] in n.input]
    assert len(consumer) == 1 and consumer[0].op_type == "QuantizeLinear"
    _, y_s, y_zp = consumer[0].input

    x = np.load(os.path.join(folder, x_q + ".npy")).astype(np.int64)
    x = x.reshape(len(x), -1) - int(inits[x_zp])
    w = inits[w_q].astype(np.int64)  # [out, in]: transB=1
    acc = x @ w.T + inits[b_q].astype(np.int64)
    s_x, s_w, s_y = inits[x_s], inits[w_s].reshape(-1), inits[y_s]
    zp = int(inits[y_zp])

    m64 = np.float64(s_x) * s_w.astype(np.float64) / np.float64(s_y)
    q64 = np.clip(np.rint(acc.astype(np.float64) * m64) + zp, 0, 255)
    m32 = ((np.float32(s_x) * s_w.astype(np.float32)).astype(np.float32)
           / np.float32(s_y)).astype(np.float32)
    q32 = np.clip(np.rint((acc.astype(np.float32) * m32).astype(np.float32)) + zp, 0, 255)
    return q64.astype(np.int64), q32.astype(np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--model", required=True)
    parser.add_argument("--scale", required=True)
    parser.add_argument("--zero-point", required=True)
    parser.add_argument("--gemm")
    parser.add_argument("--intermediates")
    args = parser.parse_args()

    model = onnx.load(args.model)
    inits = initializers(model)
    scale = inits[args.scale].reshape(())
    zero_point = inits[args.zero_point].reshape(())
    a, b = np.load(args.a), np.load(args.b)
    if a.shape != b.shape:
        sys.exit(f"one_step_apart: shapes {a.shape} and {b.shape} differ")
    qa = codes(a, scale, zero_point, args.a)
    qb = codes(b, scale, zero_point, args.b)
    steps = np.abs(qa - qb)
    differ = np.flatnonzero(steps.reshape(-1))
    print(f"one_step_apart: {len(differ)} of {a.size} values differ; "
          f"largest difference {steps.max()} step(s) of {float(scale):.9g}")
    for i in differ:
        index = np.unravel_index(i, a.shape)
        print(f"  {tuple(int(k) for k in index)}: codes {qa[index]} and {qb[index]}")
    if steps.max() > 1:
        sys.exit("one_step_apart: some values differ by more than one step")

    if args.gemm:
        q64, q32 = gemm_requantize(model, inits, args.gemm, args.intermediates)
        split = np.flatnonzero((q64 != q32).reshape(-1))
        print(f"one_step_apart: {args.gemm} requantized with a float64 and a float32 "
              f"multiplier: {len(split)} of {q64.size} codes differ")
        for i in split:
            index = np.unravel_index(i, q64.shape)
            print(f"  {tuple(int(k) for k in index)}: float64 {q64[index]}, "
                  f"float32 {q32[index]}")
        if not np.array_equal(split, differ):
            sys.exit("one_step_apart: the values that differ are not where the two "
                     "multipliers round differently")
        if not (np.array_equal(qa.reshape(-1)[split], q64.reshape(-1)[split])
                and np.array_equal(qb.reshape(-1)[split], q32.reshape(-1)[split])):
            sys.exit(f"one_step_apart: {args.a} is not the float64 rounding and "
                     f"{args.b} the float32 one there")
    return 0


if __name__ == "__main__":
    sys.exit(main())
