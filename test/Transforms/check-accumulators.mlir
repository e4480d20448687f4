// RUN: qsim-opt %s -split-input-file -verify-diagnostics --qsim-check-accumulators
// RUN: sed -e 's/expected-error/expected-warning/' %s | qsim-opt -split-input-file -verify-diagnostics --qsim-check-accumulators="warn-only=true"
// RUN: sed -e '/expected-error/d' %s | qsim-opt -split-input-file --qsim-check-accumulators="warn-only=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN --implicit-check-not=error:

// Every bound below is |bias[c]| + sum_k |w[c, k] - z_w[c]| * D with
// D = max |x - z_x| over every code of the input storage; INT32_MAX is
// 2147483647. warn-only reports the same ops at the same lines as warnings
// and succeeds.
// WARN-COUNT-11: warning: {{.*}} accumulator may overflow int32

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests that a per-tensor linear whose bound is exactly INT32_MAX is not
// reported: D = 65535 - 0, sum |w| = 32767 + 1 = 32768, bias 32767:
// 32767 + 32768 * 65535 = 32767 + 2147450880 = 2147483647.
func.func @linear_at_int32_max(%x: tensor<1x2x!x>) -> tensor<1x2x!acc> {
  %wi = arith.constant dense<[[32767, 1], [-1, 2]]> : tensor<2x2xi16>
  %w = quant.scast %wi : tensor<2x2xi16> to tensor<2x2x!w>
  %b = arith.constant dense<[32767, -5]> : tensor<2xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<1x2x!x>, tensor<2x2x!w>, tensor<2xi32>) -> tensor<1x2x!acc>
  return %acc : tensor<1x2x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests that one more unit of bias is reported: |-32768| + 32768 * 65535 =
// 2147483648 in channel 0; channel 1 is |-5| + (1 + 2) * 65535 = 196610.
func.func @linear_past_int32_max(%x: tensor<1x2x!x>) -> tensor<1x2x!acc> {
  %wi = arith.constant dense<[[32767, 1], [-1, 2]]> : tensor<2x2xi16>
  %w = quant.scast %wi : tensor<2x2xi16> to tensor<2x2x!w>
  %b = arith.constant dense<[-32768, -5]> : tensor<2xi32>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2147483648 > 2147483647 in output channel 0, 1 of 2 channels exceed it}}
  %acc = qsim.linear %x, %w, %b : (tensor<1x2x!x>, tensor<2x2x!w>, tensor<2xi32>) -> tensor<1x2x!acc>
  return %acc : tensor<1x2x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 1.0>
!w = !quant.uniform<i8:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests the 8-bit limit with splat weights: u8 input with z_x = 0 (D = 255)
// and every weight -128 give 255 * 128 = 32640 per term, so K = 65793 is
// 2147483520 (not reported) and K = 65794 is 2147516160 (reported).
func.func @splat_u8_i8_largest_k(%x: tensor<1x65793x!x>) -> tensor<1x1x!acc> {
  %wi = arith.constant dense<-128> : tensor<1x65793xi8>
  %w = quant.scast %wi : tensor<1x65793xi8> to tensor<1x65793x!w>
  %acc = qsim.linear %x, %w : (tensor<1x65793x!x>, tensor<1x65793x!w>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

func.func @splat_u8_i8_one_more(%x: tensor<1x65794x!x>) -> tensor<1x1x!acc> {
  %wi = arith.constant dense<-128> : tensor<1x65794xi8>
  %w = quant.scast %wi : tensor<1x65794xi8> to tensor<1x65794x!w>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2147516160 > 2147483647 in output channel 0, 1 of 1 channels exceed it}}
  %acc = qsim.linear %x, %w : (tensor<1x65794x!x>, tensor<1x65794x!w>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0:32768>
!w = !quant.uniform<i16:f32:0, {1.0, 1.0:100}>
!acc = !quant.uniform<i32:f32:1, {1.0, 1.0}>

// Tests per-axis weights with their own zero points on a conv: z_x = 32768
// gives D = max(65535 - 32768, 32768 - 0) = 32768. Channel 0 (z_w = 0):
// 5 + (32767 + 32767) * 32768 = 2147418117. Channel 1 (z_w = 100):
// 7 + (32868 + 32868) * 32768 = 2154037255, the worst.
func.func @conv_per_axis(%x: tensor<1x1x1x2x!x>) -> tensor<1x2x1x1x!acc> {
  %wi = arith.constant dense<[[[[32767, 32767]]], [[[-32768, -32768]]]]> : tensor<2x1x1x2xi16>
  %w = quant.scast %wi : tensor<2x1x1x2xi16> to tensor<2x1x1x2x!w>
  %b = arith.constant dense<[5, -7]> : tensor<2xi32>
  // expected-error @+1 {{'qsim.conv2d' accumulator may overflow int32: bound 2154037255 > 2147483647 in output channel 1, 1 of 2 channels exceed it}}
  %acc = qsim.conv2d %x, %w, %b : (tensor<1x1x1x2x!x>, tensor<2x1x1x2x!w>, tensor<2xi32>) -> tensor<1x2x1x1x!acc>
  return %acc : tensor<1x2x1x1x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<u8:f32:0, {1.0, 1.0:128, 1.0:255}>
!acc = !quant.uniform<i32:f32:1, {1.0, 1.0, 1.0}>

// Tests splat per-axis unsigned weights: the i8 bit pattern -1 is the u8
// code 255, K = 4 * 6 * 6 = 144 and D = 65535. Channel 0: 144 * 255 * 65535
// = 2406445200; channel 1: 144 * 127 * 65535 = 1198504080; channel 2: 0.
func.func @conv_per_axis_splat_unsigned(%x: tensor<1x4x8x8x!x>) -> tensor<1x3x3x3x!acc> {
  %wi = arith.constant dense<-1> : tensor<3x4x6x6xi8>
  %w = quant.scast %wi : tensor<3x4x6x6xi8> to tensor<3x4x6x6x!w>
  // expected-error @+1 {{'qsim.conv2d' accumulator may overflow int32: bound 2406445200 > 2147483647 in output channel 0, 1 of 3 channels exceed it}}
  %acc = qsim.conv2d %x, %w : (tensor<1x4x8x8x!x>, tensor<3x4x6x6x!w>) -> tensor<1x3x3x3x!acc>
  return %acc : tensor<1x3x3x3x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests a per-tensor depthwise conv with padding: K = C/groups * 3 * 3 = 9
// (padded taps add 0), D = 65535. Channel 0: 9 * 4000 * 65535 = 2359260000;
// channel 1: 9 * 1 * 65535 = 589815.
func.func @conv_depthwise(%x: tensor<1x2x4x4x!x>) -> tensor<1x2x4x4x!acc> {
  %wi = arith.constant dense<[[[[4000, 4000, 4000], [4000, -4000, 4000], [4000, 4000, 4000]]], [[[1, 1, 1], [1, 1, 1], [1, 1, -1]]]]> : tensor<2x1x3x3xi16>
  %w = quant.scast %wi : tensor<2x1x3x3xi16> to tensor<2x1x3x3x!w>
  // expected-error @+1 {{'qsim.conv2d' accumulator may overflow int32: bound 2359260000 > 2147483647 in output channel 0, 1 of 2 channels exceed it}}
  %acc = qsim.conv2d %x, %w {groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4x!x>, tensor<2x1x3x3x!w>) -> tensor<1x2x4x4x!acc>
  return %acc : tensor<1x2x4x4x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests that weights that are not a constant are bounded by their storage
// range: |w - 0| <= 32768 for i16, D = 255, so K = 257 gives
// 257 * 32768 * 255 = 2147450880 (not reported) and K = 258 gives
// 2155806720 in both channels.
func.func @weights_argument_fits(%x: tensor<1x257x!x>, %w: tensor<2x257x!w>) -> tensor<1x2x!acc> {
  %acc = qsim.linear %x, %w : (tensor<1x257x!x>, tensor<2x257x!w>) -> tensor<1x2x!acc>
  return %acc : tensor<1x2x!acc>
}

func.func @weights_argument_overflows(%x: tensor<1x258x!x>, %w: tensor<2x258x!w>) -> tensor<1x2x!acc> {
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2155806720 > 2147483647 in output channel 0, 2 of 2 channels exceed it; weights not constant, bounded by their storage range}}
  %acc = qsim.linear %x, %w : (tensor<1x258x!x>, tensor<2x258x!w>) -> tensor<1x2x!acc>
  return %acc : tensor<1x2x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 1.0>
!w = !quant.uniform<i8:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests that a bias that is not a constant counts as |INT32_MIN| = 2^31:
// 2147483648 + |3| * 255 = 2147484413.
func.func @bias_argument(%x: tensor<1x1x!x>, %b: tensor<1xi32>) -> tensor<1x1x!acc> {
  %wi = arith.constant dense<3> : tensor<1x1xi8>
  %w = quant.scast %wi : tensor<1x1xi8> to tensor<1x1x!w>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2147484413 > 2147483647 in output channel 0, 1 of 1 channels exceed it; bias not constant, bounded by 2^31}}
  %acc = qsim.linear %x, %w, %b : (tensor<1x1x!x>, tensor<1x1x!w>, tensor<1xi32>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests a bound above 2^64, which int64 and uint64 arithmetic would wrap:
// K = 2^34 weights that are not constant, 2^34 * 32768 * 65535 =
// 36892925197465681920 (2^64 = 18446744073709551616).
func.func @bound_above_2_pow_64(%x: tensor<1x17179869184x!x>, %w: tensor<1x17179869184x!w>) -> tensor<1x1x!acc> {
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 36892925197465681920 > 2147483647 in output channel 0, 1 of 1 channels exceed it; weights not constant, bounded by their storage range}}
  %acc = qsim.linear %x, %w : (tensor<1x17179869184x!x>, tensor<1x17179869184x!w>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

// -----

!x = !quant.uniform<u16:f32, 1.0>
!w8 = !quant.uniform<u8:f32:0, {1.0, 1.0:255}>
!w16 = !quant.uniform<u16:f32, 1.0>
!w4 = !quant.uniform<i4:f32, 1.0:3>
!acc2 = !quant.uniform<i32:f32:1, {1.0, 1.0}>
!acc = !quant.uniform<i32:f32, 1.0>

// Tests that dense unsigned storage is read as unsigned and narrow storage
// with its sign; D = 65535 in each. u8: both rows are 128 codes 255 (the
// bit pattern 0xff) and one 254, so channel 0 (z_w = 0) is
// (128 * 255 + 254) * 65535 = 2155708290 and channel 1 (z_w = 255) is
// 1 * 65535.
func.func @dense_u8(%x: tensor<1x129x!x>) -> tensor<1x2x!acc2> {
  %wi = arith.constant dense<"0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"> : tensor<2x129xi8>
  %w = quant.scast %wi : tensor<2x129xi8> to tensor<2x129x!w8>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2155708290 > 2147483647 in output channel 0, 1 of 2 channels exceed it}}
  %acc = qsim.linear %x, %w : (tensor<1x129x!x>, tensor<2x129x!w8>) -> tensor<1x2x!acc2>
  return %acc : tensor<1x2x!acc2>
}

// u16: the codes 65535 (bit pattern -1) and 1: (65535 + 1) * 65535 =
// 4294901760.
func.func @dense_u16(%x: tensor<1x2x!x>) -> tensor<1x1x!acc> {
  %wi = arith.constant dense<[[-1, 1]]> : tensor<1x2xi16>
  %w = quant.scast %wi : tensor<1x2xi16> to tensor<1x2x!w16>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 4294901760 > 2147483647 in output channel 0, 1 of 1 channels exceed it}}
  %acc = qsim.linear %x, %w : (tensor<1x2x!x>, tensor<1x2x!w16>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

// i4 with z_w = 3: |-8 - 3| + |7 - 3| = 15, 15 * 65535 = 983025, and the
// bias 2146500623 makes 2147483648.
func.func @dense_i4(%x: tensor<1x2x!x>) -> tensor<1x1x!acc> {
  %wi = arith.constant dense<[[-8, 7]]> : tensor<1x2xi4>
  %w = quant.scast %wi : tensor<1x2xi4> to tensor<1x2x!w4>
  %b = arith.constant dense<2146500623> : tensor<1xi32>
  // expected-error @+1 {{'qsim.linear' accumulator may overflow int32: bound 2147483648 > 2147483647 in output channel 0, 1 of 1 channels exceed it}}
  %acc = qsim.linear %x, %w, %b : (tensor<1x2x!x>, tensor<1x2x!w4>, tensor<1xi32>) -> tensor<1x1x!acc>
  return %acc : tensor<1x1x!acc>
}

// -----

// Tests that a program without qsim ops is accepted as it is.
func.func @no_qsim_ops(%a: tensor<4xi32>) -> tensor<4xi32> {
  %s = arith.addi %a, %a : tensor<4xi32>
  return %s : tensor<4xi32>
}

// -----

// Tests that an empty module is accepted.
module {
}
