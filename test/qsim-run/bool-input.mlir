// Tests that a bool .npy input means what NumPy reads in it: any nonzero
// byte is True. The JIT code stores i1 values as bytes 0 and 1, so a byte 2
// passed through unchanged would have been False for xor with true (the low
// bit) yet True for NumPy.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/b.npy', np.array([2, 0, 255, 1], np.uint8).view(np.bool_)); \
// RUN:   np.save('%t/expected.npy', ~np.array([2, 0, 255, 1], np.uint8).view(np.bool_))"
// RUN: qsim-run %s --input %t/b.npy --output-dir %t/out --compare %t/expected.npy \
// RUN:     --tolerance 0 | FileCheck %s
// RUN: %python %S/Inputs/models.py check-equal %t/out/result0.npy %t/expected.npy
// CHECK: result 0: 4xi1 shape 4 dtype bool min 0 max 1 mean 0.25
// CHECK: output 0 vs {{.*}}expected.npy: max abs error 0, {{.*}} exact 100.00% (4/4)

func.func @invert(%x: tensor<4xi1>) -> tensor<4xi1> {
  %t = arith.constant dense<true> : tensor<4xi1>
  %y = arith.xori %x, %t : tensor<4xi1>
  return %y : tensor<4xi1>
}
