// Tests that an op the lowering pipeline leaves in place without failing
// (linalg.softmax, which reaches the LLVM conversion on memrefs) is named at
// its location, instead of a translation error about the casts around it.

// RUN: not qsim-run %s 2>&1 | FileCheck %s -DFILE=%s
// CHECK: [[FILE]]:[[@LINE+6]]:8: error: 'linalg.softmax' was not lowered to the LLVM dialect
// CHECK-NOT: unrealized_conversion_cast
// CHECK: qsim-run: error: lowering to the LLVM dialect failed

func.func @softmax(%x: tensor<5xf32>) -> tensor<5xf32> {
  %e = tensor.empty() : tensor<5xf32>
  %y = linalg.softmax dimension(0) ins(%x : tensor<5xf32>) outs(%e : tensor<5xf32>) -> tensor<5xf32>
  return %y : tensor<5xf32>
}
