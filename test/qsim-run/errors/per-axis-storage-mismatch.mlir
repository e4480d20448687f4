// Tests that storage integers of a per-axis argument whose quantized
// dimension is dynamic must have one slice per scale along it: 5 slices for
// 3 scales would make the generated code read past its scales.

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 5), np.int8))"
// RUN: not qsim-run %s --input %t.npy > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: input 0 of shape 2x5 has 5 slice(s) along quantized dimension 1, but 2x?x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01:4}> has 3 scale(s)

!pa = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.125:4}>
func.func @per_axis(%x: tensor<2x?x!pa>) -> tensor<2x?xf32> {
  %y = qsim.dequantize %x : tensor<2x?x!pa> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}
