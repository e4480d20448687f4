// Tests that a float input of a quantized argument is rejected without
// --quantize-inputs: the argument takes its storage integers.

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros(4, np.float32))"
// RUN: not qsim-run %s --input %t.npy > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: input 0 has dtype float32, but argument 0 (4x!quant.uniform<u8:f32, 1.000000e-01:3>) needs uint8

!q = !quant.uniform<u8:f32, 0.1:3>
func.func @storage(%x: tensor<4x!q>) -> tensor<4xf32> {
  %y = qsim.dequantize %x : tensor<4x!q> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
