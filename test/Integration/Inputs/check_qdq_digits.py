"""Checks the weights and biases of make_qdq_digits.py's QDQ model against
the float weights of examples/digits/model.mlir, from the formulas:
per output channel c, scale[c] = max|w[c]| / 127 (to float32 precision),
zero point 0, q = clip(round_half_even(w / scale[c]), -127, 127); the bias
scale is s_x * s_w[c] in float32 and bias q = round_half_even(b / that).

    check_qdq_digits.py MODEL.mlir MODEL_QDQ.onnx
"""

import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, os.pardir, os.pardir, os.pardir)
sys.path.insert(0, os.path.join(ROOT, "examples", "digits"))
from train import read_mlir_params  # noqa: E402

LAYERS = [("conv1", "conv1", "x"), ("conv2", "conv2", "relu1_out"), ("fc", "fc", "flat")]


def main():
    params = read_mlir_params(sys.argv[1])
    init = {t.name: numpy_helper.to_array(t) for t in onnx.load(sys.argv[2]).graph.initializer}
    ok = True
    for layer, prefix, act in LAYERS:
        w = params[f"{layer}_weight"].astype(np.float64)
        b = params[f"{layer}_bias"]
        q, s, zp = (init[f"{prefix}.weight_{k}"] for k in ("quantized", "scale", "zero_point"))
        absmax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
        expect = absmax / 127.0
        good = (q.dtype == np.int8 and s.dtype == np.float32 and zp.dtype == np.int8
                and np.all(zp == 0) and np.allclose(s, expect, rtol=1e-6, atol=0))
        shape = (-1,) + (1,) * (w.ndim - 1)
        good = good and np.array_equal(
            q, np.clip(np.rint(w.astype(np.float32) / s.reshape(shape)), -127, 127).astype(np.int8))
        print(f"{prefix}.weight: {len(s)} channels " + ("match max|w|/127" if good else "DIFFER"))
        ok &= good

        bq, bs = init[f"{prefix}.bias_quantized"], init[f"{prefix}.bias_quantized_scale"]
        sx = init[f"{act}_scale"]
        bias_scale = (np.float32(sx) * s).astype(np.float32)
        good = (bq.dtype == np.int32 and np.array_equal(bs, bias_scale)
                and np.array_equal(bq, np.rint(b / bias_scale).astype(np.int32))
                and np.all(init[f"{prefix}.bias_quantized_zero_point"] == 0))
        print(f"{prefix}.bias: {len(bq)} values " + ("match round(b / (s_x s_w))" if good else "DIFFER"))
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
