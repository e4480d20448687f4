// RUN: qsim-opt %s --qsim-tosa-to-linalg | FileCheck %s
// RUN: qsim-opt %s --qsim-tosa-to-linalg --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPELINE

// Tests that a float TOSA conv2d with a bias and a clamp, on a dynamic batch
// (no TOSA level validation), becomes linalg on tensors with no TOSA left:
// the NHWC/FHWC conv accumulates into the broadcast bias, and the clamp is an
// elementwise generic of arith min/max.
// CHECK-LABEL: func.func @tosa_conv
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x4x4x2xf32>) -> tensor<?x3x3x3xf32>
//   CHECK-NOT:   tosa.
//       CHECK:   %[[W:.+]] = arith.constant dense<5.000000e-01> : tensor<3x2x2x2xf32>
//       CHECK:   %[[BIAS:.+]] = linalg.generic
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nhwc_fhwc
//  CHECK-SAME:     ins(%[[X]], %[[W]] : tensor<?x4x4x2xf32>, tensor<3x2x2x2xf32>)
//  CHECK-SAME:     outs(%[[BIAS]] : tensor<?x3x3x3xf32>)
//       CHECK:   %[[CLAMP:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]] : tensor<?x3x3x3xf32>)
//       CHECK:     arith.minimumf
//       CHECK:     arith.maximumf
//       CHECK:   return %[[CLAMP]]
//   CHECK-NOT:   tosa.

// Tests that the pipeline is upstream's TOSA-to-linalg passes followed by
// tosa-to-arith (with the rescales' apply_scale) and tosa-to-tensor, without
// tosa-validate.
// PIPELINE-NOT: tosa-validate
// PIPELINE: tosa-to-linalg-named{
// PIPELINE: tosa-to-linalg{
// PIPELINE: tosa-to-arith{include-apply-rescale=true
// PIPELINE: tosa-to-tensor
// PIPELINE-NOT: tosa-validate

func.func @tosa_conv(%x: tensor<?x4x4x2xf32>) -> tensor<?x3x3x3xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<3x2x2x2xf32>}> : () -> tensor<3x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<[0.25, -0.5, 1.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x4x4x2xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3x3x3xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<?x3x3x3xf32>) -> tensor<?x3x3x3xf32>
  return %r : tensor<?x3x3x3xf32>
}

// Tests that a tosa.rescale lowers all the way: its tosa.apply_scale
// becomes 64-bit arith (tosa-to-arith with include-apply-rescale), the
// multiply, the rounding and the shift of the specification's
// apply_scale_32.
// CHECK-LABEL: func.func @tosa_rescale
//   CHECK-NOT:   tosa.
//       CHECK:   linalg.generic
//       CHECK:     arith.extsi %{{.+}} : i32 to i64
//       CHECK:     arith.muli %{{.+}} : i64
//       CHECK:     arith.shrsi %{{.+}} : i64
//   CHECK-NOT:   tosa.
func.func @tosa_rescale(%acc: tensor<4xi32>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<33> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zi = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zo = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %zi, %zo {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}
