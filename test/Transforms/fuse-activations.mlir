// RUN: qsim-opt %s -split-input-file --pass-pipeline="builtin.module(func.func(qsim-fuse-activations))" | FileCheck %s

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that a relu after a single-use requantize folds into clamp_min = z_y.
// CHECK-LABEL: func.func @relu
//  CHECK-SAME:   (%[[ACC:.+]]: tensor<4x!quant.uniform<i32:f32, 1.000000e-03>>)
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {clamp_min = 10 : i64} : tensor<4x!quant.uniform<i32:f32, 1.000000e-03>> -> tensor<4x!quant.uniform<u8:f32, 4.000000e-02:10>>
//   CHECK-NOT:   qsim.relu
//       CHECK:   return %[[Y]]
func.func @relu(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.relu %y : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that ReLU6 folds into both bounds: quantize(6) = 6 / 0.04 + 10 = 160.
// CHECK-LABEL: func.func @relu6
//       CHECK:   %[[Y:.+]] = qsim.requantize %{{.+}} {clamp_max = 160 : i64, clamp_min = 10 : i64}
//   CHECK-NOT:   qsim.clamp
//       CHECK:   return %[[Y]]
func.func @relu6(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.clamp %y {min = 0.0, max = 6.0} : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that fusion tightens existing bounds: max(20, 10) and min(100, 160).
// CHECK-LABEL: func.func @tighten_existing_bounds
//       CHECK:   qsim.requantize %{{.+}} {clamp_max = 100 : i64, clamp_min = 20 : i64}
func.func @tighten_existing_bounds(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc {clamp_min = 20, clamp_max = 100} : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.clamp %y {min = 0.0, max = 6.0} : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that a clamp reaching beyond the storage range keeps the type's own
// bounds implicit: quantize(-100) = 0 and quantize(100) = 255.
// CHECK-LABEL: func.func @clamp_wider_than_storage
//       CHECK:   %[[Y:.+]] = qsim.requantize %{{.+}} : tensor<4x
//   CHECK-NOT:   qsim.clamp
//       CHECK:   return %[[Y]]
func.func @clamp_wider_than_storage(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.clamp %y {min = -100.0, max = 100.0} : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that nothing folds when the requantize result has another user,
// which needs the values below zero.
// CHECK-LABEL: func.func @requantize_with_other_user
//       CHECK:   %[[Y:.+]] = qsim.requantize %{{.+}} : tensor<4x
//       CHECK:   %[[R:.+]] = qsim.relu %[[Y]]
//       CHECK:   return %[[R]], %[[Y]]
func.func @requantize_with_other_user(%acc: tensor<4x!acc>) -> (tensor<4x!u8>, tensor<4x!u8>) {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.relu %y : tensor<4x!u8>
  return %r, %y : tensor<4x!u8>, tensor<4x!u8>
}

// -----

!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that a relu whose input is not a requantize stays.
// CHECK-LABEL: func.func @relu_of_argument
//       CHECK:   qsim.relu
func.func @relu_of_argument(%x: tensor<4x!u8>) -> tensor<4x!u8> {
  %r = qsim.relu %x : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32:1, {0.001, 0.002}>
!out = !quant.uniform<u8:f32:1, {0.04:10, 0.04:12}>

// Tests that a per-axis output with differing zero points is left alone:
// one clamp_min cannot express max(y, z[c]).
// CHECK-LABEL: func.func @per_axis_differing_zero_points
//       CHECK:   qsim.requantize %{{.+}} : tensor
//       CHECK:   qsim.relu
func.func @per_axis_differing_zero_points(%acc: tensor<1x2x!acc>) -> tensor<1x2x!out> {
  %y = qsim.requantize %acc : tensor<1x2x!acc> -> tensor<1x2x!out>
  %r = qsim.relu %y : tensor<1x2x!out>
  return %r : tensor<1x2x!out>
}

// -----

!acc = !quant.uniform<i32:f32:1, {0.001, 0.002}>
!out = !quant.uniform<i8:f32:1, {0.04:-5, 0.04:-5}>

// Tests that a per-axis output whose slices share s and z does fold.
// CHECK-LABEL: func.func @per_axis_equal_parameters
//       CHECK:   qsim.requantize %{{.+}} {clamp_min = -5 : i64}
//   CHECK-NOT:   qsim.relu
func.func @per_axis_equal_parameters(%acc: tensor<1x2x!acc>) -> tensor<1x2x!out> {
  %y = qsim.requantize %acc : tensor<1x2x!acc> -> tensor<1x2x!out>
  %r = qsim.relu %y : tensor<1x2x!out>
  return %r : tensor<1x2x!out>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that a relu whose range misses the requantize's range entirely
// (clamp_max 5 < z_y = 10) stays: the fused range would be empty.
// CHECK-LABEL: func.func @empty_fused_range
//       CHECK:   qsim.requantize %{{.+}} {clamp_max = 5 : i64}
//       CHECK:   qsim.relu
func.func @empty_fused_range(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc {clamp_max = 5} : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.relu %y : tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that a chain relu(clamp(requantize)) folds step by step.
// CHECK-LABEL: func.func @chain
//       CHECK:   %[[Y:.+]] = qsim.requantize %{{.+}} {clamp_max = 160 : i64, clamp_min = 10 : i64}
//  CHECK-NEXT:   return %[[Y]]
func.func @chain(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %c = qsim.clamp %y {min = -1.0, max = 6.0} : tensor<4x!u8>
  %r = qsim.relu %c : tensor<4x!u8>
  return %r : tensor<4x!u8>
}
