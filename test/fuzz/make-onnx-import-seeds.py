#!/usr/bin/env python3
"""make-onnx-import-seeds.py DIR: writes the seed corpus of the ONNX
importer's fuzzer.

The models of the importer's tests (test/Import/ONNX/Inputs/models.py: a
CNN, strided, depthwise and grouped convs with BatchNorm, a shape chain, a
QDQ conv, and one model for each error the importer reports) and, where
Debian's libonnx-testdata is installed, the model of one node test per
supported op, so that mutations start from every op importer.
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "Import", "ONNX", "Inputs", "models.py")
SUPPORTED = os.path.join(HERE, "..", "Conformance", "supported-ops.txt")
NODE_TESTS = "/usr/share/libonnx-testdata/data/node"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = subprocess.run([sys.executable, MODELS, "--list"], check=True,
                           capture_output=True, text=True).stdout.split()
    for name in names:
        subprocess.run([sys.executable, MODELS, name, out], check=True)
    for leftover in os.listdir(out):
        if not leftover.endswith(".onnx"):
            os.remove(os.path.join(out, leftover))
    if os.path.isdir(NODE_TESTS):
        ops = [line.split()[0].lower() for line in open(SUPPORTED)
               if line.strip() and not line.startswith("#")]
        for op in ops:
            tests = sorted(t for t in os.listdir(NODE_TESTS)
                           if t.startswith("test_" + op) and "expanded" not in t)
            if tests:
                shutil.copy(os.path.join(NODE_TESTS, tests[0], "model.onnx"),
                            os.path.join(out, tests[0] + ".onnx"))


if __name__ == "__main__":
    main()
