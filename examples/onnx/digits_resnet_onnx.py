#!/usr/bin/env python3
"""Trains a small ResNet on the 8x8 digits in PyTorch, exports it to ONNX, and
quantizes it with PyTorch's own static post-training quantization.

The data and its split are those of examples/digits (examples/digits/data.py:
sklearn's digits, pixels / 16, stratified split with random_state 0, 1,347
training and 450 test images; calibration on the first 200 training images).

The network (the shape of examples/digits-resnet, trained here in PyTorch):

    stem      conv 1->16, 3x3, pad 1, no bias + BatchNorm + ReLU  [N, 16, 8, 8]
    layer1    conv 16->16 3x3 + BN + ReLU, conv 16->16 3x3 + BN,
              + the block input, ReLU                            [N, 16, 8, 8]
    layer2    conv 16->32 3x3 stride 2 + BN + ReLU, conv 32->32 3x3 + BN,
              + shortcut (conv 16->32 1x1 stride 2 + BN), ReLU   [N, 32, 4, 4]
    avgpool   global average pool, flatten                       [N, 32]
    fc        linear 32->10                                      [N, 10] logits

Training: CPU, one thread, seeded (torch.manual_seed), Adam (lr 3e-3, cosine
decay, weight decay 1e-4), batch 32, 30 epochs: about 10 s.

Export: torch.onnx.export of the eval-mode float network, opset 13, torch's
defaults (constant folding on, training=EVAL, so each BatchNorm is folded
into its conv), input "x" [N, 1, 8, 8] with a dynamic batch N, output
"logits" [N, 10].

PyTorch INT8: eager-mode static PTQ (torch.ao.quantization) for the
'qnnpack' engine (or 'fbgemm' where this torch has no qnnpack; the script
says which): QuantStub/DeQuantStub around the network, the residual adds as
FloatFunctional, conv+bn+relu and conv+bn fused, the engine's default qconfig
(get_default_qconfig: HistogramObserver activations, per-tensor symmetric
MinMax int8 weights for qnnpack), calibrated on the same 200 images, then
converted and run on the test split.

Writes into --out:
    model.onnx             the float network
    calib.npy              [200, 1, 8, 8] float32 (first 200 training images)
    test_x.npy, test_y.npy [450, 1, 8, 8] float32, [450] int64
    torch_float_logits.npy [450, 10] PyTorch's float logits on test_x
    torch_int8_logits.npy  [450, 10] PyTorch INT8's logits on test_x
    torch_accuracy.json    the float and INT8 test accuracies, the engine and
                           qconfig, and the top-1 agreement of INT8 with float

Usage: digits_resnet_onnx.py --out DIR [--epochs N]
(or import it and call export(out, epochs)).
"""

import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "digits"))
from data import NUM_CALIB, load_split  # noqa: E402

SEED = 20261203
EPOCHS = 30
BATCH = 32
LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4
OPSET = 13


def make_network(torch):
    nn = torch.nn
    quant = torch.ao.quantization

    def conv_bn(cin, cout, k, stride, relu):
        layers = [nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False),
                  nn.BatchNorm2d(cout)]
        if relu:
            layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = conv_bn(cin, cout, 3, stride, relu=True)
            self.conv2 = conv_bn(cout, cout, 3, 1, relu=False)
            self.downsample = conv_bn(cin, cout, 1, stride, relu=False) \
                if stride != 1 or cin != cout else None
            self.add = nn.quantized.FloatFunctional()
            self.relu = nn.ReLU()

        def forward(self, x):
            shortcut = x if self.downsample is None else self.downsample(x)
            return self.relu(self.add.add(self.conv2(self.conv1(x)), shortcut))

    class DigitsResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = quant.QuantStub()
            self.stem = conv_bn(1, 16, 3, 1, relu=True)
            self.layer1 = Block(16, 16, 1)
            self.layer2 = Block(16, 32, 2)
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(32, 10)
            self.dequant = quant.DeQuantStub()

        def forward(self, x):
            x = self.layer2(self.layer1(self.stem(self.quant(x))))
            x = torch.flatten(self.avgpool(x), 1)
            return self.dequant(self.fc(x))

        def fuse(self):
            groups = [["stem.0", "stem.1", "stem.2"]]
            for layer in ("layer1", "layer2"):
                groups += [[f"{layer}.conv1.0", f"{layer}.conv1.1", f"{layer}.conv1.2"],
                           [f"{layer}.conv2.0", f"{layer}.conv2.1"]]
            groups.append(["layer2.downsample.0", "layer2.downsample.1"])
            return quant.fuse_modules(self, groups)

    return DigitsResNet()


def train(torch, model, x_train, y_train, epochs):
    x = torch.from_numpy(x_train)
    y = torch.from_numpy(y_train)
    opt = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps = epochs * math.ceil(len(x) / BATCH)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    generator = torch.Generator().manual_seed(SEED)
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        if epoch % 10 == 9 or epoch == epochs - 1:
            print(f"epoch {epoch + 1:3d}  loss {total / len(x):.4f}", flush=True)
    return model.eval()


def logits_of(torch, model, x):
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy().astype(np.float32)


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def export(out, epochs=EPOCHS):
    """Trains, exports and quantizes the network into the folder out (the
    files listed above); returns the contents of torch_accuracy.json."""
    import copy

    import onnx
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    x_train, y_train, x_test, y_test = load_split()
    calib = np.ascontiguousarray(x_train[:NUM_CALIB])
    print(f"digits: {len(x_train)} training images, {len(x_test)} test images, "
          f"{len(calib)} calibration images")

    start = time.time()
    model = train(torch, make_network(torch), x_train, y_train, epochs)
    print(f"trained {epochs} epochs in {time.time() - start:.1f} s")
    float_logits = logits_of(torch, model, x_test)
    float_acc = accuracy(float_logits, y_test)

    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.from_numpy(x_test[:1]), path, opset_version=OPSET,
                          input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "N"}, "logits": {0: "N"}})
    onnx.checker.check_model(onnx.load(path))
    ops = sorted({node.op_type for node in onnx.load(path).graph.node})
    print(f"wrote {path} (opset {OPSET}, ops: {', '.join(ops)})")

    engines = torch.backends.quantized.supported_engines
    engine = "qnnpack" if "qnnpack" in engines else "fbgemm"
    if engine != "qnnpack":
        print(f"note: this torch has no qnnpack engine (engines: {engines}); using fbgemm")
    torch.backends.quantized.engine = engine
    qmodel = copy.deepcopy(model).eval().fuse()
    qconfig = torch.ao.quantization.get_default_qconfig(engine)
    qmodel.qconfig = qconfig
    torch.ao.quantization.prepare(qmodel, inplace=True)
    with torch.no_grad():
        qmodel(torch.from_numpy(calib))
    torch.ao.quantization.convert(qmodel, inplace=True)
    int8_logits = logits_of(torch, qmodel, x_test)
    int8_acc = accuracy(int8_logits, y_test)
    agree = float(np.mean(np.argmax(int8_logits, axis=1) == np.argmax(float_logits, axis=1)))

    np.save(os.path.join(out, "calib.npy"), calib)
    np.save(os.path.join(out, "test_x.npy"), np.ascontiguousarray(x_test))
    np.save(os.path.join(out, "test_y.npy"), y_test.astype(np.int64))
    np.save(os.path.join(out, "torch_float_logits.npy"), float_logits)
    np.save(os.path.join(out, "torch_int8_logits.npy"), int8_logits)
    report = {
        "model": "digits ResNet (PyTorch)",
        "test_images": int(len(y_test)),
        "calibration_images": int(len(calib)),
        "float_accuracy": float_acc,
        "int8_accuracy": int8_acc,
        "int8_top1_agreement_with_float": agree,
        "engine": engine,
        "qconfig": str(qconfig),
    }
    with open(os.path.join(out, "torch_accuracy.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    n = len(y_test)
    print(f"PyTorch float: {float_acc * 100:.2f}% ({round(float_acc * n)}/{n})")
    print(f"PyTorch INT8 ({engine}, static PTQ): {int8_acc * 100:.2f}% "
          f"({round(int8_acc * n)}/{n}), top-1 agreement with float {agree * 100:.2f}%")
    return report


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    export(args.out, args.epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
