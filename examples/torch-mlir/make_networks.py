#!/usr/bin/env python3
"""Writes small ResNet-18- and MobileNetV2-style networks in the IR forms that
torch-mlir's TorchToLinalg emits, with seeded weights, sample inputs and the
float output of an independent NumPy forward pass.

  make_networks.py --net {resnet18,mobilenetv2} --out DIR [--perturb]
                   [--torch-mlir-minmax]

writes DIR/model.mlir (func.func @main on tensor<?x3x32x32xf32>, linalg on
tensors), DIR/calib.npy (16 images), DIR/test_x.npy (8 images) and
DIR/float_out.npy (the [8, 10] logits that NumPy computes for test_x from the
same weights). --perturb changes one stem weight in the NumPy forward only, so
that float_out.npy no longer matches the model (a negative control).
--torch-mlir-minmax writes ReLU6's aten.minimum as torch-mlir's TorchToLinalg
does (arith.cmpf olt + arith.select, not arith.minimumf), and each clamp as
aten.hardtanh's decomposition (a maximum and a minimum generic).

Each `emit_*` method of `Builder` writes one torch op in the form torch-mlir
lowers it to (see README.md beside this file) and computes the same op on
NumPy arrays from its definition, so the IR and the reference are written
side by side but share no code beyond the weights.
"""

import argparse
import os

import numpy as np

SEED = 20261201
IMAGE_SHAPE = (3, 32, 32)
NUM_CLASSES = 10
CALIB_IMAGES = 16
TEST_IMAGES = 8
BN_EPS = 1e-5


def identity_map(rank):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({dims})>"


def affine(rank, results):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({results})>"


def parallel(rank):
    return "[" + ", ".join(['"parallel"'] * rank) + "]"


def dense(array):
    """An elements attribute holding `array` exactly: hexadecimal for large
    constants, as MLIR's printer writes them, decimal (exact float64 repr of
    each float32) for small ones."""
    array = np.ascontiguousarray(array, dtype="<f4")
    if array.size > 100:
        return 'dense<"0x' + array.tobytes().hex().upper() + '">'
    if array.ndim == 0:
        return f"dense<{float(array)!r}>"

    def nest(a):
        if a.ndim == 0:
            return repr(float(a))
        return "[" + ", ".join(nest(v) for v in a) + "]"

    return f"dense<{nest(array)}>"


class Value:
    """An SSA value of type tensor<?x...xf32> (batch dimension dynamic) or a
    static tensor, with the NumPy array it holds in the reference."""

    def __init__(self, name, shape, array=None, batched=True):
        self.name = name
        self.shape = tuple(shape)
        self.array = array
        self.batched = batched

    @property
    def type(self):
        dims = ["?" if self.batched and i == 0 else str(d)
                for i, d in enumerate(self.shape)]
        return "tensor<" + "x".join(dims + ["f32"]) + ">"


class Builder:
    """Collects the lines of @main and runs the NumPy reference alongside."""

    def __init__(self, x):
        self.consts = []
        self.lines = []
        self.used = set()
        self.x = Value("%x", x.shape, x.astype(np.float64))
        self.scalar_consts = {}
        self.perturb_pending = False
        self.torch_mlir_minmax = False

    # -- naming and helpers -------------------------------------------------
    def fresh(self, base):
        base = "%" + base.replace(".", "_")
        name, k = base, 1
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    def scalar(self, value):
        """A scalar f32 constant shared by the whole function."""
        key = repr(value)
        if key not in self.scalar_consts:
            name = self.fresh("cst")
            text = "0xFF800000" if value == -np.inf else repr(float(value))
            self.consts.append(f"{name} = arith.constant {text} : f32")
            self.scalar_consts[key] = name
        return self.scalar_consts[key]

    def const(self, base, array):
        name = self.fresh(base)
        value = Value(name, array.shape, array.astype(np.float64), batched=False)
        self.consts.append(f"{name} = arith.constant {dense(array)} : {value.type}")
        return value

    def empty(self, base, shape, batched=True):
        name = self.fresh(base + "_empty")
        value = Value(name, shape, batched=batched)
        args = "%batch" if batched else ""
        self.lines.append(f"{name} = tensor.empty({args}) : {value.type}")
        return value

    def fill(self, base, shape, scalar, batched=True):
        empty = self.empty(base, shape, batched)
        name = self.fresh(base + "_init")
        self.lines.append(f"{name} = linalg.fill ins({scalar} : f32) outs("
                          f"{empty.name} : {empty.type}) -> {empty.type}")
        return Value(name, shape, batched=batched)

    def elementwise(self, base, inputs, maps, body, result_array):
        """A linalg.generic whose result has the shape of its highest-rank
        input; `body` lists the region's lines, then the value it yields."""
        out = self.empty(base, max(inputs, key=lambda v: len(v.shape)).shape)
        rank = len(out.shape)
        name = self.fresh(base)
        ins = ", ".join(v.name for v in inputs)
        tys = ", ".join(v.type for v in inputs)
        args = ", ".join(["%in: f32"] + [f"%in_{i}: f32" for i in range(1, len(inputs))]
                         + ["%out: f32"])
        self.lines.append(
            f"{name} = linalg.generic {{indexing_maps = [{', '.join(maps + [identity_map(rank)])}], "
            f"iterator_types = {parallel(rank)}}} ins({ins} : {tys}) outs({out.name} : {out.type}) {{")
        self.lines.append(f"^bb0({args}):")
        for line in body[:-1]:
            self.lines.append("  " + line)
        self.lines.append(f"  linalg.yield {body[-1]} : f32")
        self.lines.append(f"}} -> {out.type}")
        return Value(name, out.shape, result_array.astype(np.float64))

    def pad(self, x, p, scalar, value):
        if p == 0:
            return x
        name = self.fresh(x.name[1:] + "_padded")
        shape = x.shape[:2] + (x.shape[2] + 2 * p, x.shape[3] + 2 * p)
        out = Value(name, shape, np.pad(x.array, ((0, 0), (0, 0), (p, p), (p, p)),
                                         constant_values=value))
        self.lines.append(f"{name} = tensor.pad {x.name} low[0, 0, {p}, {p}] high[0, 0, {p}, {p}] {{")
        self.lines.append("^bb0(%i0: index, %i1: index, %i2: index, %i3: index):")
        self.lines.append(f"  tensor.yield {scalar} : f32")
        self.lines.append(f"}} : {x.type} to {out.type}")
        return out

    # -- convolutions (forms 1, 2, 3) ---------------------------------------
    def emit_conv2d(self, name, x, weight, bias=None, stride=1, padding=0,
                    dilation=1, groups=1, bias_form="broadcast"):
        """aten.conv2d: tensor.pad, an init holding the bias (or zero), then
        the named conv op. bias_form: "broadcast" (linalg.broadcast, as
        torch-mlir emits today), "generic" (the same broadcast as a
        linalg.generic) or "add" (zero fill, then a bias-add generic)."""
        n, c, h, w = x.shape
        o, cg, kh, kw = weight.shape
        oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
        ow = (w + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
        out_shape = (n, o, oh, ow)
        base = name.replace(".", "_")
        zero = self.scalar(0.0)
        wv = self.const(base + "_weight", weight)
        bv = self.const(base + "_bias", bias) if bias is not None else None
        padded = self.pad(x, padding, zero, 0.0)

        empty = self.empty(base, out_shape)
        if bv is None or bias_form == "add":
            init = self.fresh(base + "_init")
            self.lines.append(f"{init} = linalg.fill ins({zero} : f32) outs({empty.name} : "
                              f"{empty.type}) -> {empty.type}")
        elif bias_form == "broadcast":
            init = self.fresh(base + "_init")
            self.lines.append(f"{init} = linalg.broadcast ins({bv.name} : {bv.type}) outs("
                              f"{empty.name} : {empty.type}) dimensions = [0, 2, 3]")
        elif bias_form == "generic":
            init = self.fresh(base + "_init")
            self.lines.append(
                f"{init} = linalg.generic {{indexing_maps = [{affine(4, 'd1')}, {identity_map(4)}], "
                f"iterator_types = {parallel(4)}}} ins({bv.name} : {bv.type}) outs({empty.name} : "
                f"{empty.type}) {{")
            self.lines.append("^bb0(%in: f32, %out: f32):")
            self.lines.append("  linalg.yield %in : f32")
            self.lines.append(f"}} -> {empty.type}")
        else:
            raise ValueError(f"unknown bias form {bias_form}")
        init_v = Value(init, out_shape)
        attrs = (f"{{dilations = dense<{dilation}> : vector<2xi64>, "
                 f"strides = dense<{stride}> : vector<2xi64>}}")
        result = self.fresh(base)
        loc = f'loc("{name}")'
        if groups == 1:
            self.lines.append(
                f"{result} = linalg.conv_2d_nchw_fchw {attrs} ins({padded.name}, {wv.name} : "
                f"{padded.type}, {wv.type}) outs({init_v.name} : {init_v.type}) -> "
                f"{init_v.type} {loc}")
        elif groups == c == o and cg == 1:
            wc = Value(self.fresh(base + "_weight_collapsed"), (o, kh, kw), batched=False)
            self.lines.append(f"{wc.name} = tensor.collapse_shape {wv.name} [[0, 1], [2], [3]] : "
                              f"{wv.type} into {wc.type}")
            self.lines.append(
                f"{result} = linalg.depthwise_conv_2d_nchw_chw {attrs} ins({padded.name}, {wc.name} : "
                f"{padded.type}, {wc.type}) outs({init_v.name} : {init_v.type}) -> "
                f"{init_v.type} {loc}")
        else:
            g = groups
            xe = Value(self.fresh(padded.name[1:] + "_grouped"),
                       (n, g, c // g) + padded.shape[2:])
            self.lines.append(
                f"{xe.name} = tensor.expand_shape {padded.name} [[0], [1, 2], [3], [4]] output_shape "
                f"[%batch, {g}, {c // g}, {padded.shape[2]}, {padded.shape[3]}] : {padded.type} into {xe.type}")
            we = Value(self.fresh(base + "_weight_grouped"), (g, o // g, cg, kh, kw), batched=False)
            self.lines.append(
                f"{we.name} = tensor.expand_shape {wv.name} [[0, 1], [2], [3], [4]] output_shape "
                f"[{g}, {o // g}, {cg}, {kh}, {kw}] : {wv.type} into {we.type}")
            ie = Value(self.fresh(base + "_init_grouped"), (n, g, o // g, oh, ow))
            self.lines.append(
                f"{ie.name} = tensor.expand_shape {init_v.name} [[0], [1, 2], [3], [4]] output_shape "
                f"[%batch, {g}, {o // g}, {oh}, {ow}] : {init_v.type} into {ie.type}")
            grouped = self.fresh(base + "_grouped")
            self.lines.append(
                f"{grouped} = linalg.conv_2d_ngchw_gfchw {attrs} ins({xe.name}, {we.name} : "
                f"{xe.type}, {we.type}) outs({ie.name} : {ie.type}) -> {ie.type} {loc}")
            self.lines.append(f"{result} = tensor.collapse_shape {grouped} [[0], [1, 2], [3], [4]] : "
                              f"{ie.type} into {init_v.type}")

        ref_weight = weight.astype(np.float64)
        if self.perturb_pending:
            # --perturb: the reference alone sees a changed stem weight.
            ref_weight[0, 0, kh // 2, kw // 2] += 0.5
            self.perturb_pending = False
        y = conv2d_reference(x.array, ref_weight, stride, padding, dilation, groups)
        if bias is not None:
            y = y + bias.astype(np.float64)[None, :, None, None]
        out = Value(result, out_shape, y)
        if bv is not None and bias_form == "add":
            out = self.elementwise(base + "_biased", [Value(result, out_shape), bv],
                                   [identity_map(4), affine(4, "d1")],
                                   ["%0 = arith.addf %in, %in_1 : f32", "%0"], y)
        return out

    # -- batch norm (form 6) --------------------------------------------------
    def emit_batch_norm(self, name, x, gamma, beta, mean, var):
        """aten.batch_norm in inference, as DecomposeComplexOps writes it:
        (x - mean) * invstd * weight + bias, each a generic reading a
        [1, C, 1, 1] constant."""
        base = name.replace(".", "_")
        c = x.shape[1]
        invstd = (1.0 / np.sqrt(var.astype(np.float32) + np.float32(BN_EPS))).astype(np.float32)
        one = self.scalar(1.0)
        bcast = affine(4, "0, d1, 0, 0")
        # (constant, its values, result name, body, NumPy): the four ops.
        steps = [("running_mean", mean, "centered",
                  [f"%0 = arith.mulf %in_1, {one} : f32", "%1 = arith.subf %in, %0 : f32", "%1"],
                  lambda a, p: a - p),
                 ("invstd", invstd, "normalized",
                  ["%0 = arith.mulf %in, %in_1 : f32", "%0"], lambda a, p: a * p),
                 ("weight", gamma, "scaled",
                  ["%0 = arith.mulf %in, %in_1 : f32", "%0"], lambda a, p: a * p),
                 ("bias", beta, "",
                  [f"%0 = arith.mulf %in_1, {one} : f32", "%1 = arith.addf %in, %0 : f32", "%1"],
                  lambda a, p: a + p)]
        cur = x
        for const_name, param, result_name, body, ref in steps:
            pv = self.const(f"{base}_{const_name}", param.reshape(1, c, 1, 1))
            p = param.astype(np.float64)[None, :, None, None]
            cur = self.elementwise(f"{base}_{result_name}" if result_name else base,
                                   [cur, pv], [identity_map(4), bcast], body, ref(cur.array, p))
        return cur

    # -- activations (forms 4, 5) ---------------------------------------------
    def emit_relu(self, x):
        zero = self.scalar(0.0)
        return self.elementwise(x.name[1:] + "_relu", [x], [identity_map(len(x.shape))],
                                [f"%0 = arith.cmpf ugt, %in, {zero} : f32",
                                 f"%1 = arith.select %0, %in, {zero} : f32", "%1"],
                                np.maximum(x.array, 0.0))

    def emit_relu6_minimum(self, x):
        """aten.relu6 = relu, then aten.minimum with a rank-0 6.0."""
        r = self.emit_relu(x)
        six = self.rank0("six", 6.0)
        # torch-mlir's AtenMinimumOp lowering writes cmpf olt + select; the
        # default is the arith.minimumf form the front end was specified with.
        body = (["%0 = arith.cmpf olt, %in, %in_1 : f32",
                 "%1 = arith.select %0, %in, %in_1 : f32", "%1"]
                if self.torch_mlir_minmax else
                ["%0 = arith.minimumf %in, %in_1 : f32", "%0"])
        return self.elementwise(x.name[1:] + "_relu6", [r, six],
                                [identity_map(4), affine(4, "")], body,
                                np.minimum(r.array, 6.0))

    def rank0(self, name, value):
        """A tensor<f32> constant, as torch's rank-0 scalar tensors lower."""
        v = Value("%" + name, (), batched=False)
        if v.name not in self.used:
            self.used.add(v.name)
            self.consts.append(f"{v.name} = arith.constant dense<{float(value)!r}> : {v.type}")
        return v

    def emit_hardtanh(self, x, lo=0.0, hi=6.0):
        """aten.clamp(min, max): one generic. With torch_mlir_minmax,
        aten.hardtanh as DecomposeAtenHardtanhOp writes it instead:
        aten.maximum(x, min) then aten.minimum(max, that), each a generic
        with a rank-0 operand and cmpf + select."""
        if self.torch_mlir_minmax:
            lo_t, hi_t = self.rank0("zero", lo), self.rank0("six", hi)
            select = ["%1 = arith.select %0, %in, %in_1 : f32", "%1"]
            m = self.elementwise(x.name[1:] + "_max", [x, lo_t], [identity_map(4), affine(4, "")],
                                 ["%0 = arith.cmpf ogt, %in, %in_1 : f32"] + select,
                                 np.maximum(x.array, lo))
            return self.elementwise(x.name[1:] + "_clamp", [hi_t, m], [affine(4, ""), identity_map(4)],
                                    ["%0 = arith.cmpf olt, %in, %in_1 : f32"] + select,
                                    np.minimum(m.array, hi))
        lo_c, hi_c = self.scalar(lo), self.scalar(hi)
        return self.elementwise(x.name[1:] + "_clamp", [x], [identity_map(4)],
                                [f"%0 = arith.cmpf ult, %in, {lo_c} : f32",
                                 f"%1 = arith.select %0, {lo_c}, %in : f32",
                                 f"%2 = arith.cmpf ugt, %1, {hi_c} : f32",
                                 f"%3 = arith.select %2, {hi_c}, %1 : f32", "%3"],
                                np.clip(x.array, lo, hi))

    # -- residual add (form 7) -------------------------------------------------
    def emit_add(self, name, a, b):
        one = self.scalar(1.0)
        return self.elementwise(name.replace(".", "_") + "_add", [a, b],
                                [identity_map(4), identity_map(4)],
                                [f"%0 = arith.mulf %in_1, {one} : f32",
                                 "%1 = arith.addf %in, %0 : f32", "%1"],
                                a.array + b.array)

    # -- pooling (forms 10, 11) -----------------------------------------------
    def emit_max_pool(self, name, x, k, stride, padding):
        neg_inf = self.scalar(-np.inf)
        base = name.replace(".", "_")
        padded = self.pad(x, padding, neg_inf, -np.inf)
        oh = (x.shape[2] + 2 * padding - k) // stride + 1
        ow = (x.shape[3] + 2 * padding - k) // stride + 1
        out_shape = x.shape[:2] + (oh, ow)
        init = self.fill(base, out_shape, neg_inf)
        window = self.empty(base + "_window", (k, k), batched=False)
        result = self.fresh(base)
        self.lines.append(
            f"{result} = linalg.pooling_nchw_max {{dilations = dense<1> : vector<2xi64>, "
            f"strides = dense<{stride}> : vector<2xi64>}} ins({padded.name}, {window.name} : "
            f"{padded.type}, {window.type}) outs({init.name} : {init.type}) -> {init.type}")
        ref = np.full((x.shape[0],) + out_shape[1:], -np.inf)
        for i in range(k):
            for j in range(k):
                ref = np.maximum(ref, padded.array[:, :, i:i + stride * oh:stride,
                                                   j:j + stride * ow:stride])
        return Value(result, out_shape, ref)

    def emit_global_avg_pool(self, name, x):
        """aten.adaptive_avg_pool2d to 1x1, which DecomposeAtenAdaptivePool2dOp
        turns into avg_pool2d with kernel = stride = [H, W]:
        linalg.pooling_nchw_sum, then a generic dividing by H*W."""
        base = name.replace(".", "_")
        h, w = x.shape[2:]
        out_shape = x.shape[:2] + (1, 1)
        init = self.fill(base + "_sum", out_shape, self.scalar(0.0))
        window = self.empty(base + "_window", (h, w), batched=False)
        total = self.fresh(base + "_sum")
        strides = f"dense<{h}>" if h == w else f"dense<[{h}, {w}]>"
        self.lines.append(
            f"{total} = linalg.pooling_nchw_sum {{dilations = dense<1> : vector<2xi64>, "
            f"strides = {strides} : vector<2xi64>}} ins({x.name}, {window.name} : {x.type}, "
            f"{window.type}) outs({init.name} : {init.type}) -> {init.type}")
        count = self.scalar(float(h * w))
        return self.elementwise(base, [Value(total, out_shape)], [identity_map(4)],
                                [f"%0 = arith.divf %in, {count} : f32", "%0"],
                                x.array.mean(axis=(2, 3), keepdims=True))

    def emit_mean_hw(self, name, x):
        """aten.mean.dim(x, [2, 3], keepdim=True): a summing reduction
        generic, then a generic dividing by H*W."""
        base = name.replace(".", "_")
        h, w = x.shape[2:]
        out_shape = x.shape[:2] + (1, 1)
        init = self.fill(base + "_sum", out_shape, self.scalar(0.0))
        total = self.fresh(base + "_sum")
        self.lines.append(
            f"{total} = linalg.generic {{indexing_maps = [{identity_map(4)}, "
            f"{affine(4, 'd0, d1, 0, 0')}], iterator_types = [\"parallel\", \"parallel\", "
            f"\"reduction\", \"reduction\"]}} ins({x.name} : {x.type}) outs({init.name} : {init.type}) {{")
        self.lines.append("^bb0(%in: f32, %out: f32):")
        self.lines.append("  %0 = arith.addf %in, %out : f32")
        self.lines.append("  linalg.yield %0 : f32")
        self.lines.append(f"}} -> {init.type}")
        count = self.scalar(float(h * w))
        return self.elementwise(base, [Value(total, out_shape)], [identity_map(4)],
                                [f"%0 = arith.divf %in, {count} : f32", "%0"],
                                x.array.mean(axis=(2, 3), keepdims=True))

    # -- flatten and linear (forms 8, 9) --------------------------------------
    def emit_flatten(self, x):
        name = self.fresh("flatten")
        shape = (x.shape[0], int(np.prod(x.shape[1:])))
        out = Value(name, shape, x.array.reshape(x.array.shape[0], -1))
        self.lines.append(f"{name} = tensor.collapse_shape {x.name} [[0], [1, 2, 3]] : "
                          f"{x.type} into {out.type}")
        return out

    def emit_linear(self, name, x, weight, bias, transpose="op", addmm=False):
        """aten.linear (matmul, then aten.add.Tensor(mm, bias)) or
        aten.addmm(bias, x, W.t()) (the add's operands swapped). The weight
        [F, K] is transposed by linalg.transpose ("op") or by a transposing
        linalg.generic ("generic")."""
        base = name.replace(".", "_")
        f, k = weight.shape
        wv = self.const(base + "_weight", weight)
        bv = self.const(base + "_bias", bias)
        wt_empty = self.empty(base + "_weight_t", (k, f), batched=False)
        wt = Value(self.fresh(base + "_weight_t"), (k, f), batched=False)
        if transpose == "op":
            self.lines.append(f"{wt.name} = linalg.transpose ins({wv.name} : {wv.type}) outs("
                              f"{wt_empty.name} : {wt_empty.type}) permutation = [1, 0]")
        else:
            self.lines.append(
                f"{wt.name} = linalg.generic {{indexing_maps = [{affine(2, 'd1, d0')}, "
                f"{identity_map(2)}], iterator_types = {parallel(2)}}} ins({wv.name} : {wv.type}) "
                f"outs({wt_empty.name} : {wt_empty.type}) {{")
            self.lines.append("^bb0(%in: f32, %out: f32):")
            self.lines.append("  linalg.yield %in : f32")
            self.lines.append(f"}} -> {wt.type}")
        init = self.fill(base, (x.shape[0], f), self.scalar(0.0))
        mm = Value(self.fresh(base), (x.shape[0], f))
        self.lines.append(
            f"{mm.name} = linalg.matmul ins({x.name}, {wt.name} : {x.type}, {wt.type}) outs("
            f"{init.name} : {init.type}) -> {init.type} loc(\"{name}\")")
        ref = x.array @ weight.astype(np.float64).T + bias.astype(np.float64)
        one = self.scalar(1.0)
        body = [f"%0 = arith.mulf %in_1, {one} : f32", "%1 = arith.addf %in, %0 : f32", "%1"]
        # The output shape is the batched [N, F] of the matmul.
        out = self.empty(base + "_out", (x.shape[0], f))
        name_out = self.fresh(base + "_out")
        ins, maps = ((bv, mm), [affine(2, "d1"), identity_map(2)]) if addmm else \
            ((mm, bv), [identity_map(2), affine(2, "d1")])
        self.lines.append(
            f"{name_out} = linalg.generic {{indexing_maps = [{', '.join(maps + [identity_map(2)])}], "
            f"iterator_types = {parallel(2)}}} ins({ins[0].name}, {ins[1].name} : {ins[0].type}, "
            f"{ins[1].type}) outs({out.name} : {out.type}) {{")
        self.lines.append("^bb0(%in: f32, %in_1: f32, %out: f32):")
        for line in body[:-1]:
            self.lines.append("  " + line)
        self.lines.append(f"  linalg.yield {body[-1]} : f32")
        self.lines.append(f"}} -> {out.type}")
        return Value(name_out, out.shape, ref)

    def module(self, result, comment):
        lines = [f"// {line}" if line else "//" for line in comment]
        lines.append("module {")
        lines.append(f"  func.func @main(%x: {self.x.type}) -> {result.type} {{")
        body = ["%c0 = arith.constant 0 : index"] + self.consts + \
            [f"%batch = tensor.dim %x, %c0 : {self.x.type}"] + self.lines + \
            [f"return {result.name} : {result.type}"]
        lines += ["    " + line for line in body]
        lines += ["  }", "}"]
        return "\n".join(lines) + "\n"


def conv2d_reference(x, w, stride, padding, dilation, groups):
    """Direct grouped 2-D convolution (cross-correlation), NCHW / OIHW."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    og = o // groups
    y = np.zeros((n, o, oh, ow))
    for g in range(groups):
        xg = xp[:, g * cg:(g + 1) * cg]
        wg = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dilation:i * dilation + stride * oh:stride,
                           j * dilation:j * dilation + stride * ow:stride]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, wg[:, :, i, j])
    return y


class Weights:
    """Seeded parameters: He-initialized convs and linears, sane BN."""

    def __init__(self, rng):
        self.rng = rng

    def conv(self, o, cg, k):
        std = np.sqrt(2.0 / (cg * k * k))
        return (self.rng.standard_normal((o, cg, k, k)) * std).astype(np.float32)

    def bias(self, o):
        return self.rng.uniform(-0.1, 0.1, o).astype(np.float32)

    def bn(self, c):
        r = self.rng
        return (r.uniform(0.5, 1.5, c).astype(np.float32),   # weight (gamma)
                r.uniform(-0.2, 0.2, c).astype(np.float32),  # bias (beta)
                r.uniform(-0.2, 0.2, c).astype(np.float32),  # running mean
                r.uniform(0.5, 2.0, c).astype(np.float32))   # running var

    def linear(self, f, k):
        return ((self.rng.standard_normal((f, k)) * np.sqrt(1.0 / k)).astype(np.float32),
                self.bias(f))


def conv_bn(b, p, name, bn_name, x, o, k, stride, padding, groups=1):
    """conv (bias=False) followed by BatchNorm, as torchvision builds them."""
    c = x.shape[1]
    y = b.emit_conv2d(name, x, p.conv(o, c // groups, k), None, stride, padding,
                      groups=groups)
    return b.emit_batch_norm(bn_name, y, *p.bn(o))


def resnet18(b, p):
    """ResNet-18 on 32x32 inputs, widths 8-16-32-64; block layer3.1 has a
    ResNeXt-style grouped conv1 (groups=2)."""
    x = conv_bn(b, p, "conv1", "bn1", b.x, 8, 3, 1, 1)
    x = b.emit_relu(x)
    x = b.emit_max_pool("maxpool", x, 3, 2, 1)
    for stage, (width, stride) in enumerate([(8, 1), (16, 2), (32, 2), (64, 2)], 1):
        for block in range(2):
            s = stride if block == 0 else 1
            pre = f"layer{stage}.{block}"
            groups = 2 if (stage, block) == (3, 1) else 1
            shortcut = x
            y = conv_bn(b, p, pre + ".conv1", pre + ".bn1", x, width, 3, s, 1, groups)
            y = b.emit_relu(y)
            y = conv_bn(b, p, pre + ".conv2", pre + ".bn2", y, width, 3, 1, 1)
            if s != 1 or x.shape[1] != width:
                shortcut = conv_bn(b, p, pre + ".downsample.0", pre + ".downsample.1",
                                   x, width, 1, s, 0)
            x = b.emit_relu(b.emit_add(pre, y, shortcut))
    x = b.emit_global_avg_pool("avgpool", x)
    x = b.emit_flatten(x)
    w, bias = p.linear(NUM_CLASSES, x.shape[1])
    return b.emit_linear("fc", x, w, bias, transpose="op")


def mobilenetv2(b, p):
    """A MobileNetV2 on 32x32 inputs. Some convs carry a bias with no BN
    after them (as after torch's conv-BN fusion), so that every bias form
    appears; ReLU6 alternates between relu + minimum and the clamp."""
    relu6 = {"min": b.emit_relu6_minimum, "clamp": b.emit_hardtanh}
    x = conv_bn(b, p, "features.0.0", "features.0.1", b.x, 16, 3, 2, 1)
    x = relu6["min"](x)
    # (expand ratio, out channels, stride, layer forms): each form is
    # (expand, depthwise, project) = "bn" or a bias form; then the ReLU6s.
    blocks = [(1, 8, 1, (None, "broadcast", "bn"), (None, "clamp")),
              (4, 12, 2, ("bn", "generic", "bn"), ("min", "clamp")),
              (4, 12, 1, ("add", "bn", "broadcast"), ("min", "clamp")),
              (4, 16, 2, ("bn", "bn", "bn"), ("clamp", "min")),
              (4, 16, 1, ("bn", "bn", "bn"), ("min", "clamp"))]
    for i, (t, out, stride, forms, acts) in enumerate(blocks, 1):
        pre = f"features.{i}.conv"
        c = x.shape[1]
        hidden = c * t
        y, layer = x, 0

        def conv(y, o, k, s, pad, groups, form, name):
            w = p.conv(o, y.shape[1] // groups, k)
            if form == "bn":
                y = b.emit_conv2d(name + ".0", y, w, None, s, pad, groups=groups)
                return b.emit_batch_norm(name + ".1", y, *p.bn(o))
            return b.emit_conv2d(name + ".0", y, w, p.bias(o), s, pad, groups=groups,
                                 bias_form=form)

        if forms[0] is not None:
            y = relu6[acts[0]](conv(y, hidden, 1, 1, 0, 1, forms[0], f"{pre}.{layer}"))
            layer += 1
        y = relu6[acts[1]](conv(y, hidden, 3, stride, 1, hidden, forms[1], f"{pre}.{layer}"))
        layer += 1
        y = conv(y, out, 1, 1, 0, 1, forms[2], f"{pre}.{layer}")
        x = b.emit_add(f"features.{i}", y, x) if stride == 1 and c == out else y
    x = conv_bn(b, p, f"features.{len(blocks) + 1}.0", f"features.{len(blocks) + 1}.1",
                x, 64, 1, 1, 0)
    x = relu6["clamp"](x)
    x = b.emit_mean_hw("avgpool", x)
    x = b.emit_flatten(x)
    w, bias = p.linear(NUM_CLASSES, x.shape[1])
    return b.emit_linear("classifier.1", x, w, bias, transpose="generic", addmm=True)


NETWORKS = {"resnet18": resnet18, "mobilenetv2": mobilenetv2}


def smooth_images(rng, count):
    """Images made of a few random low-frequency waves and blobs per channel,
    normalized per image as torchvision's transforms would: values in about
    [-2, 2], spatially correlated, like natural images."""
    _, h, w = IMAGE_SHAPE
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w]).reshape(2, 1, 1)
    images = np.zeros((count,) + IMAGE_SHAPE)
    for n in range(count):
        for c in range(IMAGE_SHAPE[0]):
            img = np.zeros((h, w))
            for _ in range(3):
                fy, fx = rng.uniform(0.5, 3.0, 2)
                img += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * (fy * yy + fx * xx)
                                                       + rng.uniform(0, 2 * np.pi))
            for _ in range(2):
                cy, cx = rng.uniform(0, 1, 2)
                img += rng.uniform(-1.5, 1.5) * np.exp(
                    -((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(0.05, 0.2) ** 2))
            images[n, c] = img
        images[n] = (images[n] - images[n].mean()) / (images[n].std() + 1e-6)
    return images.astype(np.float32)


def build(net, images, perturb=False, torch_mlir_minmax=False):
    """Returns (IR text, NumPy logits of `images`)."""
    rng = np.random.default_rng(SEED + list(NETWORKS).index(net))
    params = Weights(rng)
    builder = Builder(images)
    builder.perturb_pending = perturb
    builder.torch_mlir_minmax = torch_mlir_minmax
    out = NETWORKS[net](builder, params)
    comment = [f"A {net}-style network in torch-mlir's TorchToLinalg forms.",
               f"Generated by examples/torch-mlir/make_networks.py --net {net}; do not edit."]
    return builder.module(out, comment), out.array.astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--net", choices=sorted(NETWORKS), required=True)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--perturb", action="store_true",
                        help="change one stem weight in the NumPy forward only")
    parser.add_argument("--torch-mlir-minmax", action="store_true",
                        help="write ReLU6's minimum and hardtanh as torch-mlir's "
                        "lowering does (cmpf + select generics with rank-0 bounds)")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED + 100)
    calib = smooth_images(rng, CALIB_IMAGES)
    test_x = smooth_images(rng, TEST_IMAGES)
    text, logits = build(args.net, test_x, args.perturb, args.torch_mlir_minmax)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "model.mlir"), "w") as f:
        f.write(text)
    np.save(os.path.join(args.out, "calib.npy"), calib)
    np.save(os.path.join(args.out, "test_x.npy"), test_x)
    np.save(os.path.join(args.out, "float_out.npy"), logits)


if __name__ == "__main__":
    main()
