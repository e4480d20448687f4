// RUN: qsim-opt %s -split-input-file -verify-diagnostics --qsim-set-rounding=mode=tosa_single
// RUN: not qsim-opt %s -split-input-file --qsim-set-rounding=mode=round_up 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not qsim-opt %s -split-input-file --qsim-set-rounding 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qsim-opt %s -split-input-file --qsim-set-rounding="mode=float32_half_even float-multiplier=times" 2>&1 | FileCheck %s --check-prefix=ORDER

// UNKNOWN: error: qsim-set-rounding: unknown mode 'round_up' (expected half_even, tflite_double, tflite_single, tosa_single, tosa_double, float32_half_even, qnnpack or xnnpack)
// MISSING: error: qsim-set-rounding: unknown mode '' (expected half_even, tflite_double, tflite_single, tosa_single, tosa_double, float32_half_even, qnnpack or xnnpack)
// ORDER: error: qsim-set-rounding: unknown float-multiplier 'times' (expected divide or reciprocal)

// Tests that a multiplier TOSA's 32-bit rescale cannot hold is an error at
// the op: M = 3e9 needs a shift of -1.
func.func @too_large(%acc: tensor<4x!quant.uniform<i32:f32, 3.0>>) {
  // expected-error @+1 {{'qsim.requantize' op cannot take rounding mode tosa_single for channel 0: the multiplier 3.000000e+09 is too large for TOSA's 32-bit rescale (at most 2^31)}}
  %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 3.0>> -> tensor<4x!quant.uniform<i8:f32, 1.0e-9>>
  return
}

// -----

// Tests that a pair the verifier rejects is an error: M = 0.75 is TOSA
// shift 31, which takes values in [-2^30, 2^30 - 1], not every int32.
func.func @value_range(%acc: tensor<4x!quant.uniform<i32:f32, 0.75>>) {
  // expected-error @+1 {{'qsim.requantize' op has input values in [-2147483648, 2147483647], outside the [-1073741824, 1073741823] that TOSA's apply_scale_32 takes with shift 31 (channel 0)}}
  %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.75>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}
