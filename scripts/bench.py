#!/usr/bin/env python3
"""Benchmarks the bundled models with qsim-run and prints a table.

    bench.py --bin BUILD/bin --work DIR [--repeat N]

For the digits CNN (float, INT8 per channel, INT8 per tensor, on the 450
test images in one call) and the two-layer conv net (float and INT8, one
image), prints the median and minimum time of a call as qsim-run measures
it (compilation excluded), throughput, compilation time and the peak
resident memory of the qsim-run process. Numbers vary with the machine and
its load; nothing here is a pass/fail check.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd):
    """Runs a command; returns its output and its peak RSS in MiB."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{output}")
    return output, usage.ru_maxrss / 1024.0


def timing(output):
    compile_ms = float(re.search(r"compiled @\S+ in ([0-9.]+) ms", output).group(1))
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[0].isdigit():
            return compile_ms, float(fields[1]), float(fields[2])
    sys.exit("no timing table in:\n" + output)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    qsim_run = os.path.join(args.bin, "qsim-run")
    qsim_opt = os.path.join(args.bin, "qsim-opt")
    python = sys.executable
    os.makedirs(args.work, exist_ok=True)

    digits = os.path.join(ROOT, "examples", "digits", "model.mlir")
    data = os.path.join(args.work, "digits")
    run([python, os.path.join(ROOT, "examples", "digits", "train.py"), "--data-dir", data])
    stats = os.path.join(args.work, "digits-stats.json")
    run([qsim_run, digits, "--calibrate", "--input", os.path.join(data, "calib.npy"),
         "--stats-out", stats])
    cases = [("digits float", digits, [], os.path.join(data, "test_x.npy"), 450)]
    for granularity in ("per-channel", "per-tensor"):
        out = os.path.join(args.work, f"digits-{granularity}.mlir")
        run([qsim_opt, digits, f"--qsim-ptq=stats={stats} weight-granularity={granularity}",
             "-o", out])
        cases.append((f"digits INT8 {granularity}", out, [],
                      os.path.join(data, "test_x.npy"), 450))

    convnet = os.path.join(ROOT, "examples", "two-layer-convnet.mlir")
    convdata = os.path.join(args.work, "convnet")
    run([python, os.path.join(ROOT, "examples", "make_convnet.py"), "--emit-npy", convdata])
    for entry in ("float_model", "int8_model"):
        cases.append((f"conv net {entry}", convnet, ["--entry", entry],
                      os.path.join(convdata, "input.npy"), 1))

    print(f"{'model':<26} {'batch':>5} {'median (ms)':>12} {'min (ms)':>9} "
          f"{'images/s':>10} {'compile (ms)':>13} {'peak RSS (MiB)':>15}")
    for name, model, extra, data_file, batch in cases:
        output, rss = run([qsim_run, model, *extra, "--input", data_file,
                           "--repeat", str(args.repeat), "--warmup", "3"])
        compile_ms, min_ms, median_ms = timing(output)
        print(f"{name:<26} {batch:>5} {median_ms:>12.4f} {min_ms:>9.4f} "
              f"{batch / (median_ms / 1000):>10.0f} {compile_ms:>13.1f} {rss:>15.1f}")


if __name__ == "__main__":
    main()
