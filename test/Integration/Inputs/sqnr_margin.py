#!/usr/bin/env python3
"""Checks that one INT8 output's SQNR is within a margin of a peer's.

    sqnr_margin.py --ref FLOAT.npy --out OUT.npy --peer PEER.npy --margin DB

Prints, for OUT and PEER, the SQNR against the float reference REF and the
top-1 agreement with it, then the difference OUT - PEER in dB. Exits 1 when
OUT's SQNR is more than DB below PEER's (or a shape differs).
"""

import argparse
import sys

import numpy as np


def sqnr_db(out, ref):
    noise = float(np.sum((out - ref) ** 2))
    if noise == 0.0:
        return float("inf")
    return 10.0 * np.log10(float(np.sum(ref ** 2)) / noise)


def describe(label, out, ref):
    db = sqnr_db(out, ref)
    agree = int(np.sum(np.argmax(out, axis=1) == np.argmax(ref, axis=1)))
    print(f"{label}: SQNR {db:.2f} dB, top-1 agreement {100.0 * agree / len(ref):.2f}% "
          f"({agree}/{len(ref)})")
    return db


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--peer", required=True)
    parser.add_argument("--margin", type=float, required=True, help="dB")
    parser.add_argument("--out-label", default="out")
    parser.add_argument("--peer-label", default="peer")
    args = parser.parse_args()

    ref = np.load(args.ref).astype(np.float64)
    arrays = [np.load(path).astype(np.float64) for path in (args.out, args.peer)]
    for path, array in zip((args.out, args.peer), arrays):
        if array.shape != ref.shape or ref.ndim != 2:
            print(f"sqnr-margin: shape {array.shape} of {path} is not the reference's "
                  f"2-D {ref.shape}")
            return 1
    out_db = describe(args.out_label, arrays[0], ref)
    peer_db = describe(args.peer_label, arrays[1], ref)
    diff = out_db - peer_db
    verdict = "within" if diff >= -args.margin else "exceeds"
    print(f"sqnr-margin: {args.out_label} - {args.peer_label} = {diff:+.2f} dB, "
          f"{verdict} the margin of {args.margin:g} dB")
    return 0 if verdict == "within" else 1


if __name__ == "__main__":
    sys.exit(main())
