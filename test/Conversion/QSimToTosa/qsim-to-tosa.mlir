// RUN: qsim-opt %s --split-input-file --convert-qsim-to-tosa | FileCheck %s
// RUN: qsim-opt %s --split-input-file --convert-qsim-to-tosa \
// RUN:   --tosa-attach-target="profiles=pro_int,pro_fp extensions=doubleround level=none" \
// RUN:   --tosa-validate=strict-op-spec-alignment | FileCheck %s --check-prefix=VALID

// Every export is valid TOSA for upstream's validation pass (the profiles
// of integer and float programs, DOUBLE_ROUND's extension, no level
// because the batch is dynamic), and no quantized type or qsim op is left.
// VALID-NOT: qsim.
// VALID-NOT: !quant.uniform

// Tests that quantize multiplies by the f32 reciprocal of s = 1/16 (16),
// sends NaN to 0 (x == x is false only for NaN), clamps to
// [qmin - z, qmax - z] = [-128 + 7, 127 + 7] = [-121, 134], rounds half to
// even in the cast to i32, adds z = -7 and narrows to i8.
// CHECK-LABEL: func.func @quantize
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x3xf32>) -> tensor<?x3xi8>
//   CHECK-DAG:   %[[R:.+]] = "tosa.const"() <{values = dense<1.600000e+01> : tensor<1x1xf32>}>
//   CHECK-DAG:   %[[NOSHIFT:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
//       CHECK:   %[[SCALED:.+]] = tosa.mul %[[X]], %[[R]], %[[NOSHIFT]]
//       CHECK:   %[[NUMBER:.+]] = tosa.equal %[[X]], %[[X]]
//       CHECK:   %[[ZERO:.+]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1x1xf32>}>
//       CHECK:   %[[FINITE:.+]] = tosa.select %[[NUMBER]], %[[SCALED]], %[[ZERO]]
//       CHECK:   %[[CLAMPED:.+]] = tosa.clamp %[[FINITE]] {max_val = 1.340000e+02 : f32, min_val = -1.210000e+02 : f32}
//       CHECK:   %[[ROUNDED:.+]] = tosa.cast %[[CLAMPED]] : (tensor<?x3xf32>) -> tensor<?x3xi32>
//       CHECK:   %[[Z:.+]] = "tosa.const"() <{values = dense<-7> : tensor<1x1xi32>}>
//       CHECK:   %[[SHIFTED:.+]] = tosa.add %[[ROUNDED]], %[[Z]]
//       CHECK:   %[[Q:.+]] = tosa.cast %[[SHIFTED]] : (tensor<?x3xi32>) -> tensor<?x3xi8>
//       CHECK:   return %[[Q]]
!x = !quant.uniform<i8:f32, 0.0625:-7>
func.func @quantize(%x: tensor<?x3xf32>) -> tensor<?x3x!x> {
  %q = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>} : tensor<?x3xf32> -> tensor<?x3x!x>
  return %q : tensor<?x3x!x>
}

// -----

// Tests that dequantize widens to i32, subtracts z = 4 there, converts to
// f32 and multiplies by the scales of a per-axis type, broadcast along
// its axis 1.
// CHECK-LABEL: func.func @dequantize
//  CHECK-SAME:   (%[[Q:.+]]: tensor<2x2xi8>) -> tensor<2x2xf32>
//       CHECK:   %[[WIDE:.+]] = tosa.cast %[[Q]] : (tensor<2x2xi8>) -> tensor<2x2xi32>
//       CHECK:   %[[Z:.+]] = "tosa.const"() <{values = dense<4> : tensor<1x1xi32>}>
//       CHECK:   %[[CENTERED:.+]] = tosa.sub %[[WIDE]], %[[Z]]
//       CHECK:   %[[REAL:.+]] = tosa.cast %[[CENTERED]] : (tensor<2x2xi32>) -> tensor<2x2xf32>
//       CHECK:   %[[S:.+]] = "tosa.const"() <{values = dense<{{\[\[}}5.000000e-01, 2.500000e-01]]> : tensor<1x2xf32>}>
//       CHECK:   %[[X:.+]] = tosa.mul %[[REAL]], %[[S]], %{{.+}}
//       CHECK:   return %[[X]]
!x = !quant.uniform<i8:f32:1, {0.5:4, 0.25:4}>
func.func @dequantize(%q: tensor<2x2x!x>) -> tensor<2x2xf32> {
  %x = qsim.dequantize %q : tensor<2x2x!x> -> tensor<2x2xf32>
  return %x : tensor<2x2xf32>
}

// -----

// Tests that a per-channel requantization on axis 1 of NCHW becomes a
// per-channel DOUBLE_ROUND rescale on the last axis of a transpose, with
// the op's multipliers and shifts (i8), zero points 0 (i32) and -3 (i8),
// then a clamp for clamp_min = -3 (a fused ReLU), then the transpose back.
// CHECK-LABEL: func.func @requantize_per_channel
//  CHECK-SAME:   (%[[ACC:.+]]: tensor<?x2x3x3xi32>) -> tensor<?x2x3x3xi8>
//       CHECK:   %[[NHWC:.+]] = tosa.transpose %[[ACC]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<?x2x3x3xi32>) -> tensor<?x3x3x2xi32>
//       CHECK:   %[[M:.+]] = "tosa.const"() <{values = dense<[1073741824, 1518500250]> : tensor<2xi32>}>
//       CHECK:   %[[SH:.+]] = "tosa.const"() <{values = dense<[39, 38]> : tensor<2xi8>}>
//       CHECK:   %[[ZI:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
//       CHECK:   %[[ZO:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
//       CHECK:   %[[Y:.+]] = tosa.rescale %[[NHWC]], %[[M]], %[[SH]], %[[ZI]], %[[ZO]] {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true}
//  CHECK-SAME:     -> tensor<?x3x3x2xi8>
//       CHECK:   %[[RELU:.+]] = tosa.clamp %[[Y]] {max_val = 127 : i8, min_val = -3 : i8}
//       CHECK:   %[[NCHW:.+]] = tosa.transpose %[[RELU]] {perms = array<i32: 0, 3, 1, 2>} : (tensor<?x3x3x2xi8>) -> tensor<?x2x3x3xi8>
//       CHECK:   return %[[NCHW]]
!acc = !quant.uniform<i32:f32:1, {0.001, 0.002}>
!y = !quant.uniform<i8:f32, 0.5:-3>
func.func @requantize_per_channel(%acc: tensor<?x2x3x3x!acc>) -> tensor<?x2x3x3x!y> {
  %y = qsim.requantize %acc {clamp_min = -3 : i64, rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824, 1518500250>, shift = array<i32: 39, 38>} : tensor<?x2x3x3x!acc> -> tensor<?x2x3x3x!y>
  return %y : tensor<?x2x3x3x!y>
}

// -----

// Tests that one pair rescales per tensor (SINGLE_ROUND here) with the i8
// input's zero point 10 as RESCALE's input_zp, and that the full i8 range
// needs no clamp.
// CHECK-LABEL: func.func @requantize_activation
//  CHECK-SAME:   (%[[X:.+]]: tensor<4xi8>) -> tensor<4xi8>
//   CHECK-DAG:   %[[M:.+]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
//   CHECK-DAG:   %[[SH:.+]] = "tosa.const"() <{values = dense<29> : tensor<1xi8>}>
//   CHECK-DAG:   %[[ZI:.+]] = "tosa.const"() <{values = dense<10> : tensor<1xi8>}>
//   CHECK-DAG:   %[[ZO:.+]] = "tosa.const"() <{values = dense<-1> : tensor<1xi8>}>
//       CHECK:   %[[Y:.+]] = tosa.rescale %[[X]], %[[M]], %[[SH]], %[[ZI]], %[[ZO]] {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true}
//   CHECK-NOT:   tosa.clamp
//       CHECK:   return %[[Y]]
!x = !quant.uniform<i8:f32, 0.5:10>
!y = !quant.uniform<i8:f32, 0.25:-1>
func.func @requantize_activation(%x: tensor<4x!x>) -> tensor<4x!y> {
  %y = qsim.requantize %x {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824>, shift = array<i32: 29>} : tensor<4x!x> -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

// Tests that a TOSA add becomes its legalizations' rescale chain: the
// rank-1 rhs reshaped to 1x4, each input rescaled to i32 by its own pair
// (input_zp z_a = -3 and z_b = 3, output_zp 0), the i32 tosa.add, the sum
// rescaled to i8 (input_zp 0, output_zp z_y = 10) in DOUBLE_ROUND, and the
// ReLU bound clamp_min = 10 as a clamp to [10, 127].
// CHECK-LABEL: func.func @add
//  CHECK-SAME:   (%[[A:.+]]: tensor<2x4xi8>, %[[B:.+]]: tensor<4xi8>) -> tensor<2x4xi8>
//       CHECK:   %[[MA:.+]] = "tosa.const"() <{values = dense<1717986918> : tensor<1xi32>}>
//       CHECK:   %[[SA:.+]] = "tosa.const"() <{values = dense<13> : tensor<1xi8>}>
//       CHECK:   %[[ZA:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
//       CHECK:   %[[ZA32:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
//       CHECK:   %[[RA:.+]] = tosa.rescale %[[A]], %[[MA]], %[[SA]], %[[ZA]], %[[ZA32]] {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x4xi8>, {{.+}}) -> tensor<2x4xi32>
//       CHECK:   %[[B2:.+]] = tosa.reshape %[[B]], %{{.+}} : (tensor<4xi8>, !tosa.shape<2>) -> tensor<1x4xi8>
//       CHECK:   %[[MB:.+]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
//       CHECK:   %[[SB:.+]] = "tosa.const"() <{values = dense<11> : tensor<1xi8>}>
//       CHECK:   %[[ZB:.+]] = "tosa.const"() <{values = dense<3> : tensor<1xi8>}>
//       CHECK:   %[[RB:.+]] = tosa.rescale %[[B2]], %[[MB]], %[[SB]], %[[ZB]], %{{.+}} {{.+}}DOUBLE_ROUND{{.+}} : (tensor<1x4xi8>, {{.+}}) -> tensor<1x4xi32>
//       CHECK:   %[[SUM:.+]] = tosa.add %[[RA]], %[[RB]] : (tensor<2x4xi32>, tensor<1x4xi32>) -> tensor<2x4xi32>
//       CHECK:   %[[MY:.+]] = "tosa.const"() <{values = dense<1342177280> : tensor<1xi32>}>
//       CHECK:   %[[SY:.+]] = "tosa.const"() <{values = dense<49> : tensor<1xi8>}>
//       CHECK:   %[[ZS:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
//       CHECK:   %[[ZY:.+]] = "tosa.const"() <{values = dense<10> : tensor<1xi8>}>
//       CHECK:   %[[Y:.+]] = tosa.rescale %[[SUM]], %[[MY]], %[[SY]], %[[ZS]], %[[ZY]] {{.+}}DOUBLE_ROUND{{.+}} : (tensor<2x4xi32>, {{.+}}) -> tensor<2x4xi8>
//       CHECK:   %[[R:.+]] = tosa.clamp %[[Y]] {max_val = 127 : i8, min_val = 10 : i8}
//       CHECK:   return %[[R]]
!a = !quant.uniform<i8:f32, 0.02:-3>
!b = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<i8:f32, 0.04:10>
func.func @add(%a: tensor<2x4x!a>, %b: tensor<4x!b>) -> tensor<2x4x!y> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, shift = array<i32: 13, 11, 49>, clamp_min = 10 : i64} : (tensor<2x4x!a>, tensor<4x!b>) -> tensor<2x4x!y>
  return %y : tensor<2x4x!y>
}

// -----

// Tests that a TOSA product becomes its legalization's chain: each input
// rescaled to i32 by 1 (2^30 * 2^-30) with its zero point, the rank-3 gate
// reshaped to rank 4, the i32 tosa.mul with shift 0, and the product
// rescaled to i8 with the op's pair and z_y.
// CHECK-LABEL: func.func @mul
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x2x3x3xi8>, %[[G:.+]]: tensor<2x1x1xi8>) -> tensor<1x2x3x3xi8>
//       CHECK:   %[[ONE:.+]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
//       CHECK:   %[[S30:.+]] = "tosa.const"() <{values = dense<30> : tensor<1xi8>}>
//       CHECK:   %[[ZX:.+]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
//       CHECK:   %[[X32:.+]] = tosa.rescale %[[X]], %[[ONE]], %[[S30]], %[[ZX]], %{{.+}} {{.+}}SINGLE_ROUND{{.+}} -> tensor<1x2x3x3xi32>
//       CHECK:   %[[G4:.+]] = tosa.reshape %[[G]], %{{.+}} -> tensor<1x2x1x1xi8>
//       CHECK:   %[[G32:.+]] = tosa.rescale %[[G4]], {{.+}} -> tensor<1x2x1x1xi32>
//       CHECK:   %[[NOSHIFT:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
//       CHECK:   %[[P:.+]] = tosa.mul %[[X32]], %[[G32]], %[[NOSHIFT]] : (tensor<1x2x3x3xi32>, tensor<1x2x1x1xi32>, tensor<1xi8>) -> tensor<1x2x3x3xi32>
//       CHECK:   %[[M:.+]] = "tosa.const"() <{values = dense<1717986918> : tensor<1xi32>}>
//       CHECK:   %[[SH:.+]] = "tosa.const"() <{values = dense<36> : tensor<1xi8>}>
//       CHECK:   %[[Y:.+]] = tosa.rescale %[[P]], %[[M]], %[[SH]], %{{.+}}, %{{.+}} {{.+}}DOUBLE_ROUND{{.+}} -> tensor<1x2x3x3xi8>
//       CHECK:   return %[[Y]]
!x = !quant.uniform<i8:f32, 0.02:-3>
!g = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<i8:f32, 0.04:10>
func.func @mul(%x: tensor<1x2x3x3x!x>, %g: tensor<2x1x1x!g>) -> tensor<1x2x3x3x!y> {
  %y = qsim.mul %x, %g {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918>, shift = array<i32: 36>} : (tensor<1x2x3x3x!x>, tensor<2x1x1x!g>) -> tensor<1x2x3x3x!y>
  return %y : tensor<1x2x3x3x!y>
}

// -----

// Tests that conv2d runs in NHWC on OHWI weights: w[o, c, 0, kw] moves to
// [o, 0, kw, c], so channel 0's rows [1, 2] (c = 0) and [3, 4] (c = 1)
// become [[1, 3], [2, 4]]. qsim's padding [top 1, left 2, bottom 0,
// right 2] is TOSA's [1, 0, 2, 2]; the zero points are z_x = -2 and
// z_w = 0, and a missing bias is zeros.
// CHECK-LABEL: func.func @conv2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2x4x5xi8>) -> tensor<?x2x5x8xi32>
//       CHECK:   %[[NHWC:.+]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<?x2x4x5xi8>) -> tensor<?x4x5x2xi8>
//       CHECK:   %[[W:.+]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1, 3], [2, 4]]], {{\[\[\[}}5, 7], [6, 8]]]]> : tensor<2x1x2x2xi8>}>
//       CHECK:   %[[B:.+]] = "tosa.const"() <{values = dense<0> : tensor<2xi32>}>
//       CHECK:   %[[ZX:.+]] = "tosa.const"() <{values = dense<-2> : tensor<1xi8>}>
//       CHECK:   %[[ZW:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
//       CHECK:   %[[ACC:.+]] = tosa.conv2d %[[NHWC]], %[[W]], %[[B]], %[[ZX]], %[[ZW]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 2, 2>, stride = array<i64: 1, 1>}
//  CHECK-SAME:     -> tensor<?x5x8x2xi32>
//       CHECK:   %[[NCHW:.+]] = tosa.transpose %[[ACC]] {perms = array<i32: 0, 3, 1, 2>}
//       CHECK:   return %[[NCHW]]
!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32:0, {0.25, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625}>
func.func @conv2d(%x: tensor<?x2x4x5x!x>) -> tensor<?x2x5x8x!acc> {
  %ws = arith.constant dense<[[[[1, 2]], [[3, 4]]], [[[5, 6]], [[7, 8]]]]> : tensor<2x2x1x2xi8>
  %w = quant.scast %ws : tensor<2x2x1x2xi8> to tensor<2x2x1x2x!w>
  %acc = qsim.conv2d %x, %w {padding = array<i64: 1, 2, 0, 2>} : (tensor<?x2x4x5x!x>, tensor<2x2x1x2x!w>) -> tensor<?x2x5x8x!acc>
  return %acc : tensor<?x2x5x8x!acc>
}

// -----

// Tests that a depthwise conv (groups = C = 2, M = 2) takes [KH, KW, C, M]
// weights, qsim's channel o = c * 2 + m at (c, m): tap (0, 0) of channels
// 0..3 (1, 5, 9, 13) is [[1, 5], [9, 13]]. The bottom padding of 2 leaves
// (6 + 1 + 2 - 2) % 2 = 1 row after the last window, which TOSA drops:
// pad [top 1, bottom 1, left 0, right 0].
// CHECK-LABEL: func.func @depthwise
//       CHECK:   %[[W:.+]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1, 5], [9, 13]], {{\[\[}}2, 6], [10, 14]]], {{\[\[\[}}3, 7], [11, 15]], {{\[\[}}4, 8], [12, 16]]]]> : tensor<2x2x2x2xi8>}>
//       CHECK:   %[[B:.+]] = "tosa.const"() <{values = dense<[100, 200, 300, 400]> : tensor<4xi32>}>
//       CHECK:   tosa.depthwise_conv2d %{{.+}}, %[[W]], %[[B]], %{{.+}}, %{{.+}} {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 0, 0>, stride = array<i64: 2, 2>}
//  CHECK-SAME:     (tensor<1x6x6x2xi8>, tensor<2x2x2x2xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x3x4xi32>
!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32:0, {0.25, 0.125, 0.25, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625, 0.125, 0.0625}>
func.func @depthwise(%x: tensor<1x2x6x6x!x>) -> tensor<1x4x4x3x!acc> {
  %ws = arith.constant dense<[[[[1, 2], [3, 4]]], [[[5, 6], [7, 8]]], [[[9, 10], [11, 12]]], [[[13, 14], [15, 16]]]]> : tensor<4x1x2x2xi8>
  %w = quant.scast %ws : tensor<4x1x2x2xi8> to tensor<4x1x2x2x!w>
  %b = arith.constant dense<[100, 200, 300, 400]> : tensor<4xi32>
  %acc = qsim.conv2d %x, %w, %b {groups = 2 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 2, 0>} : (tensor<1x2x6x6x!x>, tensor<4x1x2x2x!w>, tensor<4xi32>) -> tensor<1x4x4x3x!acc>
  return %acc : tensor<1x4x4x3x!acc>
}

// -----

// Tests that the row and column after the last 2x2 window of stride 2 over
// 7x7 (unpadded) are sliced off, so that TOSA's window ends on the input;
// the weight zero point 1 is TOSA's weight_zp, and with one channel the
// layout changes are reshapes.
// CHECK-LABEL: func.func @conv2d_unread
//       CHECK:   %[[IN:.+]] = tosa.reshape %{{.+}} -> tensor<?x7x7x1xi8>
//       CHECK:   %[[ZW:.+]] = "tosa.const"() <{values = dense<1> : tensor<1xi8>}>
//       CHECK:   %[[SIZE:.+]] = tosa.const_shape {values = dense<[-1, 6, 6, 1]> : tensor<4xindex>}
//       CHECK:   %[[SLICE:.+]] = tosa.slice %[[IN]], %{{.+}}, %[[SIZE]] : (tensor<?x7x7x1xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<?x6x6x1xi8>
//       CHECK:   tosa.conv2d %[[SLICE]], %{{.+}}, %{{.+}}, %{{.+}}, %[[ZW]] {{.+}} pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
//  CHECK-SAME:     -> tensor<?x3x3x1xi32>
!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32, 0.25:1>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @conv2d_unread(%x: tensor<?x1x7x7x!x>) -> tensor<?x1x3x3x!acc> {
  %ws = arith.constant dense<1> : tensor<1x1x2x2xi8>
  %w = quant.scast %ws : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!w>
  %acc = qsim.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<?x1x7x7x!x>, tensor<1x1x2x2x!w>) -> tensor<?x1x3x3x!acc>
  return %acc : tensor<?x1x3x3x!acc>
}

// -----

// Tests that linear is a matmul of [1, N, K] by the transposed weights
// [1, K, F] ([[1, 2], [3, 4], [5, 6]] transposed), plus the bias as
// [1, 1, F], reshaped back to [N, F].
// CHECK-LABEL: func.func @linear
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2xi8>) -> tensor<?x3xi32>
//       CHECK:   %[[S3:.+]] = tosa.const_shape {values = dense<[1, -1, 2]> : tensor<3xindex>}
//       CHECK:   %[[A:.+]] = tosa.reshape %[[X]], %[[S3]] : (tensor<?x2xi8>, !tosa.shape<3>) -> tensor<1x?x2xi8>
//       CHECK:   %[[W:.+]] = "tosa.const"() <{values = dense<{{\[\[\[}}1, 3, 5], [2, 4, 6]]]> : tensor<1x2x3xi8>}>
//       CHECK:   %[[ZA:.+]] = "tosa.const"() <{values = dense<-2> : tensor<1xi8>}>
//       CHECK:   %[[ZB:.+]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
//       CHECK:   %[[MM:.+]] = tosa.matmul %[[A]], %[[W]], %[[ZA]], %[[ZB]] : (tensor<1x?x2xi8>, tensor<1x2x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x?x3xi32>
//       CHECK:   %[[B:.+]] = "tosa.const"() <{values = dense<{{\[\[\[}}7, 8, 9]]]> : tensor<1x1x3xi32>}>
//       CHECK:   %[[SUM:.+]] = tosa.add %[[MM]], %[[B]]
//       CHECK:   %[[S2:.+]] = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>}
//       CHECK:   %[[Y:.+]] = tosa.reshape %[[SUM]], %[[S2]] : (tensor<1x?x3xi32>, !tosa.shape<2>) -> tensor<?x3xi32>
//       CHECK:   return %[[Y]]
!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32:0, {0.25, 0.125, 0.5}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625, 0.25}>
func.func @linear(%x: tensor<?x2x!x>) -> tensor<?x3x!acc> {
  %ws = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %w = quant.scast %ws : tensor<3x2xi8> to tensor<3x2x!w>
  %b = arith.constant dense<[7, 8, 9]> : tensor<3xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<?x2x!x>, tensor<3x2x!w>, tensor<3xi32>) -> tensor<?x3x!acc>
  return %acc : tensor<?x3x!acc>
}

// -----

// Tests that relu clamps to [z, 127] = [-2, 127] and qsim.clamp to its
// quantized bounds: -1.0 / 0.5 - 2 = -4 and 6.0 / 0.5 - 2 = 10.
// CHECK-LABEL: func.func @relu_clamp
//       CHECK:   %[[R:.+]] = tosa.clamp %{{.+}} {max_val = 127 : i8, min_val = -2 : i8}
//       CHECK:   %[[C:.+]] = tosa.clamp %[[R]] {max_val = 10 : i8, min_val = -4 : i8}
//       CHECK:   return %[[C]]
!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @relu_clamp(%x: tensor<4x!x>) -> tensor<4x!x> {
  %r = qsim.relu %x : tensor<4x!x>
  %c = qsim.clamp %r {min = -1.0, max = 6.0} : tensor<4x!x>
  return %c : tensor<4x!x>
}

// -----

// Tests that max_pool2d pools in NHWC: the bottom padding row after the
// last window ((5 + 1 + 1 - 2) % 2 = 1) is dropped, and the unread last
// column ((5 - 2) % 2 = 1) sliced off.
// CHECK-LABEL: func.func @max_pool2d
//       CHECK:   %[[NHWC:.+]] = tosa.transpose %{{.+}} {perms = array<i32: 0, 2, 3, 1>}
//       CHECK:   %[[SIZE:.+]] = tosa.const_shape {values = dense<[-1, 5, 4, 3]> : tensor<4xindex>}
//       CHECK:   %[[SLICE:.+]] = tosa.slice %[[NHWC]], %{{.+}}, %[[SIZE]]
//       CHECK:   %[[POOL:.+]] = tosa.max_pool2d %[[SLICE]] {kernel = array<i64: 2, 2>, pad = array<i64: 1, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<?x5x4x3xi8>) -> tensor<?x3x2x3xi8>
//       CHECK:   tosa.transpose %[[POOL]] {perms = array<i32: 0, 3, 1, 2>}
!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @max_pool2d(%x: tensor<?x3x5x5x!x>) -> tensor<?x3x3x2x!x> {
  %y = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>} : tensor<?x3x5x5x!x> -> tensor<?x3x3x2x!x>
  return %y : tensor<?x3x3x2x!x>
}

// -----

// Tests that a concat of one type is tosa.concat, and that an i8 table
// becomes an i8 tosa.table in the same order: entry i is 7 i mod 256 - 128,
// so it starts -128, -121, -114, -107 (0x80, 0x87, 0x8E, 0x95).
// CHECK-LABEL: func.func @concat_table
//       CHECK:   %[[C:.+]] = tosa.concat %{{.+}}, %{{.+}} {axis = 1 : i32} : (tensor<2x3xi8>, tensor<2x1xi8>) -> tensor<2x4xi8>
//       CHECK:   %[[T:.+]] = "tosa.const"() <{values = dense<"0x80878E95{{[0-9A-F]+}}"> : tensor<256xi8>}>
//       CHECK:   tosa.table %[[C]], %[[T]] : (tensor<2x4xi8>, tensor<256xi8>) -> tensor<2x4xi8>
!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @concat_table(%a: tensor<2x3x!x>, %b: tensor<2x1x!x>) -> tensor<2x4x!x> {
  %c = qsim.concat %a, %b {axis = 1 : i64} : (tensor<2x3x!x>, tensor<2x1x!x>) -> tensor<2x4x!x>
  %t = qsim.table %c {table = dense<[-128, -121, -114, -107, -100, -93, -86, -79, -72, -65, -58, -51, -44, -37, -30, -23, -16, -9, -2, 5, 12, 19, 26, 33, 40, 47, 54, 61, 68, 75, 82, 89, 96, 103, 110, 117, 124, -125, -118, -111, -104, -97, -90, -83, -76, -69, -62, -55, -48, -41, -34, -27, -20, -13, -6, 1, 8, 15, 22, 29, 36, 43, 50, 57, 64, 71, 78, 85, 92, 99, 106, 113, 120, 127, -122, -115, -108, -101, -94, -87, -80, -73, -66, -59, -52, -45, -38, -31, -24, -17, -10, -3, 4, 11, 18, 25, 32, 39, 46, 53, 60, 67, 74, 81, 88, 95, 102, 109, 116, 123, -126, -119, -112, -105, -98, -91, -84, -77, -70, -63, -56, -49, -42, -35, -28, -21, -14, -7, 0, 7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 105, 112, 119, 126, -123, -116, -109, -102, -95, -88, -81, -74, -67, -60, -53, -46, -39, -32, -25, -18, -11, -4, 3, 10, 17, 24, 31, 38, 45, 52, 59, 66, 73, 80, 87, 94, 101, 108, 115, 122, -127, -120, -113, -106, -99, -92, -85, -78, -71, -64, -57, -50, -43, -36, -29, -22, -15, -8, -1, 6, 13, 20, 27, 34, 41, 48, 55, 62, 69, 76, 83, 90, 97, 104, 111, 118, 125, -124, -117, -110, -103, -96, -89, -82, -75, -68, -61, -54, -47, -40, -33, -26, -19, -12, -5, 2, 9, 16, 23, 30, 37, 44, 51, 58, 65, 72, 79, 86, 93, 100, 107, 114, 121]> : tensor<256xi32>} : tensor<2x4x!x> -> tensor<2x4x!x>
  return %t : tensor<2x4x!x>
}

// -----

// Tests that reshapes and transposes of quantized values move their
// storage: the collapse and expand cancel, the transpose is TOSA's, and the
// transpose's init is gone.
// CHECK-LABEL: func.func @data_movement
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2x3xi8>) -> tensor<3x?x2xi8>
//   CHECK-NOT:   tensor.empty
//       CHECK:   %[[T:.+]] = tosa.transpose %[[X]] {perms = array<i32: 2, 0, 1>} : (tensor<?x2x3xi8>) -> tensor<3x?x2xi8>
//       CHECK:   return %[[T]]
!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @data_movement(%x: tensor<?x2x3x!x>) -> tensor<3x?x2x!x> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x3x!x>
  %f = tensor.collapse_shape %x [[0, 1], [2]] : tensor<?x2x3x!x> into tensor<?x3x!x>
  %e = tensor.expand_shape %f [[0, 1], [2]] output_shape [%n, 2, 3] : tensor<?x3x!x> into tensor<?x2x3x!x>
  %init = tensor.empty(%n) : tensor<3x?x2x!x>
  %t = linalg.transpose ins(%e : tensor<?x2x3x!x>) outs(%init : tensor<3x?x2x!x>) permutation = [2, 0, 1]
  return %t : tensor<3x?x2x!x>
}

// -----

// Tests that float code is left alone: no TOSA, no change.
// CHECK-LABEL: func.func @float_only
//  CHECK-NEXT:   arith.addf
//  CHECK-NEXT:   return
func.func @float_only(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = arith.addf %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
