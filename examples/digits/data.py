"""The digits data and its split, shared by the examples trained on it.

The UCI ML hand-written digits data set (1,797 8x8 images, pixel values
0..16, ten classes) as shipped by Debian's python3-sklearn and loaded with
sklearn.datasets.load_digits(); nothing is downloaded. Pixels are scaled to
float32 [0, 1]. The split is deterministic: a stratified train_test_split
with test_size=0.25 and random_state=0 (1,347 training images, 450 test
images).
"""

import os

import numpy as np

SPLIT_SEED = 0
TEST_SIZE = 0.25
NUM_CALIB = 200


def load_split():
    """The deterministic split: (x_train, y_train, x_test, y_test).

    Images are [N, 1, 8, 8] float32 in [0, 1]; labels are int64.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images.astype(np.float32) / np.float32(16.0)).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=TEST_SIZE, random_state=SPLIT_SEED, stratify=y)
    return (np.ascontiguousarray(x_train), y_train,
            np.ascontiguousarray(x_test), y_test)


def write_data_dir(data_dir, x_train, x_test, y_test, logits):
    """Writes calib.npy (the first NUM_CALIB training images), test_x.npy,
    test_y.npy (int64) and float_logits.npy (float32) into data_dir."""
    os.makedirs(data_dir, exist_ok=True)
    out = {
        "calib.npy": x_train[:NUM_CALIB],
        "test_x.npy": x_test,
        "test_y.npy": y_test.astype(np.int64),
        "float_logits.npy": logits.astype(np.float32),
    }
    for name, arr in out.items():
        np.save(os.path.join(data_dir, name), np.ascontiguousarray(arr))
    print(f"wrote {', '.join(out)} to {data_dir}")
