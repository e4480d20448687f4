// RUN: qsim-opt %s --split-input-file --qsim-define-alloc-functions | FileCheck %s

// Tests that the generic allocation function gets a body that calls malloc
// and, when malloc returns null for a non-zero size, prints the size to
// stderr (fd 2) and exits with status 1; the free function calls free. Both
// become private, so that they are not entry points.
// CHECK-DAG:   llvm.mlir.global internal constant @qsim_alloc_error("qsim: error: cannot allocate %lld bytes\0A\00")
// CHECK-DAG:   llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-DAG:   llvm.func @free(!llvm.ptr)
// CHECK-DAG:   llvm.func @dprintf(i32, !llvm.ptr, ...) -> i32
// CHECK-DAG:   llvm.func @exit(i32)
// CHECK-LABEL: llvm.func internal @_mlir_memref_to_llvm_alloc
//  CHECK-SAME:   (%[[SIZE:.+]]: i64) -> !llvm.ptr attributes {sym_visibility = "private"}
//       CHECK:   %[[PTR:.+]] = llvm.call @malloc(%[[SIZE]])
//       CHECK:   %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
//       CHECK:   %[[ZERO:.+]] = llvm.mlir.constant(0 : i64) : i64
//       CHECK:   %[[IS_NULL:.+]] = llvm.icmp "eq" %[[PTR]], %[[NULL]]
//       CHECK:   %[[NON_EMPTY:.+]] = llvm.icmp "ne" %[[SIZE]], %[[ZERO]]
//       CHECK:   %[[FAILED:.+]] = llvm.and %[[IS_NULL]], %[[NON_EMPTY]]
//       CHECK:   llvm.cond_br %[[FAILED]], ^[[FAIL:.+]], ^[[OK:[a-z0-9]+]]
//       CHECK: ^[[OK]]:
//       CHECK:   llvm.return %[[PTR]]
//       CHECK: ^[[FAIL]]:
//       CHECK:   %[[TEXT:.+]] = llvm.getelementptr
//       CHECK:   %[[FD:.+]] = llvm.mlir.constant(2 : i32)
//       CHECK:   llvm.call @dprintf(%[[FD]], %[[TEXT]], %[[SIZE]])
//       CHECK:   %[[STATUS:.+]] = llvm.mlir.constant(1 : i32)
//       CHECK:   llvm.call @exit(%[[STATUS]])
//       CHECK:   llvm.unreachable
// CHECK-LABEL: llvm.func internal @_mlir_memref_to_llvm_free
//  CHECK-SAME:   (%[[BUFFER:.+]]: !llvm.ptr) attributes {sym_visibility = "private"}
//       CHECK:   llvm.call @free(%[[BUFFER]])
//       CHECK:   llvm.return
// CHECK-LABEL: llvm.func @user
llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
llvm.func @user(%n: i64) {
  %p = llvm.call @_mlir_memref_to_llvm_alloc(%n) : (i64) -> !llvm.ptr
  llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
  llvm.return
}

// -----

// Tests that a module without the generic functions is left alone, and that
// a definition the module already has is kept.
// CHECK-NOT:   qsim_alloc_error
// CHECK-LABEL: llvm.func @_mlir_memref_to_llvm_alloc
//  CHECK-NEXT:   llvm.mlir.zero
// CHECK-NOT:   qsim_alloc_error
llvm.func @_mlir_memref_to_llvm_alloc(%n: i64) -> !llvm.ptr {
  %0 = llvm.mlir.zero : !llvm.ptr
  llvm.return %0 : !llvm.ptr
}
