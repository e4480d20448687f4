#!/usr/bin/env python3
"""Writes the small ONNX models the importer's tests read, with
python3-onnx's helpers, and for some of them sample inputs and the NumPy
reference output computed from the ops' definitions.

  models.py NAME OUT_DIR

writes OUT_DIR/NAME.onnx (and OUT_DIR/NAME.x.npy, OUT_DIR/NAME.ref.npy where
the model has a reference). `models.py --list` prints the names.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(20261202)
MODELS = {}
# Files written beside a model (its external data), by model name.
SIDE_FILES = {}


def model(function):
    MODELS[function.__name__] = function
    return function


def floats(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def make(nodes, inputs, outputs, initializers=(), opset=13, domain_opsets=()):
    graph = helper.make_graph(
        nodes, "test",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        [numpy_helper.from_array(a, n) for n, a in initializers])
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in domain_opsets]
    return helper.make_model(graph, opset_imports=opsets)


F = TensorProto.FLOAT


def conv_reference(x, w, b, pad, stride=1, groups=1):
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = xp.shape
    o, cg, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    og = o // groups
    y = np.zeros((n, o, oh, ow))
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg, i:i + stride * oh:stride, j:j + stride * ow:stride]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, w[g * og:(g + 1) * og, :, i, j])
    return y + b[None, :, None, None]


@model
def cnn():
    """Conv(pads 1)+Relu, MaxPool 2x2, Flatten, Gemm(transB), Softmax."""
    w, b, g, gb = floats(4, 3, 3, 3), floats(4), floats(5, 64), floats(5)
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu1"),
             helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "G", "GB"], ["g"], name="fc", transB=1),
             helper.make_node("Softmax", ["g"], ["y"], name="softmax")]
    m = make(nodes, [("x", F, ["N", 3, 8, 8])], [("y", F, None)],
             [("W", w), ("B", b), ("G", g), ("GB", gb)])
    x = floats(2, 3, 8, 8)
    c = np.maximum(conv_reference(x, w, b, 1), 0)
    p = c.reshape(2, 4, 4, 2, 4, 2).max(axis=(3, 5))
    logits = p.reshape(2, -1) @ g.T.astype(np.float64) + gb
    e = np.exp(logits - logits.max(1, keepdims=True))
    return m, x, e / e.sum(1, keepdims=True)


@model
def convs():
    """A conv with stride 2 and asymmetric pads, a depthwise conv, a grouped
    conv without bias, and BatchNormalization."""
    w1, b1 = floats(4, 2, 3, 3), floats(4)
    w2, b2 = floats(4, 1, 3, 3), floats(4)
    w3 = floats(6, 2, 1, 1)
    scale, bias, mean = floats(6), floats(6), floats(6)
    var = RNG.uniform(0.5, 2.0, 6).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "W1", "B1"], ["c1"], name="strided", strides=[2, 2],
                              pads=[0, 1, 1, 0]),
             helper.make_node("Conv", ["c1", "W2", "B2"], ["c2"], name="depthwise", group=4,
                              auto_pad="SAME_UPPER"),
             helper.make_node("Conv", ["c2", "W3"], ["c3"], name="grouped", group=2),
             helper.make_node("BatchNormalization", ["c3", "S", "Bb", "M", "V"], ["y"], name="bn",
                              epsilon=1e-3)]
    m = make(nodes, [("x", F, [1, 2, 7, 7])], [("y", F, None)],
             [("W1", w1), ("B1", b1), ("W2", w2), ("B2", b2), ("W3", w3), ("S", scale),
              ("Bb", bias), ("M", mean), ("V", var)])
    x = floats(1, 2, 7, 7)
    xp = np.pad(x, ((0, 0), (0, 0), (0, 1), (1, 0)))
    c1 = conv_reference(xp, w1, b1, 0, stride=2)
    c2 = conv_reference(c1, w2, b2, 1, groups=4)
    c3 = conv_reference(c2, w3, np.zeros(6), 0, groups=2)
    s = (scale / np.sqrt(var.astype(np.float64) + 1e-3))[None, :, None, None]
    y = (c3 - mean[None, :, None, None]) * s + bias[None, :, None, None]
    return m, x, y


@model
def shape_chain():
    """PaddleOCR's dynamic flatten: Shape, Slice, Concat with -1, Reshape;
    and torch's Shape/Gather/Unsqueeze/Concat form."""
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Slice", ["s", "zero", "one"], ["batch"], name="slice"),
             helper.make_node("Concat", ["batch", "minus_one"], ["target"], name="concat", axis=0),
             helper.make_node("Reshape", ["x", "target"], ["flat"], name="reshape"),
             helper.make_node("Shape", ["flat"], ["s2"], name="shape2"),
             helper.make_node("Gather", ["s2", "zero_scalar"], ["n"], name="gather", axis=0),
             helper.make_node("Unsqueeze", ["n", "zero"], ["n1"], name="unsqueeze"),
             helper.make_node("Concat", ["n1", "three", "minus_one"], ["target2"], name="concat2",
                              axis=0),
             helper.make_node("Reshape", ["flat", "target2"], ["y"], name="reshape2")]
    i64 = lambda *v: np.array(v, dtype=np.int64)
    m = make(nodes, [("x", F, [2, 3, 4, 2])], [("y", F, None)],
             [("zero", i64(0)), ("one", i64(1)), ("minus_one", i64(-1)),
              ("three", i64(3)), ("zero_scalar", np.array(0, dtype=np.int64))])
    x = floats(2, 3, 4, 2)
    return m, x, x.reshape(2, 3, 8)


@model
def typed_fields():
    """Initializers in the typed fields (float_data, int32_data for int8),
    not raw_data: x + [1.5, 2.5, -1] + float([1, -2, 3])."""
    c = helper.make_tensor("c", F, [3], [1.5, 2.5, -1.0])
    i = helper.make_tensor("i", TensorProto.INT8, [3], [1, -2, 3])
    nodes = [helper.make_node("Cast", ["i"], ["f"], name="cast", to=F),
             helper.make_node("Add", ["x", "c"], ["s"], name="add1"),
             helper.make_node("Add", ["s", "f"], ["y"], name="add2")]
    m = make(nodes, [("x", F, [3])], [("y", F, [3])])
    m.graph.initializer.extend([c, i])
    x = floats(3)
    return m, x, x.astype(np.float64) + np.array([2.5, 0.5, 2.0])


@model
def unsupported_op():
    """An op the importer does not know (Erf)."""
    nodes = [helper.make_node("Erf", ["x"], ["y"], name="my_erf")]
    return make(nodes, [("x", F, [2])], [("y", F, [2])]), None, None


@model
def custom_domain():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="custom_relu", domain="com.example")]
    return make(nodes, [("x", F, [2])], [("y", F, [2])],
                domain_opsets=[("com.example", 1)]), None, None


@model
def opset_too_new():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return make(nodes, [("x", F, [2])], [("y", F, [2])], opset=99), None, None


@model
def undefined_input():
    nodes = [helper.make_node("Relu", ["nowhere"], ["y"], name="relu")]
    return make(nodes, [("x", F, [2])], [("y", F, [2])]), None, None


@model
def runtime_shape():
    """A Reshape whose shape is a graph input: not computable at import."""
    nodes = [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    return make(nodes, [("x", F, [2, 3]), ("shape", TensorProto.INT64, [2])],
                [("y", F, None)]), None, None


@model
def bad_tensor():
    """An initializer whose raw data is shorter than its shape needs."""
    m = make([helper.make_node("Add", ["x", "c"], ["y"], name="add")],
             [("x", F, [4])], [("y", F, [4])], [("c", floats(4))])
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:10]
    return m, None, None


@model
def conv_mismatch():
    """Weights whose input channels do not match X."""
    nodes = [helper.make_node("Conv", ["x", "W"], ["y"], name="conv")]
    return make(nodes, [("x", F, [1, 3, 4, 4])], [("y", F, None)],
                [("W", floats(2, 2, 3, 3))]), None, None


@model
def external_data():
    """An initializer stored in a file beside the model."""
    c = floats(4)
    m = make([helper.make_node("Add", ["x", "c"], ["y"], name="add")],
             [("x", F, [4])], [("y", F, [4])], [("c", c)])
    tensor = m.graph.initializer[0]
    data = tensor.raw_data
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in [("location", "external_data.bin"), ("offset", "8"),
                       ("length", str(len(data)))]:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    SIDE_FILES["external_data"] = {"external_data.bin": b"\0" * 8 + data}
    x = floats(4)
    return m, x, x.astype(np.float64) + c


@model
def external_escape():
    """External data that points outside the model's folder."""
    m = make([helper.make_node("Add", ["x", "c"], ["y"], name="add")],
             [("x", F, [4])], [("y", F, [4])], [("c", floats(4))])
    tensor = m.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    entry = tensor.external_data.add()
    entry.key, entry.value = "location", "../secret.bin"
    return m, None, None


@model
def qdq_conv():
    """A QDQ conv as ONNX Runtime's quantize_static writes it: u8
    activations, per-channel i8 weights, an i32 bias at s_x * s_w."""
    w_q = RNG.integers(-127, 128, (2, 1, 3, 3)).astype(np.int8)
    w_s = np.array([0.02, 0.03], dtype=np.float32)
    x_s, x_z = np.float32(0.05), np.uint8(128)
    y_s, y_z = np.float32(0.1), np.uint8(0)
    b_q = np.array([100, -50], dtype=np.int32)
    nodes = [helper.make_node("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"], name="x_q"),
             helper.make_node("DequantizeLinear", ["xq", "x_s", "x_z"], ["xd"], name="x_dq"),
             helper.make_node("DequantizeLinear", ["wq", "w_s", "w_z"], ["wd"], name="w_dq", axis=0),
             helper.make_node("DequantizeLinear", ["bq", "b_s"], ["bd"], name="b_dq", axis=0),
             helper.make_node("Conv", ["xd", "wd", "bd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("QuantizeLinear", ["c", "y_s", "y_z"], ["yq"], name="y_q"),
             helper.make_node("DequantizeLinear", ["yq", "y_s", "y_z"], ["y"], name="y_dq")]
    m = make(nodes, [("x", F, [1, 1, 4, 4])], [("y", F, None)],
             [("x_s", x_s), ("x_z", x_z), ("wq", w_q), ("w_s", w_s),
              ("w_z", np.zeros(2, dtype=np.int8)), ("bq", b_q), ("b_s", x_s * w_s),
              ("y_s", y_s), ("y_z", y_z)])
    # The exact int32 sum with the int32 bias, requantized with the
    # multiplier s_x * s_w / s_y: in float64, as qsim.requantize is defined
    # (docs/QSim.md), and in float32, as ONNX Runtime's QLinearConv computes
    # it (written as NAME.ort.npy). The seeded input has one accumulator,
    # 2150 * 0.01, on which the two round differently.
    x = floats(1, 1, 4, 4)
    xq = np.clip(np.rint(x / x_s) + int(x_z), 0, 255)
    acc = conv_reference(xq - int(x_z), w_q.astype(np.float64), b_q.astype(np.float64), 1)
    exact = (np.float64(x_s) * w_s.astype(np.float64) / np.float64(y_s))[None, :, None, None]
    single = (x_s * w_s / y_s).astype(np.float32)[None, :, None, None]
    yq = np.clip(np.rint(acc * exact) + int(y_z), 0, 255)
    ort = np.clip(np.rint((acc * single).astype(np.float32)) + int(y_z), 0, 255)
    SIDE_FILES["qdq_conv"] = {"qdq_conv.ort.npy": ((ort - int(y_z)) * y_s).astype(np.float32)}
    return m, x, (yq - int(y_z)) * y_s


@model
def conv_integer():
    """ConvInteger of a uint8 graph input (zero point 100) with constant
    uint8 weights (zero point 3), pads 1: int32 sums of (x - 100) * (w - 3)."""
    w = RNG.integers(0, 256, (2, 1, 3, 3)).astype(np.uint8)
    nodes = [helper.make_node("ConvInteger", ["x", "w", "x_z", "w_z"], ["y"], name="convint",
                              pads=[1, 1, 1, 1])]
    m = make(nodes, [("x", TensorProto.UINT8, [1, 1, 4, 4])], [("y", TensorProto.INT32, None)],
             [("w", w), ("x_z", np.uint8(100)), ("w_z", np.uint8(3))])
    x = RNG.integers(0, 256, (1, 1, 4, 4)).astype(np.uint8)
    xp = np.pad(x.astype(np.int64) - 100, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((1, 2, 4, 4), dtype=np.int64)
    for i in range(3):
        for j in range(3):
            y += np.einsum("nchw,oc->nohw", xp[:, :, i:i + 4, j:j + 4],
                           w[:, :, i, j].astype(np.int64) - 3)
    return m, x, y


@model
def matmul_integer():
    """MatMulInteger of a uint8 graph input (zero point 7) by constant int8
    weights with a zero point per column."""
    b = RNG.integers(-128, 128, (5, 3)).astype(np.int8)
    b_z = np.array([0, -2, 5], dtype=np.int8)
    nodes = [helper.make_node("MatMulInteger", ["a", "b", "a_z", "b_z"], ["y"], name="matmulint")]
    m = make(nodes, [("a", TensorProto.UINT8, [2, 5])], [("y", TensorProto.INT32, None)],
             [("b", b), ("a_z", np.uint8(7)), ("b_z", b_z)])
    a = RNG.integers(0, 256, (2, 5)).astype(np.uint8)
    return m, a, (a.astype(np.int64) - 7) @ (b.astype(np.int64) - b_z.astype(np.int64))


@model
def conv_integer_runtime_zero():
    """ConvInteger whose zero point is a graph input."""
    nodes = [helper.make_node("ConvInteger", ["x", "w", "x_z"], ["y"], name="convint")]
    return make(nodes, [("x", TensorProto.UINT8, [1, 1, 4, 4]), ("x_z", TensorProto.UINT8, [])],
                [("y", TensorProto.INT32, None)],
                [("w", np.ones((1, 1, 3, 3), dtype=np.uint8))]), None, None


@model
def matmul_integer_float():
    """MatMulInteger of float operands."""
    nodes = [helper.make_node("MatMulInteger", ["a", "b"], ["y"], name="matmulint")]
    return make(nodes, [("a", F, [2, 3])], [("y", TensorProto.INT32, None)],
                [("b", floats(3, 2))]), None, None


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(MODELS))
        return
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    m, x, ref = MODELS[name]()
    path = os.path.join(out, name + ".onnx")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    for file_name, data in SIDE_FILES.get(name, {}).items():
        if isinstance(data, np.ndarray):
            np.save(os.path.join(out, file_name), data)
            continue
        with open(os.path.join(out, file_name), "wb") as f:
            f.write(data)
    if x is not None:
        np.save(os.path.join(out, name + ".x.npy"), x)
        ref = np.asarray(ref)
        dtype = np.int32 if np.issubdtype(ref.dtype, np.integer) else np.float32
        np.save(os.path.join(out, name + ".ref.npy"), ref.astype(dtype))


if __name__ == "__main__":
    main()
