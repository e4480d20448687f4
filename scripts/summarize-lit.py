#!/usr/bin/env python3
"""Prints one closing line for a lit JSON result file.

  lit: N passed, N failed, N skipped

PASS and XFAIL count as passed; FAIL, XPASS, UNRESOLVED and TIMEOUT as
failed; UNSUPPORTED as skipped.
"""

import json
import sys

PASSED = {"PASS", "XFAIL"}
SKIPPED = {"UNSUPPORTED"}


def main():
    with open(sys.argv[1]) as f:
        tests = json.load(f)["tests"]
    codes = [t["code"] for t in tests]
    passed = sum(c in PASSED for c in codes)
    skipped = sum(c in SKIPPED for c in codes)
    failed = len(codes) - passed - skipped
    print(f"lit: {passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main()
