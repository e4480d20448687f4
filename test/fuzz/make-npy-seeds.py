#!/usr/bin/env python3
"""make-npy-seeds.py DIR: writes the seed corpus of the .npy fuzzer.

Valid files, as NumPy writes them, cover every dtype the reader supports,
scalars, empty arrays and the three format versions; a few hand-made headers
use the spacing and quotes a person might. Invalid files (Fortran order,
big-endian, complex, structured, object dtypes, bad magic, truncation) give
the fuzzer the error paths to start from. One array has a rank so high that
its header does not fit the 2-byte length of format 1.0, which the writer
must then switch to format 2.0 for.
"""

import io
import os
import struct
import sys

import numpy as np


def npy_bytes(array, version=None, allow_pickle=False):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, allow_pickle=allow_pickle)
    else:
        np.lib.format.write_array(buffer, array, version=version,
                                  allow_pickle=allow_pickle)
    return buffer.getvalue()


def raw(header, data=b"", major=1):
    text = header.encode("latin-1")
    length = struct.pack("<H" if major == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([major, 0]) + length + text + data


def seeds():
    rng = np.random.default_rng(1)
    yield "f32", npy_bytes(rng.normal(size=(2, 3)).astype(np.float32))
    yield "f64-scalar", npy_bytes(np.float64(-2.5))
    yield "u8", npy_bytes(np.array([0, 127, 139, 174, 255], np.uint8))
    yield "i8", npy_bytes(np.arange(-4, 4, dtype=np.int8).reshape(2, 2, 2))
    yield "i16", npy_bytes(np.array([-300, 300], np.int16))
    yield "u16", npy_bytes(np.array([[65535]], np.uint16))
    yield "i32", npy_bytes(np.array([-1000, -10, 0, 15, 1000], np.int32))
    yield "u32", npy_bytes(np.array([4294967295], np.uint32))
    yield "i64-empty", npy_bytes(np.zeros((0, 4), np.int64))
    yield "u64", npy_bytes(np.array([2 ** 64 - 1], np.uint64))
    yield "bool", npy_bytes(np.array([True, False, True]))
    yield "f32-v2", npy_bytes(np.ones((1, 3, 2, 2), np.float32), version=(2, 0))
    yield "i8-v3", npy_bytes(np.array([1, -1], np.int8), version=(3, 0))
    yield "spaced", raw('{ "descr" : "<f4" , "fortran_order" : False ,\t'
                        '"shape" : ( 2 , ) }\n', bytes(8))
    yield "equals-order", raw("{'descr': '=f8', 'fortran_order': False, "
                              "'shape': ()}", bytes(8))
    yield "high-rank", raw("{'descr': '|u1', 'fortran_order': False, 'shape': ("
                           + "1, " * 22000 + "), }\n", b"\x07", major=2)
    yield "fortran", npy_bytes(np.asfortranarray(np.zeros((2, 3), np.float32)))
    yield "big-endian", npy_bytes(np.zeros(3, ">f4"))
    yield "complex", npy_bytes(np.zeros(2, np.complex64))
    yield "structured", npy_bytes(np.zeros(2, [("a", "<f4"), ("b", "<i2")]))
    yield "object", npy_bytes(np.array([1, "a"], object), allow_pickle=True)
    yield "unicode", npy_bytes(np.array(["abc"]))
    yield "bad-magic", b"\x93NUMPZ\x01\x00" + npy_bytes(np.zeros(1))[8:]
    yield "truncated", npy_bytes(np.zeros((2, 2), np.float32))[:-3]
    yield "empty", b""


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out_dir, name + ".npy"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
