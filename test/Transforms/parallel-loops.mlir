// RUN: qsim-opt %s --qsim-parallel-loops --split-input-file | FileCheck %s

// A marked NCHW -> NHWC byte copy is a transpose of (w, c) for each (n, h):
// the 16 x 16 blocks go through registers, and so do the rows w = 16, 17
// and the columns c = 16 .. 19 left over, in blocks that overlap the last
// full ones.

// CHECK-LABEL: func.func @nchw_to_nhwc(
// CHECK-SAME: %[[IN:.*]]: memref<2x20x3x18xi8>, %[[OUT:.*]]: memref<2x3x18x20xi8>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C18:.*]] = arith.constant 18 : index
// CHECK-DAG: %[[C20:.*]] = arith.constant 20 : index
// CHECK: scf.parallel (%[[N:.*]], %[[H:.*]]) = (%[[C0]], %[[C0]]) to (%[[C2]], %[[C3]]) step (%[[C1]], %[[C1]])
// CHECK: scf.for %[[W0:.*]] = %[[C0]] to %[[FULLW:.*]] step %[[C16]]
// CHECK: scf.for %[[C0B:.*]] = %[[C0]] to %[[FULLC:.*]] step %[[C16]]
// CHECK: vector.load %[[IN]][%[[N]], %[[C0B]], %[[H]], %[[W0]]] : memref<2x20x3x18xi8>, vector<16xi8>
// CHECK-COUNT-15: vector.load %[[IN]][%[[N]], %{{.*}}, %[[H]], %[[W0]]] : memref<2x20x3x18xi8>, vector<16xi8>
// CHECK-NOT: vector.load
// CHECK-COUNT-15: vector.shuffle
// CHECK: %[[T:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 1, 17,
// CHECK-SAME: : vector<256xi8>, vector<256xi8>
// CHECK: %[[L0:.*]] = vector.shuffle %[[T]], %[[T]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<256xi8>, vector<256xi8>
// CHECK: vector.store %[[L0]], %[[OUT]][%[[N]], %[[H]], %[[W0]], %[[C0B]]] : memref<2x3x18x20xi8>, vector<16xi8>
// CHECK-COUNT-15: vector.store %{{.*}}, %[[OUT]][%[[N]], %[[H]], %{{.*}}, %[[C0B]]] : memref<2x3x18x20xi8>, vector<16xi8>
// The columns left over in the full rows are one more block column that
// ends at c = 20 (from c = 4, over columns the full blocks wrote), then the
// rows left over one more block row from w = 2, its last block at (2, 4):
// no byte loops.
// CHECK: %[[LASTC:.*]] = arith.subi %[[C20]], %[[C16]] : index
// CHECK-NEXT: scf.for %[[W1:.*]] = %[[C0]] to %[[FULLW]] step %[[C16]]
// CHECK-NEXT: vector.load %[[IN]][%[[N]], %[[LASTC]], %[[H]], %[[W1]]] : memref<2x20x3x18xi8>, vector<16xi8>
// CHECK: vector.store %{{.*}}, %[[OUT]][%[[N]], %[[H]], %[[W1]], %[[LASTC]]] : memref<2x3x18x20xi8>, vector<16xi8>
// CHECK: %[[LASTW:.*]] = arith.subi %[[C18]], %[[C16]] : index
// CHECK-NEXT: scf.for %[[C1B:.*]] = %[[C0]] to %[[FULLC]] step %[[C16]]
// CHECK-NEXT: vector.load %[[IN]][%[[N]], %[[C1B]], %[[H]], %[[LASTW]]] : memref<2x20x3x18xi8>, vector<16xi8>
// CHECK: vector.store %{{.*}}, %[[OUT]][%[[N]], %[[H]], %[[LASTW]], %[[C1B]]] : memref<2x3x18x20xi8>, vector<16xi8>
// CHECK: %[[CORNER:.*]] = arith.subi %[[C20]], %[[C16]] : index
// CHECK-NEXT: vector.load %[[IN]][%[[N]], %[[CORNER]], %[[H]], %[[LASTW]]] : memref<2x20x3x18xi8>, vector<16xi8>
// CHECK-NOT: memref.load
// CHECK-NOT: linalg.generic
func.func @nchw_to_nhwc(%in: memref<2x20x3x18xi8>, %out: memref<2x3x18x20xi8>) {
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<2x20x3x18xi8>) outs(%out : memref<2x3x18x20xi8>)
      attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  return
}

// -----

// A dimension shorter than a block (w = 5) has no block to overlap: its
// bytes are copied one by one.

// CHECK-LABEL: func.func @short_rows(
// CHECK-SAME: %[[IN:.*]]: memref<1x20x2x5xi8>, %[[OUT:.*]]: memref<1x2x5x20xi8>)
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C20:.*]] = arith.constant 20 : index
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %[[C5]] step %{{.*}}
// CHECK-NEXT: scf.for %[[C:.*]] = %{{.*}} to %[[C20]] step %{{.*}}
// CHECK-NEXT: %[[B:.*]] = memref.load %[[IN]][%{{.*}}, %[[C]], %{{.*}}, %[[W]]]
// CHECK-NEXT: memref.store %[[B]], %[[OUT]][%{{.*}}, %{{.*}}, %[[W]], %[[C]]]
func.func @short_rows(%in: memref<1x20x2x5xi8>, %out: memref<1x2x5x20xi8>) {
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x20x2x5xi8>) outs(%out : memref<1x2x5x20xi8>)
      attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    linalg.yield %a : i8
  }
  return
}

// -----

// The sign flip of i8 activations read by vpdpbusd is applied to the whole
// block and to each byte left over; the batch may be dynamic.

// CHECK-LABEL: func.func @flip_sign(
// CHECK-SAME: %[[IN:.*]]: memref<?x16x1x32xi8>
// CHECK: %[[BATCH:.*]] = memref.dim %[[IN]], %{{.*}} : memref<?x16x1x32xi8>
// CHECK: scf.parallel ({{.*}}) to (%[[BATCH]], %{{.*}})
// CHECK: %[[T:.*]] = vector.shuffle {{.*}} : vector<256xi8>, vector<256xi8>
// CHECK-NEXT: %[[MASK:.*]] = arith.constant dense<-128> : vector<256xi8>
// CHECK-NEXT: %[[F:.*]] = arith.xori %[[T]], %[[MASK]] : vector<256xi8>
// CHECK-NEXT: vector.shuffle %[[F]], %[[F]] [0, 1, 2,
// CHECK: %[[L:.*]] = memref.load %[[IN]]
// CHECK-NEXT: %[[BYTE:.*]] = arith.constant -128 : i8
// CHECK-NEXT: %[[X:.*]] = arith.xori %[[L]], %[[BYTE]] : i8
// CHECK-NEXT: memref.store %[[X]]
func.func @flip_sign(%in: memref<?x16x1x32xi8>, %out: memref<?x1x32x16xi8>) {
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<?x16x1x32xi8>) outs(%out : memref<?x1x32x16xi8>)
      attrs = {qsim.parallel} {
  ^bb0(%a: i8, %b: i8):
    %m = arith.constant -128 : i8
    %f = arith.xori %a, %m : i8
    linalg.yield %f : i8
  }
  return
}

// -----

// NHWC -> NCHW results (linalg.transpose): the transpose is of (c, w) for
// each (n, h), reading along the channels.

// CHECK-LABEL: func.func @nhwc_to_nchw(
// CHECK-SAME: %[[IN:.*]]: memref<1x4x32x48xi8>, %[[OUT:.*]]: memref<1x48x4x32xi8>)
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK: scf.parallel (%[[N:.*]], %[[H:.*]]) = ({{.*}}) to (%{{.*}}, %[[C4]])
// CHECK: scf.for %[[R:.*]] = {{.*}} step
// CHECK: scf.for %[[W0:.*]] = {{.*}} step
// CHECK: vector.load %[[IN]][%[[N]], %[[H]], %[[W0]], %[[R]]] : memref<1x4x32x48xi8>, vector<16xi8>
// CHECK: vector.store %{{.*}}, %[[OUT]][%[[N]], %[[R]], %[[H]], %[[W0]]] : memref<1x48x4x32xi8>, vector<16xi8>
func.func @nhwc_to_nchw(%in: memref<1x4x32x48xi8>, %out: memref<1x48x4x32xi8>) {
  linalg.transpose ins(%in : memref<1x4x32x48xi8>)
      outs(%out : memref<1x48x4x32xi8>) permutation = [0, 3, 1, 2]
      {qsim.parallel}
  return
}

// -----

// What is not a byte transpose is tiled by one along its two outer loops:
// a copy that keeps the contiguous loop, other element types, a strided
// innermost dimension, and a body that does more than flip the sign.

// CHECK-LABEL: func.func @not_transposes(
// CHECK-NOT: vector.
// CHECK-COUNT-4: scf.parallel
// CHECK-NOT: vector.
func.func @not_transposes(%a: memref<1x3x18x20xi8>, %b: memref<1x3x18x20xi8>,
                          %c: memref<1x20x3x18xi32>, %d: memref<1x3x18x20xi32>,
                          %e: memref<1x20x3x36xi8>) {
  linalg.copy ins(%a : memref<1x3x18x20xi8>) outs(%b : memref<1x3x18x20xi8>)
      {qsim.parallel}
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : memref<1x20x3x18xi32>) outs(%d : memref<1x3x18x20xi32>)
      attrs = {qsim.parallel} {
  ^bb0(%x: i32, %y: i32):
    linalg.yield %x : i32
  }
  %strided = memref.subview %e[0, 0, 0, 0] [1, 20, 3, 18] [1, 1, 1, 2]
      : memref<1x20x3x36xi8> to memref<1x20x3x18xi8, strided<[2160, 108, 36, 2]>>
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%strided : memref<1x20x3x18xi8, strided<[2160, 108, 36, 2]>>)
      outs(%b : memref<1x3x18x20xi8>) attrs = {qsim.parallel} {
  ^bb0(%x: i8, %y: i8):
    linalg.yield %x : i8
  }
  %in = memref.subview %e[0, 0, 0, 0] [1, 20, 3, 18] [1, 1, 1, 1]
      : memref<1x20x3x36xi8> to memref<1x20x3x18xi8, strided<[2160, 108, 36, 1]>>
  linalg.generic {
      indexing_maps = [affine_map<(n, h, w, c) -> (n, c, h, w)>,
                       affine_map<(n, h, w, c) -> (n, h, w, c)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x20x3x18xi8, strided<[2160, 108, 36, 1]>>)
      outs(%b : memref<1x3x18x20xi8>) attrs = {qsim.parallel} {
  ^bb0(%x: i8, %y: i8):
    %one = arith.constant 1 : i8
    %s = arith.addi %x, %one : i8
    linalg.yield %s : i8
  }
  return
}

// -----

// Unmarked ops are left alone.

// CHECK-LABEL: func.func @unmarked(
// CHECK-NEXT: linalg.transpose
// CHECK-NEXT: return
func.func @unmarked(%in: memref<1x4x32x48xi8>, %out: memref<1x48x4x32xi8>) {
  linalg.transpose ins(%in : memref<1x4x32x48xi8>)
      outs(%out : memref<1x48x4x32xi8>) permutation = [0, 3, 1, 2]
  return
}
