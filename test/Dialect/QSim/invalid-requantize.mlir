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

// -----

// Tests that a fixed-point rounding mode requires its multiplier and shift.
func.func @fixed_point_without_pair(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op with rounding mode tflite_double requires both 'multiplier' and 'shift'}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that half_even takes no multiplier or shift: they would be ignored.
func.func @half_even_with_pair(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op takes 'multiplier' and 'shift' only with a fixed-point rounding mode, not half_even}}
  %0 = qsim.requantize %acc {multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that the pairs are one or one per channel.
func.func @pair_count(%acc: tensor<2x3x!quant.uniform<i32:f32:1, {0.01, 0.02, 0.03}>>) {
  // expected-error @+1 {{'qsim.requantize' op expects 'shift' to have 1 or 3 entries (one per channel), got 2}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tflite_single>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: -1, 0>} : tensor<2x3x!quant.uniform<i32:f32:1, {0.01, 0.02, 0.03}>> -> tensor<2x3x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that a multiplier is not negative.
func.func @negative_multiplier(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op has an invalid tflite_double pair for channel 0: multiplier -5 is negative}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: -5>, shift = array<i32: 0>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests TFLite's shift range, per channel.
func.func @tflite_shift(%acc: tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>) {
  // expected-error @+1 {{'qsim.requantize' op has an invalid tflite_single pair for channel 1: shift 31 is outside TFLite's [-31, 30]}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tflite_single>, multiplier = array<i32: 1073741824>, shift = array<i32: 0, 31>} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests TOSA's shift range (2 to 62).
func.func @tosa_shift(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op has an invalid tosa_double pair for channel 0: shift 63 is outside TOSA's [2, 62]}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 63>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests TOSA's input range: with shift 20, apply_scale_32 takes values in
// [-2^19, 2^19 - 1], which an i32 accumulator exceeds.
func.func @tosa_value_range(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op has input values in [-2147483648, 2147483647], outside the [-524288, 524287] that TOSA's apply_scale_32 takes with shift 20 (channel 0)}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824>, shift = array<i32: 20>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that the fixed-point input q - z_in fits in int32.
func.func @i32_input_zero_point(%x: tensor<4x!quant.uniform<i32:f32, 0.01:5>>) {
  // expected-error @+1 {{'qsim.requantize' op with a fixed-point rounding mode expects a zero input zero point for 32-bit storage, so that q - z_in is an int32}}
  %0 = qsim.requantize %x {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 0>} : tensor<4x!quant.uniform<i32:f32, 0.01:5>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that an unknown rounding mode is a parse error.
func.func @unknown_mode(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+2 {{expected ::mlir::qsim::RoundingMode to be one of: half_even, tflite_double, tflite_single, tosa_single, tosa_double, float32_half_even}}
  // expected-error @+1 {{failed to parse QSim_RoundingModeAttr parameter 'value'}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<half_up>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that float32_half_even needs its f32 multipliers.
func.func @float32_without_multiplier(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op with rounding mode float32_half_even requires 'float_multiplier'}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that float32_half_even takes no fixed-point pair.
func.func @float32_with_pair(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op takes 'multiplier' and 'shift' only with a fixed-point rounding mode, not float32_half_even}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.25>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that the other modes forbid float_multiplier.
func.func @half_even_with_float_multiplier(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op takes 'float_multiplier' only with rounding mode float32_half_even, not half_even}}
  %0 = qsim.requantize %acc {float_multiplier = array<f32: 0.25>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that float_multiplier has one entry or one per channel.
func.func @float32_channel_count(%acc: tensor<1x3x!quant.uniform<i32:f32:1, {0.01, 0.02, 0.03}>>) {
  // expected-error @+1 {{'qsim.requantize' op expects 'float_multiplier' to have 1 or 3 entries (one per channel), got 2}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.25, 0.5>} : tensor<1x3x!quant.uniform<i32:f32:1, {0.01, 0.02, 0.03}>> -> tensor<1x3x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// Tests that each f32 multiplier is a positive normal float: zero, a
// negative, a subnormal, an infinity and NaN are each rejected.
func.func @float32_zero(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op expects each 'float_multiplier' to be a positive normal f32, got 0.000000e+00 at index 0}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.0>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

func.func @float32_negative(%acc: tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>) {
  // expected-error @+1 {{'qsim.requantize' op expects each 'float_multiplier' to be a positive normal f32, got -2.500000e-01 at index 1}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, -0.25>} : tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<1x2x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

func.func @float32_subnormal(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op expects each 'float_multiplier' to be a positive normal f32, got 1.000000e-39 at index 0}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 1.0e-39>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

func.func @float32_infinite(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op expects each 'float_multiplier' to be a positive normal f32, got INF at index 0}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0x7F800000>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

func.func @float32_nan(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op expects each 'float_multiplier' to be a positive normal f32, got nan at index 0}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0x7FC00000>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}

// -----

// qnnpack and xnnpack are qsim.add's modes: those kernels' requantizations
// are float32_half_even and not modelled.
func.func @qnnpack(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) {
  // expected-error @+1 {{'qsim.requantize' op does not take rounding mode qnnpack, which is qsim.add's}}
  %0 = qsim.requantize %acc {rounding = #qsim.rounding<qnnpack>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return
}
