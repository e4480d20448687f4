"""A float conv net with BatchNorm in torch-mlir's forms, for fold-batch-norm.

  gen DIR      writes DIR/model.mlir (seeded weights), DIR/perturbed.mlir
               (the same model with one BatchNorm shift changed by 0.01, the
               negative control) and DIR/input.npy
  compare A B  compares two .npy outputs: passes (exit 0) when
               max |A - B| <= 1e-5 * max |B|, else exits 1

The model: a padded 3x3 conv with a bias broadcast into its init and the
four BatchNorm generics of DecomposeComplexOps, a ReLU; a depthwise 3x3 conv
(weights through collapse_shape, zero fill) with four BatchNorm generics; a
grouped 1x1 conv (two groups, between expand and collapse shapes) with a
bias and the fused single BatchNorm generic that computes rsqrt(var + eps).
"""

import os
import sys

import numpy as np

C = 4
EPS = 1e-5


def dense(array):
    array = np.asarray(array, np.float32)
    if array.ndim == 0:
        return "%.9e" % array
    return "[" + ", ".join(dense(row) for row in array) + "]"


def constant(name, array):
    array = np.asarray(array, np.float32)
    shape = "x".join(str(d) for d in array.shape)
    return f"  %{name} = arith.constant dense<{dense(array)}> : tensor<{shape}xf32>"


PAR = '["parallel", "parallel", "parallel", "parallel"]'


def bn_chain(prefix, x, shape):
    t = f"tensor<{shape}xf32>"
    lines = []
    steps = [
        ("sub", "mean", "%s = arith.mulf %in_1, %alpha : f32\n    %r = arith.subf %in, %s : f32"),
        ("norm", "invstd", "%r = arith.mulf %in, %in_1 : f32"),
        ("scaled", "gamma", "%r = arith.mulf %in, %in_1 : f32"),
        ("bn", "beta", "%s = arith.mulf %in_1, %alpha : f32\n    %r = arith.addf %in, %s : f32"),
    ]
    for name, param, body in steps:
        lines.append(
            f"  %{prefix}_{name} = linalg.generic {{indexing_maps = [#id, #ch, #id], "
            f"iterator_types = {PAR}}} ins(%{x}, %{prefix}_{param} : {t}, "
            f"tensor<1x{C}x1x1xf32>) outs(%{prefix}_e : {t}) {{\n"
            f"  ^bb0(%in: f32, %in_1: f32, %out: f32):\n    {body}\n"
            f"    linalg.yield %r : f32\n  }} -> {t}")
        x = f"{prefix}_{name}"
    return "\n".join(lines)


def bn_params(rng):
    mean = rng.normal(0.0, 0.5, C)
    var = rng.uniform(0.5, 2.0, C)
    gamma = rng.uniform(0.5, 1.5, C)
    beta = rng.normal(0.0, 0.3, C)
    return mean, var, gamma, beta


def per_channel(array):
    return np.asarray(array, np.float32).reshape(1, C, 1, 1)


def model(perturb):
    rng = np.random.default_rng(8)
    w1 = rng.normal(0.0, 0.3, (C, 3, 3, 3))
    b1 = rng.normal(0.0, 0.1, C)
    w2 = rng.normal(0.0, 0.3, (C, 1, 3, 3))
    w3 = rng.normal(0.0, 0.5, (C, 2, 1, 1))
    b3 = rng.normal(0.0, 0.1, C)
    bns = [bn_params(rng) for _ in range(3)]
    if perturb:
        bns[1][3][1] += 0.01
    out = [
        "#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>",
        "#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>",
        "#scalar = affine_map<(d0, d1, d2, d3) -> ()>",
        "func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x6x6xf32> {",
        "  %zero = arith.constant 0.000000e+00 : f32",
        "  %alpha = arith.constant 1.000000e+00 : f32",
        constant("w1", w1), constant("b1", b1), constant("w2", w2),
        constant("w3", w3), constant("b3", b3),
    ]
    for index, (mean, var, gamma, beta) in enumerate(bns[:2]):
        invstd = np.float32(1.0) / np.sqrt(np.float32(var) + np.float32(EPS))
        for name, value in [("mean", mean), ("invstd", invstd),
                            ("gamma", gamma), ("beta", beta)]:
            out.append(constant(f"bn{index + 1}_{name}", per_channel(value)))
    mean, var, gamma, beta = bns[2]
    for name, value in [("mean", mean), ("var", var), ("gamma", gamma),
                        ("beta", beta)]:
        out.append(constant(f"bn3_{name}", per_channel(value)))
    out.append(f"  %eps = arith.constant dense<{EPS:.9e}> : tensor<f32>")
    out.append("""  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
  %bn1_e = tensor.empty() : tensor<1x4x8x8xf32>
  %init1 = linalg.broadcast ins(%b1 : tensor<4xf32>) outs(%bn1_e : tensor<1x4x8x8xf32>) dimensions = [0, 2, 3]
  %c1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xp, %w1 : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%init1 : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc("conv1")""")
    out.append(bn_chain("bn1", "c1", "1x4x8x8"))
    out.append(f"""  %relu = linalg.generic {{indexing_maps = [#id, #id], iterator_types = {PAR}}} ins(%bn1_bn : tensor<1x4x8x8xf32>) outs(%bn1_e : tensor<1x4x8x8xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  }} -> tensor<1x4x8x8xf32>
  %w2c = tensor.collapse_shape %w2 [[0, 1], [2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
  %bn2_e = tensor.empty() : tensor<1x4x6x6xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%bn2_e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c2 = linalg.depthwise_conv_2d_nchw_chw {{dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}} ins(%relu, %w2c : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>) outs(%init2 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> loc("dw2")""")
    out.append(bn_chain("bn2", "c2", "1x4x6x6"))
    out.append(f"""  %xg = tensor.expand_shape %bn2_bn [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 6, 6] : tensor<1x4x6x6xf32> into tensor<1x2x2x6x6xf32>
  %w3g = tensor.expand_shape %w3 [[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 1, 1] : tensor<4x2x1x1xf32> into tensor<2x2x2x1x1xf32>
  %bn3_e = tensor.empty() : tensor<1x4x6x6xf32>
  %init3 = linalg.broadcast ins(%b3 : tensor<4xf32>) outs(%bn3_e : tensor<1x4x6x6xf32>) dimensions = [0, 2, 3]
  %init3g = tensor.expand_shape %init3 [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 6, 6] : tensor<1x4x6x6xf32> into tensor<1x2x2x6x6xf32>
  %c3g = linalg.conv_2d_ngchw_gfchw {{dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}} ins(%xg, %w3g : tensor<1x2x2x6x6xf32>, tensor<2x2x2x1x1xf32>) outs(%init3g : tensor<1x2x2x6x6xf32>) -> tensor<1x2x2x6x6xf32> loc("grouped3")
  %c3 = tensor.collapse_shape %c3g [[0], [1, 2], [3], [4]] : tensor<1x2x2x6x6xf32> into tensor<1x4x6x6xf32>
  %bn3 = linalg.generic {{indexing_maps = [#id, #ch, #ch, #scalar, #ch, #ch, #id], iterator_types = {PAR}}} ins(%c3, %bn3_mean, %bn3_var, %eps, %bn3_gamma, %bn3_beta : tensor<1x4x6x6xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>, tensor<f32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) outs(%bn3_e : tensor<1x4x6x6xf32>) {{
  ^bb0(%in: f32, %m: f32, %v: f32, %ep: f32, %g: f32, %b: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    %1 = arith.addf %v, %ep : f32
    %2 = math.rsqrt %1 : f32
    %3 = arith.mulf %0, %2 : f32
    %4 = arith.mulf %3, %g : f32
    %5 = arith.addf %4, %b : f32
    linalg.yield %5 : f32
  }} -> tensor<1x4x6x6xf32>
  return %bn3 : tensor<1x4x6x6xf32>
}}""")
    return "\n".join(out) + "\n"


def main():
    if sys.argv[1] == "gen":
        directory = sys.argv[2]
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "model.mlir"), "w") as f:
            f.write(model(perturb=False))
        with open(os.path.join(directory, "perturbed.mlir"), "w") as f:
            f.write(model(perturb=True))
        rng = np.random.default_rng(80)
        np.save(os.path.join(directory, "input.npy"),
                rng.normal(0.0, 1.0, (1, 3, 8, 8)).astype(np.float32))
        return 0
    if sys.argv[1] == "compare":
        actual = np.load(sys.argv[2]).astype(np.float64)
        expected = np.load(sys.argv[3]).astype(np.float64)
        if actual.shape != expected.shape:
            print(f"shapes differ: {actual.shape} vs {expected.shape}")
            return 1
        error = np.max(np.abs(actual - expected)) / np.max(np.abs(expected))
        verdict = "within" if error <= 1e-5 else "exceeds"
        print(f"max abs difference / max |expected| = {error:.3g} ({verdict} 1e-5)")
        return 0 if error <= 1e-5 else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
