#!/usr/bin/env python3
"""Writes .npy files that NumPy would not, for qsim-run's error tests.

  raw OUT HEADER [DATA_BYTES [MAJOR]]
      the magic string, version MAJOR.0 (default 1), the header length
      (2 bytes for version 1, 4 for versions 2 and 3), HEADER as given (with
      Python escapes such as \\n decoded) and DATA_BYTES zero bytes
  resize FILE DELTA
      appends DELTA zero bytes to FILE, or drops -DELTA bytes from its end
  sparse FILE SIZE
      extends FILE to SIZE bytes with a hole, which takes no disk space
  stream HEADER [DATA_BYTES]
      writes what raw would to standard output, with zero bytes without end
      when DATA_BYTES is "endless", until the reader closes the pipe
  stream-into HEADER DATA_BYTES COMMAND...
      runs COMMAND with what stream writes on a pipe to its standard input,
      and exits with its status (lit's internal shell would read an endless
      writer of a pipeline to its end)
"""

import os
import struct
import sys


def preamble(header, major):
    text = header.encode("latin-1").decode("unicode_escape").encode("latin-1")
    length = struct.pack("<H" if major == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([major, 0]) + length + text


def raw(out, header, data_bytes="0", major="1"):
    with open(out, "wb") as f:
        f.write(preamble(header, int(major)) + bytes(int(data_bytes)))


def sparse(path, size):
    with open(path, "r+b") as f:
        f.truncate(int(size))


def stream(header, data_bytes="0", out=None):
    out = out or sys.stdout.buffer
    try:
        out.write(preamble(header, 1))
        if data_bytes == "endless":
            chunk = bytes(1 << 16)
            while True:
                out.write(chunk)
        out.write(bytes(int(data_bytes)))
        out.flush()
    except BrokenPipeError:
        # The reader stopped early, as it should; keep Python from
        # reporting the closed pipe again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())


def stream_into(header, data_bytes, *command):
    import subprocess

    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    stream(header, data_bytes, process.stdin)
    try:
        process.stdin.close()
    except BrokenPipeError:
        pass
    sys.exit(process.wait())


def resize(path, delta):
    with open(path, "rb") as f:
        data = f.read()
    delta = int(delta)
    data = data + bytes(delta) if delta >= 0 else data[:delta]
    with open(path, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    commands = {
        "raw": raw,
        "resize": resize,
        "sparse": sparse,
        "stream": stream,
        "stream-into": stream_into,
    }
    commands[sys.argv[1]](*sys.argv[2:])
