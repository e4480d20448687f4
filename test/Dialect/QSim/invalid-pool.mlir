// RUN: qsim-opt %s -split-input-file -verify-diagnostics

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that max_pool2d keeps the element type.
func.func @type_change(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects the result element type to equal the input's, got '!quant.uniform<u8:f32, 2.000000e-02:4>' and '!quant.uniform<u8:f32, 2.000000e-02:3>'}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.02:4>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that max_pool2d needs NCHW tensors.
func.func @rank(%x: tensor<4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects rank-4 NCHW input and result, got ranks 2 and 2}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>} : tensor<4x4x!u8> -> tensor<3x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that the kernel has two positive sizes.
func.func @zero_kernel(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects positive kernel sizes, strides and dilations}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 0, 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x5x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests the attribute counts.
func.func @kernel_count(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects 2 kernel sizes, strides and dilations and 4 padding values}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that negative padding is rejected.
func.func @negative_padding(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects non-negative padding, got [0, -1, 0, 0]}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, -1, 0, 0>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that a window may not be all padding.
func.func @padding_too_large(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects padding smaller than the dilated kernel extent (2) on spatial dimension 0, so that no window is all padding}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 2, 0, 0, 0>} : tensor<1x1x4x4x!u8> -> tensor<1x1x5x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that the result shape follows from the attributes: (4 - 2) / 2 + 1.
func.func @result_shape(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects a result of shape 1x1x2x2, got 1x1x3x3}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

// Tests that a per-axis type must be quantized on the channels.
func.func @per_axis_wrong_axis(%x: tensor<1x1x4x4x!quant.uniform<u8:f32:2, {0.1, 0.1, 0.1, 0.1}>>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects a per-axis type quantized on the channels (axis 1), got axis 2}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 1, 1>} : tensor<1x1x4x4x!quant.uniform<u8:f32:2, {0.1, 0.1, 0.1, 0.1}>> -> tensor<1x1x4x4x!quant.uniform<u8:f32:2, {0.1, 0.1, 0.1, 0.1}>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that spatial dimensions are static.
func.func @dynamic(%x: tensor<1x1x?x4x!u8>) {
  // expected-error @+1 {{'qsim.max_pool2d' op expects static channel and spatial input dimensions}}
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x?x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}
