#!/usr/bin/env python3
"""Exports a torchvision architecture with seeded random weights to ONNX.

Debian's python3-torchvision has the architectures but no downloadable
weights, so the weights here are torchvision's own initialization drawn from
a fixed seed, and the BatchNorm layers get non-trivial parameters: gamma and
beta drawn from the same generator, and running statistics accumulated by
running a few seeded batches through the network in training mode
(cumulative average, no gradients) before switching to eval mode.

The export is torch.onnx.export of the eval-mode module, opset 13, with
torch's defaults otherwise (do_constant_folding=True, training=EVAL). In
that mode torch 1.13 folds every BatchNorm into the conv before it, as real
exports of these networks are; --keep-batchnorm exports with
training=PRESERVE instead, which keeps each BatchNormalization a node of its
own (in inference form: one output, the running statistics as inputs). The
batch dimension is dynamic (named N); the spatial size is fixed by --size.

Writes into --out:
    model.onnx      input "input" [N, 3, S, S] float32, output "output"
                    [N, classes] float32 (logits)
    calib.npy       [16, 3, S, S] float32, seeded images (calibration)
    test_x.npy      [8, 3, S, S] float32, other seeded images
    torch_out.npy   [8, classes] float32, PyTorch's eval-mode output on
                    test_x (the reference for the ONNX runtimes)

The images are uniform random pixels in [0, 1] normalized with the ImageNet
mean and standard deviation torchvision's models expect.

Usage (Debian's /usr/bin/python3 has torch, torchvision and onnx):
    export_torchvision.py --net resnet18 --out DIR [--size 64]
    export_torchvision.py --net mobilenet_v2 --out DIR [--keep-batchnorm]
"""

import argparse
import collections
import os
import sys
import warnings

import numpy as np

NETS = ("resnet18", "mobilenet_v2")
SEED = 20261202
NUM_CALIB = 16
NUM_TEST = 8
BN_BATCHES = 4
BN_BATCH_SIZE = 8
OPSET = 13
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def images(torch, generator, count, size):
    pixels = torch.rand(count, 3, size, size, generator=generator)
    mean = torch.tensor(IMAGENET_MEAN).reshape(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).reshape(1, 3, 1, 1)
    return ((pixels - mean) / std).float()


def build(torch, torchvision, net, num_classes, size, generator):
    torch.manual_seed(SEED)
    model = getattr(torchvision.models, net)(weights=None, num_classes=num_classes)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        for bn in bns:
            bn.weight.copy_(0.5 + torch.rand(bn.weight.shape, generator=generator))
            bn.bias.copy_(0.1 * torch.randn(bn.bias.shape, generator=generator))
            bn.reset_running_stats()
            bn.momentum = None  # cumulative moving average over the batches
        model.train()
        for _ in range(BN_BATCHES):
            model(images(torch, generator, BN_BATCH_SIZE, size))
        for bn in bns:
            bn.momentum = 0.1
    return model.eval()


def seeded_model(torch, torchvision, net, num_classes, size):
    """The eval-mode model of --net and the generator that drew its weights.

    The generator continues with the calibration and test images; other
    scripts that need the very same network call this too.
    """
    torch.set_num_threads(1)  # the same float sums on every machine
    generator = torch.Generator().manual_seed(SEED)
    model = build(torch, torchvision, net, num_classes, size, generator)
    return model, generator


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--net", required=True, choices=NETS)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--size", type=int, default=64,
                        help="input height and width (default 64)")
    parser.add_argument("--num-classes", type=int, default=1000,
                        help="classifier outputs (default 1000, torchvision's)")
    parser.add_argument("--keep-batchnorm", action="store_true",
                        help="export BatchNormalization nodes instead of folding them")
    args = parser.parse_args()

    import torch
    import torchvision
    import onnx

    model, generator = seeded_model(torch, torchvision, args.net, args.num_classes, args.size)
    calib = images(torch, generator, NUM_CALIB, args.size)
    test_x = images(torch, generator, NUM_TEST, args.size)
    with torch.no_grad():
        torch_out = model(test_x)

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    mode = torch.onnx.TrainingMode.PRESERVE if args.keep_batchnorm else torch.onnx.TrainingMode.EVAL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, test_x[:1], path, opset_version=OPSET, training=mode,
            input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    onnx.checker.check_model(onnx.load(path))

    np.save(os.path.join(args.out, "calib.npy"), calib.numpy())
    np.save(os.path.join(args.out, "test_x.npy"), test_x.numpy())
    np.save(os.path.join(args.out, "torch_out.npy"), torch_out.numpy().astype(np.float32))

    graph = onnx.load(path).graph
    ops = collections.Counter(node.op_type for node in graph.node)
    print(f"{args.net}: wrote {path} (opset {OPSET}, input [N, 3, {args.size}, {args.size}], "
          f"{len(graph.initializer)} initializers, "
          f"{sum(int(np.prod(t.dims)) for t in graph.initializer)} weights)")
    print("ops: " + ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))
    print(f"wrote calib.npy [{NUM_CALIB}], test_x.npy [{NUM_TEST}], torch_out.npy "
          f"{list(torch_out.shape)}; torch top-1 of test_x: "
          f"{torch_out.argmax(dim=1).tolist()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
