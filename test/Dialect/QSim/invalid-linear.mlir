// RUN: qsim-opt %s -split-input-file -verify-diagnostics

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that linear requires a quantized input.
func.func @float_input(%x: tensor<2x4xf32>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op operand #0 must be ranked tensor of uniform quantized type values, but got 'tensor<2x4xf32>'}}
  %0 = qsim.linear %x, %w : (tensor<2x4xf32>, tensor<3x4x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that linear requires an [N, K] input.
func.func @input_rank(%x: tensor<2x4x1x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects a rank-2 [N, K] input, got rank 3}}
  %0 = qsim.linear %x, %w : (tensor<2x4x1x!x>, tensor<3x4x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that linear requires [F, K] weights.
func.func @weight_rank(%x: tensor<2x4x!x>, %w: tensor<12x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects rank-2 [F, K] weights, got rank 1}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<12x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that linear requires an [N, F] result.
func.func @result_rank(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects a rank-2 [N, F] result, got rank 1}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x4x!w>) -> tensor<6x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that input and weights agree on K.
func.func @k_mismatch(%x: tensor<2x4x!x>, %w: tensor<3x5x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects weights with K = 4 columns, got 5}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x5x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the result is [N, F].
func.func @result_shape(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects a result of shape 2x3, got 2x4}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x4x!w>) -> tensor<2x4x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that K must be static.
func.func @dynamic_k(%x: tensor<2x?x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects static K and F dimensions}}
  %0 = qsim.linear %x, %w : (tensor<2x?x!x>, tensor<3x4x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the bias holds F values.
func.func @bias_size(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'qsim.linear' op expects a bias of 3 values (one per output channel), got 4}}
  %0 = qsim.linear %x, %w, %b : (tensor<2x4x!x>, tensor<3x4x!w>, tensor<4xi32>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32:1, {0.05, 0.05, 0.05, 0.05}>
!w = !quant.uniform<i8:f32, 0.02>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the input must be per-tensor quantized.
func.func @per_axis_input(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects a per-tensor quantized input, got one quantized on axis 1}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x4x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32:1, {0.02, 0.02, 0.02, 0.02}>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that per-axis weights are quantized on axis 0.
func.func @weight_axis(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects per-axis weights quantized on axis 0 (output channels), got axis 1}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x4x!w>) -> tensor<2x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32:0, {0.02, 0.04, 0.06}>

// Tests that a per-axis accumulator of linear is on axis 1.
func.func @accumulator_axis(%x: tensor<3x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects the accumulator quantized on axis 1 (output channels), got axis 0}}
  %0 = qsim.linear %x, %w : (tensor<3x4x!x>, tensor<3x4x!w>) -> tensor<3x3x!quant.uniform<i32:f32:0, {0.001, 0.002, 0.003}>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32:0, {0.02, 0.04, 0.06}>

// Tests the accumulator scales of linear.
func.func @accumulator_scale(%x: tensor<2x4x!x>, %w: tensor<3x4x!w>) {
  // expected-error @+1 {{'qsim.linear' op expects accumulator scale s_x * s_w = 3.000000e-03 for channel 2, got 3.100000e-03}}
  %0 = qsim.linear %x, %w : (tensor<2x4x!x>, tensor<3x4x!w>) -> tensor<2x3x!quant.uniform<i32:f32:1, {0.001, 0.002, 0.0031}>>
  return
}
