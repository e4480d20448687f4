#!/usr/bin/env python3
"""Checks a quantization manifest against its own scales.

  check_manifest.py MANIFEST.json

For every layer: the accumulator's scales are s_x * s_w (to 1e-6, as the
verifier accepts); for a half_even requantize, each multiplier is
s_acc / s_y; for a fixed-point one, each (multiplier, shift) is the pair
that the runtime's encoder (fixed_point_reference.py, TFLite's
QuantizeMultiplier or the TOSA scale32 encoding) gives for s_acc / s_y;
the clamp lies in the output storage range. Prints one line per layer and
exits 1 on any mismatch.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Integration", "Inputs"))
import fixed_point_reference as reference  # noqa: E402


def per_channel(values, count):
    return values if len(values) == count else values * count


def storage_range(storage):
    bits = int(storage[1:])
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if storage[0] == "i" else (0, (1 << bits) - 1)


def check_layer(layer):
    problems = []
    acc = layer["accumulator"]
    channels = max(len(acc["scales"]), len(layer["weights"]["scales"]))
    s_x = layer["input"]["scales"][0]
    for s_acc, s_w in zip(per_channel(acc["scales"], channels),
                          per_channel(layer["weights"]["scales"], channels)):
        if abs(s_acc - s_x * s_w) > 1e-6 * abs(s_x * s_w):
            problems.append(f"accumulator scale {s_acc} is not {s_x} * {s_w}")
    requantize = layer["requantize"]
    if requantize is None:
        return problems
    out = requantize["output"]
    channels = max(channels, len(out["scales"]))
    ratios = [a / y for a, y in zip(per_channel(acc["scales"], channels),
                                    per_channel(out["scales"], channels))]
    mode = requantize["rounding"]
    if mode == "half_even":
        if per_channel(requantize["multiplier"], channels) != ratios:
            problems.append(f"multipliers {requantize['multiplier']} are not {ratios}")
    else:
        encode = reference.encode_tflite if mode.startswith("tflite") else reference.encode_tosa
        got = list(zip(per_channel(requantize["multiplier"], channels),
                       per_channel(requantize["shift"], channels)))
        want = [encode(r) for r in ratios]
        if got != want:
            problems.append(f"{mode} pairs {got} are not {want}")
    lo, hi = storage_range(out["storage"])
    if not lo <= requantize["clamp"][0] <= requantize["clamp"][1] <= hi:
        problems.append(f"clamp {requantize['clamp']} is outside [{lo}, {hi}]")
    return problems


def main():
    manifest = json.load(open(sys.argv[1]))
    ok = True
    for index, layer in enumerate(manifest["layers"]):
        problems = check_layer(layer)
        rounding = layer["requantize"]["rounding"] if layer["requantize"] else "none"
        print(f"layer {index} {layer['op']} ({rounding}): "
              f"{'consistent' if not problems else '; '.join(problems)}")
        ok &= not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
