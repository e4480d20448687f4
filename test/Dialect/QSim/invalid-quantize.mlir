// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// Tests that quantize rejects a float result.
func.func @quantize_float_result(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.quantize' op result #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xf32>'}}
  %0 = qsim.quantize %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests that quantize rejects a non-f32 input.
func.func @quantize_f16_input(%x: tensor<4xf16>) {
  // expected-error @+1 {{'qsim.quantize' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<4xf16>'}}
  %0 = qsim.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that quantize rejects a shape change.
func.func @quantize_shape_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.quantize' op requires the same shape for all operands and results}}
  %0 = qsim.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that a quantized type must be expressed in f32.
func.func @quantize_f16_expressed(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects the result #0 type to be expressed in f32, got 'f16'}}
  %0 = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f16, 0.1>>
  return
}

// -----

// Tests that a per-axis type's axis must exist in the tensor.
func.func @quantize_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects the result #0 to have its quantized axis 1 within its rank 1}}
  %0 = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.1, 0.2}>>
  return
}

// -----

// Tests that a per-axis type has one scale per slice of its axis.
func.func @quantize_axis_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects the result #0 to have 2 scales on axis 0, got 3}}
  %0 = qsim.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>
  return
}

// -----

// Tests that dequantize rejects a non-quantized input.
func.func @dequantize_integer_input(%q: tensor<4xi8>) {
  // expected-error @+1 {{'qsim.dequantize' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xi8>'}}
  %0 = qsim.dequantize %q : tensor<4xi8> -> tensor<4xf32>
  return
}

// -----

// Tests that dequantize checks per-axis counts on its operand.
func.func @dequantize_axis_count(%q: tensor<3x2x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>>) {
  // expected-error @+1 {{'qsim.dequantize' op expects the operand #0 to have 2 scales on axis 1, got 3}}
  %0 = qsim.dequantize %q : tensor<3x2x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>> -> tensor<3x2xf32>
  return
}

// -----

// Tests that dequantize rejects an unranked input.
func.func @dequantize_unranked(%q: tensor<*x!quant.uniform<u8:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.dequantize' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<*x!quant.uniform<u8:f32, 1.000000e-01>>'}}
  %0 = "qsim.dequantize"(%q) : (tensor<*x!quant.uniform<u8:f32, 0.1>>) -> tensor<*xf32>
  return
}

// -----

// Tests that a per-axis type's quantized dimension must be static.
func.func @dynamic_quantized_dim(%x: tensor<?xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects the result #0 to have a static quantized dimension 0}}
  %0 = qsim.quantize %x : tensor<?xf32> -> tensor<?x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

// Tests that elementwise ops keep the exact shape, dynamic dimensions
// included.
func.func @dynamic_to_static(%x: tensor<?xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects identical input and result shapes, got 'tensor<?xf32>' and 'tensor<3x!quant.uniform<i8:f32, 1.000000e-01>>'}}
  %0 = qsim.quantize %x : tensor<?xf32> -> tensor<3x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

// Tests that dequantize keeps the exact shape.
func.func @dequantize_static_to_dynamic(%q: tensor<3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.dequantize' op expects identical input and result shapes}}
  %0 = qsim.dequantize %q : tensor<3x!quant.uniform<i8:f32, 0.1>> -> tensor<?xf32>
  return
}

// -----

// Tests that quantize targets storage of at most 16 bits, where its float32
// clamp is exact.
func.func @quantize_wide_storage(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.quantize' op expects a result storage of at most 16 bits, got 32}}
  %0 = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 1.0>>
  return
}

// -----

// Tests that an unknown scaling is a parse error.
func.func @unknown_scaling(%x: tensor<4xf32>) {
  // expected-error @+2 {{expected ::mlir::qsim::QuantizeScaling to be one of: divide, reciprocal}}
  // expected-error @+1 {{failed to parse QSim_QuantizeScalingAttr parameter 'value'}}
  %0 = qsim.quantize %x {scaling = #qsim.scaling<multiply>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}
