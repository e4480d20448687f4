// Tests that an unranked tensor result is rejected before compiling.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: result 0 of 'erase_shape': unsupported type tensor<*xf32> (only ranked tensors and memrefs can be passed)

func.func @erase_shape(%x: tensor<2xf32>) -> tensor<*xf32> {
  %y = tensor.cast %x : tensor<2xf32> to tensor<*xf32>
  return %y : tensor<*xf32>
}
