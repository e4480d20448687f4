#!/usr/bin/env python3
"""Scores class predictions against labels.

    accuracy.py PRED.npy LABELS.npy [--reference REF.npy]

PRED.npy is either [N, classes] scores (logits; float, or the storage
integers of a quantized output, whose order is the same) and is reduced with
argmax, or [N] class indices. LABELS.npy holds N integer labels. With
--reference, also prints the top-1 agreement of PRED with REF (same forms as
PRED), e.g. INT8 predictions against the float model's.
"""

import argparse
import sys

import numpy as np


def classes(path):
    arr = np.load(path)
    if arr.ndim == 2:
        return np.argmax(arr, axis=1)
    if arr.ndim == 1:
        return arr.astype(np.int64)
    sys.exit(f"{path}: expected [N, classes] scores or [N] labels, got shape {arr.shape}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pred")
    parser.add_argument("labels")
    parser.add_argument("--reference")
    args = parser.parse_args()

    pred = classes(args.pred)
    labels = classes(args.labels)
    if pred.shape != labels.shape:
        sys.exit(f"{args.pred} has {pred.shape[0]} predictions, "
                 f"{args.labels} has {labels.shape[0]} labels")
    n = len(labels)
    correct = int(np.sum(pred == labels))
    print(f"accuracy: {100.0 * correct / n:.2f}% ({correct}/{n})")
    if args.reference:
        ref = classes(args.reference)
        if ref.shape != pred.shape:
            sys.exit(f"{args.reference} has {ref.shape[0]} predictions, "
                     f"{args.pred} has {pred.shape[0]}")
        agree = int(np.sum(pred == ref))
        print(f"top-1 agreement with {args.reference}: "
              f"{100.0 * agree / n:.2f}% ({agree}/{n})")


if __name__ == "__main__":
    main()
