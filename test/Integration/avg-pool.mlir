// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests avg_pool2d after the whole lowering. Expected values by hand.
//   u8 (scale 0.1, z 3) input [[3, 5, 8], [4, 10, 3], [2, 7, 9]], so
//   x - z = [[0, 2, 5], [1, 7, 0], [-1, 4, 6]]; 2x2 kernel, stride 1,
//   padding top 1, left 1; same result type, so y = round(S / count) + 3.
//   count_include_pad = false divides by the in-bounds taps:
//     row 0: 0/1 = 0, 2/2 = 1, 7/2 = 3.5 -> 4 (tie to even)
//     row 1: 1/2 = 0.5 -> 0 (tie to even), 10/4 = 2.5 -> 2, 14/4 = 3.5 -> 4
//     row 2: 0/2 = 0, 11/4 = 2.75 -> 3, 17/4 = 4.25 -> 4
//   count_include_pad = true divides by 4 everywhere:
//     row 0: 0, 2/4 -> 0, 7/4 -> 2; row 1: 1/4 -> 0, 2.5 -> 2, 3.5 -> 4;
//     row 2: 0, 2.75 -> 3, 4.25 -> 4
//   i8 (scale 0.5) to u8 (scale 0.25, z 10), M = 2, global 2x2 pools:
//     [1, 2, 0, 0]: 3 * 2 / 4 = 1.5 -> 2 -> 12
//     [-100, -120, -128, -127]: -475 * 2 / 4 = -237.5 -> -238 -> 0 (saturated)
//     [127, 127, 127, 127]: 254 + 10 -> 255 (saturated)
//     [2, 1, 2, 0]: 5 * 2 / 4 = 2.5 -> 2 -> 12
//   u8 scale 0.1 to u8 scale 0.3: M = 0.1 / 0.3 = 0.33333333333333337 in
//   float64; a 2x3 window summing to 9: 9 * M = 3.0000000000000004, / 6 =
//   0.50000000000000011 -> 1. Dividing first (9 / 6 * M = 0.5) would give 0.

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%t: tensor<?x?xi32>) {
  %u = tensor.cast %t : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %raw = arith.constant dense<[[[[3, 5, 8], [4, 10, 3], [2, 7, 9]]]]> : tensor<1x1x3x3xi8>
  %x = quant.scast %raw : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>>
  %y = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>}
      : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>>
  %ys = quant.scast %y : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>> to tensor<1x1x3x3xi8>
  %yw = arith.extui %ys : tensor<1x1x3x3xi8> to tensor<1x1x3x3xi32>
  %y2 = tensor.collapse_shape %yw [[0, 1, 2], [3]] : tensor<1x1x3x3xi32> into tensor<3x3xi32>
  %yd = tensor.cast %y2 : tensor<3x3xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [3, 4, 7]
  // CHECK-NEXT: [3, 5, 7]
  // CHECK-NEXT: [3, 6, 7]
  call @print(%yd) : (tensor<?x?xi32>) -> ()

  %z = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>, count_include_pad = true}
      : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>>
  %zs = quant.scast %z : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1:3>> to tensor<1x1x3x3xi8>
  %zw = arith.extui %zs : tensor<1x1x3x3xi8> to tensor<1x1x3x3xi32>
  %z2 = tensor.collapse_shape %zw [[0, 1, 2], [3]] : tensor<1x1x3x3xi32> into tensor<3x3xi32>
  %zd = tensor.cast %z2 : tensor<3x3xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [3, 3, 5]
  // CHECK-NEXT: [3, 5, 7]
  // CHECK-NEXT: [3, 6, 7]
  call @print(%zd) : (tensor<?x?xi32>) -> ()

  %sraw = arith.constant dense<[[[[1, 2], [0, 0]], [[-100, -120], [-128, -127]], [[127, 127], [127, 127]], [[2, 1], [2, 0]]]]> : tensor<1x4x2x2xi8>
  %s = quant.scast %sraw : tensor<1x4x2x2xi8> to tensor<1x4x2x2x!quant.uniform<i8:f32, 0.5>>
  %sd = tensor.cast %s : tensor<1x4x2x2x!quant.uniform<i8:f32, 0.5>> to tensor<?x4x2x2x!quant.uniform<i8:f32, 0.5>>
  %g = qsim.avg_pool2d %sd {kernel = array<i64: 2, 2>}
      : tensor<?x4x2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<?x4x1x1x!quant.uniform<u8:f32, 0.25:10>>
  %gs = quant.scast %g : tensor<?x4x1x1x!quant.uniform<u8:f32, 0.25:10>> to tensor<?x4x1x1xi8>
  %gw = arith.extui %gs : tensor<?x4x1x1xi8> to tensor<?x4x1x1xi32>
  %g2 = tensor.collapse_shape %gw [[0], [1, 2, 3]] : tensor<?x4x1x1xi32> into tensor<?x4xi32>
  %gd = tensor.cast %g2 : tensor<?x4xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [12, 0, 255, 12]
  call @print(%gd) : (tensor<?x?xi32>) -> ()

  %oraw = arith.constant dense<[[[[1, 2, 0], [3, 1, 2]]]]> : tensor<1x1x2x3xi8>
  %o = quant.scast %oraw : tensor<1x1x2x3xi8> to tensor<1x1x2x3x!quant.uniform<u8:f32, 0.1>>
  %m = qsim.avg_pool2d %o {kernel = array<i64: 2, 3>}
      : tensor<1x1x2x3x!quant.uniform<u8:f32, 0.1>> -> tensor<1x1x1x1x!quant.uniform<u8:f32, 0.3>>
  %ms = quant.scast %m : tensor<1x1x1x1x!quant.uniform<u8:f32, 0.3>> to tensor<1x1x1x1xi8>
  %mw = arith.extui %ms : tensor<1x1x1x1xi8> to tensor<1x1x1x1xi32>
  %m2 = tensor.collapse_shape %mw [[0, 1, 2], [3]] : tensor<1x1x1x1xi32> into tensor<1x1xi32>
  %md = tensor.cast %m2 : tensor<1x1xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [1]
  call @print(%md) : (tensor<?x?xi32>) -> ()
  return
}
