// Tests that qsim-run checks the descriptors a lowered function returns
// before it reads them: a result larger than the buffer it was allocated in
// (@overrun: sizes taken from the argument, 8 bytes allocated), and sizes
// that contradict a static dimension of the qsim.signature (@wrong_size); and
// that a result must be a buffer the function allocates, since the runner
// frees it (@global_result returns a global).

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.100.npy', np.zeros(100, np.float32)); np.save('%t.2.npy', np.zeros(2, np.float32))"
// RUN: not qsim-run %s --entry overrun --input %t.100.npy > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=BOUNDS < %t.err
// RUN: count 1 < %t.err
// BOUNDS: qsim-run: error: result 0 of the call is 100 elements of 4 byte(s) (400 bytes), but its buffer holds {{[0-9]+}} bytes: the qsim.signature type ?xf32 does not match the code
// RUN: not qsim-run %s --entry wrong_size --input %t.2.npy > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=SIZE < %t.err
// RUN: count 1 < %t.err
// SIZE: qsim-run: error: result 0 of the call has shape 2, but its qsim.signature type is 4xf32
// RUN: not qsim-run %s --entry global_result > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=GLOBAL < %t.err
// RUN: count 1 < %t.err
// GLOBAL: qsim-run: error: cannot run 'global_result': result 0 is not a buffer the function allocates with malloc, so the runner cannot free it

!desc = !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>

llvm.func @malloc(i64) -> !llvm.ptr

llvm.func @overrun(%alloc: !llvm.ptr, %data: !llvm.ptr, %offset: i64, %size: i64, %stride: i64) -> !desc
    attributes {qsim.signature = "(tensor<?xf32>) -> tensor<?xf32>"} {
  %bytes = llvm.mlir.constant(8 : i64) : i64
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %buffer = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  %v = llvm.load %data : !llvm.ptr -> f32
  llvm.store %v, %buffer : f32, !llvm.ptr
  %d0 = llvm.mlir.poison : !desc
  %d1 = llvm.insertvalue %buffer, %d0[0] : !desc
  %d2 = llvm.insertvalue %buffer, %d1[1] : !desc
  %d3 = llvm.insertvalue %zero, %d2[2] : !desc
  %d4 = llvm.insertvalue %size, %d3[3, 0] : !desc
  %d5 = llvm.insertvalue %one, %d4[4, 0] : !desc
  llvm.return %d5 : !desc
}

llvm.func @wrong_size(%alloc: !llvm.ptr, %data: !llvm.ptr, %offset: i64, %size: i64, %stride: i64) -> !desc
    attributes {qsim.signature = "(tensor<?xf32>) -> tensor<4xf32>"} {
  %bytes = llvm.mlir.constant(16 : i64) : i64
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %buffer = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  %v = llvm.load %data : !llvm.ptr -> f32
  llvm.store %v, %buffer : f32, !llvm.ptr
  %d0 = llvm.mlir.poison : !desc
  %d1 = llvm.insertvalue %buffer, %d0[0] : !desc
  %d2 = llvm.insertvalue %buffer, %d1[1] : !desc
  %d3 = llvm.insertvalue %zero, %d2[2] : !desc
  %d4 = llvm.insertvalue %size, %d3[3, 0] : !desc
  %d5 = llvm.insertvalue %one, %d4[4, 0] : !desc
  llvm.return %d5 : !desc
}

llvm.mlir.global internal constant @values(dense<[1.0, 2.0]> : tensor<2xf32>) : !llvm.array<2 x f32>

llvm.func @global_result() -> !desc attributes {qsim.signature = "() -> tensor<2xf32>"} {
  %zero = llvm.mlir.constant(0 : i64) : i64
  %one = llvm.mlir.constant(1 : i64) : i64
  %two = llvm.mlir.constant(2 : i64) : i64
  %buffer = llvm.mlir.addressof @values : !llvm.ptr
  %first = llvm.load %buffer : !llvm.ptr -> f32
  llvm.store %first, %buffer : f32, !llvm.ptr
  %d0 = llvm.mlir.poison : !desc
  %d1 = llvm.insertvalue %buffer, %d0[0] : !desc
  %d2 = llvm.insertvalue %buffer, %d1[1] : !desc
  %d3 = llvm.insertvalue %zero, %d2[2] : !desc
  %d4 = llvm.insertvalue %two, %d3[3, 0] : !desc
  %d5 = llvm.insertvalue %one, %d4[4, 0] : !desc
  llvm.return %d5 : !desc
}
