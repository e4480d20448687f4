#!/usr/bin/env python3
"""ONNX Runtime QLinearAdd models and the qsim.add programs of the same adds.

  gen DIR   writes, for each case NAME below, DIR/NAME.onnx (one
            com.microsoft QLinearAdd of two graph inputs), DIR/NAME.mlir
            (one qsim.add of the same types, half_even), DIR/NAME-a.npy and
            DIR/NAME-b.npy (random storage integers over the whole range),
            and DIR/NAME-plain.mlir: the add in float32_half_even with the
            offset F formed without the fused multiply-add. For a case whose
            A is broadcast, DIR/NAME-expanded.mlir and
            DIR/NAME-a-expanded.npy give the same A values repeated to the
            full shape, so that no operand is broadcast.

The cases cover ONNX Runtime's three x86 kernel paths (both operands
vectors, one of them a scalar for the innermost run, a broadcast scalar) in
uint8 and int8. Their scales are calibration-like (a range in hundredths
over 255) and chosen, by seed, so that the contracted and the uncontracted
offset differ in float32.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# name, A shape, B shape, storage, seed.
CASES = [
    ("same-u8", [16, 8, 32, 32], [16, 8, 32, 32], "u8", 13),
    ("channel-u8", [16, 8, 32, 32], [1, 8, 1, 1], "u8", 15),
    ("lhs-channel-u8", [16, 8, 1, 1], [16, 8, 32, 32], "u8", 92),
    ("scalar-u8", [16, 8, 32, 32], [1], "u8", 63),
    ("same-i8", [16, 8, 32, 32], [16, 8, 32, 32], "i8", 12),
]


def parameters(seed, storage):
    rng = np.random.default_rng(seed)
    scales = [np.float32(np.float32(rng.integers(1, 400) / 100) / np.float32(255))
              for _ in range(3)]
    lo, hi = (0, 255) if storage == "u8" else (-128, 127)
    zeros = [int(rng.integers(lo, hi + 1)) for _ in range(3)]
    return rng, scales, zeros


def uncontracted_offset(scales, zeros):
    f = np.float32
    ra, rb = f(scales[0] / scales[2]), f(scales[1] / scales[2])
    return ra, rb, f(f(zeros[2]) - (f(ra * f(zeros[0])) + f(rb * f(zeros[1]))))


def tensor_type(shape, storage, scale, zero):
    dims = "x".join(str(d) for d in shape)
    return f"tensor<{dims}x!quant.uniform<{storage}:f32, {scale!r}:{zero}>>"


def write_case(out, name, shape_a, shape_b, storage, seed):
    rng, scales, zeros = parameters(seed, storage)
    dtype = np.uint8 if storage == "u8" else np.int8
    proto = TensorProto.UINT8 if storage == "u8" else TensorProto.INT8
    inits = []
    for value, key in zip([scales[0], zeros[0], scales[1], zeros[1],
                           scales[2], zeros[2]],
                          ["sa", "za", "sb", "zb", "sy", "zy"]):
        array = np.array(value, dtype=np.float32 if key[0] == "s" else dtype)
        inits.append(numpy_helper.from_array(array, key))
    node = helper.make_node(
        "QLinearAdd", ["A", "sa", "za", "B", "sb", "zb", "sy", "zy"], ["Y"],
        domain="com.microsoft")
    out_shape = list(np.broadcast_shapes(tuple(shape_a), tuple(shape_b)))
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("A", proto, shape_a),
         helper.make_tensor_value_info("B", proto, shape_b)],
        [helper.make_tensor_value_info("Y", proto, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    onnx.save(model, os.path.join(out, name + ".onnx"))

    info = np.iinfo(dtype)
    inputs = {}
    for key, shape in (("a", shape_a), ("b", shape_b)):
        values = rng.integers(info.min, info.max + 1, size=shape).astype(dtype)
        np.save(os.path.join(out, f"{name}-{key}.npy"), values)
        inputs[key] = values

    ra, rb, offset = uncontracted_offset(scales, zeros)
    plain = (f" {{rounding = #qsim.rounding<float32_half_even>, "
             f"float_multiplier = array<f32: {float(ra)!r}, {float(rb)!r}>, "
             f"float_offset = {float(offset)!r} : f32}}")
    variants = [("", shape_a, ""), ("-plain", shape_a, plain)]
    if shape_a != out_shape:
        variants.append(("-expanded", out_shape, ""))
        np.save(os.path.join(out, f"{name}-a-expanded.npy"),
                np.ascontiguousarray(np.broadcast_to(inputs["a"], out_shape)))
    for suffix, lhs_shape, attrs in variants:
        types = [tensor_type(s, storage, float(sc), z)
                 for s, sc, z in zip([lhs_shape, shape_b, out_shape], scales,
                                     zeros)]
        text = (f"func.func @main(%a: {types[0]}, %b: {types[1]}) -> {types[2]} {{\n"
                f"  %y = qsim.add %a, %b{attrs} : ({types[0]}, {types[1]}) -> {types[2]}\n"
                f"  return %y : {types[2]}\n}}\n")
        with open(os.path.join(out, name + suffix + ".mlir"), "w") as f:
            f.write(text)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for case in CASES:
        write_case(out, *case)


if __name__ == "__main__":
    main()
