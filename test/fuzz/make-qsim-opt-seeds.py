#!/usr/bin/env python3
"""make-qsim-opt-seeds.py DIR: writes the seed corpus of the qsim-opt fuzzer.

Every .mlir file of test/ and examples/ is split at its `// -----` lines, as
qsim-opt --split-input-file does; each section, without its full-line `//`
comments (RUN and CHECK lines, expected diagnostics), becomes one seed named
after its file and section. Sections longer than the fuzzer's input bound
are left out, and sections that are the same text are written once.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_BYTES = 8192
SPLIT = re.compile(r"^// -----.*$", re.MULTILINE)
COMMENT = re.compile(r"^\s*//.*\n?", re.MULTILINE)


def sections():
    for top in ("test", "examples"):
        for folder, dirs, files in sorted(os.walk(os.path.join(ROOT, top))):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".mlir"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                label = os.path.relpath(path, ROOT).replace(os.sep, "_")[: -len(".mlir")]
                for index, section in enumerate(SPLIT.split(text)):
                    yield f"{label}.{index}.mlir", COMMENT.sub("", section).strip() + "\n"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seen = set()
    for name, text in sections():
        data = text.encode("utf-8")
        if len(data) > MAX_BYTES or len(data) < 2 or data in seen:
            continue
        seen.add(data)
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
