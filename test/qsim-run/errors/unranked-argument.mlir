// Tests that an unranked tensor argument is rejected before compiling.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: argument 0 of 'unranked': unsupported type tensor<*xf32> (only ranked tensors and memrefs can be passed)

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}
