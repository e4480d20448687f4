#!/usr/bin/env python3
"""make-stats-seeds.py DIR: writes the seed corpus of the statistics fuzzer.

The statistics files of test/ (valid ones and each error case) and a few
hand-made ones: every observer's fields, ranges at the edges of float32,
duplicate keys, wrong types and nesting, so that the fuzzer starts from
both the accepted form and the reader's error paths.
"""

import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HAND_MADE = {
    "full.json": '{"observer": "percentile", "samples": 200, "activations": '
    '{"main/arg0": {"min": -1.5, "max": 2.25, "observed_min": -3.0, '
    '"observed_max": 4.0}, "main/conv1.output": {"min": 0, "max": 6}}}\n',
    "empty.json": '{"activations": {}}\n',
    "edges.json": '{"activations": {"a": {"min": -3.4028234663852886e38, '
    '"max": 3.4028234663852886e38}, "b": {"min": 1e-45, "max": 1e308}, '
    '"c": {"min": 0, "max": 0}}}\n',
    "duplicate.json": '{"activations": {"main/arg0": {"min": 0, "max": 1}, '
    '"main/arg0": {"min": -1, "max": 1}}}\n',
    "types.json": '{"activations": {"x": {"min": "0", "max": null}, '
    '"y": [0, 1], "z": {"min": true, "max": 1}}}\n',
    "nested.json": '{"activations": ' + "[" * 64 + "]" * 64 + "}\n",
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for folder, dirs, files in sorted(os.walk(os.path.join(ROOT, "test"))):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".json"):
                shutil.copy(os.path.join(folder, name), os.path.join(out, name))
    for name, text in HAND_MADE.items():
        with open(os.path.join(out, "hand-" + name), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
