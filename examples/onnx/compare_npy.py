#!/usr/bin/env python3
"""Compares two .npy arrays: the output of one runtime with a reference.

    compare_npy.py OUT.npy REF.npy [--atol T | --exact] [--sqnr-min DB]

Prints one line: the shape, the maximum absolute error, the SQNR of OUT
against REF in dB and, for 2-D scores, the top-1 agreement. Exits 1 when the
shapes differ, when the maximum absolute error exceeds --atol, when
--exact is given and any element differs (then it also prints how many
elements differ and the first few), or when the SQNR is below --sqnr-min.
Integer arrays are compared as integers.
"""

import argparse
import sys

import numpy as np


def sqnr_db(out, ref):
    noise = float(np.sum((out - ref) ** 2))
    signal = float(np.sum(ref ** 2))
    if noise == 0.0:
        return float("inf")
    if signal == 0.0:
        return float("-inf")
    return 10.0 * np.log10(signal / noise)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("ref")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--atol", type=float, help="maximum absolute error allowed")
    group.add_argument("--exact", action="store_true", help="every element must be identical")
    parser.add_argument("--sqnr-min", type=float, help="minimum SQNR in dB")
    args = parser.parse_args()

    out, ref = np.load(args.out), np.load(args.ref)
    if out.shape != ref.shape:
        print(f"compare: shape {out.shape} of {args.out} differs from {ref.shape} of {args.ref}")
        return 1
    wide = np.float64 if out.dtype.kind == "f" or ref.dtype.kind == "f" else np.int64
    o, r = out.astype(wide), ref.astype(wide)
    max_err = float(np.max(np.abs(o - r))) if o.size else 0.0
    line = (f"compare: shape {'x'.join(map(str, out.shape))} {out.dtype}: "
            f"max abs error {max_err:.6g}, SQNR {sqnr_db(o.astype(np.float64), r.astype(np.float64)):.2f} dB")
    if out.ndim == 2 and out.shape[1] > 1:
        agree = int(np.sum(np.argmax(o, axis=1) == np.argmax(r, axis=1)))
        line += f", top-1 agreement {100.0 * agree / out.shape[0]:.2f}% ({agree}/{out.shape[0]})"
    print(line)

    status = 0
    if args.exact:
        differ = np.argwhere(o != r)
        if len(differ):
            print(f"compare: {len(differ)} of {o.size} elements differ; first: " + ", ".join(
                f"{tuple(int(i) for i in idx)} {o[tuple(idx)]} vs {r[tuple(idx)]}" for idx in differ[:5]))
            status = 1
        else:
            print(f"compare: all {o.size} elements identical")
    if args.atol is not None and max_err > args.atol:
        print(f"compare: max abs error {max_err:.6g} exceeds --atol {args.atol:g}")
        status = 1
    if args.sqnr_min is not None and sqnr_db(o, r) < args.sqnr_min:
        print(f"compare: SQNR below --sqnr-min {args.sqnr_min:g} dB")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
