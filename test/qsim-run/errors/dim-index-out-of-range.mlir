// Tests that a tensor.dim with a negative constant index, which verifies but
// crashes upstream's folds during lowering, is reported at its location
// before qsim-run lowers anything.

// RUN: not qsim-run %s 2>&1 | FileCheck %s -DFILE=%s
// CHECK: [[FILE]]:[[@LINE+6]]:8: error: dimension index -1 is out of range for the rank-1 'tensor<?xf32>'
// CHECK: qsim-run: error: the module has a dim op with an invalid index
// CHECK-NOT: Stack dump

func.func @dim(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c = arith.constant -1 : index
  %d = tensor.dim %x, %c : tensor<?xf32>
  %e = tensor.empty(%d) : tensor<?xf32>
  return %e : tensor<?xf32>
}
