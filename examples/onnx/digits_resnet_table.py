#!/usr/bin/env python3
"""The digits ResNet trained in PyTorch, quantized by PyTorch and by qsim.

    digits_resnet_table.py --bin BUILD/bin --work DIR [--check]
                           [--reuse] [--ptq-options "..."]

Runs digits_resnet_onnx.py's export() into DIR (trains the network in
PyTorch, exports DIR/model.onnx and quantizes it with PyTorch's eager-mode
static PTQ for qnnpack on the 200 calibration images, writing
torch_accuracy.json and both sets of PyTorch logits), then, with qsim:

- imports model.onnx with qsim-import-onnx twice, at batch 200 for the
  calibration run and at batch 450 for the test split;
- calibrates on the same 200 calibration images (qsim-run --calibrate,
  minmax observer);
- quantizes per channel (qsim-opt --qsim-ptq, the defaults: symmetric int8
  weights per output channel, asymmetric uint8 activations), writing the
  report of the ops that stayed float;
- runs the float import and the INT8 model on the 450 test images.

Prints one table: each model's accuracy and its top-1 agreement with its
own framework's float model (PyTorch INT8 against PyTorch float, qsim INT8
against qsim float, qsim float against PyTorch float), the largest
difference between qsim's float logits and PyTorch's, and the ops that
stayed float. With --check, exits non-zero if that difference exceeds 1e-4
or if qsim's INT8 accuracy is more than one percentage point below qsim's
float accuracy.

--reuse skips the PyTorch part when DIR already holds its files;
--ptq-options adds options to --qsim-ptq (e.g. "weight-bits=2").
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import digits_resnet_onnx  # noqa: E402  (it puts examples/digits on the path)
from ptq import run  # noqa: E402  (examples/digits/ptq.py: a tool run, its output)

FLOAT_TOLERANCE = 1e-4
MAX_INT8_DROP = 1.0  # percentage points
NUM_CALIB = 200
NUM_TEST = 450


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True,
                        help="folder of qsim-import-onnx, qsim-opt and qsim-run")
    parser.add_argument("--work", required=True, help="folder for the model, data and outputs")
    parser.add_argument("--check", action="store_true",
                        help="fail unless qsim float matches PyTorch float within 1e-4 and "
                             "qsim INT8 is within 1 point of float")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the PyTorch model and outputs already in --work")
    parser.add_argument("--ptq-options", default="",
                        help="extra options for --qsim-ptq")
    args = parser.parse_args()

    def tool(name):
        return os.path.join(args.bin, name)

    work = args.work
    accuracy_json = os.path.join(work, "torch_accuracy.json")
    if args.reuse and os.path.exists(accuracy_json):
        print(f"reusing the PyTorch model and outputs in {work}")
    else:
        digits_resnet_onnx.export(work)
    with open(accuracy_json) as f:
        torch_report = json.load(f)

    def path(name):
        return os.path.join(work, name)

    labels = np.load(path("test_y.npy"))
    torch_float = np.load(path("torch_float_logits.npy"))
    torch_int8 = np.load(path("torch_int8_logits.npy"))
    if len(labels) != NUM_TEST or len(np.load(path("calib.npy"))) != NUM_CALIB:
        sys.exit(f"expected {NUM_CALIB} calibration and {NUM_TEST} test images in {work}")

    # Import at the calibration batch and at the test batch.
    calib_mlir, test_mlir = path("qsim-calib.mlir"), path("qsim-float.mlir")
    run([tool("qsim-import-onnx"), path("model.onnx"), "--input-shape", f"N={NUM_CALIB}",
         "-o", calib_mlir])
    run([tool("qsim-import-onnx"), path("model.onnx"), "--input-shape", f"N={NUM_TEST}",
         "-o", test_mlir])

    stats = path("qsim-stats.json")
    calibration = run([tool("qsim-run"), calib_mlir, "--calibrate", "--input",
                       path("calib.npy"), "--stats-out", stats, "--observer", "minmax"])
    with open(path("qsim-calibration.log"), "w") as f:
        f.write(calibration)
    print("qsim: " + calibration.splitlines()[0])

    report = path("qsim-float-report.json")
    int8_mlir = path("qsim-int8.mlir")
    options = f"stats={stats} weight-granularity=per-channel report={report}"
    if args.ptq_options:
        options += " " + args.ptq_options
    run([tool("qsim-opt"), test_mlir, f"--qsim-ptq={options}", "-o", int8_mlir])

    outputs = {}
    for name, mlir in (("float", test_mlir), ("int8", int8_mlir)):
        out_dir = path(f"qsim-out-{name}")
        run([tool("qsim-run"), mlir, "--input", path("test_x.npy"), "--output-dir", out_dir])
        outputs[name] = np.load(os.path.join(out_dir, "result0.npy"))
    qsim_float, qsim_int8 = outputs["float"], outputs["int8"]
    if qsim_float.shape != torch_float.shape:
        sys.exit(f"qsim's float output has shape {qsim_float.shape}, PyTorch's "
                 f"{torch_float.shape}")
    float_error = float(np.max(np.abs(qsim_float.astype(np.float64) - torch_float)))

    def pred(logits):
        return np.argmax(logits, axis=1)

    rows = [
        ("PyTorch float", torch_float, torch_float),
        (f"PyTorch INT8 ({torch_report['engine']} static PTQ)", torch_int8, torch_float),
        ("qsim float (imported ONNX)", qsim_float, torch_float),
        ("qsim INT8 per-channel", qsim_int8, qsim_float),
    ]
    n = len(labels)
    print()
    print(f"digits ResNet (PyTorch, exported to ONNX): {n} test images; calibration: "
          f"{NUM_CALIB} training images (PyTorch: {torch_report['engine']} default qconfig; "
          f"qsim: minmax)")
    print("top-1 agreement: with PyTorch float; qsim INT8's with qsim float")
    print(f"{'model':<36} {'accuracy':>16} {'top-1 agreement':>16}")
    accuracy = {}
    for name, logits, reference in rows:
        correct = int(np.sum(pred(logits) == labels))
        accuracy[name] = 100.0 * correct / n
        agreement = 100.0 * np.mean(pred(logits) == pred(reference))
        print(f"{name:<36} {accuracy[name]:>6.2f}% ({correct:>3}/{n}) {agreement:>15.2f}%")
    drop = accuracy["qsim float (imported ONNX)"] - accuracy["qsim INT8 per-channel"]
    print(f"qsim float vs PyTorch float: max abs error {float_error:.3g} "
          f"(tolerance {FLOAT_TOLERANCE:g})")
    print(f"qsim INT8 per-channel loses {drop:.2f} percentage points against qsim float")

    with open(report) as f:
        stayed_float = json.load(f)
    print(f"ops that stayed float: {len(stayed_float) or 'none'}")
    for entry in stayed_float:
        print(f"  {entry.get('op')} at {entry.get('location')}: {entry.get('reason')}")

    failed = []
    if float_error > FLOAT_TOLERANCE:
        failed.append(f"qsim's float logits differ from PyTorch's by {float_error:.3g}")
    if drop > MAX_INT8_DROP:
        failed.append(f"qsim INT8 is {drop:.2f} points below float")
    if args.check and failed:
        sys.exit("check failed: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
