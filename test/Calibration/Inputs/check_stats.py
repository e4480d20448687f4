#!/usr/bin/env python3
"""Checks a qsim-run --calibrate statistics file.

Every activation of the end-to-end test model must be present with
observed_min <= min <= max <= observed_max (a calibrated range never reaches
beyond what was observed); with --exact-input X.npy the input's range must be
exactly X's min and max (min/max observer).
"""

import json
import sys

import numpy as np

NAMES = ["main/arg0", "main/conv1.output", "main/conv2.output", "main/fc.output"]


def main():
    with open(sys.argv[1]) as f:
        stats = json.load(f)
    activations = stats["activations"]
    assert sorted(activations) == sorted(NAMES), sorted(activations)
    for name in NAMES:
        entry = activations[name]
        lo, hi = entry["min"], entry["max"]
        assert entry["observed_min"] <= lo <= hi <= entry["observed_max"], (name, entry)
    if "--exact-input" in sys.argv:
        x = np.load(sys.argv[sys.argv.index("--exact-input") + 1])
        entry = activations["main/arg0"]
        assert entry["min"] == float(x.min()) and entry["max"] == float(x.max()), entry
    assert stats["samples"] > 0
    print("ok")


if __name__ == "__main__":
    main()
