// Tests that an LLVM-dialect function without the qsim.signature attribute
// that qsim-lower-to-llvm records is rejected: its tensor types are lost.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: function 'lowered' is already lowered and carries no qsim.signature attribute; lower it with qsim-opt --qsim-lower-to-llvm, which records its tensor types

llvm.func @lowered(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: i64, %arg3: i64, %arg4: i64) {
  llvm.return
}
