#!/usr/bin/env python3
"""Post-training quantization of the digits CNN, end to end, with qsim.

    ptq.py --bin BUILD/bin --work DIR [--observer NAME] [--check]

Writes the data (train.py --data-dir), calibrates the float model on 200
training images (qsim-run --calibrate), quantizes it per channel and per
tensor (qsim-opt --qsim-ptq), JIT-runs the float and both INT8 models on the
450 test images (qsim-run, timed over repeated runs) and prints their
accuracy, their top-1 agreement with the float model and the time each took.
With --check, exits non-zero unless per-channel INT8 stays within one
percentage point of float.
"""

import argparse
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder of qsim-opt and qsim-run")
    parser.add_argument("--work", required=True, help="folder for data and models")
    parser.add_argument("--observer", default="minmax")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    qsim_run = os.path.join(args.bin, "qsim-run")
    qsim_opt = os.path.join(args.bin, "qsim-opt")
    model = os.path.join(HERE, "model.mlir")
    data = os.path.join(args.work, "data")
    os.makedirs(args.work, exist_ok=True)
    run([sys.executable, os.path.join(HERE, "train.py"), "--data-dir", data])
    labels = np.load(os.path.join(data, "test_y.npy"))
    test_x = os.path.join(data, "test_x.npy")

    stats = os.path.join(args.work, "stats.json")
    print(run([qsim_run, model, "--calibrate", "--input",
               os.path.join(data, "calib.npy"), "--stats-out", stats,
               "--observer", args.observer]).rstrip())

    models = [("float", model)]
    for granularity in ("per-channel", "per-tensor"):
        out = os.path.join(args.work, f"int8-{granularity}.mlir")
        run([qsim_opt, model, f"--qsim-ptq=stats={stats} weight-granularity={granularity}",
             "-o", out])
        models.append((f"INT8 {granularity}", out))

    rows = []
    float_pred = None
    for name, path in models:
        out_dir = os.path.join(args.work, "out-" + name.replace(" ", "-"))
        output = run([qsim_run, path, "--input", test_x, "--output-dir", out_dir,
                      "--repeat", str(args.repeat), "--warmup", "2"])
        pred = np.argmax(np.load(os.path.join(out_dir, "result0.npy")), axis=1)
        if float_pred is None:
            float_pred = pred
        accuracy = 100.0 * np.mean(pred == labels)
        agreement = 100.0 * np.mean(pred == float_pred)
        rows.append((name, accuracy, agreement, median_ms(output)))

    print()
    print(f"digits test split: {len(labels)} images; calibration: 200 training images, "
          f"{args.observer} observer")
    print(f"{'model':<22} {'accuracy':>9} {'top-1 agreement':>16} {'median time (ms)':>17}")
    for name, accuracy, agreement, ms in rows:
        print(f"{name:<22} {accuracy:>8.2f}% {agreement:>15.2f}% {ms:>17.3f}")
    drop = rows[0][1] - rows[1][1]
    print(f"per-channel INT8 loses {drop:.2f} percentage points against float")
    if args.check and drop > 1.0:
        sys.exit("per-channel INT8 is more than 1 point below float")


if __name__ == "__main__":
    main()
