#!/usr/bin/env python3
"""make_hostile_stats.py KIND FILE [BYTES]: writes a hostile statistics file.

Kinds:
  deep-root     40,000 nested arrays as the whole file.
  deep-entry    40,000 nested arrays as the value of an activation entry.
  deep-min      40,000 nested objects as the value of an entry's "min".
  big           the three ranges of conv-relu-fc.mlir followed by as many
                small extra entries as fill BYTES (default 16 MB): the most
                objects per byte a valid file can hold.
"""

import sys

DEPTH = 40000
RANGES = ('"conv_relu/arg0": {"min": -1, "max": 1}, '
          '"conv_relu/conv1.output": {"min": 0, "max": 2}, '
          '"conv_relu/fc.output": {"min": -1.5, "max": 1.5}')


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "deep-root":
        text = "[" * DEPTH + "]" * DEPTH
    elif kind == "deep-entry":
        text = ('{"activations": {"conv_relu/arg0": ' + "[" * DEPTH +
                "]" * DEPTH + "}}")
    elif kind == "deep-min":
        text = ('{"activations": {"conv_relu/arg0": {"min": ' +
                '{"a": ' * DEPTH + "0" + "}" * DEPTH + ', "max": 1}}}')
    elif kind == "big":
        target = int(float(sys.argv[3])) if len(sys.argv) > 3 else 16 << 20
        parts = ['{"activations": {' + RANGES]
        size = len(parts[0]) + 2
        index = 0
        while size < target:
            part = ',"x%d":{"min":-1,"max":1}' % index
            parts.append(part)
            size += len(part)
            index += 1
        parts.append("}}")
        text = "".join(parts)
    else:
        sys.exit("unknown kind " + kind)
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
