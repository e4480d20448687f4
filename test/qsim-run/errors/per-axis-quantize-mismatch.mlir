// Tests that --quantize-inputs checks a float input against the scales of a
// per-axis argument before quantizing it: 5 slices along the quantized
// dimension for 3 scales would read past them.

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 5), np.float32))"
// RUN: not qsim-run %s --quantize-inputs --input %t.npy > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: input 0: array of shape 2x5 has 5 slice(s) along quantized dimension 1, but 2x3x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01:4}> has 3 scale(s)

!pa = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.125:4}>
func.func @per_axis(%x: tensor<2x3x!pa>) -> tensor<2x3xf32> {
  %y = qsim.dequantize %x : tensor<2x3x!pa> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
