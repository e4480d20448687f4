#!/usr/bin/env python3
"""Writes the digits CNN of examples/digits as ONNX, float and quantized the
way ONNX Runtime's quantize_static writes it in QDQ format.

    make_qdq_digits.py --out DIR [--reduce-range]

The float weights are read from examples/digits/model.mlir (its decimal
dense constants, exactly, by examples/digits/train.py's reader). The float
model (opset 13, input "x" [N, 1, 8, 8], output "logits" [N, 10]):

    conv1 (Conv 1->8, 3x3, pad 1, bias) -> relu1 -> conv2 (Conv 8->16, 3x3,
    stride 2, pad 1, bias) -> relu2 -> flatten (Flatten, axis 1) ->
    fc (Gemm, transB 1, bias)

as torch.onnx.export writes such a network. The QDQ model is what
quantize_static(model, reader, quant_format=QDQ, per_channel=True,
reduce_range=False, activation_type=QUInt8, weight_type=QInt8,
calibrate_method=MinMax) writes for it, with the calibration data reader
giving the 200 calibration images of examples/digits (the first 200
training images). The quantization parameters are computed here in NumPy;
no code of ONNX Runtime is used or copied. The behaviours reproduced, and
the file of ONNX Runtime's python/tools/quantization where each was read:

  calibrate.py, MinMaxCalibrater: the range of every float tensor of the
    graph (the graph input and every node output) is the minimum of its
    ReduceMin and the maximum of its ReduceMax over all calibration batches
    (no moving average, not symmetrized), as float32.
  base_quantizer.py, adjust_tensor_ranges: the input of a Relu with one
    consumer takes the Relu output's range.
  operators/activation.py, QDQRemovableActivation, and qdq_quantizer.py,
    try_replacing_upstream_output: with asymmetric activations a Relu after
    a Conv is removed; the Conv writes the Relu's output tensor, which gets
    the Q/DQ pair (so the uint8 clamp at zero point 0 is the ReLU).
  quant_utils.py, compute_scale_zp, and get_qmin_qmax_for_qType: the range
    is widened to include 0 (rmin = min(rmin, 0), rmax = max(rmax, 0), in
    float32); scale = float64(rmax - rmin) / (qmax - qmin), then rounded to
    float32; a scale below float32's smallest normal becomes 1.0 with zero
    point 0. Activations (QUInt8, asymmetric): qmin 0, qmax 255, zero point
    round_half_even(qmin - rmin / scale) with the float64 scale. Weights
    (QInt8, symmetric because the type is QInt8): the range is
    [-max|w|, max|w|] and qmin, qmax = -127, 127, so scale = max|w| / 127
    (2 max|w| / 254) and the zero point round((qmin + qmax) / 2) = 0.
  quant_utils.py, get_qmin_qmax_for_qType with reduce_range (--reduce-range,
    quantize_static's reduce_range=True, "7-bit weights"): the weights'
    qmin, qmax are -64, 64, so scale = max|w| / 64; the activations keep
    their full range (quantize_static reduces only the weights).
  quant_utils.py, quantize_nparray: q = clip(round_half_even(float32(w) /
    float32 scale) + zp, -128, 127) as int8 (the clip is the type's full
    range; the symmetric scale keeps |q| <= 127).
  base_quantizer.py, quantize_weight_per_channel_impl: per channel, each
    slice along the channel axis quantized on its own; scales and zero
    points 1-D initializers of that length; the DequantizeLinear has axis.
  operators/conv.py, QDQConv: input, output and weight (per channel, axis
    0) quantized; the bias quantized as a bias.
  operators/gemm.py, QDQGemm: input, output, weight per channel on axis 0
    when transB is 1 (the output axis), the bias quantized as a bias.
  base_quantizer.py, quantize_bias_static_impl, and qdq_quantizer.py,
    _quantize_bias_tensors: bias scale = input scale * weight scale * beta
    in float32, bias_q = round_half_even(float32(b) / bias scale) as int32,
    zero point int32 0 (per channel: a 1-D array of zeros), a
    DequantizeLinear with axis 0 when the scale has more than one element,
    its output the original bias name.
  registry.py (QLinearOpsRegistry, QDQRegistry) and quantize.py
    (quantize_static's default op types, the union of both registries):
    Flatten is in neither, so it stays a float op between the DQ of its
    input and the Q/DQ its consumer Gemm puts on its output (whose range,
    that of the flatten output, equals its input's, so the scales agree).
  qdq_quantizer.py, _add_qdq_pair_for_activation, _add_qdq_pair_for_
    initializer, and quant_utils.py's suffixes: one shared Q -> DQ pair per
    activation tensor T, the nodes T_QuantizeLinear and T_DequantizeLinear,
    the tensors T_QuantizeLinear_Output and T_DequantizeLinear_Output,
    initializers T_scale and T_zero_point (scalars); a weight W becomes
    W_quantized, W_scale, W_zero_point and W_DequantizeLinear (output
    W_DequantizeLinear_Output), a bias B becomes B_quantized,
    B_quantized_scale and B_quantized_zero_point; for a graph output T the
    producer writes T_QuantizeLinear_Input and the DequantizeLinear writes
    T itself.

Where this can differ from ONNX Runtime's own quantize_static on this
model: the calibration ranges here come from a NumPy float forward (sums in
float64, rounded to float32), ONNX Runtime's from its own float kernels, so
a range, and the scale from it, may differ in the last bits. The QDQ file is
self-consistent either way: qsim and ONNX Runtime both run the file's own
scales. (Newer ONNX Runtime versions also enlarge a weight scale when the
int32 bias would overflow; no bias here comes near it.)

Writes into DIR:
    model.onnx        the float model
    model_qdq.onnx    the QDQ model
    calib.npy         [200, 1, 8, 8] float32 calibration images
    test_x.npy        [450, 1, 8, 8] float32, test_y.npy [450] int64
    float_logits.npy  [450, 10] the float model's logits (NumPy)
    qdq_ref_out.npy   [450, 10] the QDQ model's output by qdq_reference.py
                      (ONNX Runtime semantics)
    qdq_params.json   every tensor's range, scale and zero point
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "digits"))
sys.path.insert(0, HERE)
from data import NUM_CALIB, load_split  # noqa: E402
from train import read_mlir_params  # noqa: E402
import qdq_reference  # noqa: E402

DEFAULT_MLIR = os.path.join(HERE, os.pardir, "digits", "model.mlir")
OPSET = 13
U8_MIN, U8_MAX = 0, 255
I8_SYM_MIN, I8_SYM_MAX = -127, 127
I8_REDUCED_MIN, I8_REDUCED_MAX = -64, 64


# --------------------------------------------------------------------------
# The float model
# --------------------------------------------------------------------------

def float_model(params):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(params["conv1_weight"], "conv1.weight"),
        numpy_helper.from_array(params["conv1_bias"], "conv1.bias"),
        numpy_helper.from_array(params["conv2_weight"], "conv2.weight"),
        numpy_helper.from_array(params["conv2_bias"], "conv2.bias"),
        numpy_helper.from_array(params["fc_weight"], "fc.weight"),
        numpy_helper.from_array(params["fc_bias"], "fc.bias"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "conv1.weight", "conv1.bias"], ["conv1_out"], "conv1",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[1, 1]),
        helper.make_node("Relu", ["conv1_out"], ["relu1_out"], "relu1"),
        helper.make_node("Conv", ["relu1_out", "conv2.weight", "conv2.bias"], ["conv2_out"], "conv2",
                         dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node("Relu", ["conv2_out"], ["relu2_out"], "relu2"),
        helper.make_node("Flatten", ["relu2_out"], ["flat"], "flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], "fc",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        inits)
    model = helper.make_model(graph, producer_name="qsim examples/onnx/make_qdq_digits.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7  # opset 13's IR version
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------
# quantize_static's arithmetic, in NumPy
# --------------------------------------------------------------------------

def compute_scale_zp(rmin, rmax, qmin, qmax, symmetric):
    """(zero point, float32 scale) as compute_scale_zp computes them."""
    rmin = np.minimum(np.float32(rmin), np.float32(0))
    rmax = np.maximum(np.float32(rmax), np.float32(0))
    if symmetric:
        absmax = np.maximum(np.abs(rmin), np.abs(rmax))
        rmin, rmax = -absmax, absmax
    scale = np.float64(rmax - rmin) / (np.float64(qmax) - np.float64(qmin))
    if scale < np.finfo(np.float32).tiny:
        return 0, np.float32(1.0)
    if symmetric:
        zero_point = int(np.round((qmin + qmax) / np.float64(2.0)))
    else:
        zero_point = int(np.round(qmin - np.float64(rmin) / scale))
    return zero_point, np.float32(scale)


def quantize_weight_per_channel(w, axis, reduce_range=False):
    """int8 symmetric per-channel weights: (q, scales, zero points)."""
    qmin, qmax = ((I8_REDUCED_MIN, I8_REDUCED_MAX) if reduce_range
                  else (I8_SYM_MIN, I8_SYM_MAX))
    qs, scales, zps = [], [], []
    for c in range(w.shape[axis]):
        data = np.take(w, c, axis=axis).ravel().astype(np.float32)
        zp, scale = compute_scale_zp(data.min(), data.max(), qmin, qmax, True)
        q = np.clip(np.rint(data / scale) + np.float32(zp), -128, 127).astype(np.int8)
        shape = list(w.shape)
        shape[axis] = 1
        qs.append(q.reshape(shape))
        scales.append(scale)
        zps.append(zp)
    return (np.concatenate(qs, axis=axis), np.array(scales, np.float32),
            np.array(zps, np.int8))


def quantize_bias(b, input_scale, weight_scales):
    bias_scale = (np.float32(input_scale) * weight_scales * 1.0).astype(np.float32)
    q = np.rint(b.astype(np.float32) / bias_scale).astype(np.int32)
    return q, bias_scale


def calibrate(model, calib):
    """{tensor: (min, max)} over every computed float tensor (MinMax)."""
    _, env = qdq_reference.run(model, calib, "spec")
    consts = {t.name for t in model.graph.initializer}
    ranges = {}
    for name, value in env.items():
        if name in consts or value.dtype != np.float32:
            continue
        ranges[name] = (np.float32(value.min()), np.float32(value.max()))
    return ranges


def qdq_model(params, ranges, reduce_range=False):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes, report = [], [], {}

    # adjust_tensor_ranges: a Relu's input takes the Relu output's range.
    ranges = dict(ranges)
    ranges["conv1_out"] = ranges["relu1_out"]
    ranges["conv2_out"] = ranges["relu2_out"]

    act = {}

    def activation(tensor, graph_output=False):
        """Adds T's scale / zero point and its Q -> DQ pair; returns the
        name the consumers read (and the name the producer must write)."""
        rmin, rmax = ranges[tensor]
        zp, scale = compute_scale_zp(rmin, rmax, U8_MIN, U8_MAX, False)
        act[tensor] = (scale, zp)
        report[tensor] = {"kind": "activation uint8", "rmin": float(rmin), "rmax": float(rmax),
                          "scale": float(scale), "zero_point": zp}
        inits.append(helper.make_tensor(f"{tensor}_scale", TensorProto.FLOAT, [], [float(scale)]))
        inits.append(helper.make_tensor(f"{tensor}_zero_point", TensorProto.UINT8, [], [zp]))
        q_in = f"{tensor}_QuantizeLinear_Input" if graph_output else tensor
        dq_out = tensor if graph_output else f"{tensor}_DequantizeLinear_Output"
        nodes.append(helper.make_node(
            "QuantizeLinear", [q_in, f"{tensor}_scale", f"{tensor}_zero_point"],
            [f"{tensor}_QuantizeLinear_Output"], f"{tensor}_QuantizeLinear"))
        nodes.append(helper.make_node(
            "DequantizeLinear", [f"{tensor}_QuantizeLinear_Output", f"{tensor}_scale",
                                 f"{tensor}_zero_point"], [dq_out], f"{tensor}_DequantizeLinear"))
        return q_in, dq_out

    def weight(name, w, axis):
        q, scales, zps = quantize_weight_per_channel(w, axis, reduce_range)
        report[name] = {"kind": "weight int8 per-channel", "axis": axis,
                        "scale": scales.tolist(), "zero_point": zps.tolist()}
        inits.append(numpy_helper.from_array(q, f"{name}_quantized"))
        inits.append(helper.make_tensor(f"{name}_scale", TensorProto.FLOAT, [len(scales)],
                                        scales.tolist()))
        inits.append(helper.make_tensor(f"{name}_zero_point", TensorProto.INT8, [len(zps)],
                                        zps.tolist()))
        out = f"{name}_DequantizeLinear_Output"
        nodes.append(helper.make_node(
            "DequantizeLinear", [f"{name}_quantized", f"{name}_scale", f"{name}_zero_point"],
            [out], f"{name}_DequantizeLinear", axis=axis))
        return out, scales

    def bias(name, b, input_tensor, weight_scales):
        q, scale = quantize_bias(b, act[input_tensor][0], weight_scales)
        report[name] = {"kind": "bias int32", "scale": scale.tolist(), "quantized": q.tolist()}
        inits.append(numpy_helper.from_array(q, f"{name}_quantized"))
        inits.append(numpy_helper.from_array(scale.reshape(-1), f"{name}_quantized_scale"))
        inits.append(numpy_helper.from_array(np.zeros(scale.size, np.int32),
                                             f"{name}_quantized_zero_point"))
        nodes.append(helper.make_node(
            "DequantizeLinear", [f"{name}_quantized", f"{name}_quantized_scale",
                                 f"{name}_quantized_zero_point"], [name],
            f"{name}_DequantizeLinear", axis=0))
        return name

    _, x_dq = activation("x")
    w1, s1 = weight("conv1.weight", params["conv1_weight"], 0)
    b1 = bias("conv1.bias", params["conv1_bias"], "x", s1)
    conv_attrs = dict(dilations=[1, 1], group=1, kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    # relu1 is removed: conv1 writes relu1_out.
    nodes.append(helper.make_node("Conv", [x_dq, w1, b1], ["relu1_out"], "conv1",
                                  strides=[1, 1], **conv_attrs))
    _, r1_dq = activation("relu1_out")
    w2, s2 = weight("conv2.weight", params["conv2_weight"], 0)
    b2 = bias("conv2.bias", params["conv2_bias"], "relu1_out", s2)
    nodes.append(helper.make_node("Conv", [r1_dq, w2, b2], ["relu2_out"], "conv2",
                                  strides=[2, 2], **conv_attrs))
    _, r2_dq = activation("relu2_out")
    nodes.append(helper.make_node("Flatten", [r2_dq], ["flat"], "flatten", axis=1))
    _, flat_dq = activation("flat")
    w3, s3 = weight("fc.weight", params["fc_weight"], 0)
    b3 = bias("fc.bias", params["fc_bias"], "flat", s3)
    logits_in, _ = "logits_QuantizeLinear_Input", None
    nodes.append(helper.make_node("Gemm", [flat_dq, w3, b3], [logits_in], "fc",
                                  alpha=1.0, beta=1.0, transB=1))
    activation("logits", graph_output=True)

    # Topological order: each node after the producers of its inputs.
    produced = {"x"} | {t.name for t in inits}
    ordered, pending = [], list(nodes)
    while pending:
        for node in pending:
            if all(i in produced for i in node.input):
                ordered.append(node)
                produced.update(node.output)
                pending.remove(node)
                break
        else:
            raise RuntimeError("the QDQ graph has a cycle or a missing input")

    graph = helper.make_graph(
        ordered, "digits_cnn_qdq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        inits)
    model = helper.make_model(graph, producer_name="onnx.quantize", producer_version="0.1.0",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model, report


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--model", default=DEFAULT_MLIR,
                        help="the digits CNN's MLIR (default: examples/digits/model.mlir)")
    parser.add_argument("--reduce-range", action="store_true",
                        help="quantize_static's reduce_range: weights over [-64, 64]")
    args = parser.parse_args()

    import onnx

    params = read_mlir_params(args.model)
    x_train, _, x_test, y_test = load_split()
    calib = np.ascontiguousarray(x_train[:NUM_CALIB])

    fmodel = float_model(params)
    ranges = calibrate(fmodel, calib)
    qmodel, report = qdq_model(params, ranges, args.reduce_range)

    os.makedirs(args.out, exist_ok=True)
    onnx.save(fmodel, os.path.join(args.out, "model.onnx"))
    onnx.save(qmodel, os.path.join(args.out, "model_qdq.onnx"))
    float_logits = qdq_reference.run(fmodel, x_test, "spec")[0][0]
    qdq_out = qdq_reference.run(qmodel, x_test, "ort")[0][0]
    files = {
        "calib.npy": calib,
        "test_x.npy": np.ascontiguousarray(x_test),
        "test_y.npy": y_test.astype(np.int64),
        "float_logits.npy": float_logits,
        "qdq_ref_out.npy": qdq_out,
    }
    for name, arr in files.items():
        np.save(os.path.join(args.out, name), arr)
    with open(os.path.join(args.out, "qdq_params.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")

    n = len(y_test)
    acc_f = int(np.sum(np.argmax(float_logits, 1) == y_test))
    acc_q = int(np.sum(np.argmax(qdq_out, 1) == y_test))
    agree = int(np.sum(np.argmax(float_logits, 1) == np.argmax(qdq_out, 1)))
    print(f"wrote model.onnx, model_qdq.onnx ({len(qmodel.graph.node)} nodes), "
          f"{', '.join(files)}, qdq_params.json to {args.out}")
    for t in ("x", "relu1_out", "relu2_out", "flat", "logits"):
        r = report[t]
        print(f"  {t}: range [{r['rmin']:.6g}, {r['rmax']:.6g}] scale {r['scale']:.9g} "
              f"zero point {r['zero_point']}")
    print(f"float accuracy {100.0 * acc_f / n:.2f}% ({acc_f}/{n}); QDQ (reference, ONNX Runtime "
          f"semantics) {100.0 * acc_q / n:.2f}% ({acc_q}/{n}), top-1 agreement {100.0 * agree / n:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
