// Tests that a storage integer outside a narrow quantized range (-128 for
// i8<-127:127>) is rejected with its value and flat index, although int8
// can hold it.

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[-127, 0], [-128, 127]], np.int8))"
// RUN: not qsim-run %s --input %t.npy > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: input 0 holds -128 at flat index 2, outside the storage range [-127, 127] of 2x2x!quant.uniform<i8<-127:127>:f32, 5.000000e-01>

!n = !quant.uniform<i8<-127:127>:f32, 0.5>
func.func @narrow(%x: tensor<2x2x!n>) -> tensor<2x2xf32> {
  %y = qsim.dequantize %x : tensor<2x2x!n> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
