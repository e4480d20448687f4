// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// Tests that requantize requires a quantized input.
func.func @integer_input(%acc: tensor<4xi32>) {
  // expected-error @+1 {{'qsim.requantize' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xi32>'}}
  %0 = qsim.requantize %acc : tensor<4xi32> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that requantize requires a quantized result.
func.func @float_result(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op result #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xf32>'}}
  %0 = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4xf32>
  return
}

// -----

// Tests that requantize keeps the shape.
func.func @shape_mismatch(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op requires the same shape for all operands and results}}
  %0 = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<2x2x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that clamp_min must lie in the output storage range.
func.func @clamp_min_range(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op expects clamp bounds within the result storage range [0, 255], got [-1, 255]}}
  %0 = qsim.requantize %acc {clamp_min = -1} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that clamp_max must lie in a narrow output storage range.
func.func @clamp_max_narrow_range(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op expects clamp bounds within the result storage range [-127, 127], got [-127, 128]}}
  %0 = qsim.requantize %acc {clamp_max = 128} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.04>>
  return
}

// -----

// Tests that clamp_min <= clamp_max.
func.func @clamp_order(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op expects clamp_min <= clamp_max, got [20, 10]}}
  %0 = qsim.requantize %acc {clamp_min = 20, clamp_max = 10} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that a per-axis input and output share their axis.
func.func @axis_mismatch(%acc: tensor<2x2x!quant.uniform<i32:f32:0, {0.001, 0.002}>>) {
  // expected-error @+1 {{'qsim.requantize' op expects per-axis input and result quantized on the same axis, got 0 and 1}}
  %0 = qsim.requantize %acc : tensor<2x2x!quant.uniform<i32:f32:0, {0.001, 0.002}>> -> tensor<2x2x!quant.uniform<u8:f32:1, {0.04:10, 0.05:10}>>
  return
}

// -----

// Tests that a per-axis input has one scale per slice.
func.func @axis_count(%acc: tensor<2x3x!quant.uniform<i32:f32:1, {0.001, 0.002}>>) {
  // expected-error @+1 {{'qsim.requantize' op expects the operand #0 to have 3 scales on axis 1, got 2}}
  %0 = qsim.requantize %acc : tensor<2x3x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<2x3x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that an unknown rounding mode is rejected.
func.func @unknown_rounding(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+2 {{expected ::mlir::qsim::RoundingMode to be one of: half_even}}
  // expected-error @+1 {{failed to parse QSim_RoundingModeAttr parameter 'value'}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<half_up>} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that requantize keeps the exact shape.
func.func @dynamic_to_static(%acc: tensor<?x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.requantize' op expects identical input and result shapes}}
  %0 = qsim.requantize %acc : tensor<?x!quant.uniform<i32:f32, 0.001>> -> tensor<3x!quant.uniform<u8:f32, 0.04:10>>
  return
}
