// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tflite_double | FileCheck %s
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=float32_half_even | FileCheck %s --check-prefix=ORT
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding="mode=float32_half_even float-multiplier=reciprocal" | FileCheck %s --check-prefix=TORCH
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=float32_half_even --qsim-set-rounding=mode=half_even | FileCheck %s --check-prefix=BACK
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=xnnpack | FileCheck %s --check-prefix=XNN
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=qnnpack | FileCheck %s --check-prefix=QNN
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tosa_double | FileCheck %s --check-prefix=TOSA
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=tosa_single | FileCheck %s --check-prefix=TOSAS

// TFLite and ONNX Runtime add 16-bit tensors with other kernels, which
// qsim does not model: tflite_double and float32_half_even leave a wider
// add with its float64 arithmetic. TOSA's legalization rescales a 16-bit
// add by 2^15 instead of 2^20: 2^15 * 0.5 / (2 * 0.5) = 2^30 * 2^-16 for
// each input, 2 * 0.5 / (2^15 * 1.0) = 2^30 * 2^-45 for the sum.
// CHECK-LABEL: func.func @wide_add
//       CHECK:   qsim.add %{{.+}}, %{{.+}} : (
// ORT-LABEL: func.func @wide_add
//       ORT:   qsim.add %{{.+}}, %{{.+}} : (
// TOSA-LABEL: func.func @wide_add
//       TOSA:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 16, 16, 45>}
func.func @wide_add(%a: tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<i16:f32, 1.0>> {
  %y = qsim.add %a, %a : (tensor<4x!quant.uniform<i16:f32, 0.5>>, tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<i16:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i16:f32, 1.0>>
}

// -----

// Tests ONNX Runtime's QLinearAdd set-up: r_a = 0.02 / 0.04 = 0.5,
// r_b = 0.05 / 0.04 = 1.25 and F = z_y - (r_a z_a + r_b z_b) =
// 10 - (0.5 * 128 + 1.25 * -3) = -50.25, all exact in f32. PyTorch's add
// (float-multiplier=reciprocal, QNNPACK) takes quint8 operands only: the
// i8 add keeps half_even; half_even takes the parameters away again.
// ORT-LABEL: func.func @exact_ratios
//       ORT:   qsim.add %{{.+}}, %{{.+}} {clamp_min = 10 : i64, float_multiplier = array<f32: 5.000000e-01, 1.250000e+00>, float_offset = -5.025000e+01 : f32, rounding = #qsim.rounding<float32_half_even>}
// TORCH-LABEL: func.func @exact_ratios
//       TORCH:   qsim.add %{{.+}}, %{{.+}} {clamp_min = 10 : i64} : (
// BACK-LABEL: func.func @exact_ratios
//       BACK:   qsim.add %{{.+}}, %{{.+}} {clamp_min = 10 : i64} : (
func.func @exact_ratios(%a: tensor<4x!quant.uniform<u8:f32, 0.02:128>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>> {
  %y = qsim.add %a, %b {clamp_min = 10 : i64} : (tensor<4x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// Tests that F is formed as ONNX Runtime's build forms it, with
// r_a * z_a + r_b * z_b contracted to fma(r_a, z_a, r_b * z_b): with these
// scales (r_a = 1.0914634, r_b = 1.0548781 in f32) that is -48.871964
// (0xC2437CE4), where the two roundings of the uncontracted form give
// -48.87195 (0xC2437CE0). Both were computed in NumPy from the f32 values.
// ORT-LABEL: func.func @contracted_offset
//       ORT:   float_multiplier = array<f32: 1.09146345, 1.05487812>, float_offset = -48.8719635 : f32
!a = !quant.uniform<u8:f32, 0.014039216:218>
!b = !quant.uniform<u8:f32, 0.013568628:17>
!y = !quant.uniform<u8:f32, 0.012862745:207>
func.func @contracted_offset(%a: tensor<4x!a>, %b: tensor<4x!b>) -> tensor<4x!y> {
  %y = qsim.add %a, %b : (tensor<4x!a>, tensor<4x!b>) -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

// Tests PyTorch's QNNPACK add set-up (float-multiplier=reciprocal) on quint8
// operands of one shape: ratios 0.02 / 0.04 = 0.5 and 0.05 / 0.04 = 1.25
// (exact in f32), the larger of exponent 0, so shift = 21 - 0 = 21 and
// multipliers 0.5 * 2^21 = 1048576 and 1.25 * 2^21 = 2621440. ONNX
// Runtime's set-up is the float one, and half_even removes both.
// TORCH-LABEL: func.func @quint8_add
//       TORCH:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1048576, 2621440>, rounding = #qsim.rounding<qnnpack>, shift = array<i32: 21>}
// QNN-LABEL: func.func @quint8_add
//       QNN:   rounding = #qsim.rounding<qnnpack>
// ORT-LABEL: func.func @quint8_add
//       ORT:   rounding = #qsim.rounding<float32_half_even>
// BACK-LABEL: func.func @quint8_add
//       BACK:   qsim.add %{{.+}}, %{{.+}} : (
!a = !quant.uniform<u8:f32, 0.02:128>
!b = !quant.uniform<u8:f32, 0.05:3>
!y = !quant.uniform<u8:f32, 0.04:10>
func.func @quint8_add(%a: tensor<2x4x!a>, %b: tensor<2x4x!b>) -> tensor<2x4x!y> {
  %y = qsim.add %a, %b : (tensor<2x4x!a>, tensor<2x4x!b>) -> tensor<2x4x!y>
  return %y : tensor<2x4x!y>
}

// -----

// QNNPACK adds neither broadcast operands nor ratios outside
// [2^-14, 2^8) (here 0.04 / 0.0001 = 400): both keep half_even under
// PyTorch's set-up.
// TORCH-LABEL: func.func @not_qnnpack
//       TORCH:   qsim.add %{{.+}}, %{{.+}} : (
//       TORCH:   qsim.add %{{.+}}, %{{.+}} : (
func.func @not_qnnpack(%a: tensor<2x4x!quant.uniform<u8:f32, 0.02:128>>, %b: tensor<4x!quant.uniform<u8:f32, 0.05:3>>, %c: tensor<4x!quant.uniform<u8:f32, 0.04>>) -> (tensor<2x4x!quant.uniform<u8:f32, 0.04:10>>, tensor<4x!quant.uniform<u8:f32, 0.0001>>) {
  %y = qsim.add %a, %b : (tensor<2x4x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<2x4x!quant.uniform<u8:f32, 0.04:10>>
  %z = qsim.add %c, %c : (tensor<4x!quant.uniform<u8:f32, 0.04>>, tensor<4x!quant.uniform<u8:f32, 0.04>>) -> tensor<4x!quant.uniform<u8:f32, 0.0001>>
  return %y, %z : tensor<2x4x!quant.uniform<u8:f32, 0.04:10>>, tensor<4x!quant.uniform<u8:f32, 0.0001>>
}

// -----

// Tests XNNPACK's add set-up (mode=xnnpack) on int8: ratios 0.02 / 0.04 =
// 0.5 and 0.05 / 0.04 = 1.25 (exact in f32), the larger of exponent 0, so
// shift = 20 - 0 = 20 and multipliers 0.5 * 2^20 = 524288 and
// 1.25 * 2^20 = 1310720; and that qnnpack and xnnpack, add kernels, leave
// the requantization as it is (qnnpack takes no int8 add).
// TOSA's legalization of the same add: 2^20 * 0.02 / (2 * 0.05) = 0.8 * 2^18
// is 1717986918 * 2^-13, 2^20 * 0.05 / 0.1 = 2^30 * 2^-11 and
// 0.1 / (2^20 * 0.04) = 0.625 * 2^-18 is 1342177280 * 2^-49, in both
// roundings; the requantization takes 0.001 / 0.02 = 0.8 * 2^-4,
// 1717986918 * 2^-35.
// TOSA-LABEL: func.func @int8_add
//       TOSA:   qsim.requantize %{{.+}} {multiplier = array<i32: 1717986918>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 35>}
//       TOSA:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1717986918, 1073741824, 1342177280>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 13, 11, 49>}
// TOSAS-LABEL: func.func @int8_add
//       TOSAS:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1717986918, 1073741824, 1342177280>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 13, 11, 49>}
// XNN-LABEL: func.func @int8_add
//       XNN:   qsim.requantize %{{.+}} : tensor
//       XNN:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 524288, 1310720>, rounding = #qsim.rounding<xnnpack>, shift = array<i32: 20>}
// QNN-LABEL: func.func @int8_add
//       QNN:   qsim.requantize %{{.+}} : tensor
//       QNN:   qsim.add %{{.+}}, %{{.+}} : (
!acc = !quant.uniform<i32:f32, 0.001>
!a = !quant.uniform<i8:f32, 0.02:-3>
!b = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<i8:f32, 0.04:10>
func.func @int8_add(%x: tensor<2x4x!acc>, %b: tensor<4x!b>) -> tensor<2x4x!y> {
  %a = qsim.requantize %x : tensor<2x4x!acc> -> tensor<2x4x!a>
  %y = qsim.add %a, %b : (tensor<2x4x!a>, tensor<4x!b>) -> tensor<2x4x!y>
  return %y : tensor<2x4x!y>
}

// -----

// An add whose result scale is so fine (2S / (2^20 s_y) = 1907.3, shift
// 20) that apply_scale_32 cannot take every rescaled sum has no TOSA form:
// tosa_double leaves it with its float64 arithmetic.
// TOSA-LABEL: func.func @not_tosa
//       TOSA:   qsim.add %{{.+}}, %{{.+}} : (
!x = !quant.uniform<i8:f32, 1.0>
!y = !quant.uniform<i8:f32, 1.0e-9>
func.func @not_tosa(%a: tensor<4x!x>) -> tensor<4x!y> {
  %y = qsim.add %a, %a : (tensor<4x!x>, tensor<4x!x>) -> tensor<4x!y>
  return %y : tensor<4x!y>
}

// -----

// TOSA's AVG_POOL2D rounds once: tosa_double and tosa_single give a pool
// of equal scales without counted padding tosa_single; a rescaling pool
// keeps its float64 mean, half_even gives it back, and the add kernels
// leave pools alone.
// TOSA-LABEL: func.func @pools
//       TOSA:   qsim.avg_pool2d %{{.+}} {kernel = array<i64: 2, 2>, rounding = #qsim.rounding<tosa_single>} : tensor<1x1x4x4x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<1x1x3x3x!quant.uniform<i8:f32, 5.000000e-02:7>>
//       TOSA:   qsim.avg_pool2d %{{.+}} {kernel = array<i64: 2, 2>} :
// TOSAS-LABEL: func.func @pools
//       TOSAS:   rounding = #qsim.rounding<tosa_single>
// XNN-LABEL: func.func @pools
//   XNN-NOT:   rounding
!x = !quant.uniform<i8:f32, 0.05:-3>
!y = !quant.uniform<i8:f32, 0.05:7>
!z = !quant.uniform<i8:f32, 0.1:7>
func.func @pools(%x: tensor<1x1x4x4x!x>) -> (tensor<1x1x3x3x!y>, tensor<1x1x3x3x!z>) {
  %y = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x4x!x> -> tensor<1x1x3x3x!y>
  %z = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>} : tensor<1x1x4x4x!x> -> tensor<1x1x3x3x!z>
  return %y, %z : tensor<1x1x3x3x!y>, tensor<1x1x3x3x!z>
}

// -----

// TOSA's product chain: M = 0.02 * 0.05 / 0.04 = 0.025 = 0.8 * 2^-5, the
// pair (1717986918, 36) in both roundings; half_even takes it away again,
// the add kernels leave products alone, and a 16-bit product (TOSA's int32
// product could overflow) keeps its float64 rounding.
// TOSA-LABEL: func.func @products
//       TOSA:   qsim.mul %{{.+}}, %{{.+}} {multiplier = array<i32: 1717986918>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 36>}
//       TOSA:   qsim.mul %{{.+}}, %{{.+}} : (
// TOSAS-LABEL: func.func @products
//       TOSAS:   rounding = #qsim.rounding<tosa_single>
// BACK-LABEL: func.func @products
//   BACK-NOT:   rounding
// XNN-LABEL: func.func @products
//   XNN-NOT:   rounding
!a = !quant.uniform<i8:f32, 0.02:-3>
!b = !quant.uniform<i8:f32, 0.05:3>
!y = !quant.uniform<i8:f32, 0.04:10>
!w = !quant.uniform<i16:f32, 0.5>
func.func @products(%a: tensor<4x!a>, %b: tensor<4x!b>, %w: tensor<4x!w>) -> (tensor<4x!y>, tensor<4x!w>) {
  %y = qsim.mul %a, %b : (tensor<4x!a>, tensor<4x!b>) -> tensor<4x!y>
  %z = qsim.mul %w, %w : (tensor<4x!w>, tensor<4x!w>) -> tensor<4x!w>
  return %y, %z : tensor<4x!y>, tensor<4x!w>
}
