// Tests that qsim-run lowers and runs a TOSA model (tosa.conv2d on NHWC input
// with OHWI tosa.const weights, asymmetric padding and a bias, then a ReLU6
// tosa.clamp) with a dynamic batch, fed batches of 1 and 3, against NumPy.
// Inputs/models.py reads the weights, bias and padding from this file.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && %python %S/Inputs/models.py tosa-conv %s %t 1 3
// RUN: qsim-run %s --input %t/x1.npy --compare %t/ref1.npy --tolerance 1e-5 \
// RUN:     | FileCheck %s --check-prefix=BATCH1
// RUN: qsim-run %s --input %t/x3.npy --compare %t/ref3.npy --tolerance 1e-5 \
// RUN:     --output-dir %t/out | FileCheck %s --check-prefix=BATCH3
// RUN: %python %S/Inputs/models.py check-close %t/out/result0.npy %t/ref3.npy 1e-5

// BATCH1: compiled @tosa_conv in
// BATCH1: result 0: ?x5x5x3xf32 shape 1x5x5x3 dtype float32 min 0 max 6 mean
// BATCH1: output 0 vs {{.*}}ref1.npy: max abs error {{.*}} ({{[0-9]+}}/75)

// BATCH3: result 0: ?x5x5x3xf32 shape 3x5x5x3 dtype float32 min 0 max 6 mean
// BATCH3: output 0 vs {{.*}}ref3.npy: max abs error {{.*}} ({{[0-9]+}}/225)

func.func @tosa_conv(%x: tensor<?x5x5x2xf32>) -> tensor<?x5x5x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5, -0.25], [1.0, 0.75]], [[-1.5, 0.125], [0.25, 2.0]]], [[[-0.5, 1.25], [0.375, -1.0]], [[1.5, 0.5], [-0.75, 0.25]]], [[[2.0, -2.0], [0.0, 0.5]], [[-0.125, 1.0], [0.625, -0.375]]]]> : tensor<3x2x2x2xf32>}> : () -> tensor<3x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<[0.25, -0.5, 1.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 1>, stride = array<i64: 1, 1>} : (tensor<?x5x5x2xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x5x5x3xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<?x5x5x3xf32>) -> tensor<?x5x5x3xf32>
  return %r : tensor<?x5x5x3xf32>
}
