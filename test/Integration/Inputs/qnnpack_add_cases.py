#!/usr/bin/env python3
"""PyTorch's QNNPACK add and add_relu, and the qsim.add program of each.

  gen DIR   runs torch.ops.quantized.add and add_relu with the QNNPACK
            engine on random quint8 tensors [16, 8, 32, 32] of one shape,
            for each case, and writes DIR/CASE.mlir (the two adds as
            qsim.add with half_even, the ReLU as clamp_min = z_y),
            DIR/CASE-a.npy, DIR/CASE-b.npy (the storage integers) and
            DIR/CASE-torch-add.npy, DIR/CASE-torch-relu.npy (PyTorch's).
            Prints the number of cases.

The scales are calibration-like (a range in hundredths over 255), with
every ratio s_a / s_y and s_b / s_y inside QNNPACK's [2^-14, 2^8).
"""

import os
import sys

import numpy as np
import torch

SHAPE = (16, 8, 32, 32)


def quint8_type(scale, zero):
    dims = "x".join(str(d) for d in SHAPE)
    return f"tensor<{dims}x!quant.uniform<u8:f32, {scale!r}:{zero}>>"


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "gen":
        sys.exit(__doc__)
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    torch.backends.quantized.engine = "qnnpack"
    rng = np.random.default_rng(2028)
    f32 = np.float32
    count = 0
    while count < 6:
        scales = [float(f32(f32(rng.integers(1, 400) / 100) / f32(255)))
                  for _ in range(3)]
        zeros = [int(rng.integers(0, 256)) for _ in range(3)]
        ratios = [f32(scales[i]) / f32(scales[2]) for i in range(2)]
        if not all(2.0**-14 <= r < 2.0**8 for r in ratios):
            continue
        name = f"case{count}"
        a = rng.integers(0, 256, size=SHAPE).astype(np.uint8)
        b = rng.integers(0, 256, size=SHAPE).astype(np.uint8)
        qa = torch._make_per_tensor_quantized_tensor(torch.from_numpy(a),
                                                     scales[0], zeros[0])
        qb = torch._make_per_tensor_quantized_tensor(torch.from_numpy(b),
                                                     scales[1], zeros[1])
        add = torch.ops.quantized.add(qa, qb, scales[2], zeros[2])
        relu = torch.ops.quantized.add_relu(qa, qb, scales[2], zeros[2])
        np.save(os.path.join(out, f"{name}-a.npy"), a)
        np.save(os.path.join(out, f"{name}-b.npy"), b)
        np.save(os.path.join(out, f"{name}-torch-add.npy"),
                add.int_repr().numpy())
        np.save(os.path.join(out, f"{name}-torch-relu.npy"),
                relu.int_repr().numpy())
        ta, tb, ty = (quint8_type(s, z) for s, z in zip(scales, zeros))
        with open(os.path.join(out, name + ".mlir"), "w") as f:
            f.write(
                f"func.func @main(%a: {ta}, %b: {tb}) -> ({ty}, {ty}) {{\n"
                f"  %y = qsim.add %a, %b : ({ta}, {tb}) -> {ty}\n"
                f"  %r = qsim.add %a, %b {{clamp_min = {zeros[2]} : i64}} "
                f": ({ta}, {tb}) -> {ty}\n"
                f"  return %y, %r : {ty}, {ty}\n}}\n")
        count += 1
    print(f"qnnpack_add_cases: {count} cases")


if __name__ == "__main__":
    main()
