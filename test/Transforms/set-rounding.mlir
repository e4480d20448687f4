// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tflite_double | FileCheck %s --check-prefix=TFLD
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tflite_single | FileCheck %s --check-prefix=TFLS
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tosa_single | FileCheck %s --check-prefix=TOSAS
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tosa_double | FileCheck %s --check-prefix=TOSAD
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tflite_double --qsim-set-rounding=mode=half_even | FileCheck %s --check-prefix=BACK

// The pairs are TFLite's QuantizeMultiplier and TOSA's scale32 encoding of
// M = s_in / s_y, computed here by hand: M = 0.25 = 0.5 * 2^-1 is the Q31
// mantissa 2^30 with TFLite exponent -1 and TOSA right shift 31 + 1 = 32.

// TFLD-LABEL: func.func @per_tensor
//       TFLD:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -1>}
// TFLS-LABEL: func.func @per_tensor
//       TFLS:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_single>, shift = array<i32: -1>}
// TOSAS-LABEL: func.func @per_tensor
//       TOSAS:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 32>}
// TOSAD-LABEL: func.func @per_tensor
//       TOSAD:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 32>}
// BACK-LABEL: func.func @per_tensor
//       BACK:   qsim.requantize %{{.+}} : tensor<8x
func.func @per_tensor(%acc: tensor<8x!quant.uniform<i32:f32, 0.01>>) -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>> {
  %y = qsim.requantize %acc : tensor<8x!quant.uniform<i32:f32, 0.01>> -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
  return %y : tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
}

// -----

// One pair per channel: M = 0.04 and 0.08 (0.64 * 2^-4 and 0.64 * 2^-3;
// round(0.64 * 2^31) = 1374389535). A clamp_min is kept.
// TFLD-LABEL: func.func @per_channel
//       TFLD:   qsim.requantize %{{.+}} {clamp_min = 0 : i64, multiplier = array<i32: 1374389535, 1374389535>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -4, -3>}
// TOSAS-LABEL: func.func @per_channel
//       TOSAS:   qsim.requantize %{{.+}} {clamp_min = 0 : i64, multiplier = array<i32: 1374389535, 1374389535>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 35, 34>}
// BACK-LABEL: func.func @per_channel
//       BACK:   qsim.requantize %{{.+}} {clamp_min = 0 : i64} : tensor<1x2x2x2x
func.func @per_channel(%acc: tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05>> {
  %y = qsim.requantize %acc {clamp_min = 0} : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05>>
}

// -----

// The edges of the encodings: M = 1e-12 (0.5498 * 2^-39) is below TFLite's
// 2^-31, flushed to 0; TOSA moves the shift of 70 down to 62 and shifts the
// multiplier right by 8 (round(0.5498 * 2^31) >> 8 = 4611686). M = 3 =
// 0.75 * 2^2 is TFLite exponent 2 and TOSA shift 29, on an i8 input (a
// value range TOSA takes with that shift).
// TFLD-LABEL: func.func @edges
//       TFLD:   qsim.requantize %{{.+}} {multiplier = array<i32: 0>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: 0>}
//       TFLD:   qsim.requantize %{{.+}} {multiplier = array<i32: 1610612736>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: 2>}
// TOSAD-LABEL: func.func @edges
//       TOSAD:   qsim.requantize %{{.+}} {multiplier = array<i32: 4611686>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 62>}
//       TOSAD:   qsim.requantize %{{.+}} {multiplier = array<i32: 1610612736>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 29>}
func.func @edges(%acc: tensor<4x!quant.uniform<i32:f32, 1.0e-12>>, %x: tensor<4x!quant.uniform<i8:f32, 3.0:1>>) {
  %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 1.0e-12>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  %z = qsim.requantize %x : tensor<4x!quant.uniform<i8:f32, 3.0:1>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// The pairs survive the Conv+ReLU fusion.
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tflite_single --qsim-fuse-activations | FileCheck %s --check-prefix=FUSED
// FUSED-LABEL: func.func @fused
//       FUSED:   qsim.requantize %{{.+}} {clamp_min = 10 : i64, multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_single>, shift = array<i32: -1>}
//  FUSED-NOT:   qsim.relu
func.func @fused(%acc: tensor<8x!quant.uniform<i32:f32, 0.01>>) -> tensor<8x!quant.uniform<u8:f32, 0.04:10>> {
  %y = qsim.requantize %acc : tensor<8x!quant.uniform<i32:f32, 0.01>> -> tensor<8x!quant.uniform<u8:f32, 0.04:10>>
  %r = qsim.relu %y : tensor<8x!quant.uniform<u8:f32, 0.04:10>>
  return %r : tensor<8x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// tflite_double gives an 8-bit add TFLite's ADD arithmetic, the pairs its
// Prepare computes: 2S = 2 * max(0.5, 0.25) = 1, so the inputs' ratios are
// 0.5 (2^30, exponent 0) and 0.25 (2^30, -1) and the output's
// 1 / (2^20 * 1) = 2^-20 (2^30, -19), with left_shift 20. The other modes
// leave an add alone, and half_even gives back its float64 arithmetic.
// TFLD-LABEL: func.func @add
//       TFLD:   qsim.add %{{.+}}, %{{.+}} {left_shift = 20 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: 0, -1, -19>}
// TFLS-LABEL: func.func @add
//       TFLS:   qsim.add %{{.+}}, %{{.+}} : (
// TOSAS-LABEL: func.func @add
//       TOSAS:   qsim.add %{{.+}}, %{{.+}} : (
// BACK-LABEL: func.func @add
//       BACK:   qsim.add %{{.+}}, %{{.+}} : (
func.func @add(%a: tensor<4x!quant.uniform<i8:f32, 0.5:1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:3>> {
  %y = qsim.add %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.5:1>>, tensor<4x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<4x!quant.uniform<i8:f32, 1.0:3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 1.0:3>>
}

// -----

// TFLite's Prepare reads its tensors' f32 scales: with 0.02, 0.05 and 0.04,
// which f32 does not hold exactly, the ratios f32(0.02) / 2 f32(0.05),
// 1/2 and 2 f32(0.05) / (2^20 f32(0.04)) encode (NumPy, frexp and
// round half away) to 1717986854 * 2^-33, 2^30 * 2^-31 and
// 1342177330 * 2^-49. The float64 scales would give 1717986918 and
// 1342177280.
// TFLD-LABEL: func.func @add_f32_scales
//       TFLD:   qsim.add %{{.+}}, %{{.+}} {left_shift = 20 : i64, multiplier = array<i32: 1717986854, 1073741824, 1342177330>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -2, 0, -18>}
func.func @add_f32_scales(%a: tensor<4x!quant.uniform<i8:f32, 0.02:1>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:3>> {
  %y = qsim.add %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.02:1>>, tensor<4x!quant.uniform<i8:f32, 0.05:-2>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.04:3>>
}
