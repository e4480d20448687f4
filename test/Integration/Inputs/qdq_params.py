#!/usr/bin/env python3
"""Bridges examples/onnx/make_qdq_digits.py's qdq_params.json (the
parameters ONNX Runtime's quantize_static chooses, computed in NumPy from
its source) and qsim's files, for the digits CNN.

    qdq_params.py stats PARAMS OUT
        writes the activation ranges of PARAMS as a qsim statistics file
        under qsim's names for the same tensors
    qdq_params.py manifest PARAMS MANIFEST
        compares every activation scale and zero point, weight scale and
        integer bias of qsim's manifest with PARAMS; exits 1 on any
        difference
"""

import json
import sys

import numpy as np

# qdq_params tensor -> qsim observer name.
ACTIVATIONS = {
    "x": "main/arg0",
    "relu1_out": "main/conv1.output",
    "relu2_out": "main/conv2.output",
    "logits": "main/fc.output",
}
# qsim layer -> (its input tensor, its weight, its bias, its output tensor).
LAYERS = {
    "conv1": ("x", "conv1.weight", "conv1.bias", "relu1_out"),
    "conv2": ("relu1_out", "conv2.weight", "conv2.bias", "relu2_out"),
    "fc": ("flat", "fc.weight", "fc.bias", "logits"),
}


def write_stats(params_path, out):
    with open(params_path) as f:
        params = json.load(f)
    activations = {}
    for tensor, name in ACTIVATIONS.items():
        lo, hi = params[tensor]["rmin"], params[tensor]["rmax"]
        activations[name] = {"min": lo, "max": hi, "observed_min": lo,
                             "observed_max": hi, "non_finite": 0}
    with open(out, "w") as f:
        json.dump({"observer": "minmax", "samples": 200,
                   "activations": activations}, f, indent=2)
    return 0


def same_f32(a, b):
    return np.array_equal(np.float32(np.atleast_1d(a)), np.float32(np.atleast_1d(b)))


def compare_manifest(params_path, manifest_path):
    with open(params_path) as f:
        params = json.load(f)
    with open(manifest_path) as f:
        layers = {entry["name"]: entry for entry in json.load(f)["layers"]}
    bad = 0
    for name, (x, w, b, y) in LAYERS.items():
        entry = layers[name]
        checks = [
            ("input scale", entry["input"]["scales"], params[x]["scale"]),
            ("input zero point", entry["input"]["zero_points"], [params[x]["zero_point"]]),
            ("weight scales", entry["weights"]["scales"], params[w]["scale"]),
            ("weight zero points", entry["weights"]["zero_points"], params[w]["zero_point"]),
            ("bias", entry["bias"], params[b]["quantized"]),
            ("output scale", entry["requantize"]["output"]["scales"], params[y]["scale"]),
            ("output zero point", entry["requantize"]["output"]["zero_points"], [params[y]["zero_point"]]),
        ]
        for what, ours, theirs in checks:
            equal = (same_f32(ours, theirs) if "scale" in what
                     else list(np.atleast_1d(ours)) == list(np.atleast_1d(theirs)))
            if not equal:
                bad += 1
                print(f"{name} {what}: qsim {ours}, quantize_static {theirs}")
    print(f"manifest: {len(LAYERS)} layers, "
          f"{'every parameter equal' if not bad else f'{bad} differ'}")
    return 1 if bad else 0


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("stats", "manifest"):
        sys.exit(__doc__)
    if sys.argv[1] == "stats":
        return write_stats(sys.argv[2], sys.argv[3])
    return compare_manifest(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
