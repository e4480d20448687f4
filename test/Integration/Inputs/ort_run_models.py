#!/usr/bin/env python3
"""Small ONNX models and NumPy references for scripts/onnxruntime-run.mjs.

    ort_run_models.py write DIR   writes the models and their inputs into DIR
    ort_run_models.py check DIR [--ort-semantics ort|ort-saturating]
                                  compares ONNX Runtime's outputs in DIR/out-*
                                  with NumPy formulas; exits 1 on a mismatch;
                                  ort-saturating: the QLinearMatMul as MLAS's
                                  u8s8 kernel computes it on an x86 CPU
                                  without VNNI (int16 pair sums, saturated)

The models (written with python3-onnx, opset 13):
  float.onnx  a:f32[2,3], b:f32[3], c:i64[4], d:f64[5] ->
              relu = Relu(a + b), q = QuantizeLinear(relu, 0.05, 10:u8),
              pos = c > 0 (bool), twice = c + c (i64), dr = Relu(d) (f64)
  qmatmul.onnx  A:u8[2,4] -> QLinearMatMul(A, B:i8[4,3] constant) : u8[2,3]
  batch1.onnx   x:f32[1,3] -> 2 * x + 1, a fixed batch of 1 (for --batch)
The bad inputs: not-npy (no magic), truncated (data shorter than the shape),
complex (an unsupported dtype), fortran (a Fortran-order matrix), int32.npy
(a dtype the model's input does not have).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 13)]

# QLinearMatMul's quantization parameters and constant weight.
A_SCALE, A_ZP = np.float32(0.037), np.uint8(121)
B_SCALE, B_ZP = np.float32(0.0213), np.int8(-3)
Y_SCALE, Y_ZP = np.float32(0.0914), np.uint8(117)
B = np.array([[12, -70, 33], [-128, 5, 127], [44, 90, -17], [-9, 61, -100]], dtype=np.int8)


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)


def write(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)

    f32, i64, f64 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.DOUBLE
    nodes = [
        helper.make_node("Add", ["a", "b"], ["sum"], name="add"),
        helper.make_node("Relu", ["sum"], ["relu"], name="relu"),
        helper.make_node("QuantizeLinear", ["relu", "q_scale", "q_zp"], ["q"], name="quantize"),
        helper.make_node("Greater", ["c", "zero"], ["pos"], name="greater"),
        helper.make_node("Add", ["c", "c"], ["twice"], name="twice"),
        helper.make_node("Relu", ["d"], ["dr"], name="relu_f64"),
    ]
    graph = helper.make_graph(
        nodes, "float",
        [helper.make_tensor_value_info("a", f32, [2, 3]),
         helper.make_tensor_value_info("b", f32, [3]),
         helper.make_tensor_value_info("c", i64, [4]),
         helper.make_tensor_value_info("d", f64, [5])],
        [helper.make_tensor_value_info("relu", f32, [2, 3]),
         helper.make_tensor_value_info("q", TensorProto.UINT8, [2, 3]),
         helper.make_tensor_value_info("pos", TensorProto.BOOL, [4]),
         helper.make_tensor_value_info("twice", i64, [4]),
         helper.make_tensor_value_info("dr", f64, [5])],
        initializer=[const("q_scale", np.float32(0.05)), const("q_zp", np.uint8(10)),
                     const("zero", np.int64(0))])
    save(helper.make_model(graph, opset_imports=OPSET), os.path.join(out, "float.onnx"))
    np.save(os.path.join(out, "a.npy"), rng.normal(0, 4, (2, 3)).astype(np.float32))
    np.save(os.path.join(out, "b.npy"), rng.normal(0, 4, (3,)).astype(np.float32))
    np.save(os.path.join(out, "c.npy"), np.array([-5, 0, 3, 1 << 40], dtype=np.int64))
    np.save(os.path.join(out, "d.npy"), rng.normal(0, 1, (5,)).astype(np.float64))

    nodes = [helper.make_node(
        "QLinearMatMul",
        ["A", "a_scale", "a_zp", "B", "b_scale", "b_zp", "y_scale", "y_zp"], ["Y"],
        name="qmatmul")]
    graph = helper.make_graph(
        nodes, "qmatmul",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [2, 4])],
        [helper.make_tensor_value_info("Y", TensorProto.UINT8, [2, 3])],
        initializer=[const("a_scale", A_SCALE), const("a_zp", A_ZP), const("B", B),
                     const("b_scale", B_SCALE), const("b_zp", B_ZP),
                     const("y_scale", Y_SCALE), const("y_zp", Y_ZP)])
    save(helper.make_model(graph, opset_imports=OPSET), os.path.join(out, "qmatmul.onnx"))
    np.save(os.path.join(out, "A.npy"), rng.integers(0, 256, (2, 4)).astype(np.uint8))

    nodes = [helper.make_node("Mul", ["x", "two"], ["x2"], name="mul"),
             helper.make_node("Add", ["x2", "one"], ["y"], name="add")]
    graph = helper.make_graph(
        nodes, "batch1",
        [helper.make_tensor_value_info("x", f32, [1, 3])],
        [helper.make_tensor_value_info("y", f32, [1, 3])],
        initializer=[const("two", np.float32(2)), const("one", np.float32(1))])
    save(helper.make_model(graph, opset_imports=OPSET), os.path.join(out, "batch1.onnx"))
    np.save(os.path.join(out, "x5.npy"), rng.normal(0, 1, (5, 3)).astype(np.float32))

    # Bad inputs.
    with open(os.path.join(out, "not-npy.npy"), "wb") as f:
        f.write(b"PK\x03\x04 this is a zip file, not an array")
    good = open(os.path.join(out, "a.npy"), "rb").read()
    with open(os.path.join(out, "truncated.npy"), "wb") as f:
        f.write(good[:-5])
    np.save(os.path.join(out, "complex.npy"), np.zeros((2, 3), dtype=np.complex64))
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(np.zeros((2, 3), np.float32)))
    np.save(os.path.join(out, "int32.npy"), np.zeros((2, 3), dtype=np.int32))


def compare(name, got, want):
    """Prints one line; returns whether got equals want (dtype, shape, values)."""
    ok = got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want)
    print(f"{name}: {got.dtype} {'x'.join(map(str, got.shape))} "
          f"{'matches' if ok else 'DIFFERS from'} NumPy")
    if not ok:
        print(f"  got {got.dtype} {got.shape}:\n{got}\n  want {want.dtype} {want.shape}:\n{want}")
    return ok


def check(out, semantics="ort"):
    load = lambda *p: np.load(os.path.join(out, *p))
    a, b, c, d = load("a.npy"), load("b.npy"), load("c.npy"), load("d.npy")
    relu = np.maximum(a + b, np.float32(0))
    q = np.clip(np.rint(relu / np.float32(0.05)) + 10, 0, 255).astype(np.uint8)
    ok = True
    for opt in ["out-opt", "out-noopt"]:
        ok &= compare(f"{opt} relu", load(opt, "result0.npy"), relu)
        ok &= compare(f"{opt} quantize", load(opt, "result1.npy"), q)
        ok &= compare(f"{opt} greater", load(opt, "result2.npy"), c > 0)
        ok &= compare(f"{opt} twice", load(opt, "result3.npy"), c + c)
        ok &= compare(f"{opt} relu_f64", load(opt, "result4.npy"), np.maximum(d, 0))

    # QLinearMatMul: the integer product of the zero-point-shifted operands,
    # rescaled by a_scale * b_scale / y_scale (float32), rounded half to
    # even, shifted by y's zero point and saturated to uint8.
    A = load("A.npy")
    acc = (A.astype(np.int32) - np.int32(A_ZP)) @ (B.astype(np.int32) - np.int32(B_ZP))
    if semantics == "ort-saturating":
        # vpmaddubsw: raw u8 codes times raw s8 codes, adjacent pairs along
        # K summed into int16 with saturation; the zero points corrected
        # exactly from the row and column sums.
        a, w = A.astype(np.int64), B.astype(np.int64)
        products = a[:, :, None] * w[None, :, :]
        pairs = np.clip(products[:, 0::2] + products[:, 1::2], -32768, 32767).sum(1)
        k = a.shape[1]
        acc = (pairs - int(A_ZP) * w.sum(0)[None, :] - int(B_ZP) * a.sum(1)[:, None]
               + k * int(A_ZP) * int(B_ZP))
    scale = np.float32(A_SCALE * B_SCALE / Y_SCALE)
    y = np.clip(np.rint(acc.astype(np.float32) * scale) + np.float32(Y_ZP), 0, 255)
    ok &= compare("qmatmul", load("out-qmatmul", "result0.npy"), y.astype(np.uint8))

    x = load("x5.npy")
    ok &= compare("batch1 --batch 1", load("out-batch", "result0.npy"),
                  x * np.float32(2) + np.float32(1))
    if not ok:
        sys.exit(1)
    print("all outputs match")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["write"] and len(args) == 2:
        write(args[1])
    elif (args[:1] == ["check"] and len(args) in (2, 4)
          and (len(args) == 2 or (args[2] == "--ort-semantics"
                                  and args[3] in ("ort", "ort-saturating")))):
        check(args[1], *args[3:])
    else:
        sys.exit(__doc__)
