#!/usr/bin/env python3
"""Small int8 TFLite models and the qsim programs of the same integers.

    write DIR     writes, for each case (conv, depthwise, fc, add):
                    CASE.tflite  a one-kernel .tflite flatbuffer (TFLite's
                                 schema, written field by field with
                                 Debian's python3-flatbuffers);
                    CASE.json    its inputs, as int32 lists, for
                                 Inputs/run_tflite.mjs;
                    CASE.mlir    the qsim program of the same layer
                                 (constant weights and bias, requantize
                                 with half_even, which qsim-set-rounding
                                 then switches to TFLite's mode);
                    CASE.npy     its input (NCHW int8; add has two,
                                 CASE.0.npy and CASE.1.npy)
    check DIR CASE QSIM_OUT
                  compares LiteRT's output (DIR/CASE.out.json, NHWC) with
                  qsim-run's (QSIM_OUT/result0.npy, NCHW); exits 1 when any
                  value differs
    check-add DIR QSIM_OUT
                  compares qsim's add with a NumPy model of TFLite's own ADD
                  kernel (reference/add.h: each input's (q - z) << 20
                  rescaled by gemmlowp's two roundings, the sum rescaled
                  again), and LiteRT's output with a NumPy model of
                  XNNPACK's int8 add, which LiteRT.js runs ADD on (one
                  multiply-add per input with 2^shift-scaled multipliers,
                  one arithmetic shift); exits 1 when either differs
    check-add-live DIR QSIM_OUT
                  compares qsim's add with LiteRT's output value for value
                  (for qsim's xnnpack rounding); exits 1 when any differs

LiteRT.js takes and returns only float32, int32 and uint8 tensors, so each
model takes int32 tensors and CASTs them to int8 (and its int8 result back
to int32), which moves integers unchanged. The weights and bias are graph
inputs, not constants: LiteRT hands a layer with constant weights to its
XNNPACK delegate, which requantizes in float32, and the test is of
TFLite's own kernels. Scales are float32, as a .tflite stores them; the
qsim types carry the same values (and the exact float64 products of the
accumulator scales).

The cases: CONV_2D per channel, 3x3, SAME padding, stride 1, fused RELU;
DEPTHWISE_CONV_2D per channel, depth multiplier 2, SAME padding with
stride 2 (one padding row and column, at the end); FULLY_CONNECTED per
tensor (its multiplier from the float32 product s_x * s_w); ADD of every
pair of int8 codes ([256, 256] and a broadcast [1, 256]) with a fused
RELU. Outputs are kept wide
enough that rounding decides many values.
"""

import json
import os
import sys

import flatbuffers
import numpy as np

# TFLite's QuantizeMultiplier and MultiplyByQuantizedMultiplier, as the
# fixed-point conformance test writes them from TFLite's and gemmlowp's
# definitions.
from fixed_point_reference import encode_tflite, reference

F32 = np.float32

# The TFLite schema's enum values.
TENSOR_INT32, TENSOR_INT8 = 2, 9
OP_ADD, OP_CONV_2D, OP_DEPTHWISE_CONV_2D = 0, 3, 4
OP_FULLY_CONNECTED, OP_CAST = 9, 53
OPTIONS_CONV_2D, OPTIONS_DEPTHWISE_CONV_2D = 1, 2
OPTIONS_FULLY_CONNECTED, OPTIONS_ADD = 8, 11
PADDING_SAME, PADDING_VALID = 0, 1
ACTIVATION_NONE, ACTIVATION_RELU = 0, 1


class TfliteWriter:
    """Builds a one-subgraph .tflite: tensors, operators, buffers."""

    def __init__(self):
        self.tensors = []  # (shape, type, quantization or None, name)
        self.operators = []  # (opcode index, inputs, outputs, options)
        self.opcodes = []

    def tensor(self, shape, kind, name, scales=None, zeros=None, axis=0):
        quant = None if scales is None else (list(scales), list(zeros), axis)
        self.tensors.append((list(shape), kind, quant, name))
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options=None):
        if code not in self.opcodes:
            self.opcodes.append(code)
        self.operators.append((self.opcodes.index(code), inputs, outputs,
                               options))

    def build(self, inputs, outputs):
        b = flatbuffers.Builder(1024)

        def int_vector(values, width=4):
            b.StartVector(width, len(values), width)
            for v in reversed(values):
                if width == 8:
                    b.PrependInt64(v)
                else:
                    b.PrependInt32(v)
            return b.EndVector()

        def float_vector(values):
            b.StartVector(4, len(values), 4)
            for v in reversed(values):
                b.PrependFloat32(v)
            return b.EndVector()

        def table_vector(offsets):
            b.StartVector(4, len(offsets), 4)
            for o in reversed(offsets):
                b.PrependUOffsetTRelative(o)
            return b.EndVector()

        tensor_offsets = []
        for shape, kind, quant, name in self.tensors:
            name_offset = b.CreateString(name)
            shape_offset = int_vector(shape)
            quant_offset = None
            if quant:
                scales, zeros, axis = quant
                scale_offset = float_vector(scales)
                zero_offset = int_vector(zeros, 8)
                b.StartObject(7)  # QuantizationParameters
                b.PrependUOffsetTRelativeSlot(2, scale_offset, 0)
                b.PrependUOffsetTRelativeSlot(3, zero_offset, 0)
                b.PrependInt32Slot(6, axis, 0)
                quant_offset = b.EndObject()
            b.StartObject(5)  # Tensor
            b.PrependUOffsetTRelativeSlot(0, shape_offset, 0)
            b.PrependInt8Slot(1, kind, 0)
            b.PrependUint32Slot(2, 0, 0)
            b.PrependUOffsetTRelativeSlot(3, name_offset, 0)
            if quant_offset is not None:
                b.PrependUOffsetTRelativeSlot(4, quant_offset, 0)
            tensor_offsets.append(b.EndObject())

        operator_offsets = []
        for index, op_inputs, op_outputs, options in self.operators:
            options_offset = None
            if options:
                kind, slots = options
                b.StartObject(max(slot for slot, _, _ in slots) + 1)
                for slot, value, width in slots:
                    if width == 1:
                        b.PrependInt8Slot(slot, value, -1)
                    else:
                        b.PrependInt32Slot(slot, value, -1)
                options_offset = b.EndObject()
            in_offset = int_vector(op_inputs)
            out_offset = int_vector(op_outputs)
            b.StartObject(5)  # Operator
            b.PrependUint32Slot(0, index, 0)
            b.PrependUOffsetTRelativeSlot(1, in_offset, 0)
            b.PrependUOffsetTRelativeSlot(2, out_offset, 0)
            if options_offset is not None:
                b.PrependUint8Slot(3, options[0], 0)
                b.PrependUOffsetTRelativeSlot(4, options_offset, 0)
            operator_offsets.append(b.EndObject())

        tensors = table_vector(tensor_offsets)
        ops = table_vector(operator_offsets)
        sub_inputs = int_vector(inputs)
        sub_outputs = int_vector(outputs)
        sub_name = b.CreateString("main")
        b.StartObject(5)  # SubGraph
        b.PrependUOffsetTRelativeSlot(0, tensors, 0)
        b.PrependUOffsetTRelativeSlot(1, sub_inputs, 0)
        b.PrependUOffsetTRelativeSlot(2, sub_outputs, 0)
        b.PrependUOffsetTRelativeSlot(3, ops, 0)
        b.PrependUOffsetTRelativeSlot(4, sub_name, 0)
        subgraph = b.EndObject()

        code_offsets = []
        for code in self.opcodes:
            b.StartObject(4)  # OperatorCode
            b.PrependInt8Slot(0, min(code, 127), 0)
            b.PrependInt32Slot(2, 1, 1)
            b.PrependInt32Slot(3, code, 0)
            code_offsets.append(b.EndObject())
        codes = table_vector(code_offsets)
        subgraphs = table_vector([subgraph])
        b.StartObject(0)  # Buffer 0: empty, as the schema reserves it
        buffers = table_vector([b.EndObject()])
        description = b.CreateString("qsim test")
        b.StartObject(5)  # Model
        b.PrependUint32Slot(0, 3, 0)
        b.PrependUOffsetTRelativeSlot(1, codes, 0)
        b.PrependUOffsetTRelativeSlot(2, subgraphs, 0)
        b.PrependUOffsetTRelativeSlot(3, description, 0)
        b.PrependUOffsetTRelativeSlot(4, buffers, 0)
        b.Finish(b.EndObject(), file_identifier=b"TFL3")
        return bytes(b.Output())


def f32(v):
    return float(F32(v))


def per_tensor(scale, zero):
    return f"!quant.uniform<i8:f32, {scale!r}:{zero}>"


def per_axis(storage, axis, scales):
    return (f"!quant.uniform<{storage}:f32:{axis}, "
            f"{{{','.join(repr(s) for s in scales)}}}>")


def dense(values, element):
    shape = "x".join(str(d) for d in values.shape)
    return f"dense<{np.asarray(values, np.int64).tolist()}> : tensor<{shape}x{element}>"


def case_conv(rng):
    n, c, h, w, o = 8, 4, 8, 8, 8
    x = rng.integers(-128, 128, (n, h, w, c))
    wt = rng.integers(-127, 128, (o, 3, 3, c))  # OHWI
    bias = rng.integers(-2000, 2000, o)
    sx, zx = f32(0.05), 3
    sw = [f32(s) for s in rng.uniform(0.002, 0.02, o)]
    sy, zy = f32(0.05 * 0.01 * 40), -10
    return dict(kind="conv", x=x, w=wt, bias=bias, sx=sx, zx=zx, sw=sw,
                sy=sy, zy=zy, stride=1, relu=True)


def case_depthwise(rng):
    n, c, h, w, mult = 32, 4, 8, 8, 2
    x = rng.integers(-128, 128, (n, h, w, c))
    wt = rng.integers(-127, 128, (1, 3, 3, c * mult))  # [1, KH, KW, C*M]
    bias = rng.integers(-500, 500, c * mult)
    sx, zx = f32(0.04), -5
    sw = [f32(s) for s in rng.uniform(0.002, 0.02, c * mult)]
    sy, zy = f32(0.04 * 0.01 * 12), 7
    return dict(kind="depthwise", x=x, w=wt, bias=bias, sx=sx, zx=zx, sw=sw,
                sy=sy, zy=zy, stride=2, relu=False, mult=mult)


def case_fc(rng):
    n, k, f = 512, 32, 8
    x = rng.integers(-128, 128, (n, k))
    wt = rng.integers(-127, 128, (f, k))
    bias = rng.integers(-5000, 5000, f)
    sx, zx = f32(0.03), 2
    sw = [f32(0.0123)]
    sy, zy = f32(0.03 * 0.0123 * 70), -3
    return dict(kind="fc", x=x, w=wt, bias=bias, sx=sx, zx=zx, sw=sw,
                sy=sy, zy=zy)


def case_add():
    # Every pair of int8 codes: row i of a is i - 128, b broadcasts j - 128.
    a = np.repeat(np.arange(-128, 128)[:, None], 256, axis=1)
    b = np.arange(-128, 128)[None, :]
    return dict(kind="add", a=a, b=b, sa=f32(0.05), za=3, sb=f32(0.031),
                zb=-7, sy=f32(0.07), zy=-1)


def write_tflite_add(case, path):
    t = TfliteWriter()
    a, b = case["a"], case["b"]
    ai = t.tensor(a.shape, TENSOR_INT32, "a")
    bi = t.tensor(b.shape, TENSOR_INT32, "b")
    a8 = t.tensor(a.shape, TENSOR_INT8, "a8", [case["sa"]], [case["za"]])
    b8 = t.tensor(b.shape, TENSOR_INT8, "b8", [case["sb"]], [case["zb"]])
    y8 = t.tensor(a.shape, TENSOR_INT8, "y8", [case["sy"]], [case["zy"]])
    yi = t.tensor(a.shape, TENSOR_INT32, "y")
    t.op(OP_CAST, [ai], [a8])
    t.op(OP_CAST, [bi], [b8])
    t.op(OP_ADD, [a8, b8], [y8], (OPTIONS_ADD, [(0, ACTIVATION_RELU, 1)]))
    t.op(OP_CAST, [y8], [yi])
    with open(path, "wb") as f:
        f.write(t.build([ai, bi], [yi]))


def write_qsim_add(case, path):
    at = per_tensor(case["sa"], case["za"])
    bt = per_tensor(case["sb"], case["zb"])
    yt = per_tensor(case["sy"], case["zy"])
    a = f"tensor<256x256x{at}>"
    b = f"tensor<1x256x{bt}>"
    y = f"tensor<256x256x{yt}>"
    with open(path, "w") as f:
        f.write(f"func.func @main(%a: {a}, %b: {b}) -> {y} {{\n"
                f"  %y = qsim.add %a, %b {{clamp_min = {case['zy']} : i64}} "
                f": ({a}, {b}) -> {y}\n"
                f"  return %y : {y}\n}}\n")


def write_tflite(case, path):
    t = TfliteWriter()
    kind = case["kind"]
    x, wt, bias = case["x"], case["w"], case["bias"]
    sx, sw, sy = case["sx"], case["sw"], case["sy"]
    acc = [f32(sx * s) for s in sw]  # the bias scale, unused by the kernels
    axis = 3 if kind == "depthwise" else 0
    zeros = [0] * len(sw)
    xi = t.tensor(x.shape, TENSOR_INT32, "x")
    wi = t.tensor(wt.shape, TENSOR_INT32, "w")
    bi = t.tensor(bias.shape, TENSOR_INT32, "b")
    x8 = t.tensor(x.shape, TENSOR_INT8, "x8", [sx], [case["zx"]])
    w8 = t.tensor(wt.shape, TENSOR_INT8, "w8", sw, zeros, axis)
    bq = t.tensor(bias.shape, TENSOR_INT32, "bq", acc, zeros, 0)
    if kind == "fc":
        out_shape = (x.shape[0], wt.shape[0])
    elif kind == "conv":
        out_shape = (x.shape[0], x.shape[1], x.shape[2], wt.shape[0])
    else:
        out_shape = (x.shape[0], x.shape[1] // 2, x.shape[2] // 2, wt.shape[3])
    y8 = t.tensor(out_shape, TENSOR_INT8, "y8", [sy], [case["zy"]])
    yi = t.tensor(out_shape, TENSOR_INT32, "y")
    t.op(OP_CAST, [xi], [x8])
    t.op(OP_CAST, [wi], [w8])
    # A CAST of int32 to int32 keeps the bias's integers and gives the
    # layer a non-constant bias tensor with its quantization.
    t.op(OP_CAST, [bi], [bq])
    act = ACTIVATION_RELU if case.get("relu") else ACTIVATION_NONE
    if kind == "conv":
        # (slot, value, bytes): padding and the activation are byte enums.
        options = (OPTIONS_CONV_2D, [(0, PADDING_SAME, 1), (1, 1, 4),
                                     (2, 1, 4), (3, act, 1), (4, 1, 4),
                                     (5, 1, 4)])
        t.op(OP_CONV_2D, [x8, w8, bq], [y8], options)
    elif kind == "depthwise":
        options = (OPTIONS_DEPTHWISE_CONV_2D,
                   [(0, PADDING_SAME, 1), (1, 2, 4), (2, 2, 4),
                    (3, case["mult"], 4), (4, act, 1), (5, 1, 4), (6, 1, 4)])
        t.op(OP_DEPTHWISE_CONV_2D, [x8, w8, bq], [y8], options)
    else:
        options = (OPTIONS_FULLY_CONNECTED, [(0, act, 1)])
        t.op(OP_FULLY_CONNECTED, [x8, w8, bq], [y8], options)
    t.op(OP_CAST, [y8], [yi])
    with open(path, "wb") as f:
        f.write(t.build([xi, wi, bi], [yi]))
    return out_shape


def write_qsim(case, path):
    """The same layer as qsim ops on NCHW values with constant weights."""
    kind = case["kind"]
    x, wt, bias = case["x"], case["w"], case["bias"]
    sx, zx, sw, sy, zy = case["sx"], case["zx"], case["sw"], case["sy"], case["zy"]
    xt = per_tensor(sx, zx)
    yt = per_tensor(sy, zy)
    if kind == "fc":
        # TFLite forms a per-tensor layer's accumulator scale in float32.
        acc_type = f"!quant.uniform<i32:f32, {f32(sx * sw[0])!r}>"
        wq = f"!quant.uniform<i8<-127:127>:f32, {sw[0]!r}>"
        n, k = x.shape
        f = wt.shape[0]
        body = [
            f"  %ws = arith.constant {dense(wt, 'i8')}",
            f"  %w = quant.scast %ws : tensor<{f}x{k}xi8> to tensor<{f}x{k}x{wq}>",
            f"  %b = arith.constant {dense(bias, 'i32')}",
            f"  %acc = qsim.linear %x, %w, %b : (tensor<{n}x{k}x{xt}>, "
            f"tensor<{f}x{k}x{wq}>, tensor<{f}xi32>) -> tensor<{n}x{f}x{acc_type}>",
            f"  %y = qsim.requantize %acc : tensor<{n}x{f}x{acc_type}> -> tensor<{n}x{f}x{yt}>",
        ]
        in_type, out_type = f"tensor<{n}x{k}x{xt}>", f"tensor<{n}x{f}x{yt}>"
    else:
        n, h, w, c = x.shape
        if kind == "conv":
            oihw = wt.transpose(0, 3, 1, 2)
            groups, stride, padding = 1, 1, "1, 1, 1, 1"
        else:
            # [1, KH, KW, C*M] to [C*M, 1, KH, KW]: channel c * M + m.
            oihw = wt[0].transpose(2, 0, 1)[:, None]
            groups, stride, padding = c, 2, "0, 0, 1, 1"
        o = oihw.shape[0]
        oh, ow = h // stride, w // stride
        acc_scales = [float(sx) * float(s) for s in sw]
        acc_type = per_axis("i32", 1, acc_scales)
        wq = per_axis("i8<-127:127>", 0, sw)
        wshape = "x".join(str(d) for d in oihw.shape)
        clamp = f" {{clamp_min = {zy} : i64}}" if case.get("relu") else ""
        body = [
            f"  %ws = arith.constant {dense(oihw, 'i8')}",
            f"  %w = quant.scast %ws : tensor<{wshape}xi8> to tensor<{wshape}x{wq}>",
            f"  %b = arith.constant {dense(bias, 'i32')}",
            f"  %acc = qsim.conv2d %x, %w, %b {{groups = {groups} : i64, "
            f"strides = array<i64: {stride}, {stride}>, padding = array<i64: {padding}>}} "
            f": (tensor<{n}x{c}x{h}x{w}x{xt}>, tensor<{wshape}x{wq}>, tensor<{o}xi32>) "
            f"-> tensor<{n}x{o}x{oh}x{ow}x{acc_type}>",
            f"  %y = qsim.requantize %acc{clamp} : tensor<{n}x{o}x{oh}x{ow}x{acc_type}> "
            f"-> tensor<{n}x{o}x{oh}x{ow}x{yt}>",
        ]
        in_type = f"tensor<{n}x{c}x{h}x{w}x{xt}>"
        out_type = f"tensor<{n}x{o}x{oh}x{ow}x{yt}>"
    text = "\n".join([f"func.func @main(%x: {in_type}) -> {out_type} {{", *body,
                      f"  return %y : {out_type}", "}", ""])
    with open(path, "w") as f:
        f.write(text)
    qsim_x = x if kind == "fc" else x.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(qsim_x).astype(np.int8)


def write(directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(2027)
    for make in (case_conv, case_depthwise, case_fc):
        case = make(rng)
        name = case["kind"]
        out_shape = write_tflite(case, f"{directory}/{name}.tflite")
        np.save(f"{directory}/{name}.npy", write_qsim(case, f"{directory}/{name}.mlir"))
        inputs = {"inputs": [
            {"shape": list(a.shape), "data": np.asarray(a, np.int64).reshape(-1).tolist()}
            for a in (case["x"], case["w"], case["bias"])],
            "output_shape": list(out_shape)}
        with open(f"{directory}/{name}.json", "w") as f:
            json.dump(inputs, f)
    case = case_add()
    write_tflite_add(case, f"{directory}/add.tflite")
    write_qsim_add(case, f"{directory}/add.mlir")
    for index, key in enumerate("ab"):
        np.save(f"{directory}/add.{index}.npy", case[key].astype(np.int8))
    with open(f"{directory}/add.json", "w") as f:
        json.dump({"inputs": [{"shape": list(case[key].shape),
                               "data": case[key].reshape(-1).tolist()}
                              for key in "ab"],
                   "output_shape": list(case["a"].shape)}, f)


def check(directory, name, qsim_out):
    with open(f"{directory}/{name}.out.json") as f:
        litert = json.load(f)
    want = np.array(litert["data"], np.int64).reshape(litert["shape"])
    got = np.load(f"{qsim_out}/result0.npy").astype(np.int64)
    if got.ndim == 4:
        got = got.transpose(0, 2, 3, 1)
    differ = int(np.count_nonzero(got != want)) if got.shape == want.shape else got.size
    distinct = len(np.unique(want))
    print(f"{name}: {want.size} values ({distinct} distinct), {differ} differ from LiteRT")
    return got.shape == want.shape and differ == 0


def multiply_by_quantized_multiplier(x, q, shift):
    """TFLite's MultiplyByQuantizedMultiplier of the int64 array x by one
    (multiplier, shift) pair: gemmlowp's two roundings."""
    return reference("tflite_double", x, np.array([q]), np.array([shift]))


def tflite_reference_add(case, a, b):
    twice_max = 2 * max(case["sa"], case["sb"])
    pairs = [encode_tflite(case["sa"] / twice_max),
             encode_tflite(case["sb"] / twice_max),
             encode_tflite(twice_max / ((1 << 20) * case["sy"]))]
    scaled_a = multiply_by_quantized_multiplier((a - case["za"]) << 20, *pairs[0])
    scaled_b = multiply_by_quantized_multiplier((b - case["zb"]) << 20, *pairs[1])
    y = multiply_by_quantized_multiplier(scaled_a + scaled_b, *pairs[2])
    return np.clip(y + case["zy"], case["zy"], 127)  # the fused RELU


def xnnpack_add(case, a, b):
    def bits(f):
        return int(np.array(f, np.float32).view(np.uint32))

    def from_bits(u):
        return float(np.array(u, np.uint32).view(np.float32))

    a_scale = np.float32(case["sa"] / case["sy"])
    b_scale = np.float32(case["sb"] / case["sy"])
    exponent = ((bits(max(a_scale, b_scale)) >> 23) & 0xFF) - 127
    shift = 20 - exponent
    a_mult = int(np.rint(from_bits(bits(a_scale) + (shift << 23))))
    b_mult = int(np.rint(from_bits(bits(b_scale) + (shift << 23))))
    bias = -(a_mult * case["za"] + b_mult * case["zb"]) + (1 << (shift - 1))
    y = (bias + a * a_mult + b * b_mult) >> shift
    return np.clip(y + case["zy"], case["zy"], 127)


def check_add(directory, qsim_out):
    case = case_add()
    a = np.load(f"{directory}/add.0.npy").astype(np.int64)
    b = np.load(f"{directory}/add.1.npy").astype(np.int64)
    got = np.load(f"{qsim_out}/result0.npy").astype(np.int64)
    with open(f"{directory}/add.out.json") as f:
        litert = json.load(f)
    live = np.array(litert["data"], np.int64).reshape(litert["shape"])
    reference = tflite_reference_add(case, a, b)
    qsim_differ = int(np.count_nonzero(got != reference))
    live_differ = int(np.count_nonzero(live != xnnpack_add(case, a, b)))
    print(f"add: {got.size} values, {qsim_differ} differ from TFLite's ADD "
          f"kernel, {int(np.count_nonzero(got != live))} from LiteRT")
    print(f"add: LiteRT against XNNPACK's int8 add: {live_differ} differ")
    return qsim_differ == 0 and live_differ == 0


def check_add_live(directory, qsim_out):
    """qsim's add against LiteRT's own outputs, value for value."""
    got = np.load(f"{qsim_out}/result0.npy").astype(np.int64)
    with open(f"{directory}/add.out.json") as f:
        litert = json.load(f)
    live = np.array(litert["data"], np.int64).reshape(litert["shape"])
    differ = int(np.count_nonzero(got != live))
    print(f"add: {got.size} values, {differ} differ from LiteRT")
    return differ == 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        return 0 if check(*sys.argv[2:]) else 1
    if len(sys.argv) == 4 and sys.argv[1] == "check-add":
        return 0 if check_add(*sys.argv[2:]) else 1
    if len(sys.argv) == 4 and sys.argv[1] == "check-add-live":
        return 0 if check_add_live(*sys.argv[2:]) else 1
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
