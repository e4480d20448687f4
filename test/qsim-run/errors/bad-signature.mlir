// Tests that a qsim.signature that is not a function type is rejected.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: cannot parse the qsim.signature 'tensor<2xf32>' of 'lowered'

llvm.func @lowered(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64, %arg3: i64, %arg4: i64) attributes {qsim.signature = "tensor<2xf32>"} {
  llvm.return
}
