"""The workloads of scripts/bench.py: integer and float models, built three ways.

A workload is a chain of conv and linear layers with integer weights and
the scales and zero points of every tensor (a Chain). From one Chain this
module writes

  - an ONNX QDQ model (opset 13): a uint8 (or int8) graph input, then per
    layer DequantizeLinear -> Conv / Gemm -> QuantizeLinear, the weights
    int8 per output channel through a DequantizeLinear with axis 0, the bias
    int32 at the scale s_x * s_w[c] through a DequantizeLinear; the graph
    output is the last QuantizeLinear's integers. ONNX Runtime fuses each
    group into QLinearConv / QGemm; qsim-import-onnx makes it qsim.conv2d /
    qsim.linear with requantize;
  - the same arithmetic as a float ONNX model (weights, bias and input
    dequantized, float32 in and out), for the float rows;
  - PyTorch quantized modules with the same integers, scales and zero
    points (torch.ao.nn.quantized Conv2d / Linear);
  - a NumPy reference of qsim's contract (docs/QSim.md): the exact integer
    accumulator and the float64 requantization, also used here to choose
    each layer's output scale so that the outputs use the code range without
    saturating more than a few codes.

Weights are seeded: uniform int8 in [-127, 127], a per-channel scale in
[0.5, 1.5] * 2^-7, biases uniform in [-2^14, 2^14]. Input codes are
uniform in [0, 255].
"""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OPSET = 13

# The share of a layer's real outputs above the largest code when its scale
# is chosen (a few codes saturate, most do not).
SATURATED_QUANTILE = 0.999


class Layer:
    """One conv (weights [OC, IC, KH, KW]) or linear (weights [N, K]) layer.

    w: int8 weights; w_scale: float32 [OC]; bias: int32 [OC] at the scale
    float32(s_x * s_w[c]); stride, pad: conv only; relu: the layer ends in a
    ReLU, which in the integer model is the uint8 clamp at the output zero
    point 0; y_scale, y_zp: the output's uint8 quantization (set by
    calibrate_and_reference, or given); flatten: a Flatten of the input
    before a linear layer.
    """

    def __init__(self, kind, w, w_scale, bias, stride=1, pad=0, relu=False, flatten=False):
        self.kind, self.w, self.w_scale, self.bias = kind, w, w_scale, bias
        self.stride, self.pad, self.relu, self.flatten = stride, pad, relu, flatten
        self.y_scale, self.y_zp = None, None

    def macs(self, in_shape):
        out = self.out_shape(in_shape)
        if self.kind == "conv":
            return int(np.prod(out)) * int(np.prod(self.w.shape[1:]))
        return int(np.prod(out)) * self.w.shape[1]

    def out_shape(self, in_shape):
        if self.kind == "linear":
            return (in_shape[0], self.w.shape[0])
        n, _, h, w = in_shape
        kh, kw = self.w.shape[2:]
        oh = (h + 2 * self.pad - kh) // self.stride + 1
        ow = (w + 2 * self.pad - kw) // self.stride + 1
        return (n, self.w.shape[0], oh, ow)


class Chain:
    """A workload: an input (uint8 codes, scale, zero point) and its layers."""

    def __init__(self, key, title, x, x_scale, x_zp, layers, note=""):
        self.key, self.title, self.note = key, title, note
        self.x, self.x_scale, self.x_zp, self.layers = x, np.float32(x_scale), int(x_zp), layers

    def shapes(self):
        shapes = [tuple(self.x.shape)]
        for layer in self.layers:
            shape = shapes[-1]
            if layer.flatten:
                shape = (shape[0], int(np.prod(shape[1:])))
            shapes.append(layer.out_shape(shape))
        return shapes

    def macs(self):
        total, shape = 0, tuple(self.x.shape)
        for layer in self.layers:
            if layer.flatten:
                shape = (shape[0], int(np.prod(shape[1:])))
            total += layer.macs(shape)
            shape = layer.out_shape(shape)
        return total

    def scales(self):
        """(s_x, z_x) of each layer's input, in order."""
        out, s, z = [], self.x_scale, self.x_zp
        for layer in self.layers:
            out.append((s, z))
            s, z = layer.y_scale, layer.y_zp
        return out

    def float_input(self):
        return ((self.x.astype(np.float32) - np.float32(self.x_zp)) * self.x_scale).astype(np.float32)


# --------------------------------------------------------------------------
# The NumPy reference (qsim's contract) and the choice of output scales
# --------------------------------------------------------------------------

def im2col(x, kh, kw, stride, pad, pad_value, dtype):
    """[N, C, H, W] -> [N, OH * OW, C * KH * KW] of `dtype` (int64 for the
    integer reference, float64 for the float one), padded with `pad_value`."""
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2 * pad, w + 2 * pad), pad_value, dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (w + 2 * pad - kw) // stride + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return cols.reshape(n, c * kh * kw, oh * ow).transpose(0, 2, 1), (oh, ow)


def accumulate(layer, x, x_zp):
    """The exact int32 accumulator bias + sum (x - z_x) w, as int64:
    [N, OC, OH, OW] for a conv, [N, OC] for a linear layer."""
    w = layer.w.astype(np.float64)
    if layer.kind == "conv":
        oc, ic, kh, kw = layer.w.shape
        cols, (oh, ow) = im2col(x, kh, kw, layer.stride, layer.pad, x_zp, np.int64)
        # Float64 sums of products below 2^53 are exact.
        acc = np.matmul((cols - x_zp).astype(np.float64), w.reshape(oc, -1).T)
        acc = acc.transpose(0, 2, 1).reshape(x.shape[0], oc, oh, ow)
        acc = np.rint(acc).astype(np.int64) + layer.bias.reshape(1, -1, 1, 1)
    else:
        flat = x.reshape(x.shape[0], -1).astype(np.int64)
        acc = np.rint((flat - x_zp).astype(np.float64) @ w.T).astype(np.int64) + layer.bias
    assert np.abs(acc).max() < 2**31, "the accumulator overflows int32"
    return acc


def multipliers(layer, x_scale):
    """qsim's requantization multiplier per output channel, in float64:
    (s_x * s_w[c]) / s_y."""
    return (np.float64(x_scale) * layer.w_scale.astype(np.float64)) / np.float64(layer.y_scale)


def requantize(acc, m, zp, lo=0, hi=255):
    shape = (1, -1) + (1,) * (acc.ndim - 2)
    q = np.rint(acc.astype(np.float64) * m.reshape(shape)) + zp
    return np.clip(q, lo, hi).astype(np.int64)


def calibrate_and_reference(chain):
    """Chooses every layer's output scale and zero point from the real
    accumulators of the chain's own input, then returns the reference
    output (uint8) of qsim's contract."""
    x, s, z = chain.x.astype(np.int64), chain.x_scale, chain.x_zp
    for layer in chain.layers:
        acc = accumulate(layer, x, z)
        shape = (1, -1) + (1,) * (acc.ndim - 2)
        real = acc * (np.float64(s) * layer.w_scale.astype(np.float64)).reshape(shape)
        if layer.relu:
            positive = real[real > 0]
            top = np.quantile(positive, SATURATED_QUANTILE) if positive.size else 1.0
            layer.y_scale, layer.y_zp = np.float32(top / 255.0), 0
        else:
            top = np.quantile(np.abs(real), SATURATED_QUANTILE)
            layer.y_scale, layer.y_zp = np.float32(top / 127.0), 128
        x = requantize(acc, multipliers(layer, s), layer.y_zp)
        s, z = layer.y_scale, layer.y_zp
    return x.astype(np.uint8)


# --------------------------------------------------------------------------
# The workloads
# --------------------------------------------------------------------------

def random_layer(rng, kind, shape, **kwargs):
    w = rng.integers(-127, 128, size=shape, dtype=np.int64).astype(np.int8)
    w_scale = (rng.uniform(0.5, 1.5, size=shape[0]) / 128.0).astype(np.float32)
    bias = rng.integers(-2**14, 2**14 + 1, size=shape[0], dtype=np.int64).astype(np.int32)
    return Layer(kind, w, w_scale, bias, **kwargs)


def resnet18_stack(rng):
    """The 3x3 convs of ResNet-18's four stages from 64x56x56, each with a
    ReLU, as a plain chain (no residual adds, no 1x1 shortcuts): 4 convs
    64->64 at 56x56; then for 128, 256 and 512 channels one stride-2 conv
    that halves the size and three at the new size (16 convs, 7x7 at the
    end)."""
    layers, ic = [], 64
    for stage, oc in enumerate((64, 128, 256, 512)):
        for i in range(4):
            stride = 2 if stage > 0 and i == 0 else 1
            layers.append(random_layer(rng, "conv", (oc, ic, 3, 3), stride=stride, pad=1,
                                       relu=True))
            ic = oc
    return layers


def digits_chain(count):
    """The digits CNN of examples/digits as examples/onnx/make_qdq_digits.py
    quantizes it (its trained weights, ONNX Runtime's quantize_static
    parameters), on the first `count` test images quantized with the input's
    own scale and zero point."""
    sys.path.insert(0, os.path.join(ROOT, "examples", "onnx"))
    sys.path.insert(0, os.path.join(ROOT, "examples", "digits"))
    import make_qdq_digits as mq
    from data import NUM_CALIB, load_split
    from onnx import numpy_helper

    params = mq.read_mlir_params(mq.DEFAULT_MLIR)
    x_train, _, x_test, _ = load_split()
    ranges = mq.calibrate(mq.float_model(params), np.ascontiguousarray(x_train[:NUM_CALIB]))
    model, _ = mq.qdq_model(params, ranges)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}

    def act(name):
        return np.float32(init[f"{name}_scale"]), int(init[f"{name}_zero_point"])

    x_scale, x_zp = act("x")
    images = x_test[:count]
    if len(images) < count:
        images = np.concatenate([images] * (count // len(images) + 1))[:count]
    x = np.clip(np.rint(images / x_scale) + x_zp, 0, 255).astype(np.uint8)

    def layer(kind, name, out, **kwargs):
        lay = Layer(kind, init[f"{name}.weight_quantized"], init[f"{name}.weight_scale"],
                    init[f"{name}.bias_quantized"], **kwargs)
        assert not np.any(init[f"{name}.weight_zero_point"]), "asymmetric weights"
        lay.y_scale, lay.y_zp = act(out)
        return lay

    layers = [layer("conv", "conv1", "relu1_out", stride=1, pad=1, relu=True),
              layer("conv", "conv2", "relu2_out", stride=2, pad=1, relu=True),
              layer("linear", "fc", "logits", flatten=True)]
    assert act("flat") == act("relu2_out"), "the flatten changes the scale"
    return Chain("W4", f"digits CNN (batch {count})", np.ascontiguousarray(x), x_scale, x_zp,
                 layers)


def workloads(keys, seed=0, digits_batch=256):
    """The chains named by keys (W1, W2, W3, W4, R18), each with its
    reference output (qsim's contract, the float64 multiplier)."""
    out = []
    for key in keys:
        rng = np.random.default_rng([seed, sum(map(ord, key))])
        if key == "W1":
            x = rng.integers(0, 256, size=(1, 64, 56, 56), dtype=np.int64).astype(np.uint8)
            chain = Chain(key, "conv 64x56x56 -> 64, 3x3", x, 2.0**-6, 128,
                          [random_layer(rng, "conv", (64, 64, 3, 3), stride=1, pad=1)])
        elif key == "W2":
            x = rng.integers(0, 256, size=(1, 3, 224, 224), dtype=np.int64).astype(np.uint8)
            chain = Chain(key, "conv 3x224x224 -> 32, 3x3 s2", x, 2.0**-6, 128,
                          [random_layer(rng, "conv", (32, 3, 3, 3), stride=2, pad=1)])
        elif key == "W3":
            x = rng.integers(0, 256, size=(64, 1024), dtype=np.int64).astype(np.uint8)
            chain = Chain(key, "linear 64x1024 . 1024x1024", x, 2.0**-6, 128,
                          [random_layer(rng, "linear", (1024, 1024))])
        elif key == "R18":
            x = rng.integers(0, 256, size=(1, 64, 56, 56), dtype=np.int64).astype(np.uint8)
            chain = Chain(key, "ResNet-18 3x3 conv stack", x, 2.0**-6, 0, resnet18_stack(rng),
                          note="16 convs, ReLU, no residuals")
        elif key == "W4":
            chain = digits_chain(digits_batch)
        else:
            raise ValueError(f"unknown workload {key}")
        if key == "W4":
            reference = reference_output(chain)
        else:
            reference = calibrate_and_reference(chain)
        out.append((chain, reference))
    return out


def reference_output(chain, multiplier="float64"):
    """The reference output of a chain whose scales are already set.

    multiplier "float64": qsim's contract, acc * ((s_x * s_w[c]) / s_y) in
    float64. "float32": the formula of ONNX Runtime's QLinearConv and QGemm
    (MLAS), float32(acc) * float32(float32(s_x * s_w[c]) / s_y) in float32,
    rounded half to even. The two differ only where the scaled accumulator
    is within float32 rounding of a tie; in a chain, such a difference in one
    layer moves the inputs of the next."""
    x, s, z = chain.x.astype(np.int64), chain.x_scale, chain.x_zp
    for layer in chain.layers:
        acc = accumulate(layer, x, z)
        if multiplier == "float64":
            x = requantize(acc, multipliers(layer, s), layer.y_zp)
        else:
            m = ((np.float32(s) * layer.w_scale).astype(np.float32) /
                 np.float32(layer.y_scale)).astype(np.float32)
            shape = (1, -1) + (1,) * (acc.ndim - 2)
            scaled = acc.astype(np.float32) * m.reshape(shape)
            x = np.clip(np.rint(scaled).astype(np.float64) + layer.y_zp, 0, 255).astype(np.int64)
        s, z = layer.y_scale, layer.y_zp
    return x.astype(np.uint8)


def float_reference(chain):
    """The float model's output computed in float64 from its float32
    weights, biases and input."""
    x = chain.float_input().astype(np.float64)
    for i, layer in enumerate(chain.layers):
        w = float_weights(layer).astype(np.float64)
        b = float_bias(layer, chain.scales()[i][0]).astype(np.float64)
        if layer.kind == "conv":
            oc, _, kh, kw = layer.w.shape
            cols, (oh, ow) = im2col(x, kh, kw, layer.stride, layer.pad, 0.0, np.float64)
            y = (cols @ w.reshape(oc, -1).T).transpose(0, 2, 1).reshape(x.shape[0], oc, oh, ow)
            y += b.reshape(1, -1, 1, 1)
        else:
            y = x.reshape(x.shape[0], -1) @ w.T + b
        x = np.maximum(y, 0) if layer.relu else y
    return x


def bias_scale(layer, x_scale):
    return (np.float32(x_scale) * layer.w_scale).astype(np.float32)


def float_weights(layer):
    """The dequantized weights s_w[c] * w, float32."""
    scale = layer.w_scale.reshape((-1,) + (1,) * (layer.w.ndim - 1))
    return (layer.w.astype(np.float32) * scale).astype(np.float32)


def float_bias(layer, x_scale):
    return (layer.bias.astype(np.float32) * bias_scale(layer, x_scale)).astype(np.float32)


# --------------------------------------------------------------------------
# ONNX
# --------------------------------------------------------------------------

def _layer_node(helper, layer, name, x, w, b, y):
    if layer.kind == "conv":
        kh, kw = layer.w.shape[2:]
        return helper.make_node("Conv", [x, w, b], [y], name, kernel_shape=[kh, kw],
                                strides=[layer.stride] * 2, pads=[layer.pad] * 4,
                                dilations=[1, 1], group=1)
    return helper.make_node("Gemm", [x, w, b], [y], name, alpha=1.0, beta=1.0, transB=1)


def qdq_model(chain, signed=False):
    """The chain as an ONNX QDQ model. signed: int8 activations, every code
    and zero point 128 lower (the same real values)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    act_type = TensorProto.INT8 if signed else TensorProto.UINT8
    shift = -128 if signed else 0
    inits, nodes = [], []

    def zp_tensor(name, zp):
        inits.append(helper.make_tensor(name, act_type, [], [zp + shift]))

    def scalar(name, value):
        inits.append(helper.make_tensor(name, TensorProto.FLOAT, [], [float(value)]))

    current = "x"
    scalar("x_scale", chain.x_scale)
    zp_tensor("x_zero_point", chain.x_zp)
    s_x, z_name, s_name = chain.x_scale, "x_zero_point", "x_scale"
    for i, layer in enumerate(chain.layers):
        p = f"l{i}"
        nodes.append(helper.make_node("DequantizeLinear", [current, s_name, z_name],
                                      [f"{p}_x"], f"{p}_x_dq"))
        x_in = f"{p}_x"
        if layer.flatten:
            nodes.append(helper.make_node("Flatten", [x_in], [f"{p}_flat"], f"{p}_flatten",
                                          axis=1))
            nodes.append(helper.make_node("QuantizeLinear", [f"{p}_flat", s_name, z_name],
                                          [f"{p}_flat_q"], f"{p}_flat_q"))
            nodes.append(helper.make_node("DequantizeLinear", [f"{p}_flat_q", s_name, z_name],
                                          [f"{p}_flat_dq"], f"{p}_flat_dq"))
            x_in = f"{p}_flat_dq"
        inits.append(numpy_helper.from_array(layer.w, f"{p}_w_q"))
        inits.append(numpy_helper.from_array(layer.w_scale.astype(np.float32), f"{p}_w_scale"))
        inits.append(numpy_helper.from_array(np.zeros(len(layer.w_scale), np.int8),
                                             f"{p}_w_zero_point"))
        nodes.append(helper.make_node("DequantizeLinear", [f"{p}_w_q", f"{p}_w_scale",
                                                           f"{p}_w_zero_point"],
                                      [f"{p}_w"], f"{p}_w_dq", axis=0))
        inits.append(numpy_helper.from_array(layer.bias.astype(np.int32), f"{p}_b_q"))
        inits.append(numpy_helper.from_array(bias_scale(layer, s_x), f"{p}_b_scale"))
        inits.append(numpy_helper.from_array(np.zeros(len(layer.bias), np.int32),
                                             f"{p}_b_zero_point"))
        nodes.append(helper.make_node("DequantizeLinear", [f"{p}_b_q", f"{p}_b_scale",
                                                           f"{p}_b_zero_point"],
                                      [f"{p}_b"], f"{p}_b_dq", axis=0))
        nodes.append(_layer_node(helper, layer, p, x_in, f"{p}_w", f"{p}_b", f"{p}_y"))
        scalar(f"{p}_y_scale", layer.y_scale)
        zp_tensor(f"{p}_y_zero_point", layer.y_zp)
        s_name, z_name = f"{p}_y_scale", f"{p}_y_zero_point"
        current = "y" if i == len(chain.layers) - 1 else f"{p}_y_q"
        nodes.append(helper.make_node("QuantizeLinear", [f"{p}_y", s_name, z_name], [current],
                                      f"{p}_y_q"))
        s_x = layer.y_scale
    shapes = chain.shapes()
    graph = helper.make_graph(
        nodes, f"bench_{chain.key}",
        [helper.make_tensor_value_info("x", act_type, list(shapes[0]))],
        [helper.make_tensor_value_info("y", act_type, list(shapes[-1]))], inits)
    model = helper.make_model(graph, producer_name="qsim scripts/bench.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def float_model(chain):
    """The chain in float32: dequantized input, weights and biases, a Relu
    where the integer layer clamps at its zero point 0."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits, nodes, current = [], [], "x"
    for i, layer in enumerate(chain.layers):
        p = f"l{i}"
        s_x = chain.scales()[i][0]
        if layer.flatten:
            nodes.append(helper.make_node("Flatten", [current], [f"{p}_flat"], f"{p}_flatten",
                                          axis=1))
            current = f"{p}_flat"
        inits.append(numpy_helper.from_array(float_weights(layer), f"{p}_w"))
        inits.append(numpy_helper.from_array(float_bias(layer, s_x), f"{p}_b"))
        last = i == len(chain.layers) - 1
        out = "y" if last and not layer.relu else f"{p}_y"
        nodes.append(_layer_node(helper, layer, p, current, f"{p}_w", f"{p}_b", out))
        current = out
        if layer.relu:
            current = "y" if last else f"{p}_relu"
            nodes.append(helper.make_node("Relu", [out], [current], f"{p}_relu"))
    shapes = chain.shapes()
    graph = helper.make_graph(
        nodes, f"bench_{chain.key}_float",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shapes[0]))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(shapes[-1]))], inits)
    model = helper.make_model(graph, producer_name="qsim scripts/bench.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------
# PyTorch
# --------------------------------------------------------------------------

def torch_quantized(torch, chain):
    """The chain as PyTorch quantized modules for the current engine
    (torch.backends.quantized.engine), and a function that runs it on the
    chain's uint8 input and returns the uint8 output."""
    import torch.ao.nn.quantized as nnq

    modules = []
    for i, layer in enumerate(chain.layers):
        s_x = chain.scales()[i][0]
        qw = torch._make_per_channel_quantized_tensor(
            torch.from_numpy(layer.w.copy()), torch.from_numpy(layer.w_scale.astype(np.float64)),
            torch.zeros(len(layer.w_scale), dtype=torch.int64), 0)
        bias = torch.from_numpy(float_bias(layer, s_x))
        if layer.kind == "conv":
            oc, ic, kh, kw = layer.w.shape
            mod = nnq.Conv2d(ic, oc, (kh, kw), stride=layer.stride, padding=layer.pad)
        else:
            mod = nnq.Linear(layer.w.shape[1], layer.w.shape[0])
        mod.set_weight_bias(qw, bias)
        mod.scale, mod.zero_point = float(layer.y_scale), int(layer.y_zp)
        modules.append((layer.flatten, mod))

    qx = torch._make_per_tensor_quantized_tensor(torch.from_numpy(chain.x.copy()),
                                                 float(chain.x_scale), chain.x_zp)

    def forward():
        x = qx
        for flatten, mod in modules:
            if flatten:
                x = torch.flatten(x, 1)
            x = mod(x)
        return x

    def output():
        return forward().int_repr().numpy()

    return forward, output


def torch_float(torch, chain):
    """The float chain with torch.nn.functional; (forward, output)."""
    import torch.nn.functional as F

    params = []
    for i, layer in enumerate(chain.layers):
        s_x = chain.scales()[i][0]
        params.append((layer, torch.from_numpy(float_weights(layer)),
                       torch.from_numpy(float_bias(layer, s_x))))
    x0 = torch.from_numpy(chain.float_input())

    def forward():
        x = x0
        with torch.no_grad():
            for layer, w, b in params:
                if layer.flatten:
                    x = torch.flatten(x, 1)
                if layer.kind == "conv":
                    x = F.conv2d(x, w, b, stride=layer.stride, padding=layer.pad)
                else:
                    x = F.linear(x, w, b)
                if layer.relu:
                    x = torch.relu(x)
        return x

    def output():
        return forward().numpy()

    return forward, output
