#!/usr/bin/env python3
"""PyTorch's own static PTQ of the digits CNN, layer by layer, against qsim.

The independent reference of qsim's `target=pytorch`: the float model of
examples/digits/model.mlir (its weights read back exactly) rebuilt as a
torch.nn module, quantized by PyTorch's eager-mode static post-training
quantization for the QNNPACK engine:

    QuantStub, conv1+ReLU and conv2+ReLU fused (torch.ao fuse_modules),
    flatten, fc, DeQuantStub;
    activations: MinMaxObserver, quint8, per tensor affine;
    weights: PerChannelMinMaxObserver, qint8, per channel symmetric;
    calibrated on the given images (the same 200 qsim calibrates on).

Two commands:

  model  --model model.mlir --out variant.mlir
      Writes the model with conv1's and conv2's ReLU outputs as two more
      results, so that qsim's INT8 program returns every layer's output
      (dequantized) and each one can be compared.

  compare --model model.mlir --calib calib.npy --test test.npy
          --qsim DIR [--manifest manifest.json] [--stats stats.json]
          [--expect-differences | --report-only] [--reduce-range]
      Runs PyTorch's INT8 model on the test images, with hooks on the fused
      conv1 and conv2 and on fc, and compares qsim's results DIR/result0.npy
      (fc), result1.npy (conv1) and result2.npy (conv2): float32 bit for bit,
      so the scales, the zero points and every integer must agree. With
      --manifest, each layer's input, weight and output scale and zero point
      in qsim's manifest must equal PyTorch's. With --stats, first prints
      how qsim's calibrated ranges compare with PyTorch's observers. Exits 1
      on any difference, or, with --expect-differences (the negative
      control), when there is none; --report-only always exits 0. With
      --reduce-range, PyTorch's activation observers take reduce_range=True
      (parameters over [0, 127]).

  stats --model model.mlir --calib calib.npy --out stats.json
      Writes PyTorch's observed ranges as a qsim statistics file.
"""

import argparse
import json
import os
import re
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(ROOT, "examples", "digits"))
import train  # noqa: E402  (read_mlir_params: the model's exact weights)

LAYERS = ("fc", "conv1", "conv2")  # in qsim's result order


def write_variant(model, out):
    with open(model) as f:
        text = f.read()
    sig = "-> tensor<?x10xf32> {"
    ret = "return %logits : tensor<?x10xf32>"
    if text.count(sig) != 1 or text.count(ret) != 1:
        sys.exit(f"{model}: no single @main signature and return to extend")
    types = "tensor<?x10xf32>, tensor<?x8x8x8xf32>, tensor<?x16x4x4xf32>"
    text = text.replace(sig, f"-> ({types}) {{")
    text = text.replace(
        ret, f"return %logits, %conv1_relu, %conv2_relu : {types}")
    with open(out, "w") as f:
        f.write(text)


def build_quantized(torch, params, calib, reduce_range=False):
    from torch import nn
    from torch.ao import quantization as tq

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = tq.QuantStub()
            self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
            self.relu1 = nn.ReLU()
            self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
            self.relu2 = nn.ReLU()
            self.fc = nn.Linear(256, 10)
            self.dequant = tq.DeQuantStub()

        def forward(self, x):
            x = self.relu1(self.conv1(self.quant(x)))
            x = self.relu2(self.conv2(x))
            return self.dequant(self.fc(torch.flatten(x, 1)))

    net = Net().eval()
    with torch.no_grad():
        for name in ("conv1", "conv2", "fc"):
            layer = getattr(net, name)
            layer.weight.copy_(torch.from_numpy(params[name + "_weight"]))
            layer.bias.copy_(torch.from_numpy(params[name + "_bias"]))
    torch.backends.quantized.engine = "qnnpack"
    net = tq.fuse_modules(net, [["conv1", "relu1"], ["conv2", "relu2"]])
    net.qconfig = tq.QConfig(
        activation=tq.MinMaxObserver.with_args(dtype=torch.quint8,
                                               reduce_range=reduce_range),
        weight=tq.PerChannelMinMaxObserver.with_args(
            dtype=torch.qint8, qscheme=torch.per_channel_symmetric))
    tq.prepare(net, inplace=True)
    with torch.no_grad():
        net(torch.from_numpy(calib))
    # The observed ranges, under qsim's names for the same activations.
    ranges = {}
    for name, module in (("main/arg0", net.quant), ("main/conv1.output", net.conv1),
                         ("main/conv2.output", net.conv2), ("main/fc.output", net.fc)):
        observer = module.activation_post_process
        ranges[name] = (float(observer.min_val), float(observer.max_val))
    tq.convert(net, inplace=True)
    return net, ranges


def write_stats(args):
    """Writes PyTorch's observed ranges as a qsim statistics file."""
    import torch
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    calib = np.load(args.calib).astype(np.float32)
    _, ranges = build_quantized(torch, train.read_mlir_params(args.model),
                                calib)
    activations = {
        name: {"min": lo, "max": hi, "observed_min": lo, "observed_max": hi,
               "non_finite": 0}
        for name, (lo, hi) in ranges.items()}
    with open(args.out, "w") as f:
        json.dump({"observer": "minmax", "samples": int(calib.shape[0]),
                   "activations": activations}, f, indent=2)
    return 0


def compare_ranges(path, ranges):
    """Prints how qsim's calibrated ranges compare with PyTorch's observers
    (float32 ulps): the two float models sum in different orders."""
    with open(path) as f:
        ours = json.load(f)["activations"]
    for name, (lo, hi) in ranges.items():
        got = ours.get(name)
        if got is None:
            print(f"range {name}: missing from {path}")
            continue
        ulps = [abs(int(np.float32(a).view(np.int32)) - int(np.float32(b).view(np.int32)))
                for a, b in ((got["min"], lo), (got["max"], hi))]
        print(f"range {name}: qsim [{got['min']:.9g}, {got['max']:.9g}], "
              f"PyTorch [{lo:.9g}, {hi:.9g}], "
              f"{'equal' if max(ulps) == 0 else f'{max(ulps)} ulp apart'}")


def layer_parameters(torch, net):
    """Each layer's (input, weights, output) scales and zero points."""
    x_scale, x_zero = float(net.quant.scale), int(net.quant.zero_point)
    layers = {}
    for name in ("conv1", "conv2", "fc"):
        layer = getattr(net, name)
        w = layer.weight()
        layers[name] = {
            "input": (x_scale, x_zero),
            "weights": (w.q_per_channel_scales().tolist(),
                        w.q_per_channel_zero_points().tolist()),
            "output": (float(layer.scale), int(layer.zero_point)),
        }
        x_scale, x_zero = layers[name]["output"]
    return layers


def check_manifest(path, layers):
    with open(path) as f:
        manifest = json.load(f)
    entries = {entry["name"]: entry for entry in manifest["layers"]}
    bad = 0
    for name, expected in layers.items():
        entry = entries.get(name)
        if entry is None:
            print(f"manifest: no layer '{name}'")
            bad += 1
            continue
        got = {
            "input": entry["input"],
            "weights": entry["weights"],
            "output": entry["requantize"]["output"],
        }
        for key in ("input", "weights", "output"):
            want_s, want_z = expected[key]
            if key != "weights":
                want_s, want_z = [want_s], [want_z]
            got_s, got_z = got[key]["scales"], got[key]["zero_points"]
            same = (np.array_equal(np.float32(got_s), np.float32(want_s))
                    and list(got_z) == list(want_z))
            if not same:
                bad += 1
                print(f"manifest: {name} {key}: qsim {got_s} {got_z}, "
                      f"PyTorch {want_s} {want_z}")
    print(f"manifest: {len(layers)} layers, "
          f"{'every scale and zero point equal' if not bad else f'{bad} differ'}")
    return bad


def compare(args):
    import torch
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    params = train.read_mlir_params(args.model)
    calib = np.load(args.calib).astype(np.float32)
    test = np.load(args.test).astype(np.float32)
    net, ranges = build_quantized(torch, params, calib, args.reduce_range)
    if args.stats:
        compare_ranges(args.stats, ranges)
    outputs = {}

    def hook(name):
        def record(module, inputs, output):
            outputs[name] = output.dequantize().numpy()
        return record

    for name in LAYERS:
        getattr(net, name).register_forward_hook(hook(name))
    with torch.no_grad():
        net(torch.from_numpy(test))

    total = 0
    for index, name in enumerate(LAYERS):
        ours = np.load(os.path.join(args.qsim, f"result{index}.npy"))
        theirs = outputs[name]
        if ours.shape != theirs.shape or ours.dtype != np.float32:
            print(f"{name}: qsim {ours.dtype} {ours.shape}, "
                  f"PyTorch float32 {theirs.shape}")
            return 1
        differ = int(np.sum(ours.view(np.uint32) != theirs.view(np.uint32)))
        total += differ
        print(f"{name}: {ours.size} values over {ours.shape[0]} images, "
              f"{differ} differ from PyTorch")
    if args.manifest:
        total += check_manifest(args.manifest, layer_parameters(torch, net))
    if args.report_only:
        return 0
    if args.expect_differences:
        return 0 if total else 1
    return 1 if total else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    model = sub.add_parser("model")
    model.add_argument("--model", required=True)
    model.add_argument("--out", required=True)
    cmp = sub.add_parser("compare")
    cmp.add_argument("--model", required=True)
    cmp.add_argument("--calib", required=True)
    cmp.add_argument("--test", required=True)
    cmp.add_argument("--qsim", required=True)
    cmp.add_argument("--manifest")
    cmp.add_argument("--stats")
    cmp.add_argument("--expect-differences", action="store_true")
    cmp.add_argument("--report-only", action="store_true")
    cmp.add_argument("--reduce-range", action="store_true")
    stats = sub.add_parser("stats")
    stats.add_argument("--model", required=True)
    stats.add_argument("--calib", required=True)
    stats.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "model":
        write_variant(args.model, args.out)
        return 0
    if args.command == "stats":
        return write_stats(args)
    return compare(args)


if __name__ == "__main__":
    sys.exit(main())
