#!/usr/bin/env python3
"""A NumPy reference for ONNX models in QDQ form, from the ONNX formulas.

    qdq_reference.py MODEL.onnx --input X.npy --output OUT.npy
                     [--semantics ort|ort-saturating|spec]
                     [--intermediates DIR]

Runs the graph node by node on the input (the model's first graph input) and
writes its first output. The ops it knows are those the QDQ models of this
directory use: QuantizeLinear, DequantizeLinear (per tensor and per axis),
Conv, Gemm, MatMul, Relu, Flatten, Reshape, Identity; anything else is an
error naming the node.

The ONNX formulas (opset 13):
    QuantizeLinear    q = saturate(round_half_even(x / s) + zp)   (float32)
    DequantizeLinear  x = (q - zp) * s                            (float32)
with per-axis s and zp broadcast along `axis`.

--semantics ort (the default) computes what ONNX Runtime's CPU execution
provider computes with its default graph optimizations: its QDQ fusion
replaces each DequantizeLinear -> Conv -> QuantizeLinear group (uint8
activation, int8 weight, int32 bias, all DequantizeLinear of constants but
the activation) by QLinearConv, and DequantizeLinear -> Gemm/MatMul ->
QuantizeLinear by its integer GEMM (QGemm / QLinearMatMul), all of which run
as MLAS computes them:
    acc[n, c] = bias_q[c] + sum_k (x_q[n, k] - x_zp) * (w_q[c, k] - w_zp[c])
                (exact, int32)
    m[c]      = float32(float32(s_x * s_w[c]) / s_y)
    y_q       = clamp(round_half_even(float32(acc) * m[c]) + y_zp, 0, 255)
(the multiplier as QLinearConv computes it from the three scales, in that
order; the product of float32(acc) and m rounded to float32, then rounded
to the nearest integer, ties to even). A DequantizeLinear -> Flatten /
Reshape -> QuantizeLinear chain with the same scale and zero point on both
sides is the identity on the integers, as ONNX Runtime's fusion drops such
pairs. Everything else (the graph input's QuantizeLinear, the graph
output's DequantizeLinear) follows the formulas above.

--semantics ort-saturating is the same, except that a uint8 activation
times int8 weights sums its products as MLAS's u8s8 kernels do on x86 CPUs
without VNNI (AVX2, or AVX-512 without VNNI): vpmaddubsw multiplies the raw
codes and adds adjacent pairs of products into int16, saturating, before
vpmaddwd widens the pair sums to int32; the zero points are corrected
exactly afterwards (MLAS's row and column sums):
    acc = bias_q + sum_p sat16(x[k0] * w[k0] + x[k1] * w[k1])
          - x_zp * sum_k w - w_zp * sum_k x + K * x_zp * w_zp
with x and w the raw codes (a padded input position holds x_zp) and the
pairs (k0, k1) = (2i, 2i + 1) of the reduction in MLAS's order: a Conv's
im2col column is (kh, kw, c), as QLinearConv reorders its input to NHWC;
a Gemm's is its K; an odd K ends with a zero. A pair sum beyond the int16
range (possible when |x * w| > 16383) is clipped, so ONNX Runtime's u8s8
results on such CPUs differ from the exact ones; ONNX Runtime documents
this and advises reduce_range or s8s8 there.

--semantics spec evaluates every node literally in float32: each
DequantizeLinear gives floats, Conv and Gemm compute on them in float
(the sums accumulated in float64 and rounded once to float32), and each
QuantizeLinear rounds them. It differs from --semantics ort only where a
float sum of dequantized values lands on the other side of a rounding
boundary than the exact integer sum scaled by the float32 multiplier, which
is rare; ONNX Runtime with its graph optimizations disabled computes this
way, up to its own float summation order.

--intermediates DIR writes every tensor the run computes, integer or float,
as DIR/<tensor name>.npy (names with '/' or ':' get '_').
"""

import argparse
import os
import sys

import numpy as np

SEMANTICS = ("ort", "ort-saturating", "spec")


class ReferenceError(Exception):
    pass


def attrs_of(node):
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def round_half_even(x):
    return np.rint(x)  # NumPy's rint rounds ties to even


def qrange(dtype):
    info = np.iinfo(dtype)
    return info.min, info.max


def per_axis(param, rank, axis):
    """Reshapes a per-axis scale / zero point to broadcast along axis."""
    param = np.asarray(param)
    if param.ndim == 0 or param.size == 1 and rank == 0:
        return param.reshape(())
    shape = [1] * rank
    shape[axis] = param.size
    return param.reshape(shape)


def quantize(x, scale, zp, axis=1):
    x = np.asarray(x, np.float32)
    s = per_axis(np.asarray(scale, np.float32), x.ndim, axis)
    z = per_axis(np.asarray(zp), x.ndim, axis)
    lo, hi = qrange(z.dtype)
    q = round_half_even(x / s) + z.astype(np.float32)
    return np.clip(q, lo, hi).astype(z.dtype)


def dequantize(q, scale, zp, axis=1):
    q = np.asarray(q)
    s = per_axis(np.asarray(scale, np.float32), q.ndim, axis)
    z = per_axis(np.asarray(zp), q.ndim, axis)
    return ((q.astype(np.int32) - z.astype(np.int32)).astype(np.float32) * s).astype(np.float32)


def conv_patches(x, kernel, strides, pads, dilations, pad_value=0):
    """[N, C, H, W] -> [N, OH, OW, C * KH * KW] (columns c, kh, kw)."""
    n, c, h, w = x.shape
    kh, kw = kernel
    xp = np.full((n, c, h + pads[0] + pads[2], w + pads[1] + pads[3]), pad_value, x.dtype)
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w] = x
    oh = (xp.shape[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (xp.shape[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    cols = np.empty((n, oh, ow, c, kh, kw), x.dtype)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilations[0], j * dilations[1]
            cols[:, :, :, :, i, j] = xp[:, :, r0:r0 + strides[0] * oh:strides[0],
                                        c0:c0 + strides[1] * ow:strides[1]].transpose(0, 2, 3, 1)
    return cols.reshape(n, oh, ow, c * kh * kw)


def saturating_pair_sums(cols, w):
    """sum_i sat16(cols[..., 2i] * w[o, 2i] + cols[..., 2i + 1] * w[o, 2i + 1])
    for int64 cols [..., K] and w [O, K]: vpmaddubsw's int16 pair sums,
    widened and added exactly."""
    k = cols.shape[-1]
    if k % 2:
        cols = np.concatenate([cols, np.zeros(cols.shape[:-1] + (1,), cols.dtype)], -1)
        w = np.concatenate([w, np.zeros((w.shape[0], 1), w.dtype)], -1)
    flat = cols.reshape(-1, cols.shape[-1])
    total = np.zeros((flat.shape[0], w.shape[0]), np.int64)
    for i in range(0, flat.shape[1], 2):
        pair = flat[:, i:i + 1] * w[None, :, i] + flat[:, i + 1:i + 2] * w[None, :, i + 1]
        total += np.clip(pair, -32768, 32767)
    return total.reshape(cols.shape[:-1] + (w.shape[0],))


def u8s8_dot(x_raw, x_zp, w_raw, w_zp, saturating):
    """sum_k (x[.., k] - x_zp) * (w[o, k] - w_zp[o]) for int64 codes
    x_raw [..., K] and w_raw [O, K]: exact, or as MLAS's non-VNNI u8s8
    kernels compute it (--semantics ort-saturating)."""
    w_zp = np.broadcast_to(np.asarray(w_zp, np.int64).reshape(-1), (w_raw.shape[0],))
    if not saturating:
        return (x_raw - x_zp) @ (w_raw - w_zp[:, None]).T
    k = x_raw.shape[-1]
    return (saturating_pair_sums(x_raw, w_raw) - x_zp * w_raw.sum(1)
            - x_raw.sum(-1, keepdims=True) * w_zp + k * x_zp * w_zp)


def conv_geometry(node, w_shape):
    a = attrs_of(node)
    if a.get("group", 1) != 1:
        raise ReferenceError(f"node '{node.name}': grouped Conv is not supported")
    if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ReferenceError(f"node '{node.name}': auto_pad is not supported")
    kernel = tuple(a.get("kernel_shape", w_shape[2:]))
    strides = tuple(a.get("strides", (1, 1)))
    pads = tuple(a.get("pads", (0, 0, 0, 0)))
    dilations = tuple(a.get("dilations", (1, 1)))
    return kernel, strides, pads, dilations


def float_conv(node, x, w, b):
    kernel, strides, pads, dilations = conv_geometry(node, w.shape)
    cols = conv_patches(x.astype(np.float64), kernel, strides, pads, dilations)
    y = cols @ w.reshape(w.shape[0], -1).astype(np.float64).T
    if b is not None:
        y = y + b.astype(np.float64)
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2)).astype(np.float32)


def gemm_operands(node, a, b):
    at = attrs_of(node)
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    return a, b, float(at.get("alpha", 1.0)), float(at.get("beta", 1.0))


def float_gemm(node, a, b, c):
    a, b, alpha, beta = gemm_operands(node, a, b)
    y = alpha * (a.astype(np.float64) @ b.astype(np.float64))
    if c is not None:
        y = y + beta * c.astype(np.float64)
    return y.astype(np.float32)


class Graph:
    def __init__(self, model):
        from onnx import numpy_helper

        self.graph = model.graph
        self.consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        self.producer = {}
        self.consumers = {}
        for node in model.graph.node:
            if node.op_type == "Constant":
                self.consts[node.output[0]] = numpy_helper.to_array(attrs_of(node)["value"])
            for out in node.output:
                self.producer[out] = node
            for inp in node.input:
                self.consumers.setdefault(inp, []).append(node)
        self.outputs = [o.name for o in model.graph.output]

    def const_dq(self, name):
        """(q, scale, zp, axis) when name is a DequantizeLinear of constants."""
        node = self.producer.get(name)
        if node is None or node.op_type != "DequantizeLinear":
            return None
        if not all(i in self.consts for i in node.input):
            return None
        q, s, zp = (self.consts[i] for i in node.input)
        return q, s, zp, attrs_of(node).get("axis", 1)

    def activation_dq(self, name):
        """(source tensor, scale, zp) when name is a per-tensor
        DequantizeLinear of a computed tensor."""
        node = self.producer.get(name)
        if node is None or node.op_type != "DequantizeLinear" or node.input[0] in self.consts:
            return None
        s, zp = self.consts.get(node.input[1]), self.consts.get(node.input[2])
        if s is None or zp is None or np.asarray(s).size != 1:
            return None
        return node.input[0], np.float32(np.asarray(s).reshape(())), np.asarray(zp).reshape(())

    def sole_q_consumer(self, name):
        users = self.consumers.get(name, [])
        if len(users) != 1 or users[0].op_type != "QuantizeLinear" or name in self.outputs:
            return None
        q = users[0]
        s, zp = self.consts.get(q.input[1]), self.consts.get(q.input[2])
        if s is None or zp is None or np.asarray(s).size != 1:
            return None
        return q, np.float32(np.asarray(s).reshape(())), np.asarray(zp).reshape(())


def requantize(acc, x_scale, w_scale, y_scale, y_zp):
    """MLAS's requantization of an int32 accumulator, per output channel on
    the last axis of acc."""
    mult = (np.float32(x_scale) * np.asarray(w_scale, np.float32)).astype(np.float32)
    mult = (mult / np.float32(y_scale)).astype(np.float32)
    y = (acc.astype(np.float32) * mult).astype(np.float32)
    lo, hi = qrange(y_zp.dtype)
    return np.clip(round_half_even(y) + np.float32(y_zp), lo, hi).astype(y_zp.dtype)


def fused_integer_op(g, node, env, semantics):
    """ONNX Runtime's QLinearConv / integer GEMM for a DQ -> op -> Q group;
    returns (Q node, its integer output) or None when the group does not
    match the pattern ONNX Runtime fuses."""
    out = g.sole_q_consumer(node.output[0])
    act = g.activation_dq(node.input[0])
    wdq = g.const_dq(node.input[1])
    if out is None or act is None or wdq is None:
        return None
    q_node, y_scale, y_zp = out
    src, x_scale, x_zp = act
    w_q, w_scale, w_zp, w_axis = wdq
    bias = None
    if len(node.input) > 2 and node.input[2]:
        bdq = g.const_dq(node.input[2])
        if bdq is None or bdq[0].dtype != np.int32 or np.any(bdq[2] != 0):
            return None
        bias = bdq[0].astype(np.int64)
    if w_q.dtype not in (np.int8, np.uint8) or env[src].dtype not in (np.int8, np.uint8):
        return None
    x = env[src].astype(np.int64)
    x_zp = np.int64(x_zp)
    saturating = (semantics == "ort-saturating" and env[src].dtype == np.uint8
                  and w_q.dtype == np.int8)

    if node.op_type == "Conv":
        if w_axis != 0 and np.asarray(w_scale).size > 1:
            return None
        w = w_q.astype(np.int64)
        kernel, strides, pads, dilations = conv_geometry(node, w.shape)
        # A padded position holds the zero point: 0 after subtracting it.
        cols = conv_patches(x, kernel, strides, pads, dilations, pad_value=x_zp)
        # Columns in (kh, kw, c) order, as ONNX Runtime's NHWC im2col.
        o, c, kh, kw = w.shape
        cols = cols.reshape(cols.shape[:3] + (c, kh, kw)).transpose(0, 1, 2, 4, 5, 3)
        cols = cols.reshape(cols.shape[:3] + (-1,))
        w = w.transpose(0, 2, 3, 1).reshape(o, -1)
        acc = u8s8_dot(cols, x_zp, w, w_zp, saturating)  # [N, OH, OW, C]
        if bias is not None:
            acc = acc + bias
        scales = np.broadcast_to(np.asarray(w_scale, np.float32).reshape(-1), (w.shape[0],))
        y = requantize(acc, x_scale, scales, y_scale, y_zp)
        return q_node, np.ascontiguousarray(y.transpose(0, 3, 1, 2))

    if node.op_type in ("Gemm", "MatMul"):
        if node.op_type == "Gemm":
            a_int, w_int, alpha, beta = gemm_operands(node, x, w_q)
            trans_b = attrs_of(node).get("transB", 0)
            if alpha != 1.0 or beta != 1.0:
                return None
        else:
            a_int, w_int, trans_b = x, w_q, 0
        # Per output column: the weight's axis must be the column axis.
        n_axis = 0 if trans_b else 1
        if np.asarray(w_scale).size > 1 and w_axis != n_axis:
            return None
        acc = u8s8_dot(a_int, x_zp, w_int.astype(np.int64).T, w_zp, saturating)
        if bias is not None:
            acc = acc + bias
        scales = np.broadcast_to(np.asarray(w_scale, np.float32).reshape(-1), (w_int.shape[1],))
        return q_node, requantize(acc, x_scale, scales, y_scale, y_zp)
    return None


def run(model, x, semantics="ort"):
    """Runs the graph; returns (outputs in order, every tensor computed)."""
    g = Graph(model)
    inputs = [i.name for i in model.graph.input if i.name not in g.consts]
    env = dict(g.consts)
    env[inputs[0]] = x
    done = set()
    for node in model.graph.node:
        if id(node) in done or node.op_type == "Constant":
            continue
        op = node.op_type
        ins = [env[i] if i else None for i in node.input]
        if semantics != "spec" and op in ("Conv", "Gemm", "MatMul"):
            fused = fused_integer_op(g, node, env, semantics)
            if fused is not None:
                q_node, y = fused
                env[q_node.output[0]] = y
                done.add(id(q_node))
                continue
        if op == "QuantizeLinear":
            env[node.output[0]] = quantize(ins[0], ins[1], ins[2], attrs_of(node).get("axis", 1))
        elif op == "DequantizeLinear":
            env[node.output[0]] = dequantize(ins[0], ins[1], ins[2], attrs_of(node).get("axis", 1))
        elif op == "Conv":
            env[node.output[0]] = float_conv(node, ins[0], ins[1], ins[2] if len(ins) > 2 else None)
        elif op == "Gemm":
            env[node.output[0]] = float_gemm(node, ins[0], ins[1], ins[2] if len(ins) > 2 else None)
        elif op == "MatMul":
            env[node.output[0]] = (ins[0].astype(np.float64) @ ins[1].astype(np.float64)).astype(np.float32)
        elif op == "Relu":
            env[node.output[0]] = np.maximum(ins[0], np.zeros((), ins[0].dtype))
        elif op == "Flatten":
            axis = attrs_of(node).get("axis", 1)
            shape = ins[0].shape
            env[node.output[0]] = ins[0].reshape(int(np.prod(shape[:axis])), -1)
        elif op == "Reshape":
            shape = [int(d) for d in ins[1]]
            shape = [ins[0].shape[i] if d == 0 else d for i, d in enumerate(shape)]
            env[node.output[0]] = ins[0].reshape(shape)
        elif op == "Identity":
            env[node.output[0]] = ins[0]
        else:
            raise ReferenceError(f"node '{node.name}': op {op} is not supported by this reference")
    return [env[name] for name in g.outputs], env


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--semantics", choices=SEMANTICS, default="ort")
    parser.add_argument("--intermediates", help="write every computed tensor here")
    args = parser.parse_args()

    import onnx

    x = np.load(args.input)
    try:
        outputs, env = run(onnx.load(args.model), x, args.semantics)
    except ReferenceError as e:
        print(f"qdq_reference: error: {e}", file=sys.stderr)
        return 1
    np.save(args.output, np.ascontiguousarray(outputs[0]))
    if args.intermediates:
        os.makedirs(args.intermediates, exist_ok=True)
        consts = Graph(onnx.load(args.model)).consts
        for name, value in env.items():
            if name in consts:
                continue
            safe = name.replace("/", "_").replace(":", "_")
            np.save(os.path.join(args.intermediates, safe + ".npy"), np.ascontiguousarray(value))
    out = outputs[0]
    print(f"qdq_reference ({args.semantics}): {args.model}: output "
          f"{'x'.join(map(str, out.shape))} {out.dtype} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
