#!/usr/bin/env python3
"""Post-training quantization of the digits models, end to end, with qsim.

    ptq.py --bin BUILD/bin --work DIR [--observer NAME] [--check]
           [--check-models cnn,resnet]

For each model trained on the 8x8 digits (cnn: examples/digits, a small
CNN; resnet: examples/digits-resnet, a residual CNN with BatchNorm and global
average pooling), writes the data (its train.py --data-dir), calibrates the
float model on 200 training images (qsim-run --calibrate), quantizes it per
channel and per tensor (qsim-opt --qsim-ptq), JIT-runs the float and both
INT8 models on the 450 test images (qsim-run, timed over repeated runs) and
prints one table: each model's accuracy, its top-1 agreement with that
model's float and the time each took. With --check, exits non-zero unless
per-channel INT8 stays within one percentage point of float for every model
of --check-models (default: all of them).
"""

import argparse
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)

# key -> (table name, folder of train.py and model.mlir)
MODELS = {
    "cnn": ("digits CNN", os.path.join(EXAMPLES, "digits")),
    "resnet": ("digits ResNet", os.path.join(EXAMPLES, "digits-resnet")),
}


def run(cmd):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}")
    return result.stdout


def median_ms(output):
    """The median of qsim-run's timing table."""
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"\d+", fields[0]):
            return float(fields[2])
    sys.exit("no timing table in qsim-run's output:\n" + output)


def model_list(text):
    """--check-models: comma-separated keys of MODELS (may be empty)."""
    keys = [k for k in text.split(",") if k]
    for key in keys:
        if key not in MODELS:
            raise argparse.ArgumentTypeError(
                f"unknown model '{key}' (expected some of {', '.join(MODELS)})")
    return keys


def evaluate(key, args, qsim_run, qsim_opt):
    """Calibrates, quantizes and runs one model; returns its table rows
    (name, accuracy, agreement with float, median ms) and the image count."""
    title, folder = MODELS[key]
    model = os.path.join(folder, "model.mlir")
    work = os.path.join(args.work, key)
    data = os.path.join(work, "data")
    os.makedirs(work, exist_ok=True)
    run([sys.executable, os.path.join(folder, "train.py"), "--data-dir", data])
    labels = np.load(os.path.join(data, "test_y.npy"))
    test_x = os.path.join(data, "test_x.npy")

    stats = os.path.join(work, "stats.json")
    print(f"{title}: {os.path.relpath(model, os.path.dirname(EXAMPLES))}")
    print(run([qsim_run, model, "--calibrate", "--input",
               os.path.join(data, "calib.npy"), "--stats-out", stats,
               "--observer", args.observer]).rstrip())

    variants = [("float", model)]
    for granularity in ("per-channel", "per-tensor"):
        out = os.path.join(work, f"int8-{granularity}.mlir")
        run([qsim_opt, model, f"--qsim-ptq=stats={stats} weight-granularity={granularity}",
             "-o", out])
        variants.append((f"INT8 {granularity}", out))

    rows = []
    float_pred = None
    for name, path in variants:
        out_dir = os.path.join(work, "out-" + name.replace(" ", "-"))
        output = run([qsim_run, path, "--input", test_x, "--output-dir", out_dir,
                      "--repeat", str(args.repeat), "--warmup", "2"])
        pred = np.argmax(np.load(os.path.join(out_dir, "result0.npy")), axis=1)
        if float_pred is None:
            float_pred = pred
        accuracy = 100.0 * np.mean(pred == labels)
        agreement = 100.0 * np.mean(pred == float_pred)
        rows.append((f"{title}: {name}", accuracy, agreement, median_ms(output)))
    return rows, len(labels)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder of qsim-opt and qsim-run")
    parser.add_argument("--work", required=True, help="folder for data and models")
    parser.add_argument("--observer", default="minmax")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--check", action="store_true",
                        help="fail unless per-channel INT8 is within 1 point of float")
    parser.add_argument("--check-models", type=model_list, default=list(MODELS),
                        help="the models --check applies to, comma-separated "
                             f"(default: {','.join(MODELS)})")
    args = parser.parse_args()

    qsim_run = os.path.join(args.bin, "qsim-run")
    qsim_opt = os.path.join(args.bin, "qsim-opt")
    results = {}
    for key in MODELS:
        results[key], num_test = evaluate(key, args, qsim_run, qsim_opt)

    print()
    print(f"digits test split: {num_test} images; calibration: 200 training images, "
          f"{args.observer} observer")
    print(f"{'model':<33} {'accuracy':>9} {'top-1 agreement':>16} {'median time (ms)':>17}")
    for rows in results.values():
        for name, accuracy, agreement, ms in rows:
            print(f"{name:<33} {accuracy:>8.2f}% {agreement:>15.2f}% {ms:>17.3f}")
    failed = []
    for key, rows in results.items():
        drop = rows[0][1] - rows[1][1]
        print(f"{MODELS[key][0]}: per-channel INT8 loses {drop:.2f} percentage points "
              f"against float")
        if key in args.check_models and drop > 1.0:
            failed.append(MODELS[key][0])
    if args.check and failed:
        sys.exit(f"per-channel INT8 is more than 1 point below float: {', '.join(failed)}")


if __name__ == "__main__":
    main()
