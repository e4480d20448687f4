// RUN: qsim-opt %s -split-input-file -verify-diagnostics

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that avg_pool2d needs NCHW tensors.
func.func @rank(%x: tensor<4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects rank-4 NCHW input and result, got ranks 2 and 2}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<4x4x!u8> -> tensor<3x3x!u8>
  return
}

// -----

// Tests that per-axis types are rejected: one mean has one scale.
func.func @per_axis(%x: tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects per-tensor input and result types, got '!quant.uniform<u8:f32:1, {1.000000e-01,2.000000e-01}>' and '!quant.uniform<u8:f32, 1.000000e-01>'}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that storage wider than 16 bits is rejected (the sum could overflow).
func.func @wide_storage(%x: tensor<1x1x4x4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects input and result storage of at most 16 bits, got 32 and 8}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x4x!quant.uniform<i32:f32, 0.1>> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests the attribute counts.
func.func @attribute_count(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects 2 kernel sizes, 2 strides and 4 padding values, got 2, 2 and 2}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that kernel sizes are positive.
func.func @zero_kernel(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects positive kernel sizes, got [2, 0]}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 0>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x5x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that strides are positive.
func.func @zero_stride(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects positive strides, got [0, 1]}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 0, 1>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that negative padding is rejected.
func.func @negative_padding(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects non-negative padding, got [0, 0, -1, 0]}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, -1, 0>} : tensor<1x1x4x4x!u8> -> tensor<1x1x2x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that a window has at most 2^32 taps, so that the sum is exact.
func.func @huge_window(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects a window of at most 2^32 taps, got 65536x65537}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 65536, 65537>} : tensor<1x1x4x4x!u8> -> tensor<1x1x1x1x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that spatial dimensions are static.
func.func @dynamic(%x: tensor<1x1x4x?x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects static channel and spatial input dimensions, got 'tensor<1x1x4x?x!quant.uniform<u8:f32, 2.000000e-02:3>>'}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x?x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that a window may not be all padding (here the right padding of 2
// equals the kernel width).
func.func @padding_too_large(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects padding smaller than the kernel (2) on spatial dimension 1, so that no window is all padding, got [0, 0, 0, 2]}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x5x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that the kernel fits in the padded input.
func.func @kernel_too_large(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects the kernel (5) to fit in the padded input (4) on spatial dimension 0}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 5, 2>} : tensor<1x1x4x4x!u8> -> tensor<1x1x1x3x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that the result shape follows from the attributes:
// (4 + 1 + 0 - 3) / 2 + 1 = 2 rows, (4 - 3) / 2 + 1 = 1 column.
func.func @result_shape(%x: tensor<2x3x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects a result of shape 2x3x2x1, got 2x3x2x2}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>} : tensor<2x3x4x4x!u8> -> tensor<2x3x2x2x!u8>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that the channels are kept.
func.func @channels(%x: tensor<1x3x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects a result of shape 1x3x3x3, got 1x2x3x3}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x3x4x4x!u8> -> tensor<1x2x3x3x!u8>
  return
}

// -----

// Tests that the input type is checked like every quantized operand.
func.func @expressed_type(%x: tensor<1x1x4x4x!quant.uniform<u8:f16, 0.02>>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op expects the operand #0 type to be expressed in f32, got 'f16'}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x4x!quant.uniform<u8:f16, 0.02>> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.02>>
  return
}

// -----

!u8 = !quant.uniform<u8:f32, 0.02:3>

// Tests that avg_pool2d rounds its float64 mean or as TOSA's AVG_POOL2D
// (tosa_single, which rounds once) and takes no other mode.
func.func @fixed_point(%x: tensor<1x1x4x4x!u8>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op supports the half_even and tosa_single (TOSA's AVG_POOL2D) rounding modes, not tosa_double}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, rounding = #qsim.rounding<tosa_double>} : tensor<1x1x4x4x!u8> -> tensor<1x1x3x3x!u8>
  return
}

// -----

// TOSA's AVG_POOL2D keeps the scale; only the zero point may change.
!x = !quant.uniform<i8:f32, 0.05:-3>
!y = !quant.uniform<i8:f32, 0.1:-3>
func.func @tosa_scales(%x: tensor<1x1x4x4x!x>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op with rounding mode tosa_single expects equal input and result scales (TOSA's AVG_POOL2D does not rescale), got 0.05 and 0.1}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x4x4x!x> -> tensor<1x1x3x3x!y>
  return
}

// -----

// TOSA never counts padded taps.
!x = !quant.uniform<i8:f32, 0.05:-3>
func.func @tosa_count_pad(%x: tensor<1x1x4x4x!x>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op with rounding mode tosa_single divides by the in-bounds taps, as TOSA's AVG_POOL2D does: count_include_pad needs zero padding}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x4x4x!x> -> tensor<1x1x4x4x!x>
  return
}

// -----

// 5000 x 5000 taps of up to 128 (q - z reaches 127 + 1 for z = -1)
// pass 2^31: TOSA's int32 accumulator would overflow.
!x = !quant.uniform<i8:f32, 0.05:-1>
func.func @tosa_sum_overflow(%x: tensor<1x1x5000x5000x!x>) {
  // expected-error @+1 {{'qsim.avg_pool2d' op with rounding mode tosa_single expects the window sum to fit in TOSA's int32 accumulator, but 5000x5000 taps of up to 128 do not}}
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 5000, 5000>, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x5000x5000x!x> -> tensor<1x1x1x1x!x>
  return
}
