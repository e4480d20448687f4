// RUN: qsim-opt %s --qsim-strided-copies-to-linalg | FileCheck %s

// A memref.copy that finalize-memref-to-llvm turns into one memcpy (both
// sides with the identity layout, or static and contiguous row-major) stays;
// one with a strided side, which would go through the runtime's generic
// memrefCopy, becomes a linalg.copy (loops).

// CHECK-LABEL: func.func @copies(
//  CHECK-SAME:     %[[A:.+]]: memref<4x8xf32>, %[[B:.+]]: memref<4x8xf32>, %[[C:.+]]: memref<4x16xf32>, %[[D:.+]]: memref<?x8xf32>)
//       CHECK:   memref.copy %[[A]], %[[B]] : memref<4x8xf32> to memref<4x8xf32>
//       CHECK:   %[[S:.+]] = memref.subview %[[C]]
//  CHECK-NEXT:   linalg.copy ins(%[[S]] : memref<4x8xf32, strided<[16, 1]>>) outs(%[[B]] : memref<4x8xf32>)
//  CHECK-NEXT:   linalg.copy ins(%[[A]] : memref<4x8xf32>) outs(%[[S]] : memref<4x8xf32, strided<[16, 1]>>)
//       CHECK:   %[[T:.+]] = memref.subview %[[A]][1, 0] [2, 8] [1, 1]
//  CHECK-NEXT:   %[[U:.+]] = memref.alloc()
//  CHECK-NEXT:   memref.copy %[[T]], %[[U]] : memref<2x8xf32, strided<[8, 1], offset: 8>> to memref<2x8xf32>
//  CHECK-NEXT:   memref.copy %[[D]], %[[D]] : memref<?x8xf32> to memref<?x8xf32>
//   CHECK-NOT:   linalg.copy
func.func @copies(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x16xf32>, %d: memref<?x8xf32>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  %s = memref.subview %c[0, 0] [4, 8] [1, 1] : memref<4x16xf32> to memref<4x8xf32, strided<[16, 1]>>
  memref.copy %s, %b : memref<4x8xf32, strided<[16, 1]>> to memref<4x8xf32>
  memref.copy %a, %s : memref<4x8xf32> to memref<4x8xf32, strided<[16, 1]>>
  %t = memref.subview %a[1, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 8>>
  %u = memref.alloc() : memref<2x8xf32>
  memref.copy %t, %u : memref<2x8xf32, strided<[8, 1], offset: 8>> to memref<2x8xf32>
  memref.copy %d, %d : memref<?x8xf32> to memref<?x8xf32>
  memref.dealloc %u : memref<2x8xf32>
  return
}
