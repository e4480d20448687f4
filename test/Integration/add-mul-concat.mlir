// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests qsim.add, qsim.mul and qsim.concat after the whole lowering, with
// broadcasting (rank-different, two-sided, a dynamic dimension), ties in
// both directions, saturation and clamp bounds. Expected values by hand,
// with powers-of-two scales so that every multiplier is exact.
//
// add: a u8 (s 0.25, z 128) [[129, 131, 128], [0, 255, 133]] as ?x3, so
//   a - z_a = [[1, 3, 0], [-128, 127, 5]]; b i8 (s 0.5, z -1) [-5, 1, -1],
//   b - z_b = [-4, 2, 0], broadcast over the rows.
//   Into u8 (s 0.5, z 100) with clamp_min = 100: M_a = 0.5, M_b = 1:
//     [[-3.5, 3.5, 0], [-68, 65.5, 2.5]] -> round [[-4, 4, 0], [-68, 66, 2]]
//     -> + 100 [[96, 104, 100], [32, 166, 102]] -> clamp [[100, 104, 100],
//     [100, 166, 102]].
//   Into i8 (s 0.25, z 0): M_a = 1, M_b = 2: [[-7, 7, 0], [-136, 131, 5]]
//     -> saturated [[-7, 7, 0], [-128, 127, 5]].
// mul: a i8 (s 0.5) [[3], [-7]] (2x1) times b u8 (s 0.25, z 8)
//   [[9, 8, 255]] (1x3): p = [[3, 0, 741], [-7, 0, -1729]], into i8
//   (s 0.25, z -2): M = 0.5 * 0.25 / 0.25 = 0.5, M * p = [[1.5, 0, 370.5],
//   [-3.5, 0, -864.5]] -> round [[2, 0, 370], [-4, 0, -864]] -> - 2
//   [[0, -2, 368], [-6, -2, -866]] -> saturated [[0, -2, 127],
//   [-6, -2, -128]]; with clamp [-5, 100]: [[0, -2, 100], [-5, -2, -5]].
// concat on axis 1 into u8 (s 0.5, z 128): x0 of that type
//   [[0, 255], [7, 128]] copied; x1 i8 (s 0.25, z 1) [[4, -126]]:
//   0.5 * [3, -127] = [1.5, -63.5] -> [2, -64] -> + 128 [130, 64]; x2 i16
//   (s 1) [[100, -300]]: 2 * [100, -300] + 128 -> [328, -472] -> saturated
//   [255, 0].
// concat on axis 2 with a dynamic batch: x0 and x3 [[9], [10]] (the output
//   type) -> [[0, 255, 9], [7, 128, 10]].

!ua = !quant.uniform<u8:f32, 0.25:128>
!ib = !quant.uniform<i8:f32, 0.5:-1>
!uy = !quant.uniform<u8:f32, 0.5:100>
!iy = !quant.uniform<i8:f32, 0.25>
!ma = !quant.uniform<i8:f32, 0.5>
!mb = !quant.uniform<u8:f32, 0.25:8>
!my = !quant.uniform<i8:f32, 0.25:-2>
!cy = !quant.uniform<u8:f32, 0.5:128>
!c1 = !quant.uniform<i8:f32, 0.25:1>
!c2 = !quant.uniform<i16:f32, 1.0>

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%t: tensor<?x?xi32>) {
  %u = tensor.cast %t : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %araw = arith.constant dense<[[-127, -125, -128], [0, -1, -123]]> : tensor<2x3xi8>
  %as = quant.scast %araw : tensor<2x3xi8> to tensor<2x3x!ua>
  %a = tensor.cast %as : tensor<2x3x!ua> to tensor<?x3x!ua>
  %braw = arith.constant dense<[-5, 1, -1]> : tensor<3xi8>
  %b = quant.scast %braw : tensor<3xi8> to tensor<3x!ib>

  %s0 = qsim.add %a, %b {clamp_min = 100 : i64} : (tensor<?x3x!ua>, tensor<3x!ib>) -> tensor<?x3x!uy>
  %s0s = quant.scast %s0 : tensor<?x3x!uy> to tensor<?x3xi8>
  %s0w = arith.extui %s0s : tensor<?x3xi8> to tensor<?x3xi32>
  %s0d = tensor.cast %s0w : tensor<?x3xi32> to tensor<?x?xi32>
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: [100, 104, 100]
  // CHECK-NEXT: [100, 166, 102]
  call @print(%s0d) : (tensor<?x?xi32>) -> ()

  %s1 = qsim.add %a, %b : (tensor<?x3x!ua>, tensor<3x!ib>) -> tensor<?x3x!iy>
  %s1s = quant.scast %s1 : tensor<?x3x!iy> to tensor<?x3xi8>
  %s1w = arith.extsi %s1s : tensor<?x3xi8> to tensor<?x3xi32>
  %s1d = tensor.cast %s1w : tensor<?x3xi32> to tensor<?x?xi32>
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: [-7, 7, 0]
  // CHECK-NEXT: [-128, 127, 5]
  call @print(%s1d) : (tensor<?x?xi32>) -> ()

  %maraw = arith.constant dense<[[3], [-7]]> : tensor<2x1xi8>
  %ma = quant.scast %maraw : tensor<2x1xi8> to tensor<2x1x!ma>
  %mbraw = arith.constant dense<[[9, 8, -1]]> : tensor<1x3xi8>
  %mb = quant.scast %mbraw : tensor<1x3xi8> to tensor<1x3x!mb>
  %p0 = qsim.mul %ma, %mb : (tensor<2x1x!ma>, tensor<1x3x!mb>) -> tensor<2x3x!my>
  %p0s = quant.scast %p0 : tensor<2x3x!my> to tensor<2x3xi8>
  %p0w = arith.extsi %p0s : tensor<2x3xi8> to tensor<2x3xi32>
  %p0d = tensor.cast %p0w : tensor<2x3xi32> to tensor<?x?xi32>
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: [0, -2, 127]
  // CHECK-NEXT: [-6, -2, -128]
  call @print(%p0d) : (tensor<?x?xi32>) -> ()

  %p1 = qsim.mul %ma, %mb {clamp_min = -5 : i64, clamp_max = 100 : i64} : (tensor<2x1x!ma>, tensor<1x3x!mb>) -> tensor<2x3x!my>
  %p1s = quant.scast %p1 : tensor<2x3x!my> to tensor<2x3xi8>
  %p1w = arith.extsi %p1s : tensor<2x3xi8> to tensor<2x3xi32>
  %p1d = tensor.cast %p1w : tensor<2x3xi32> to tensor<?x?xi32>
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: [0, -2, 100]
  // CHECK-NEXT: [-5, -2, -5]
  call @print(%p1d) : (tensor<?x?xi32>) -> ()

  %x0raw = arith.constant dense<[[[0, -1], [7, -128]]]> : tensor<1x2x2xi8>
  %x0 = quant.scast %x0raw : tensor<1x2x2xi8> to tensor<1x2x2x!cy>
  %x1raw = arith.constant dense<[[[4, -126]]]> : tensor<1x1x2xi8>
  %x1 = quant.scast %x1raw : tensor<1x1x2xi8> to tensor<1x1x2x!c1>
  %x2raw = arith.constant dense<[[[100, -300]]]> : tensor<1x1x2xi16>
  %x2 = quant.scast %x2raw : tensor<1x1x2xi16> to tensor<1x1x2x!c2>
  %c0 = qsim.concat %x0, %x1, %x2 {axis = 1 : i64} : (tensor<1x2x2x!cy>, tensor<1x1x2x!c1>, tensor<1x1x2x!c2>) -> tensor<1x4x2x!cy>
  %c0s = quant.scast %c0 : tensor<1x4x2x!cy> to tensor<1x4x2xi8>
  %c0w = arith.extui %c0s : tensor<1x4x2xi8> to tensor<1x4x2xi32>
  %c0f = tensor.collapse_shape %c0w [[0, 1], [2]] : tensor<1x4x2xi32> into tensor<4x2xi32>
  %c0d = tensor.cast %c0f : tensor<4x2xi32> to tensor<?x?xi32>
  // CHECK: sizes = [4, 2]
  // CHECK-NEXT: [0, 255]
  // CHECK-NEXT: [7, 128]
  // CHECK-NEXT: [130, 64]
  // CHECK-NEXT: [255, 0]
  call @print(%c0d) : (tensor<?x?xi32>) -> ()

  %x0d = tensor.cast %x0 : tensor<1x2x2x!cy> to tensor<?x2x2x!cy>
  %x3raw = arith.constant dense<[[[9], [10]]]> : tensor<1x2x1xi8>
  %x3s = quant.scast %x3raw : tensor<1x2x1xi8> to tensor<1x2x1x!cy>
  %x3 = tensor.cast %x3s : tensor<1x2x1x!cy> to tensor<?x2x1x!cy>
  %c1 = qsim.concat %x0d, %x3 {axis = 2 : i64} : (tensor<?x2x2x!cy>, tensor<?x2x1x!cy>) -> tensor<?x2x3x!cy>
  %c1s = quant.scast %c1 : tensor<?x2x3x!cy> to tensor<?x2x3xi8>
  %c1w = arith.extui %c1s : tensor<?x2x3xi8> to tensor<?x2x3xi32>
  %c1f = tensor.collapse_shape %c1w [[0, 1], [2]] : tensor<?x2x3xi32> into tensor<?x3xi32>
  %c1d = tensor.cast %c1f : tensor<?x3xi32> to tensor<?x?xi32>
  // CHECK: sizes = [2, 3]
  // CHECK-NEXT: [0, 255, 9]
  // CHECK-NEXT: [7, 128, 10]
  call @print(%c1d) : (tensor<?x?xi32>) -> ()
  return
}
