#!/usr/bin/env python3
"""Writes .npy files that NumPy would not, for qsim-run's error tests.

  raw OUT HEADER [DATA_BYTES [MAJOR]]
      the magic string, version MAJOR.0 (default 1), the header length
      (2 bytes for version 1, 4 for versions 2 and 3), HEADER as given (with
      Python escapes such as \\n decoded) and DATA_BYTES zero bytes
  resize FILE DELTA
      appends DELTA zero bytes to FILE, or drops -DELTA bytes from its end
"""

import struct
import sys


def raw(out, header, data_bytes="0", major="1"):
    text = header.encode("latin-1").decode("unicode_escape").encode("latin-1")
    major = int(major)
    length = struct.pack("<H" if major == 1 else "<I", len(text))
    with open(out, "wb") as f:
        f.write(b"\x93NUMPY" + bytes([major, 0]) + length + text +
                bytes(int(data_bytes)))


def resize(path, delta):
    with open(path, "rb") as f:
        data = f.read()
    delta = int(delta)
    data = data + bytes(delta) if delta >= 0 else data[:delta]
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    {"raw": raw, "resize": resize}[sys.argv[1]](*sys.argv[2:])
