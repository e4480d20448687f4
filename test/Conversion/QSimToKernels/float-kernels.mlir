// RUN: qsim-opt %s -split-input-file --convert-linalg-to-kernels=lanes=4 | FileCheck %s
// RUN: not qsim-opt %s -split-input-file --convert-linalg-to-kernels=lanes=3 2>&1 | FileCheck %s --check-prefix=LANES

// LANES: error: lanes must be 0, 4, 8 or 16, got 3

// A matmul with a constant B [2, 10]: with 4 lanes a tile is 6 rows by 2
// vectors, W = 8 columns, so B is packed by hand into panels [2][2][8]:
// panel 0 holds columns 0 .. 7 of both rows of B, panel 1 columns 8 and 9
// and zeros. The full panel is the parallel loop; the last 2 columns are
// one vector of 2 lanes after it. The rows (dynamic) are tiles of 6, then
// single rows; each output adds x * w in k order with mulf and addf.

// CHECK-LABEL: func.func @matmul_constant_b
//  CHECK-SAME:     (%[[A:.+]]: tensor<?x2xf32>, %[[INIT:.+]]: tensor<?x10xf32>)
//   CHECK-DAG:   %[[C0:.+]] = arith.constant 0 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.constant 1 : index
//   CHECK-DAG:   %[[C6:.+]] = arith.constant 6 : index
//       CHECK:   %[[P:.+]] = arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01, 1.600000e+01, 1.700000e+01]], {{\[}}[8.000000e+00, 9.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.800000e+01, 1.900000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]]> : tensor<2x2x8xf32>
//       CHECK:   %[[PB:.+]] = bufferization.to_buffer %[[P]] read_only
//       CHECK:   %[[AB:.+]] = bufferization.to_buffer %[[A]] read_only
//       CHECK:   %[[OUT:.+]] = memref.alloc(%{{.+}}) : memref<?x10xf32>
//       CHECK:   scf.parallel (%[[PANEL:.+]]) = (%[[C0]]) to (%[[C1]]) step (%[[C1]]) {
//       CHECK:     scf.for %{{.+}} = %[[C0]] to %{{.+}} step %[[C6]] {
//       CHECK:       scf.for %[[K:.+]] = %[[C0]] to %{{.+}} step %[[C1]] iter_args(
//  CHECK-NEXT:         %[[X0:.+]] = vector.load %[[PB]][%[[PANEL]], %[[K]], %{{.+}}] : memref<2x2x8xf32>, vector<4xf32>
//  CHECK-NEXT:         %[[X1:.+]] = vector.load %[[PB]][%[[PANEL]], %[[K]], %{{.+}}] : memref<2x2x8xf32>, vector<4xf32>
//  CHECK-NEXT:         %[[W:.+]] = memref.load %[[AB]][%{{.+}}, %[[K]]] : memref<?x2xf32>
//  CHECK-NEXT:         %[[S:.+]] = vector.broadcast %[[W]] : f32 to vector<4xf32>
//  CHECK-NEXT:         %[[M:.+]] = arith.mulf %[[X0]], %[[S]] : vector<4xf32>
//  CHECK-NEXT:         arith.addf %{{.+}}, %[[M]] : vector<4xf32>
//   CHECK-NOT:         math.fma
//       CHECK:       vector.store %{{.+}}, %[[OUT]]
//       CHECK:     scf.reduce
// The partial panel: 2 columns of panel 1.
//       CHECK:   vector.load %[[PB]][%{{.+}}, %{{.+}}, %{{.+}}] : memref<2x2x8xf32>, vector<2xf32>
//   CHECK-NOT:   linalg.matmul
//       CHECK:   bufferization.to_tensor %[[OUT]]
func.func @matmul_constant_b(%a: tensor<?x2xf32>, %init: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %b = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
                             [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0]]> : tensor<2x10xf32>
  %r = linalg.matmul ins(%a, %b : tensor<?x2xf32>, tensor<2x10xf32>) outs(%init : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// A transposed constant (a Gemm's weights [N, K]) is transposed at compile
// time, then packed: the same panels as B itself.

// CHECK-LABEL: func.func @matmul_transposed_constant
//       CHECK:   arith.constant dense<{{\[}}{{\[}}[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [1.000000e+01, {{.+}}]]> : tensor<2x2x8xf32>
//   CHECK-NOT:   linalg.transpose
//   CHECK-NOT:   linalg.matmul
func.func @matmul_transposed_constant(%a: tensor<?x2xf32>, %init: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %bt = arith.constant dense<[[0.0, 10.0], [1.0, 11.0], [2.0, 12.0], [3.0, 13.0], [4.0, 14.0],
                              [5.0, 15.0], [6.0, 16.0], [7.0, 17.0], [8.0, 18.0], [9.0, 19.0]]> : tensor<10x2xf32>
  %e = tensor.empty() : tensor<2x10xf32>
  %b = linalg.transpose ins(%bt : tensor<10x2xf32>) outs(%e : tensor<2x10xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%a, %b : tensor<?x2xf32>, tensor<2x10xf32>) outs(%init : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// A B that is not a constant is read as it is, its rows of 10 columns as
// vectors; the blocks of 6 rows are the parallel loop.

// CHECK-LABEL: func.func @matmul_runtime_b
//  CHECK-SAME:     (%{{.+}}: tensor<?x2xf32>, %[[B:.+]]: tensor<2x10xf32>
//   CHECK-DAG:   %[[C6:.+]] = arith.constant 6 : index
//       CHECK:   %[[BB:.+]] = bufferization.to_buffer %[[B]] read_only
//       CHECK:   scf.parallel (%{{.+}}) = (%{{.+}}) to (%{{.+}}) step (%[[C6]]) {
//       CHECK:     vector.load %[[BB]][%{{.+}}, %{{.+}}] : memref<2x10xf32>, vector<4xf32>
//   CHECK-NOT:   linalg.matmul
func.func @matmul_runtime_b(%a: tensor<?x2xf32>, %b: tensor<2x10xf32>, %init: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x2xf32>, tensor<2x10xf32>) outs(%init : tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// A conv: one parallel iteration per (image, output row); its rows are the
// 3 output channels, its columns the 5 output pixels of the row (one vector
// of 4, then one of 1 lane). A stride along the width gathers the inputs.

// CHECK-LABEL: func.func @conv_strided
//   CHECK-DAG:   %[[C2:.+]] = arith.constant 2 : index
//   CHECK-DAG:   %[[C5:.+]] = arith.constant 5 : index
//       CHECK:   %[[OUT:.+]] = memref.alloc(%{{.+}}) : memref<?x3x5x5xf32>
//       CHECK:   scf.parallel (%{{.+}}, %[[OH:.+]]) = ({{.+}}) to (%{{.+}}, %[[C5]])
//  CHECK-NEXT:     arith.muli %[[OH]], %[[C2]] : index
//       CHECK:     vector.gather {{.+}} : memref<?x2x11x11xf32>, vector<4xi32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
//       CHECK:     vector.gather {{.+}} : memref<?x2x11x11xf32>, vector<1xi32>, vector<1xi1>, vector<1xf32> into vector<1xf32>
//   CHECK-NOT:   linalg.conv_2d_nchw_fchw
func.func @conv_strided(%x: tensor<?x2x11x11xf32>, %w: tensor<3x2x3x3xf32>, %init: tensor<?x3x5x5xf32>) -> tensor<?x3x5x5xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<?x2x11x11xf32>, tensor<3x2x3x3xf32>) outs(%init : tensor<?x3x5x5xf32>) -> tensor<?x3x5x5xf32>
  return %r : tensor<?x3x5x5xf32>
}

// -----

// Left to the loops: other element types, a dynamic reduction, and a matmul
// with transposing maps.

// CHECK-LABEL: func.func @left_alone
//       CHECK:   linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x3xf16>, tensor<3x5xf16>)
//       CHECK:   linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<4x?xf32>, tensor<?x5xf32>)
//       CHECK:   linalg.matmul indexing_maps
//   CHECK-NOT:   vector.
func.func @left_alone(%a: tensor<4x3xf16>, %b: tensor<3x5xf16>, %i: tensor<4x5xf16>,
                      %c: tensor<4x?xf32>, %d: tensor<?x5xf32>, %j: tensor<4x5xf32>,
                      %e: tensor<4x3xf32>, %f: tensor<5x3xf32>)
    -> (tensor<4x5xf16>, tensor<4x5xf32>, tensor<4x5xf32>) {
  %r = linalg.matmul ins(%a, %b : tensor<4x3xf16>, tensor<3x5xf16>) outs(%i : tensor<4x5xf16>) -> tensor<4x5xf16>
  %s = linalg.matmul ins(%c, %d : tensor<4x?xf32>, tensor<?x5xf32>) outs(%j : tensor<4x5xf32>) -> tensor<4x5xf32>
  %t = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%e, %f : tensor<4x3xf32>, tensor<5x3xf32>) outs(%j : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %r, %s, %t : tensor<4x5xf16>, tensor<4x5xf32>, tensor<4x5xf32>
}
