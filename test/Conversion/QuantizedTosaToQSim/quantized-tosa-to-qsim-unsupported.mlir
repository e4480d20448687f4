// RUN: qsim-opt %s --split-input-file --convert-quantized-tosa-to-qsim -verify-diagnostics | FileCheck %s

// Each case is an integer TOSA op that the import cannot compute with
// qsim's ops: it stays TOSA, which qsim's lowering computes as upstream's
// tosa-to-linalg does, and a remark at the op says why. Nothing else in
// the function changes.

// CHECK-LABEL: func.func @rescale_scale16
//   CHECK-NOT:   qsim.
//       CHECK:   tosa.rescale
func.func @rescale_scale16(%x: tensor<4xi8>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<16384> : tensor<1xi16>}> : () -> tensor<1xi16>
  %s = "tosa.const"() <{values = dense<14> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its scale32 = false (16-bit multipliers) has no qsim form}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = false} : (tensor<4xi8>, tensor<1xi16>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @rescale_inexact(%x: tensor<4xi8>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its rounding mode is neither SINGLE_ROUND nor DOUBLE_ROUND}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = INEXACT_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @rescale_unsigned_output(%x: tensor<4xi8>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: it reads or writes unsigned storage}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = true, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @rescale_dynamic_zero_point(%x: tensor<4xi8>, %zp: tensor<1xi8>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its zero points are not constants}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @rescale_dynamic_pairs(%x: tensor<4xi8>, %m: tensor<1xi32>) -> tensor<4xi8> {
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its multipliers and shifts are not constants}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// The specification's shift range is [2, 62].
func.func @rescale_shift_out_of_range(%x: tensor<4xi8>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<1> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its pair (1073741824, 1) is invalid: shift 1 is outside TOSA's [2, 62]}}
  %y = tosa.rescale %x, %m, %s, %zp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// Shift 20 takes values in [-2^19, 2^19 - 1]: an i32 input may hold more.
func.func @rescale_narrow_range(%x: tensor<4xi32>) -> tensor<4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<20> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its shift 20 takes values in [-524288, 524287] only, narrower than its input type, which qsim requires of every input value}}
  %y = tosa.rescale %x, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

func.func @rescale_i48(%x: tensor<4xi48>) -> tensor<4xi16> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<40> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi48>}> : () -> tensor<1xi48>
  %ozp = "tosa.const"() <{values = dense<0> : tensor<1xi16>}> : () -> tensor<1xi16>
  // expected-remark @+1 {{stays TOSA: its input and result are not i8, i16 or i32 tensors}}
  %y = tosa.rescale %x, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi48>, tensor<1xi32>, tensor<1xi8>, tensor<1xi48>, tensor<1xi16>) -> tensor<4xi16>
  return %y : tensor<4xi16>
}

// -----

// A 16-bit activation accumulates in int48.
func.func @conv_i16_input(%x: tensor<1x2x2x1xi16>) -> tensor<1x2x2x1xi48> {
  %w = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8>
  %b = "tosa.const"() <{values = dense<0> : tensor<1xi48>}> : () -> tensor<1xi48>
  %xzp = "tosa.const"() <{values = dense<0> : tensor<1xi16>}> : () -> tensor<1xi16>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: it does not multiply i8 by i8 into i32 (qsim accumulates 8-bit products in int32)}}
  %acc = tosa.conv2d %x, %w, %b, %xzp, %wzp {acc_type = i48, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi16>, tensor<1x1x1x1xi8>, tensor<1xi48>, tensor<1xi16>, tensor<1xi8>) -> tensor<1x2x2x1xi48>
  return %acc : tensor<1x2x2x1xi48>
}

// -----

// The layer stays TOSA, and so the rescale after it is rewritten alone.
// CHECK-LABEL: func.func @conv_weights_not_constant
//       CHECK:   tosa.conv2d
//       CHECK:   qsim.requantize
func.func @conv_weights_not_constant(%x: tensor<1x2x2x1xi8>, %w: tensor<1x1x1x1xi8>) -> tensor<1x2x2x1xi8> {
  %b = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its weights are not a constant}}
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x1xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<40> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %y = tosa.rescale %acc, %m, %s, %izp, %zp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x2x2x1xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x1xi8>
  return %y : tensor<1x2x2x1xi8>
}

// -----

func.func @conv_bias_not_constant(%x: tensor<1x2x2x1xi8>, %b: tensor<1xi32>) -> tensor<1x2x2x1xi32> {
  %w = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its bias is not a constant i32 tensor}}
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x1xi32>
  return %acc : tensor<1x2x2x1xi32>
}

// -----

func.func @conv_zero_point_not_constant(%x: tensor<1x2x2x1xi8>, %zp: tensor<1xi8>) -> tensor<1x2x2x1xi32> {
  %w = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8>
  %b = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  // expected-remark @+1 {{stays TOSA: its zero points are not constants}}
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x1xi32>
  return %acc : tensor<1x2x2x1xi32>
}

// -----

func.func @conv_dynamic_height(%x: tensor<1x?x2x1xi8>) -> tensor<1x?x2x1xi32> {
  %w = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8>
  %b = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: a size other than the batch is dynamic}}
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x?x2x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x?x2x1xi32>
  return %acc : tensor<1x?x2x1xi32>
}

// -----

func.func @matmul_batches_differ(%a: tensor<2x3x2xi8>) -> tensor<2x3x1xi32> {
  %b = "tosa.const"() <{values = dense<[[[3], [-4]], [[3], [4]]]> : tensor<2x2x1xi8>}> : () -> tensor<2x2x1xi8>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its batches have different weight matrices}}
  %acc = tosa.matmul %a, %b, %zp, %zp : (tensor<2x3x2xi8>, tensor<2x2x1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<2x3x1xi32>
  return %acc : tensor<2x3x1xi32>
}

// -----

func.func @matmul_dynamic_width(%a: tensor<1x3x?xi8>, %b: tensor<1x?x2xi8>) -> tensor<1x3x2xi32> {
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its weights are not a constant}}
  %acc = tosa.matmul %a, %b, %zp, %zp : (tensor<1x3x?xi8>, tensor<1x?x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x2xi32>
  return %acc : tensor<1x3x2xi32>
}

// -----

// qsim.clamp rounds its bounds through float32, which does not hold every
// int32.
func.func @clamp_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-remark @+1 {{stays TOSA: it clamps neither i8 nor i16 values}}
  %y = tosa.clamp %x {max_val = 2147483647 : i32, min_val = 0 : i32} : (tensor<4xi32>) -> tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

func.func @max_pool_dynamic_width(%x: tensor<1x2x?x1xi8>) -> tensor<1x1x?x1xi8> {
  // expected-remark @+1 {{stays TOSA: a size other than the batch is dynamic}}
  %y = tosa.max_pool2d %x {kernel = array<i64: 2, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 1>} : (tensor<1x2x?x1xi8>) -> tensor<1x1x?x1xi8>
  return %y : tensor<1x1x?x1xi8>
}

// -----

// Float TOSA is convert-tosa-to-qsim's: the import says nothing of it.
// CHECK-LABEL: func.func @float_ops
//   CHECK-NOT:   qsim.
func.func @float_ops(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32> {
  %c = tosa.clamp %x {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %y = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

// TOSA's verifier does not compare the input's channels with the weights'.
func.func @conv_channels_differ(%x: tensor<1x2x2x3xi8>) -> tensor<1x2x2x2xi32> {
  %w = "tosa.const"() <{values = dense<1> : tensor<2x1x1x1xi8>}> : () -> tensor<2x1x1x1xi8>
  %b = "tosa.const"() <{values = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its weights do not match its input and result channels}}
  %acc = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xi8>, tensor<2x1x1x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  return %acc : tensor<1x2x2x2xi32>
}

// -----

// An average pool whose window sum can pass int32 (5000 x 5000 taps of
// up to 128), and one whose zero point is not a constant.
// CHECK-LABEL: func.func @avg_pool
//   CHECK-NOT:   qsim.
//       CHECK:   tosa.avg_pool2d
//       CHECK:   tosa.avg_pool2d
func.func @avg_pool(%x: tensor<1x5000x5000x1xi8>, %v: tensor<1x4x4x1xi8>, %z: tensor<1xi8>) -> (tensor<1x1x1x1xi8>, tensor<1x2x2x1xi8>) {
  %zp = "tosa.const"() <{values = dense<-1> : tensor<1xi8>}> : () -> tensor<1xi8>
  // expected-remark @+1 {{stays TOSA: its window sum can pass int32, which TOSA requires of the values and qsim of the types}}
  %y = tosa.avg_pool2d %x, %zp, %zp {acc_type = i32, kernel = array<i64: 5000, 5000>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5000x5000x1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x1x1xi8>
  // expected-remark @+1 {{stays TOSA: its zero points are not constants}}
  %w = tosa.avg_pool2d %v, %z, %zp {acc_type = i32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x1xi8>
  return %y, %w : tensor<1x1x1x1xi8>, tensor<1x2x2x1xi8>
}
