// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// Tests that relu requires a quantized tensor.
func.func @relu_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qsim.relu' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xf32>'}}
  %0 = qsim.relu %x : tensor<4xf32>
  return
}

// -----

// Tests that relu keeps its type.
func.func @relu_type_change(%x: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) {
  // expected-error @+1 {{'qsim.relu' op requires the same type for all operands and results}}
  %0 = "qsim.relu"(%x) : (tensor<4x!quant.uniform<u8:f32, 0.04:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:11>>
  return
}

// -----

// Tests that relu checks per-axis counts.
func.func @relu_axis_count(%x: tensor<2x3x!quant.uniform<u8:f32:1, {0.1:1, 0.2:2}>>) {
  // expected-error @+1 {{'qsim.relu' op expects the operand #0 to have 3 scales on axis 1, got 2}}
  %0 = qsim.relu %x : tensor<2x3x!quant.uniform<u8:f32:1, {0.1:1, 0.2:2}>>
  return
}

// -----

// Tests that clamp requires min <= max.
func.func @clamp_order(%x: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) {
  // expected-error @+1 {{'qsim.clamp' op expects min <= max, got min = 6.000000e+00 : f64 and max = 0.000000e+00 : f64}}
  %0 = qsim.clamp %x {min = 6.0, max = 0.0} : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that clamp rejects NaN bounds.
func.func @clamp_nan(%x: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) {
  // expected-error @+1 {{'qsim.clamp' op expects non-NaN clamp bounds}}
  %0 = qsim.clamp %x {min = 0.0, max = 0x7FF8000000000000 : f64} : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that clamp requires both bounds.
func.func @clamp_missing_bound(%x: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) {
  // expected-error @+1 {{'qsim.clamp' op requires attribute 'max'}}
  %0 = qsim.clamp %x {min = 0.0} : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// -----

// Tests that clamp rejects a non-quantized tensor.
func.func @clamp_integer(%x: tensor<4xi8>) {
  // expected-error @+1 {{'qsim.clamp' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<4xi8>'}}
  %0 = qsim.clamp %x {min = 0.0, max = 6.0} : tensor<4xi8>
  return
}
