// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=float32_half_even | FileCheck %s --check-prefix=DIVIDE
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding="mode=float32_half_even float-multiplier=reciprocal" | FileCheck %s --check-prefix=RECIP
// RUN: qsim-opt %s -split-input-file --qsim-set-rounding=mode=float32_half_even --qsim-set-rounding=mode=half_even | FileCheck %s --check-prefix=BACK

// The f32 multiplier of s_in = 6.405920721590519e-4 and s_y =
// 3.428080305457115e-2 (both f32 values), computed here in NumPy float32:
// s_in / s_y = 1.8686613e-02 (ONNX Runtime's order), s_in * (1 / s_y) =
// 1.8686611e-02 (PyTorch's): the two orders round apart.
// DIVIDE-LABEL: func.func @orders
//       DIVIDE:   qsim.requantize %{{.+}} {float_multiplier = array<f32: 0.0186866131>, rounding = #qsim.rounding<float32_half_even>}
// RECIP-LABEL: func.func @orders
//       RECIP:   qsim.requantize %{{.+}} {float_multiplier = array<f32: 0.0186866112>, rounding = #qsim.rounding<float32_half_even>}
// BACK-LABEL: func.func @orders
//       BACK:   qsim.requantize %{{.+}} : tensor<8x
func.func @orders(%acc: tensor<8x!quant.uniform<i32:f32, 6.405920721590519e-4>>) -> tensor<8x!quant.uniform<i8:f32, 3.428080305457115e-2:-3>> {
  %y = qsim.requantize %acc : tensor<8x!quant.uniform<i32:f32, 6.405920721590519e-4>> -> tensor<8x!quant.uniform<i8:f32, 3.428080305457115e-2:-3>>
  return %y : tensor<8x!quant.uniform<i8:f32, 3.428080305457115e-2:-3>>
}

// -----

// One multiplier per channel, collapsed to one when all agree; a fixed-point
// pair set before is replaced, and a clamp_min is kept.
// DIVIDE-LABEL: func.func @per_channel
//       DIVIDE:   qsim.requantize %{{.+}} {clamp_min = 0 : i64, float_multiplier = array<f32: 2.500000e-01, 5.000000e-01>, rounding = #qsim.rounding<float32_half_even>}
//       DIVIDE:   qsim.requantize %{{.+}} {float_multiplier = array<f32: 2.500000e-01>, rounding = #qsim.rounding<float32_half_even>}
func.func @per_channel(%acc: tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>, %same: tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.01}>>) {
  %y = qsim.requantize %acc {clamp_min = 0} : tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<1x2x!quant.uniform<i8:f32, 0.04>>
  %z = qsim.requantize %same {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<1x2x!quant.uniform<i32:f32:1, {0.01, 0.01}>> -> tensor<1x2x!quant.uniform<i8:f32, 0.04>>
  return
}
