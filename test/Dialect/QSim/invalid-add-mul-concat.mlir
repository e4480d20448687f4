// RUN: qsim-opt %s -split-input-file -verify-diagnostics

!u8 = !quant.uniform<u8:f32, 0.02:128>
!i8 = !quant.uniform<i8:f32, 0.05:-3>

// Tests that add requires quantized operands.
func.func @add_integer_operand(%a: tensor<4xi8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xi8>'}}
  %0 = qsim.add %a, %b : (tensor<4xi8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add requires types expressed in f32.
func.func @add_f16_expressed(%a: tensor<4x!u8>, %b: tensor<4x!quant.uniform<u8:f16, 0.5>>) {
  // expected-error @+1 {{'qsim.add' op expects the operand #1 type to be expressed in f32, got 'f16'}}
  %0 = qsim.add %a, %b : (tensor<4x!u8>, tensor<4x!quant.uniform<u8:f16, 0.5>>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add rejects a per-axis operand.
func.func @add_per_axis(%a: tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2x2x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects a per-tensor quantized lhs, got one quantized on axis 0}}
  %0 = qsim.add %a, %b : (tensor<2x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2x2x!u8>) -> tensor<2x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that mul rejects a per-axis result.
func.func @mul_per_axis_result(%a: tensor<2x2x!u8>) {
  // expected-error @+1 {{'qsim.mul' op expects a per-tensor quantized result, got one quantized on axis 1}}
  %0 = qsim.mul %a, %a : (tensor<2x2x!u8>, tensor<2x2x!u8>) -> tensor<2x2x!quant.uniform<u8:f32:1, {0.1, 0.2}>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add rejects storage wider than 16 bits.
func.func @add_wide_storage(%a: tensor<4x!u8>, %b: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.add' op expects rhs storage of 2 to 16 bits, got 32}}
  %0 = qsim.add %a, %b : (tensor<4x!u8>, tensor<4x!quant.uniform<i32:f32, 0.001>>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add rejects shapes that do not broadcast.
func.func @add_incompatible(%a: tensor<2x3x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects broadcast-compatible operand shapes, got 2x3 and 4}}
  %0 = qsim.add %a, %b : (tensor<2x3x!u8>, tensor<4x!u8>) -> tensor<2x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that a dynamic dimension needs a dynamic or unit partner.
func.func @mul_dynamic_against_static(%a: tensor<?x3x!u8>, %b: tensor<2x3x!u8>) {
  // expected-error @+1 {{'qsim.mul' op expects a dynamic dimension only where both operands have it or the other has size 1, got ?x3 and 2x3}}
  %0 = qsim.mul %a, %b : (tensor<?x3x!u8>, tensor<2x3x!u8>) -> tensor<?x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that the result has the broadcast shape.
func.func @add_result_shape(%a: tensor<2x3x!u8>, %b: tensor<3x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects a result of shape 2x3 (the broadcast of 2x3 and 3), got 3}}
  %0 = qsim.add %a, %b : (tensor<2x3x!u8>, tensor<3x!u8>) -> tensor<3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that a broadcast dimension that is dynamic stays dynamic in the
// result.
func.func @mul_result_dynamic(%a: tensor<?x3x!u8>, %b: tensor<3x!u8>) {
  // expected-error @+1 {{'qsim.mul' op expects a result of shape ?x3 (the broadcast of ?x3 and 3), got 2x3}}
  %0 = qsim.mul %a, %b : (tensor<?x3x!u8>, tensor<3x!u8>) -> tensor<2x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add's clamp bounds lie in the result storage range.
func.func @add_clamp_range(%a: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects clamp bounds within the result storage range [-128, 127], got [-129, 127]}}
  %0 = qsim.add %a, %a {clamp_min = -129 : i64} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that mul's clamp bounds lie in a narrow result storage range.
func.func @mul_clamp_narrow_range(%a: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.mul' op expects clamp bounds within the result storage range [-127, 127], got [-127, 128]}}
  %0 = qsim.mul %a, %a {clamp_max = 128 : i64} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that clamp_min <= clamp_max.
func.func @mul_clamp_order(%a: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.mul' op expects clamp_min <= clamp_max, got [20, 10]}}
  %0 = qsim.mul %a, %a {clamp_min = 20 : i64, clamp_max = 10 : i64} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that concat needs at least one input.
func.func @concat_no_input() {
  // expected-error @+1 {{'qsim.concat' op expects at least one input}}
  %0 = qsim.concat {axis = 0 : i64} : () -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that concat needs its axis.
func.func @concat_no_axis(%a: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.concat' op requires attribute 'axis'}}
  %0 = qsim.concat %a : (tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that concat rejects a per-axis input.
func.func @concat_per_axis(%a: tensor<2x2x!u8>, %b: tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qsim.concat' op expects a per-tensor quantized input #1, got one quantized on axis 1}}
  %0 = qsim.concat %a, %b {axis = 0 : i64} : (tensor<2x2x!u8>, tensor<2x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<4x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that concat rejects storage wider than 16 bits.
func.func @concat_wide_storage(%a: tensor<2x!quant.uniform<i32:f32, 0.001>>) {
  // expected-error @+1 {{'qsim.concat' op expects input #0 storage of 2 to 16 bits, got 32}}
  %0 = qsim.concat %a {axis = 0 : i64} : (tensor<2x!quant.uniform<i32:f32, 0.001>>) -> tensor<2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that concat's axis lies within the rank.
func.func @concat_axis_range(%a: tensor<2x2x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects an axis in [0, 2), got 2}}
  %0 = qsim.concat %a {axis = 2 : i64} : (tensor<2x2x!u8>) -> tensor<2x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that a negative axis is rejected.
func.func @concat_negative_axis(%a: tensor<2x2x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects an axis in [0, 2), got -1}}
  %0 = qsim.concat %a {axis = -1 : i64} : (tensor<2x2x!u8>) -> tensor<2x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that every input has the result's rank.
func.func @concat_rank(%a: tensor<2x2x!u8>, %b: tensor<2x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects input #1 of the result's rank 2, got rank 1}}
  %0 = qsim.concat %a, %b {axis = 0 : i64} : (tensor<2x2x!u8>, tensor<2x!u8>) -> tensor<3x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that the sizes on the axis are static.
func.func @concat_dynamic_axis(%a: tensor<?x2x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects a static size on axis 0, got a dynamic one on input #0}}
  %0 = qsim.concat %a {axis = 0 : i64} : (tensor<?x2x!u8>) -> tensor<?x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that the inputs agree with the result off the axis.
func.func @concat_off_axis(%a: tensor<2x3x!u8>, %b: tensor<2x4x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects input #1 to match the result off the axis, got 2x4 and 4x3 on dimension 1}}
  %0 = qsim.concat %a, %b {axis = 0 : i64} : (tensor<2x3x!u8>, tensor<2x4x!u8>) -> tensor<4x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that a dynamic dimension off the axis must be dynamic everywhere.
func.func @concat_off_axis_dynamic(%a: tensor<?x3x!u8>, %b: tensor<2x3x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects input #1 to match the result off the axis, got 2x3 and ?x6 on dimension 0}}
  %0 = qsim.concat %a, %b {axis = 1 : i64} : (tensor<?x3x!u8>, tensor<2x3x!u8>) -> tensor<?x6x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
!i8 = !quant.uniform<i8:f32, 0.05:-3>

// Tests that the result size on the axis is the sum of the inputs'.
func.func @concat_axis_sum(%a: tensor<2x3x!u8>, %b: tensor<3x3x!i8>) {
  // expected-error @+1 {{'qsim.concat' op expects a result size on axis 0 of 5 (the sum of the inputs'), got 4}}
  %0 = qsim.concat %a, %b {axis = 0 : i64} : (tensor<2x3x!u8>, tensor<3x3x!i8>) -> tensor<4x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that sizes on the axis whose sum overflows int64 are rejected.
func.func @concat_axis_overflow(%a: tensor<5000000000000000000x!u8>) {
  // expected-error @+1 {{'qsim.concat' op expects sizes on axis 0 whose sum fits in 64 bits}}
  %0 = qsim.concat %a, %a {axis = 0 : i64} : (tensor<5000000000000000000x!u8>, tensor<5000000000000000000x!u8>) -> tensor<1x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that add takes half_even, TFLite's ADD (tflite_double), TOSA's
// rescale chain (tosa_single, tosa_double), ONNX Runtime's QLinearAdd
// (float32_half_even) or QNNPACK's and XNNPACK's adds and no other mode,
// that tflite_double needs its three pairs and left shift and
// float32_half_even its two ratios and offset, which the other modes
// forbid; mul and concat keep their float64 rounding: a mode they do not
// apply is an error rather than ignored.
func.func @add_other_mode(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op supports the half_even, tflite_double, tosa_single, tosa_double, float32_half_even, qnnpack and xnnpack rounding modes, not tflite_single}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_single>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_tosa_without_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode tosa_double requires 'multiplier' and 'shift'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @add_tosa_two_pairs(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op expects 3 multipliers and shifts (lhs, rhs, result), got 2 and 2}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 11, 11>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @add_tosa_small_shift(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op has an invalid tosa_double add: pair 0: shift 1 is outside TOSA's [2, 62]}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 1, 11, 49>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @add_tosa_negative_multiplier(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op has an invalid tosa_double add: pair 2: multiplier -1 is negative}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824, 1073741824, -1>, shift = array<i32: 11, 11, 49>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

// q - z of an i8 with zero point -3 reaches 130, and apply_scale_32 takes
// values below 2^(shift - 1) = 128 with shift 8.
!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @add_tosa_input_range(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op has an invalid tosa_single add: lhs values in [-125, 130] are outside the [-128, 127] that TOSA's apply_scale_32 takes with shift 8}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 8, 11, 49>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

// The pairs of scales 0.02 and 0.05 (2^20 0.02 / 0.1 = 1717986918 * 2^-13,
// 2^20 0.05 / 0.1 = 2^30 * 2^-11) rescale the lhs's [-125, 130] to
// [-26214400, 27262976] and the rhs's [-131, 124] to [-68681728, 65011712]
// (NumPy); a result shift of 20 takes only [-2^19, 2^19).
!a = !quant.uniform<i8:f32, 0.02:-3>
!b = !quant.uniform<i8:f32, 0.05:3>
func.func @add_tosa_sum_range(%a: tensor<4x!a>, %b: tensor<4x!b>) {
  // expected-error @+1 {{'qsim.add' op has an invalid tosa_double add: the rescaled sum in [-94896128, 92274688] is outside the [-524288, 524287] that TOSA's apply_scale_32 takes with shift 20}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, shift = array<i32: 13, 11, 20>} : (tensor<4x!a>, tensor<4x!b>) -> tensor<4x!a>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @add_tosa_left_shift(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op takes 'left_shift' only with rounding mode tflite_double}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 11, 11, 50>, left_shift = 20} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_tflite_without_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode tflite_double requires 'multiplier', 'shift' and 'left_shift'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_two_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects 3 multipliers and shifts (lhs, rhs, result), got 2 and 3}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>, left_shift = 20} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_bad_pair(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op pair 2: }}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1073741824, -5>, shift = array<i32: 0, 0, -19>, left_shift = 20} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_left_shift_range(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects a left_shift of 0 to 30, got 31}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>, left_shift = 31} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u16 = !quant.uniform<u16:f32, 0.02:0>
func.func @add_left_shift_overflow(%a: tensor<4x!u16>, %b: tensor<4x!u16>) {
  // expected-error @+1 {{'qsim.add' op expects (q - z) << left_shift to fit in int32, but 65535 << 20 does not}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>, left_shift = 20} : (tensor<4x!u16>, tensor<4x!u16>) -> tensor<4x!u16>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_half_even_with_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op takes 'left_shift' only with rounding mode tflite_double}}
  %0 = qsim.add %a, %b {left_shift = 20} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_float32_without_ratios(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode float32_half_even requires 'float_multiplier' and 'float_offset'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 0.5>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_float32_one_ratio(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects 2 'float_multiplier' values (lhs, rhs), got 1}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5>, float_offset = 3.0 : f32} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_float32_zero_ratio(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects each 'float_multiplier' to be a positive normal f32, got 0}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 0.0>, float_offset = 3.0 : f32} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_float32_infinite_offset(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects a finite 'float_offset'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 0.5>, float_offset = 0x7F800000 : f32} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u16 = !quant.uniform<u16:f32, 0.02:0>
func.func @add_float32_wide(%a: tensor<4x!u16>, %b: tensor<4x!u16>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode float32_half_even expects storage of at most 8 bits, as ONNX Runtime's QLinearAdd kernel takes}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 0.5>, float_offset = 3.0 : f32} : (tensor<4x!u16>, tensor<4x!u16>) -> tensor<4x!u16>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_half_even_with_ratios(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op takes 'float_multiplier' and 'float_offset' only with rounding mode float32_half_even}}
  %0 = qsim.add %a, %b {float_offset = 3.0 : f32} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_tflite_with_ratios(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op takes 'float_multiplier' and 'float_offset' only with rounding mode float32_half_even}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 0, 0, -19>, left_shift = 20, float_offset = 3.0 : f32} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_float32_with_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op takes 'multiplier' and 'shift' only with rounding modes tflite_double, tosa_single, tosa_double, qnnpack and xnnpack}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 0.5>, float_offset = 3.0 : f32, shift = array<i32: 21>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_qnnpack_signed(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode qnnpack expects u8 operands and result, as QNNPACK's quint8 add takes}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 21>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_qnnpack_broadcast(%a: tensor<2x4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode qnnpack expects operands of one shape: QNNPACK's add does not broadcast}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 21>} : (tensor<2x4x!u8>, tensor<4x!u8>) -> tensor<2x4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_qnnpack_without_pairs(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode qnnpack requires 'multiplier' and 'shift'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, shift = array<i32: 21>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_qnnpack_two_shifts(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode qnnpack expects 2 multipliers (lhs, rhs) and 1 shift, got 2 and 2}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 21, 21>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_qnnpack_wide_multiplier(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects QNNPACK multipliers in [0, 2^22), got 4194304}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 4194304, 1048576>, shift = array<i32: 21>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
func.func @add_qnnpack_shift_range(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.add' op expects a QNNPACK shift in [13, 31], got 12}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 12>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>
!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_xnnpack_mixed_signedness(%a: tensor<4x!u8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode xnnpack expects 8-bit operands and result of one signedness, as XNNPACK's qs8 and qu8 adds take}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 20>} : (tensor<4x!u8>, tensor<4x!i8>) -> tensor<4x!u8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_xnnpack_without_pairs(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode xnnpack requires 'multiplier' and 'shift'}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 1048576, 1048576>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_xnnpack_three_multipliers(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op with rounding mode xnnpack expects 2 multipliers (lhs, rhs) and 1 shift, got 3 and 1}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 1048576, 1048576, 1>, shift = array<i32: 20>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_xnnpack_wide_multiplier(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op expects XNNPACK multipliers in [0, 2^21], got 2097153}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 2097153, 1048576>, shift = array<i32: 20>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:1>
func.func @add_xnnpack_shift_range(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.add' op expects an XNNPACK shift in [1, 31], got 0}}
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 1048576, 1048576>, shift = array<i32: 0>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

// Tests that mul rounds in float64 or as TOSA's product chain, with one
// pair that TOSA's apply_scale_32 takes for every product.
func.func @mul_fixed_point(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.mul' op supports the half_even, tosa_single and tosa_double rounding modes, not tflite_single}}
  %0 = qsim.mul %a, %b {rounding = #qsim.rounding<tflite_single>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<4x!u8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @mul_tosa_without_pair(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.mul' op with rounding mode tosa_single requires one 'multiplier' and one 'shift'}}
  %0 = qsim.mul %a, %b {rounding = #qsim.rounding<tosa_single>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @mul_half_even_with_pair(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.mul' op takes 'multiplier' and 'shift' only with rounding modes tosa_single and tosa_double}}
  %0 = qsim.mul %a, %b {multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

// The products of two i8 with zero point -3 reach 130 * 130 = 16900 and
// (-125) * 130 = -16250; shift 10 takes only [-512, 511].
!i8 = !quant.uniform<i8:f32, 0.02:-3>
func.func @mul_tosa_range(%a: tensor<4x!i8>, %b: tensor<4x!i8>) {
  // expected-error @+1 {{'qsim.mul' op has an invalid tosa_double product: products in [-16250, 16900] are outside the [-512, 511] that TOSA's apply_scale_32 takes with shift 10}}
  %0 = qsim.mul %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 10>} : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return
}

// -----

// TOSA's int32 product of two 16-bit values can overflow.
!i16 = !quant.uniform<i16:f32, 0.02>
func.func @mul_tosa_wide(%a: tensor<4x!i16>, %b: tensor<4x!i16>) {
  // expected-error @+1 {{'qsim.mul' op has an invalid tosa_single product: TOSA multiplies 8-bit values in int32, not 16-bit ones}}
  %0 = qsim.mul %a, %b {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : (tensor<4x!i16>, tensor<4x!i16>) -> tensor<4x!i16>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:128>

func.func @concat_fixed_point(%a: tensor<4x!u8>, %b: tensor<4x!u8>) {
  // expected-error @+1 {{'qsim.concat' op supports only the half_even rounding mode, not tflite_single}}
  %0 = qsim.concat %a, %b {axis = 0 : i64, rounding = #qsim.rounding<tflite_single>} : (tensor<4x!u8>, tensor<4x!u8>) -> tensor<8x!u8>
  return
}
