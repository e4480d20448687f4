// RUN: qsim-opt %s -split-input-file -verify-diagnostics

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d requires quantized weights.
func.func @float_weights(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1xf32>) {
  // expected-error @+1 {{'qsim.conv2d' op operand #1 must be ranked tensor of uniform quantized type values, but got 'tensor<1x1x1x1xf32>'}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d requires an NCHW input.
func.func @input_rank(%x: tensor<3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a rank-4 NCHW input, got rank 2}}
  %0 = qsim.conv2d %x, %w : (tensor<3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d requires OIHW weights.
func.func @weight_rank(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects rank-4 OIHW weights, got rank 3}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d requires an NCHW result.
func.func @result_rank(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a rank-4 NCHW result, got rank 2}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d takes two strides.
func.func @stride_count(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects 2 strides, got 3}}
  %0 = qsim.conv2d %x, %w {strides = array<i64: 1, 1, 1>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d takes four padding values.
func.func @padding_count(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects 4 padding values (top, left, bottom, right), got 2}}
  %0 = qsim.conv2d %x, %w {padding = array<i64: 1, 1>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d takes two dilations.
func.func @dilation_count(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects 2 dilations, got 1}}
  %0 = qsim.conv2d %x, %w {dilations = array<i64: 1>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d rejects a zero stride.
func.func @zero_stride(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects positive strides, got [1, 0]}}
  %0 = qsim.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d rejects a negative dilation.
func.func @negative_dilation(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects positive dilations, got [-1, 1]}}
  %0 = qsim.conv2d %x, %w {dilations = array<i64: -1, 1>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d rejects negative padding.
func.func @negative_padding(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects non-negative padding, got [0, -1, 0, 0]}}
  %0 = qsim.conv2d %x, %w {padding = array<i64: 0, -1, 0, 0>} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that conv2d rejects zero groups.
func.func @zero_groups(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a positive number of groups, got 0}}
  %0 = qsim.conv2d %x, %w {groups = 0 : i64} : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that groups must divide the input channels.
func.func @groups_input_channels(%x: tensor<1x4x3x3x!x>, %w: tensor<3x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects groups (3) to divide the input channels (4)}}
  %0 = qsim.conv2d %x, %w {groups = 3 : i64} : (tensor<1x4x3x3x!x>, tensor<3x1x1x1x!w>) -> tensor<1x3x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that groups must divide the output channels.
func.func @groups_output_channels(%x: tensor<1x4x3x3x!x>, %w: tensor<3x2x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects groups (2) to divide the output channels (3)}}
  %0 = qsim.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x3x3x!x>, tensor<3x2x1x1x!w>) -> tensor<1x3x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the weights hold C/groups input channels.
func.func @weight_channels(%x: tensor<1x4x3x3x!x>, %w: tensor<2x4x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects weights with C/groups = 2 input channels, got 4}}
  %0 = qsim.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x3x3x!x>, tensor<2x4x1x1x!w>) -> tensor<1x2x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the result spatial size must follow from strides, padding and
// dilations: (8 + 1 + 1 - 2*(3-1) - 1) / 2 + 1 = 3.
func.func @spatial_size(%x: tensor<1x1x8x8x!x>, %w: tensor<1x1x3x3x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a result of shape 1x1x3x3 from the input, weights, strides, padding and dilations, got 1x1x4x4}}
  %0 = qsim.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 2>}
      : (tensor<1x1x8x8x!x>, tensor<1x1x3x3x!w>) -> tensor<1x1x4x4x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the result's channels must be the weights' output channels.
func.func @output_channels(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a result of shape 1x2x3x3 from the input, weights, strides, padding and dilations, got 1x3x3x3}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>) -> tensor<1x3x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that a dilated kernel larger than the padded input is rejected.
func.func @kernel_too_large(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x3x3x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects the dilated kernel extent (5) to fit in the padded input (3) on spatial dimension 0}}
  %0 = qsim.conv2d %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x1x3x3x!x>, tensor<1x1x3x3x!w>) -> tensor<1x1x1x1x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that only the batch dimension may be dynamic.
func.func @dynamic_spatial(%x: tensor<1x1x?x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects static channel and spatial input dimensions, got 'tensor<1x1x?x3x!quant.uniform<u8:f32, 2.000000e-02:128>>'}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x?x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the bias holds one value per output channel.
func.func @bias_size(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>, %b: tensor<3xi32>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a bias of 2 values (one per output channel), got 3}}
  %0 = qsim.conv2d %x, %w, %b : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>, tensor<3xi32>) -> tensor<1x2x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the bias is i32.
func.func @bias_type(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>, %b: tensor<2xi8>) {
  // expected-error @+1 {{'qsim.conv2d' op operand #2 must be 1D tensor of 32-bit signless integer values, but got 'tensor<2xi8>'}}
  %0 = qsim.conv2d %x, %w, %b : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>, tensor<2xi8>) -> tensor<1x2x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32:1, {0.02, 0.03}>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that the input must be per-tensor quantized.
func.func @per_axis_input(%x: tensor<1x2x3x3x!x>, %w: tensor<1x2x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a per-tensor quantized input, got one quantized on axis 1}}
  %0 = qsim.conv2d %x, %w : (tensor<1x2x3x3x!x>, tensor<1x2x1x1x!w>) -> tensor<1x1x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:1, {0.05}>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that per-axis weights are quantized on the output channels.
func.func @weight_axis(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects per-axis weights quantized on axis 0 (output channels), got axis 1}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>) -> tensor<1x2x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:0, {0.05, 0.1, 0.2}>
!acc = !quant.uniform<i32:f32:1, {0.001, 0.002}>

// Tests that per-axis weights have one scale per output channel.
func.func @weight_scale_count(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects the operand #1 to have 2 scales on axis 0, got 3}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>) -> tensor<1x2x3x3x!acc>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>

// Tests that the accumulator has i32 storage.
func.func @accumulator_storage(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects an accumulator result with full-range i32 storage, got '!quant.uniform<i16:f32, 1.000000e-03>'}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!quant.uniform<i16:f32, 0.001>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>

// Tests that the accumulator has zero point 0.
func.func @accumulator_zero_point(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects accumulator zero points of 0, got 5 for channel 0}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.001:5>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>

// Tests that the accumulator scale is s_x * s_w.
func.func @accumulator_scale(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects accumulator scale s_x * s_w = 1.000000e-03 for channel 0, got 1.001000e-03}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.001001>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>

// Tests that a scale within a relative 1e-6 of s_x * s_w is accepted, so
// hand-written IR may print it rounded.
func.func @accumulator_scale_rounded(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.0010000005>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:0, {0.05, 0.1}>

// Tests that per-axis weights need a per-axis accumulator.
func.func @accumulator_per_tensor(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects a per-axis accumulator result, as the weights are, got '!quant.uniform<i32:f32, 1.000000e-03>'}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 0.001>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:0, {0.05, 0.1}>

// Tests that the accumulator is quantized on the output channel axis.
func.func @accumulator_axis(%x: tensor<1x1x2x2x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects the accumulator quantized on axis 1 (output channels), got axis 2}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x2x2x!x>, tensor<2x1x1x1x!w>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:2, {0.001, 0.002}>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32:0, {0.05, 0.1}>

// Tests the per-channel accumulator scale check.
func.func @accumulator_channel_scale(%x: tensor<1x1x3x3x!x>, %w: tensor<2x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects accumulator scale s_x * s_w = 2.000000e-03 for channel 1, got 1.000000e-03}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<2x1x1x1x!w>) -> tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.001, 0.001}>>
  return
}

// -----

!x = !quant.uniform<i32:f32, 0.02>
!w = !quant.uniform<i8:f32, 0.05>

// Tests that inputs wider than 16 bits are rejected.
func.func @wide_input(%x: tensor<1x1x3x3x!x>, %w: tensor<1x1x1x1x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects input and weight storage of at most 16 bits, got 32 and 8}}
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!x>, tensor<1x1x1x1x!w>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.001>>
  return
}

// -----

!x = !quant.uniform<u8:f32, 0.02:128>
!w = !quant.uniform<i8:f32, 0.05>
!acc = !quant.uniform<i32:f32, 0.001>

// Tests that a dilation whose kernel extent overflows 64 bits is reported,
// not wrapped.
func.func @dilation_overflow(%x: tensor<1x1x4x4x!x>, %w: tensor<1x1x5x5x!w>) {
  // expected-error @+1 {{'qsim.conv2d' op expects sizes, padding and dilations whose extents fit in 64 bits}}
  %0 = qsim.conv2d %x, %w {dilations = array<i64: 4611686018427387904, 1>} : (tensor<1x1x4x4x!x>, tensor<1x1x5x5x!w>) -> tensor<1x1x4x4x!acc>
  return
}
