#!/usr/bin/env python3
"""Prints closing lines for lit JSON result files.

  summarize-lit.py RESULTS.json...

With one file, one line:

  lit: N passed, N failed, N skipped

With several (scripts/test.sh's two suites), one line per file, named
after the folder the suite ran in, then that line for all of them.

PASS and XFAIL count as passed; FAIL, XPASS, UNRESOLVED and TIMEOUT as
failed; UNSUPPORTED as skipped.
"""

import json
import os
import sys

PASSED = {"PASS", "XFAIL"}
SKIPPED = {"UNSUPPORTED"}


def count(path):
    with open(path) as f:
        codes = [t["code"] for t in json.load(f)["tests"]]
    passed = sum(c in PASSED for c in codes)
    skipped = sum(c in SKIPPED for c in codes)
    return passed, len(codes) - passed - skipped, skipped


def line(label, counts):
    passed, failed, skipped = counts
    return f"{label}: {passed} passed, {failed} failed, {skipped} skipped"


def main():
    totals = [0, 0, 0]
    for path in sys.argv[1:]:
        counts = count(path)
        if len(sys.argv) > 2:
            # RESULTS.json is BUILD/test/lit-results.json.
            suite = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(path))))
            print(line(f"lit {suite}/", counts))
        totals = [t + c for t, c in zip(totals, counts)]
    print(line("lit", totals))


if __name__ == "__main__":
    main()
