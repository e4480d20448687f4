// Tests that a scalar argument, which no .npy input can be passed as, is
// rejected before compiling.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: argument 1 of 'scale': unsupported type f32 (only ranked tensors and memrefs can be passed)

func.func @scale(%x: tensor<2xf32>, %s: f32) -> tensor<2xf32> {
  %t = tensor.splat %s : tensor<2xf32>
  %y = arith.mulf %x, %t : tensor<2xf32>
  return %y : tensor<2xf32>
}
