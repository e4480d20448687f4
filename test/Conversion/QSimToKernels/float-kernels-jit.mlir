// REQUIRES: qsim-jit
// RUN: qsim-opt %s --convert-linalg-to-kernels=lanes=4 | qsim-opt --qsim-lower-to-llvm=kernel=reference | %qsim_runner | FileCheck %s
// RUN: qsim-opt %s --convert-linalg-to-kernels=lanes=8 | qsim-opt --qsim-lower-to-llvm=kernel=reference | %qsim_runner | FileCheck %s
// RUN: qsim-opt %s --convert-linalg-to-kernels=lanes=16 | qsim-opt --qsim-lower-to-llvm=kernel=reference | %qsim_runner | FileCheck %s
// RUN: qsim-opt %s --convert-linalg-to-kernels=lanes=8 | FileCheck %s --check-prefix=KERNELS

// Runs the float matmul kernels of convert-linalg-to-kernels and compares
// them, element by element and bit for bit, with the same products summed
// by a linalg.generic, which the pass leaves to upstream's loops. A is
// 8 x 7 with A[m][k] = 1 / (7 m + k + 1), inexact in f32, so that a
// different summation order would show; B is 7 x 45, so that the panels of
// W = 2 x lanes columns (8, 16 or 32) leave a partial panel (5, 13 or 13
// columns: whole vectors and lanes left over), and the 8 rows are one tile
// of 6 and 2 rows left over. B is a constant [7, 45] (packed into panels),
// the transpose of a constant [45, 7] (folded, then packed), and a value
// computed at run time (read as it is).

// CHECK: 0
// CHECK-NEXT: 0
// CHECK-NEXT: 0
// And the kernels compute something: C[0][0] = sum_k A[0][k] B[k][0] with
// B[k][0] = 0.1 (13 k mod 17 - 8) is about -0.603, at least 0.1 in
// magnitude.
// CHECK-NEXT: 1

// The kernels replace every matmul but the reference's generic: the run-time
// B is read as it is; the constant and the transposed constant become the
// same panels of 16 columns (45 -> 3 panels), one constant once uniqued, and
// the transpose is gone.
// KERNELS-LABEL: func.func @kernel
// KERNELS-NOT: linalg.matmul
// KERNELS: vector.load %{{.+}} : memref<7x45xf32>, vector<8xf32>
// KERNELS-LABEL: func.func @main
// KERNELS: arith.constant dense<{{.+}}> : tensor<3x7x16xf32>
// KERNELS-NOT: linalg.transpose
// KERNELS-NOT: linalg.matmul

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

func.func @reference(%a: tensor<8x7xf32>, %b: tensor<7x45xf32>) -> tensor<8x45xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x45xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x45xf32>) -> tensor<8x45xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x7xf32>, tensor<7x45xf32>) outs(%init : tensor<8x45xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x45xf32>
  return %r : tensor<8x45xf32>
}

func.func @kernel(%a: tensor<8x7xf32>, %b: tensor<7x45xf32>) -> tensor<8x45xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x45xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x45xf32>) -> tensor<8x45xf32>
  %r = linalg.matmul ins(%a, %b : tensor<8x7xf32>, tensor<7x45xf32>)
      outs(%init : tensor<8x45xf32>) -> tensor<8x45xf32>
  return %r : tensor<8x45xf32>
}

func.func @differences(%x: tensor<8x45xf32>, %y: tensor<8x45xf32>) -> i32 {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<i32>
  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<i32>) -> tensor<i32>
  %r = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>,
                                        affine_map<(m, n) -> ()>],
                       iterator_types = ["reduction", "reduction"]}
      ins(%x, %y : tensor<8x45xf32>, tensor<8x45xf32>) outs(%init : tensor<i32>) {
  ^bb0(%u: f32, %v: f32, %acc: i32):
    %ub = arith.bitcast %u : f32 to i32
    %vb = arith.bitcast %v : f32 to i32
    %ne = arith.cmpi ne, %ub, %vb : i32
    %one = arith.extui %ne : i1 to i32
    %s = arith.addi %acc, %one : i32
    linalg.yield %s : i32
  } -> tensor<i32>
  %d = tensor.extract %r[] : tensor<i32>
  return %d : i32
}

func.func @main() {
  %e = tensor.empty() : tensor<8x7xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>],
                       iterator_types = ["parallel", "parallel"]} outs(%e : tensor<8x7xf32>) {
  ^bb0(%o: f32):
    %m = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c7 = arith.constant 7 : index
    %c1 = arith.constant 1 : index
    %m7 = arith.muli %m, %c7 : index
    %s = arith.addi %m7, %k : index
    %d = arith.addi %s, %c1 : index
    %i = arith.index_cast %d : index to i32
    %f = arith.sitofp %i : i32 to f32
    %one = arith.constant 1.0 : f32
    %r = arith.divf %one, %f : f32
    linalg.yield %r : f32
  } -> tensor<8x7xf32>

  // B as a constant.
  %b = arith.constant dense<[[-0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6], [0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7], [0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3], [-0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1], [-0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5], [0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8], [0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4, -0.6, 0.1, 0.8, -0.2, 0.5, -0.5, 0.2, -0.8, -0.1, 0.6, -0.4, 0.3, -0.7, 0.0, 0.7, -0.3, 0.4]]> : tensor<7x45xf32>
  %ref = func.call @reference(%a, %b) : (tensor<8x7xf32>, tensor<7x45xf32>) -> tensor<8x45xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<8x45xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x45xf32>) -> tensor<8x45xf32>
  %c1 = linalg.matmul ins(%a, %b : tensor<8x7xf32>, tensor<7x45xf32>)
      outs(%init : tensor<8x45xf32>) -> tensor<8x45xf32>
  %d1 = func.call @differences(%c1, %ref) : (tensor<8x45xf32>, tensor<8x45xf32>) -> i32
  vector.print %d1 : i32

  // B as the transpose of a constant.
  %bt = arith.constant dense<[[-0.8, 0.5, 0.1, -0.3, -0.7, 0.6, 0.2], [-0.1, -0.5, 0.8, 0.4, 0.0, -0.4, -0.8], [0.6, 0.2, -0.2, -0.6, 0.7, 0.3, -0.1], [-0.4, -0.8, 0.5, 0.1, -0.3, -0.7, 0.6], [0.3, -0.1, -0.5, 0.8, 0.4, 0.0, -0.4], [-0.7, 0.6, 0.2, -0.2, -0.6, 0.7, 0.3], [0.0, -0.4, -0.8, 0.5, 0.1, -0.3, -0.7], [0.7, 0.3, -0.1, -0.5, 0.8, 0.4, 0.0], [-0.3, -0.7, 0.6, 0.2, -0.2, -0.6, 0.7], [0.4, 0.0, -0.4, -0.8, 0.5, 0.1, -0.3], [-0.6, 0.7, 0.3, -0.1, -0.5, 0.8, 0.4], [0.1, -0.3, -0.7, 0.6, 0.2, -0.2, -0.6], [0.8, 0.4, 0.0, -0.4, -0.8, 0.5, 0.1], [-0.2, -0.6, 0.7, 0.3, -0.1, -0.5, 0.8], [0.5, 0.1, -0.3, -0.7, 0.6, 0.2, -0.2], [-0.5, 0.8, 0.4, 0.0, -0.4, -0.8, 0.5], [0.2, -0.2, -0.6, 0.7, 0.3, -0.1, -0.5], [-0.8, 0.5, 0.1, -0.3, -0.7, 0.6, 0.2], [-0.1, -0.5, 0.8, 0.4, 0.0, -0.4, -0.8], [0.6, 0.2, -0.2, -0.6, 0.7, 0.3, -0.1], [-0.4, -0.8, 0.5, 0.1, -0.3, -0.7, 0.6], [0.3, -0.1, -0.5, 0.8, 0.4, 0.0, -0.4], [-0.7, 0.6, 0.2, -0.2, -0.6, 0.7, 0.3], [0.0, -0.4, -0.8, 0.5, 0.1, -0.3, -0.7], [0.7, 0.3, -0.1, -0.5, 0.8, 0.4, 0.0], [-0.3, -0.7, 0.6, 0.2, -0.2, -0.6, 0.7], [0.4, 0.0, -0.4, -0.8, 0.5, 0.1, -0.3], [-0.6, 0.7, 0.3, -0.1, -0.5, 0.8, 0.4], [0.1, -0.3, -0.7, 0.6, 0.2, -0.2, -0.6], [0.8, 0.4, 0.0, -0.4, -0.8, 0.5, 0.1], [-0.2, -0.6, 0.7, 0.3, -0.1, -0.5, 0.8], [0.5, 0.1, -0.3, -0.7, 0.6, 0.2, -0.2], [-0.5, 0.8, 0.4, 0.0, -0.4, -0.8, 0.5], [0.2, -0.2, -0.6, 0.7, 0.3, -0.1, -0.5], [-0.8, 0.5, 0.1, -0.3, -0.7, 0.6, 0.2], [-0.1, -0.5, 0.8, 0.4, 0.0, -0.4, -0.8], [0.6, 0.2, -0.2, -0.6, 0.7, 0.3, -0.1], [-0.4, -0.8, 0.5, 0.1, -0.3, -0.7, 0.6], [0.3, -0.1, -0.5, 0.8, 0.4, 0.0, -0.4], [-0.7, 0.6, 0.2, -0.2, -0.6, 0.7, 0.3], [0.0, -0.4, -0.8, 0.5, 0.1, -0.3, -0.7], [0.7, 0.3, -0.1, -0.5, 0.8, 0.4, 0.0], [-0.3, -0.7, 0.6, 0.2, -0.2, -0.6, 0.7], [0.4, 0.0, -0.4, -0.8, 0.5, 0.1, -0.3], [-0.6, 0.7, 0.3, -0.1, -0.5, 0.8, 0.4]]> : tensor<45x7xf32>
  %et = tensor.empty() : tensor<7x45xf32>
  %b2 = linalg.transpose ins(%bt : tensor<45x7xf32>) outs(%et : tensor<7x45xf32>) permutation = [1, 0]
  %c2 = linalg.matmul ins(%a, %b2 : tensor<8x7xf32>, tensor<7x45xf32>)
      outs(%init : tensor<8x45xf32>) -> tensor<8x45xf32>
  %d2 = func.call @differences(%c2, %ref) : (tensor<8x45xf32>, tensor<8x45xf32>) -> i32
  vector.print %d2 : i32

  // B computed at run time: the constant plus zero, element by element.
  %eb = tensor.empty() : tensor<7x45xf32>
  %b3 = linalg.generic {indexing_maps = [affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (k, n)>],
                        iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<7x45xf32>) outs(%eb : tensor<7x45xf32>) {
  ^bb0(%x: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %y = arith.addf %x, %z : f32
    linalg.yield %y : f32
  } -> tensor<7x45xf32>
  %c3 = func.call @kernel(%a, %b3) : (tensor<8x7xf32>, tensor<7x45xf32>) -> tensor<8x45xf32>
  %d3 = func.call @differences(%c3, %ref) : (tensor<8x45xf32>, tensor<8x45xf32>) -> i32
  vector.print %d3 : i32

  // |C[0][0]| >= 0.1: not all zeros.
  %c0 = arith.constant 0 : index
  %v = tensor.extract %c1[%c0, %c0] : tensor<8x45xf32>
  %av = math.absf %v : f32
  %tenth = arith.constant 0.1 : f32
  %big = arith.cmpf oge, %av, %tenth : f32
  %bi = arith.extui %big : i1 to i32
  vector.print %bi : i32
  return
}
