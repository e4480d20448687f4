// Tests that qsim-run runs a float conv net in linalg on tensors (padded
// conv_2d_nchw_fchw, bias, ReLU, strided conv, bias) with its weights given
// as .npy inputs, and that its output matches NumPy's (computed in float64)
// both through --compare/--tolerance and in the written result0.npy.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && %python %S/Inputs/models.py float-convnet %t
// RUN: qsim-run %s --input %t/x.npy --input %t/w1.npy --input %t/b1.npy \
// RUN:     --input %t/w2.npy --input %t/b2.npy --output-dir %t/out \
// RUN:     --compare %t/ref.npy --tolerance 1e-5 | FileCheck %s
// RUN: %python %S/Inputs/models.py check-close %t/out/result0.npy %t/ref.npy 1e-5

// CHECK: compiled @convnet in
// CHECK: result 0: 2x5x4x4xf32 shape 2x5x4x4 dtype float32 min {{.*}} max {{.*}} mean
// CHECK: output 0 vs {{.*}}ref.npy: max abs error {{[0-9.e-]+}}, mean abs error {{[0-9.e-]+}}, SQNR {{[0-9.]+}} dB, exact {{[0-9.]+}}% ({{[0-9]+}}/160)

// The same run without optimization gives the same answer.
// RUN: qsim-run %s -O0 --input %t/x.npy --input %t/w1.npy --input %t/b1.npy \
// RUN:     --input %t/w2.npy --input %t/b2.npy --compare %t/ref.npy --tolerance 1e-5

// Adds a per-channel bias and, when %relu is set, applies a ReLU.
func.func private @bias(%y: tensor<2x?x?x?xf32>, %b: tensor<?xf32>, %relu: i1) -> tensor<2x?x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<?xf32>) outs(%y : tensor<2x?x?x?xf32>) {
  ^bb0(%bv: f32, %yv: f32):
    %s = arith.addf %yv, %bv : f32
    %m = arith.maximumf %s, %zero : f32
    %v = arith.select %relu, %m, %s : f32
    linalg.yield %v : f32
  } -> tensor<2x?x?x?xf32>
  return %r : tensor<2x?x?x?xf32>
}

func.func @convnet(%x: tensor<2x3x8x8xf32>, %w1: tensor<4x3x3x3xf32>, %b1: tensor<4xf32>,
                   %w2: tensor<5x4x3x3xf32>, %b2: tensor<5xf32>) -> tensor<2x5x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %true = arith.constant true
  %false = arith.constant false
  %xp = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x3x8x8xf32> to tensor<2x3x10x10xf32>
  %e1 = tensor.empty() : tensor<2x4x8x8xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %c1 = linalg.conv_2d_nchw_fchw ins(%xp, %w1 : tensor<2x3x10x10xf32>, tensor<4x3x3x3xf32>)
      outs(%z1 : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %c1d = tensor.cast %c1 : tensor<2x4x8x8xf32> to tensor<2x?x?x?xf32>
  %b1d = tensor.cast %b1 : tensor<4xf32> to tensor<?xf32>
  %r1d = call @bias(%c1d, %b1d, %true) : (tensor<2x?x?x?xf32>, tensor<?xf32>, i1) -> tensor<2x?x?x?xf32>
  %r1 = tensor.cast %r1d : tensor<2x?x?x?xf32> to tensor<2x4x8x8xf32>
  %rp = tensor.pad %r1 low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x4x8x8xf32> to tensor<2x4x10x10xf32>
  %e2 = tensor.empty() : tensor<2x5x4x4xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x5x4x4xf32>) -> tensor<2x5x4x4xf32>
  %c2 = linalg.conv_2d_nchw_fchw {strides = dense<2> : tensor<2xi64>}
      ins(%rp, %w2 : tensor<2x4x10x10xf32>, tensor<5x4x3x3xf32>)
      outs(%z2 : tensor<2x5x4x4xf32>) -> tensor<2x5x4x4xf32>
  %c2d = tensor.cast %c2 : tensor<2x5x4x4xf32> to tensor<2x?x?x?xf32>
  %b2d = tensor.cast %b2 : tensor<5xf32> to tensor<?xf32>
  %y2d = call @bias(%c2d, %b2d, %false) : (tensor<2x?x?x?xf32>, tensor<?xf32>, i1) -> tensor<2x?x?x?xf32>
  %y2 = tensor.cast %y2d : tensor<2x?x?x?xf32> to tensor<2x5x4x4xf32>
  return %y2 : tensor<2x5x4x4xf32>
}
