// RUN: qsim-opt %s --split-input-file --convert-qsim-to-tosa -verify-diagnostics

// Each case is a program TOSA cannot compute as qsim does: the export
// names the op and the reason, and fails before it rewrites anything.

func.func @unsigned_storage(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  // expected-error @+1 {{cannot export to TOSA: the result type has u8 storage; TOSA tensors are signed i8, i16 or i32 (quantize with target=tosa)}}
  %q = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

func.func @quantize_by_division(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  // expected-error @+1 {{cannot export to TOSA: it divides by the scale and TOSA has no division (quantize with target=tosa, which multiplies by the float32 reciprocal)}}
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

func.func @quantize_half_away(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  // expected-error @+1 {{cannot export to TOSA: it rounds ties away from zero and TOSA's CAST rounds them to even}}
  %q = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>, rounding = #qsim.quantize_rounding<half_away>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

func.func @requantize_half_even(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  // expected-error @+1 {{cannot export to TOSA: its rounding is half_even; TOSA's RESCALE rounds as tosa_single or tosa_double (quantize with target=tosa, or run --qsim-set-rounding=mode=tosa_double)}}
  %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

func.func @requantize_tflite(%acc: tensor<4x!quant.uniform<i32:f32, 0.01>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:-3>> {
  // expected-error @+1 {{its rounding is tflite_double; TOSA's RESCALE rounds as tosa_single or tosa_double}}
  %y = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<4x!quant.uniform<i32:f32, 0.01>> -> tensor<4x!quant.uniform<i8:f32, 0.04:-3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.04:-3>>
}

// -----

func.func @requantize_i16_input_zero_point(%x: tensor<4x!quant.uniform<i16:f32, 0.01:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.04>> {
  // expected-error @+1 {{cannot export to TOSA: TOSA's RESCALE only takes an input zero point on i8 inputs}}
  %y = qsim.requantize %x {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : tensor<4x!quant.uniform<i16:f32, 0.01:3>> -> tensor<4x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.04>>
}

// -----

func.func @requantize_i16_output_zero_point(%x: tensor<4x!quant.uniform<i8:f32, 0.01:3>>) -> tensor<4x!quant.uniform<i16:f32, 0.04:5>> {
  // expected-error @+1 {{cannot export to TOSA: TOSA's RESCALE only adds an output zero point on i8 results}}
  %y = qsim.requantize %x {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 32>} : tensor<4x!quant.uniform<i8:f32, 0.01:3>> -> tensor<4x!quant.uniform<i16:f32, 0.04:5>>
  return %y : tensor<4x!quant.uniform<i16:f32, 0.04:5>>
}

// -----

func.func @zero_point_per_channel(%q: tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>>) -> tensor<2x2xf32> {
  // expected-error @+1 {{cannot export to TOSA: the input type has one zero point per channel; TOSA has one per tensor}}
  %x = qsim.dequantize %q : tensor<2x2x!quant.uniform<i8:f32:1, {0.5:1, 0.25:2}>> -> tensor<2x2xf32>
  return %x : tensor<2x2xf32>
}

// -----

func.func @dequantize_i32_zero_point(%q: tensor<4x!quant.uniform<i32:f32, 0.5:1>>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot export to TOSA: an i32 input needs a zero point of 0: TOSA subtracts it in i32}}
  %x = qsim.dequantize %q : tensor<4x!quant.uniform<i32:f32, 0.5:1>> -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @grouped_conv(%x: tensor<1x4x3x3x!x>, %w: tensor<2x2x1x1x!w>) -> tensor<1x2x3x3x!acc> {
  // expected-error @+1 {{cannot export to TOSA: TOSA has no grouped convolution other than depthwise (groups = input channels)}}
  %acc = qsim.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x3x3x!x>, tensor<2x2x1x1x!w>) -> tensor<1x2x3x3x!acc>
  return %acc : tensor<1x2x3x3x!acc>
}

// -----

!x = !quant.uniform<i16:f32, 0.5>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @wide_layer(%x: tensor<2x3x!x>, %w: tensor<4x3x!w>) -> tensor<2x4x!acc> {
  // expected-error @+1 {{cannot export to TOSA: TOSA accumulates in i32 only from i8 inputs and weights}}
  %acc = qsim.linear %x, %w : (tensor<2x3x!x>, tensor<4x3x!w>) -> tensor<2x4x!acc>
  return %acc : tensor<2x4x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 0.5:128>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @unsigned_layer(%x: tensor<2x3x!x>, %w: tensor<4x3x!w>) -> tensor<2x4x!acc> {
  // expected-error @+1 {{cannot export to TOSA: the input type has u8 storage}}
  %acc = qsim.linear %x, %w : (tensor<2x3x!x>, tensor<4x3x!w>) -> tensor<2x4x!acc>
  return %acc : tensor<2x4x!acc>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8:f32:0, {0.25:1, 0.25:2}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.125}>
func.func @weight_zero_points(%x: tensor<2x3x!x>, %w: tensor<2x3x!w>) -> tensor<2x2x!acc> {
  // expected-error @+1 {{cannot export to TOSA: the weights type has one zero point per channel; TOSA has one per tensor}}
  %acc = qsim.linear %x, %w : (tensor<2x3x!x>, tensor<2x3x!w>) -> tensor<2x2x!acc>
  return %acc : tensor<2x2x!acc>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @dilated_pool(%x: tensor<1x1x5x5x!x>) -> tensor<1x1x3x3x!x> {
  // expected-error @+1 {{cannot export to TOSA: TOSA's MAX_POOL2D has no dilation}}
  %y = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : tensor<1x1x5x5x!x> -> tensor<1x1x3x3x!x>
  return %y : tensor<1x1x3x3x!x>
}

// -----

!x = !quant.uniform<i8:f32:1, {0.5, 0.25}>
func.func @clamp_per_channel(%x: tensor<1x2x!x>) -> tensor<1x2x!x> {
  // expected-error @+1 {{cannot export to TOSA: its bounds differ per channel; TOSA's CLAMP has one pair per tensor}}
  %y = qsim.clamp %x {min = 0.0, max = 6.0} : tensor<1x2x!x>
  return %y : tensor<1x2x!x>
}

// -----

!a = !quant.uniform<i8:f32, 0.5:-2>
!b = !quant.uniform<i8:f32, 0.25:1>
func.func @requantizing_concat(%a: tensor<2x3x!a>, %b: tensor<2x1x!b>) -> tensor<2x4x!a> {
  // expected-error @+1 {{cannot export to TOSA: it requantizes an input in float64; TOSA's CONCAT only joins tensors of one type (requantize the inputs first)}}
  %c = qsim.concat %a, %b {axis = 1 : i64} : (tensor<2x3x!a>, tensor<2x1x!b>) -> tensor<2x4x!a>
  return %c : tensor<2x4x!a>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
!y = !quant.uniform<i16:f32, 0.25>
func.func @wide_table(%x: tensor<2x!x>) -> tensor<2x!y> {
  // expected-error @+1 {{cannot export to TOSA: TOSA's TABLE looks up exactly only from i8 to i8 (its i16 form interpolates)}}
  %y = qsim.table %x {table = dense<0> : tensor<256xi32>} : tensor<2x!x> -> tensor<2x!y>
  return %y : tensor<2x!y>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @float64_arithmetic(%a: tensor<4x!x>, %b: tensor<1x1x4x4x!x>) -> (tensor<4x!x>, tensor<4x!x>, tensor<1x1x2x2x!x>) {
  // expected-error @+1 {{cannot export to TOSA: its rounding is half_even; TOSA adds with rescales that round as tosa_single or tosa_double (quantize with target=tosa, or run --qsim-set-rounding=mode=tosa_double)}}
  %s = qsim.add %a, %a : (tensor<4x!x>, tensor<4x!x>) -> tensor<4x!x>
  // expected-error @+1 {{cannot export to TOSA: its rounding is half_even; TOSA multiplies with rescales that round as tosa_single or tosa_double (quantize with target=tosa, or run --qsim-set-rounding=mode=tosa_double)}}
  %p = qsim.mul %a, %a : (tensor<4x!x>, tensor<4x!x>) -> tensor<4x!x>
  // expected-error @+1 {{cannot export to TOSA: it rounds its mean in float64, and TOSA's AVG_POOL2D divides with reciprocal_scale (tosa_single: quantize with target=tosa, or run --qsim-set-rounding=mode=tosa_double)}}
  %m = qsim.avg_pool2d %b {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x4x4x!x> -> tensor<1x1x2x2x!x>
  return %s, %p, %m : tensor<4x!x>, tensor<4x!x>, tensor<1x1x2x2x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @other_tensor_op(%x: tensor<4x!x>) -> tensor<2x!x> {
  // expected-error @+1 {{cannot export to TOSA: TOSA export has no form of 'tensor.extract_slice' on quantized values}}
  %s = tensor.extract_slice %x[0] [2] [1] : tensor<4x!x> to tensor<2x!x>
  return %s : tensor<2x!x>
}

// -----

!x = !quant.uniform<i8:f32, 0.5:-2>
func.func @two_dynamic_sizes(%x: tensor<?x?x3x!x>) -> tensor<?x?x!x> {
  // expected-error @+1 {{cannot export to TOSA: TOSA's RESHAPE infers at most one dynamic size}}
  %f = tensor.collapse_shape %x [[0], [1, 2]] : tensor<?x?x3x!x> into tensor<?x?x!x>
  return %f : tensor<?x?x!x>
}

// -----

// A TOSA add of u8 values, which qsim computes, has no TOSA tensor type;
// a 16-bit one with a zero point has no RESCALE.
!u = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i16:f32, 0.5:4>
func.func @add_storage(%a: tensor<4x!u>, %c: tensor<4x!w>) -> (tensor<4x!u>, tensor<4x!w>) {
  // expected-error @+1 {{cannot export to TOSA: the lhs type has u8 storage; TOSA tensors are signed i8, i16 or i32 (quantize with target=tosa)}}
  %y = qsim.add %a, %a {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 11, 11, 50>} : (tensor<4x!u>, tensor<4x!u>) -> tensor<4x!u>
  // expected-error @+1 {{cannot export to TOSA: the lhs has a zero point on 16-bit storage; TOSA's RESCALE takes zero points only on i8 values}}
  %z = qsim.add %c, %c {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 17, 17, 45>} : (tensor<4x!w>, tensor<4x!w>) -> tensor<4x!w>
  return %y, %z : tensor<4x!u>, tensor<4x!w>
}

// -----

// TOSA's AVG_POOL2D keeps the storage type, and takes zero points on i8
// values only.
!x = !quant.uniform<i8:f32, 0.5:-2>
!y = !quant.uniform<i16:f32, 0.5>
!w = !quant.uniform<i16:f32, 0.5:3>
func.func @avg_pool_storage(%x: tensor<1x1x4x4x!x>, %w: tensor<1x1x4x4x!w>) -> (tensor<1x1x2x2x!y>, tensor<1x1x2x2x!w>) {
  // expected-error @+1 {{cannot export to TOSA: TOSA's AVG_POOL2D keeps the storage type}}
  %y = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x4x4x!x> -> tensor<1x1x2x2x!y>
  // expected-error @+1 {{cannot export to TOSA: TOSA's AVG_POOL2D takes zero points only on i8 values}}
  %z = qsim.avg_pool2d %w {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x4x4x!w> -> tensor<1x1x2x2x!w>
  return %y, %z : tensor<1x1x2x2x!y>, tensor<1x1x2x2x!w>
}
