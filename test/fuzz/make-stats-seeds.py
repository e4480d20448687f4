#!/usr/bin/env python3
"""make-stats-seeds.py DIR: writes the seed corpus of the statistics fuzzer.

Valid files, as qsim-run --calibrate writes them and as a person might write
them (compact, spaced, only "min" and "max", names with escapes and
non-ASCII characters, numbers at the edges of double), and invalid ones that
start the fuzzer on each error path of the reader: broken JSON, wrong types,
unknown and duplicate keys, duplicate names, inverted and non-finite ranges,
negative and fractional counts, deep nesting, invalid UTF-8 and NUL bytes.
"""

import json
import os
import sys


def calibrated():
    return {
        "observer": "minmax",
        "samples": 203,
        "activations": {
            "main/arg0": {"min": -0.998686, "max": 0.998862,
                          "observed_min": -0.998686, "observed_max": 0.998862,
                          "non_finite": 0},
            "main/conv1.output": {"min": 0.0, "max": 2.7401800155639648,
                                  "observed_min": 0.0,
                                  "observed_max": 2.7401800155639648,
                                  "non_finite": 131},
            "main/fc.output": {"min": -1.7201299667358398, "max": 1.6774,
                               "observed_min": -2.5, "observed_max": 3.0,
                               "non_finite": 6},
        },
    }


def entry(body):
    return '{"activations": {"main/arg0": {' + body + '}}}'


def seeds():
    # Valid files.
    yield "calibrated", json.dumps(calibrated(), indent=2) + "\n"
    yield "compact", json.dumps(calibrated(), separators=(",", ":"))
    yield "min-max-only", entry('"min": -1.0, "max": 1.0')
    yield "empty", '{"activations": {}}'
    yield "spaced", ' \t\r\n{ "activations" : { "a" : { "max" : 2 , "min" : -2 } } }\n'
    yield "escapes", json.dumps({"activations": {
        'q"uote\\back/slash\u00e9\u4e2d\U0001f600\u0001': {"min": 0, "max": 1}}})
    yield "edges", entry('"min": -1.7976931348623157e308, "max": 1.7976931348623157e308, '
                         '"observed_min": -4.9406564584124654e-324, '
                         '"observed_max": 2.2250738585072014e-308, '
                         '"non_finite": 9223372036854775807')
    yield "underflow", entry('"min": -1e-400, "max": 0.0000000000000000000001')
    yield "negative-zero", entry('"min": -0, "max": -0.0E+0')
    yield "samples-zero", '{"samples": 0, "observer": "", "activations": {}}'
    # Broken JSON.
    yield "truncated", entry('"min": -1.0, "max": 1.0')[:-3]
    yield "trailing-comma", entry('"min": -1.0, "max": 1.0,')
    yield "trailing-text", entry('"min": -1.0, "max": 1.0') + " x"
    yield "bare-nan", entry('"min": NaN, "max": Infinity')
    yield "too-big", entry('"min": 1e400, "max": 1e400')
    yield "nul-byte", entry('"min": -1.0, "max": 1.0') + "\0"
    yield "invalid-utf8", b'{"activations": {"\xff\xfe": {"min": 0, "max": 1}}}'
    yield "lone-surrogate", '{"activations": {"\\udc00": {"min": 0, "max": 1}}}'
    yield "empty-file", ""
    # Wrong schema.
    yield "array-root", "[1, 2]"
    yield "no-activations", '{"observer": "minmax"}'
    yield "activations-array", '{"activations": [1, 2]}'
    yield "entry-number", '{"activations": {"a": 1}}'
    yield "min-string", entry('"min": "-1", "max": 1')
    yield "missing-max", entry('"min": -1')
    yield "inverted", entry('"min": 2, "max": 1')
    yield "overflow-double", entry('"min": 0, "max": 2e308')
    yield "unknown-key", entry('"min": 0, "max": 1, "mean": 0.5')
    yield "unknown-top-key", '{"histogram": [], "activations": {}}'
    yield "duplicate-key", entry('"min": 0, "max": 1, "max": 2')
    yield "duplicate-top-key", '{"samples": 1, "samples": 2, "activations": {}}'
    yield "duplicate-name", ('{"activations": {"a": {"min": 0, "max": 1}, '
                             '"a": {"min": 0, "max": 2}}}')
    yield "negative-count", entry('"min": 0, "max": 1, "non_finite": -1')
    yield "fractional-count", '{"samples": 1.5, "activations": {}}'
    yield "huge-count", '{"samples": 9223372036854775808, "activations": {}}'
    yield "observer-number", '{"observer": 1, "activations": {}}'
    yield "null-extreme", entry('"min": 0, "max": 1, "observed_min": null')
    yield "deep", '{"activations": {"a": ' + "[" * 500 + "]" * 500 + "}}"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in seeds():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with open(os.path.join(out, name + ".json"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
