// Tests that a per-axis argument whose quantized dimension is dynamic is
// rejected when the module is verified: the scales fix that dimension, and
// an input with another number of slices would make the generated code read
// past them.

// REQUIRES: numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 5), np.int8))"
// RUN: not qsim-run %s --input %t.npy 2>&1 | FileCheck %s
// CHECK: error: 'qsim.dequantize' op expects the operand #0 to have a static quantized dimension 1
// CHECK: qsim-run: error: {{.*}}

!pa = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.125:4}>
func.func @per_axis(%x: tensor<2x?x!pa>) -> tensor<2x?xf32> {
  %y = qsim.dequantize %x : tensor<2x?x!pa> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}
