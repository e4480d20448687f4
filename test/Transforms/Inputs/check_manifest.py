#!/usr/bin/env python3
"""Checks a quantization manifest against its own scales.

  check_manifest.py MANIFEST.json

Every entry's numbers are derived again here from the scales and zero
points the manifest lists, with each runtime's own set-up written from its
definition (not from qsim's code), and compared:
  conv, linear   the accumulator's scales are s_x * s_w (to 1e-6, as the
                 verifier accepts); the requantize that reads it is checked
                 as a requantize of s_acc / s_y;
  requantize     half_even: each multiplier is s_in / s_y;
                 float32_half_even: the f32 s_in / s_y (ONNX Runtime) or
                 s_in * (1 / s_y) (PyTorch); a fixed-point mode: each
                 (multiplier, shift) is the pair the runtime's encoder
                 (fixed_point_reference.py: TFLite's QuantizeMultiplier,
                 TOSA's scale32) gives for s_in / s_y;
  add            half_even: s_a / s_y and s_b / s_y; tflite_double:
                 TFLite's ADD Prepare (l = 20, pairs of s_a / 2S, s_b / 2S
                 and 2S / (2^l s_y), S = max(s_a, s_b), from the f32
                 scales); tosa_*: TOSA's legalization (pairs of
                 2^l s_a / 2S, 2^l s_b / 2S and 2S / (2^l s_y), l = 20,
                 15 for a 16-bit result);
                 qnnpack and xnnpack: QNNPACK's and XNNPACK's f32 set-up
                 (shift 21 or 20 minus the exponent of the larger f32 ratio,
                 multipliers lrintf(r * 2^shift)); float32_half_even: ONNX
                 Runtime's f32 ratios and offset z_y - fma(r_a, z_a, r_b z_b);
  mul            half_even: s_a s_b / s_y; tosa_*: the scale32 pair of it;
  avg_pool2d     half_even: s_x / s_y; tosa_single: equal scales;
  concat         one s_in / s_y per input;
and every clamp lies in its output's storage range. Prints one line per
entry and exits 1 on any mismatch.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Integration", "Inputs"))
import fixed_point_reference as reference  # noqa: E402


def per_channel(values, count):
    return values if len(values) == count else values * count


def storage_range(storage):
    bits = int(storage[1:])
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if storage[0] == "i" else (0, (1 << bits) - 1)


def check_clamp(entry, out):
    lo, hi = storage_range(out["storage"])
    if not lo <= entry["clamp"][0] <= entry["clamp"][1] <= hi:
        return [f"clamp {entry['clamp']} is outside [{lo}, {hi}]"]
    return []


def check_pairs(entry, mode, ratios):
    """The entry's (multiplier, shift) pairs against the encoder's of
    `ratios`, or for half_even its float64 multipliers against them."""
    if mode == "half_even":
        if per_channel(entry["multiplier"], len(ratios)) != ratios:
            return [f"multipliers {entry['multiplier']} are not {ratios}"]
        return []
    encode = reference.encode_tflite if mode.startswith("tflite") else reference.encode_tosa
    count = max(len(ratios), len(entry["multiplier"]))
    got = list(zip(per_channel(entry["multiplier"], count),
                   per_channel(entry["shift"], count)))
    want = [encode(r) for r in per_channel(ratios, count)]
    if got != want:
        return [f"{mode} pairs {got} are not {want}"]
    return []


def check_requantize(requantize, in_scales, channels):
    out = requantize["output"]
    channels = max(channels, len(out["scales"]))
    ratios = [a / y for a, y in zip(per_channel(in_scales, channels),
                                    per_channel(out["scales"], channels))]
    mode = requantize["rounding"]
    problems = []
    if mode == "float32_half_even":
        # ONNX Runtime divides the f32 scales; PyTorch multiplies by the f32
        # reciprocal of the output scale. A layer is one or the other.
        f32 = np.float32
        pairs = list(zip(per_channel(in_scales, channels),
                         per_channel(out["scales"], channels)))
        divided = [float(f32(a) / f32(y)) for a, y in pairs]
        by_reciprocal = [float(f32(a) * (f32(1) / f32(y))) for a, y in pairs]
        got = per_channel(requantize["multiplier"], channels)
        if got not in (divided, by_reciprocal):
            problems.append(f"f32 multipliers {requantize['multiplier']} are "
                            f"neither s/s_y {divided} nor s*(1/s_y) "
                            f"{by_reciprocal}")
    else:
        problems += check_pairs(requantize, mode, ratios)
    return problems + check_clamp(requantize, out)


def check_layer(layer):
    problems = []
    acc = layer["accumulator"]
    channels = max(len(acc["scales"]), len(layer["weights"]["scales"]))
    s_x = layer["input"]["scales"][0]
    for s_acc, s_w in zip(per_channel(acc["scales"], channels),
                          per_channel(layer["weights"]["scales"], channels)):
        if abs(s_acc - s_x * s_w) > 1e-6 * abs(s_x * s_w):
            problems.append(f"accumulator scale {s_acc} is not {s_x} * {s_w}")
    if layer["requantize"] is None:
        return problems
    return problems + check_requantize(layer["requantize"], acc["scales"], channels)


def f32_exponent(value):
    """The unbiased exponent of an f32, as (bits >> 23) - 127 gives it."""
    return int((np.float32(value).view(np.uint32) >> 23) & 0xff) - 127


def check_integer_add(entry, mode, ratios):
    """QNNPACK's and XNNPACK's set-up: one shift from the larger f32
    ratio, and each multiplier its ratio times 2^shift, rounded half to
    even (lrintf)."""
    bits = 21 if mode == "qnnpack" else 20
    shift = bits - f32_exponent(max(ratios))
    want = [int(np.rint(np.float32(r) * np.float32(2.0**shift))) for r in ratios]
    if entry["multiplier"] != want or entry["shift"] != [shift]:
        return [f"{mode} multipliers {entry['multiplier']} and shift {entry['shift']} "
                f"are not {want} and [{shift}]"]
    return []


def check_add(entry):
    a, b = entry["inputs"]
    out = entry["output"]
    s_a, s_b, s_y = a["scales"][0], b["scales"][0], out["scales"][0]
    mode = entry["rounding"]
    if mode == "half_even":
        problems = check_pairs(entry, mode, [s_a / s_y, s_b / s_y])
    elif mode in ("qnnpack", "xnnpack", "float32_half_even"):
        f32 = np.float32
        ratios = [f32(f32(s_a) / f32(s_y)), f32(f32(s_b) / f32(s_y))]
        if mode != "float32_half_even":
            problems = check_integer_add(entry, mode, ratios)
        else:
            # fma(r_a, z_a, r_b * z_b): the exact sum of an f32 and a product
            # of an f32 and a small integer is exact in float64, then rounded
            # once to f32.
            inner = f32(ratios[1] * f32(b["zero_points"][0]))
            fused = f32(float(ratios[0]) * a["zero_points"][0] + float(inner))
            offset = float(f32(f32(out["zero_points"][0]) - fused))
            want = [float(r) for r in ratios]
            problems = []
            if entry["multiplier"] != want or entry["offset"] != offset:
                problems.append(f"f32 ratios {entry['multiplier']} and offset {entry['offset']} "
                                f"are not {want} and {offset}")
    else:
        if mode == "tflite_double":
            # TFLite's tensors hold f32 scales, which Prepare widens; its
            # kernel shifts the inputs left by 2^l itself.
            s_a, s_b, s_y = (float(np.float32(s)) for s in (s_a, s_b, s_y))
            left, input_scale = 20, 1
        else:
            left = 15 if int(out["storage"][1:]) > 8 else 20
            input_scale = 2**left
        double = max(s_a, s_b) * 2
        ratios = [input_scale * s_a / double, input_scale * s_b / double,
                  double / (2**left * s_y)]
        problems = check_pairs(entry, mode, ratios)
        if mode == "tflite_double" and entry.get("left_shift") != left:
            problems.append(f"left shift {entry.get('left_shift')} is not {left}")
    return problems + check_clamp(entry, out)


def check_mul(entry):
    a, b = entry["inputs"]
    out = entry["output"]
    ratio = a["scales"][0] * b["scales"][0] / out["scales"][0]
    return check_pairs(entry, entry["rounding"], [ratio]) + check_clamp(entry, out)


def check_avg_pool(entry):
    s_x, s_y = entry["input"]["scales"][0], entry["output"]["scales"][0]
    if entry["rounding"] == "tosa_single":
        problems = [] if s_x == s_y else [f"tosa_single pool rescales {s_x} to {s_y}"]
    else:
        problems = check_pairs(entry, entry["rounding"], [s_x / s_y])
    return problems + check_clamp(entry, entry["output"])


def check_concat(entry):
    s_y = entry["output"]["scales"][0]
    ratios = [i["scales"][0] / s_y for i in entry["inputs"]]
    return check_pairs(entry, entry["rounding"], ratios) + check_clamp(entry, entry["output"])


def check_entry(entry):
    op = entry["op"]
    if op in ("qsim.conv2d", "qsim.linear"):
        return check_layer(entry)
    if op == "qsim.requantize":
        return check_requantize(entry, entry["input"]["scales"], len(entry["input"]["scales"]))
    if op == "qsim.add":
        return check_add(entry)
    if op == "qsim.mul":
        return check_mul(entry)
    if op == "qsim.avg_pool2d":
        return check_avg_pool(entry)
    if op == "qsim.concat":
        return check_concat(entry)
    return [f"unknown op {op}"]


def rounding_of(entry):
    if "requantize" in entry:
        return entry["requantize"]["rounding"] if entry["requantize"] else "none"
    return entry["rounding"]


def main():
    manifest = json.load(open(sys.argv[1]))
    ok = True
    for index, entry in enumerate(manifest["layers"]):
        problems = check_entry(entry)
        print(f"layer {index} {entry['op']} ({rounding_of(entry)}): "
              f"{'consistent' if not problems else '; '.join(problems)}")
        ok &= not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
