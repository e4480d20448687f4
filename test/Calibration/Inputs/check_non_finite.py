#!/usr/bin/env python3
"""check_non_finite.py STATS INPUT.npy: checks the non-finite counts.

The entry of the model's input, main/arg0, must count exactly the NaN and
infinite values of INPUT.npy and hold the range of its finite values; every
other entry must hold a non-negative integer count and finite bounds.
"""

import json
import math
import sys

import numpy as np


def main():
    with open(sys.argv[1]) as f:
        stats = json.load(f)
    x = np.load(sys.argv[2])
    finite = x[np.isfinite(x)]
    entry = stats["activations"]["main/arg0"]
    expected = int((~np.isfinite(x)).sum())
    assert entry["non_finite"] == expected, (entry, expected)
    assert entry["observed_min"] == float(finite.min()), entry
    assert entry["observed_max"] == float(finite.max()), entry
    for name, entry in stats["activations"].items():
        count = entry["non_finite"]
        assert isinstance(count, int) and count >= 0, (name, entry)
        assert math.isfinite(entry["min"]) and math.isfinite(entry["max"]), (name, entry)
    print("main/arg0 skipped %d non-finite values" % expected)


if __name__ == "__main__":
    main()
