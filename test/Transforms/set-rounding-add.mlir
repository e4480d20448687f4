// RUN: qsim-opt %s --qsim-set-rounding=mode=tflite_double | FileCheck %s

// TFLite adds 16-bit tensors with another kernel, which qsim does not
// model: tflite_double leaves a wider add with its float64 arithmetic.
// CHECK-LABEL: func.func @wide_add
//       CHECK:   qsim.add %{{.+}}, %{{.+}} : (
func.func @wide_add(%a: tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<i16:f32, 1.0>> {
  %y = qsim.add %a, %a : (tensor<4x!quant.uniform<i16:f32, 0.5>>, tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<i16:f32, 1.0>>
  return %y : tensor<4x!quant.uniform<i16:f32, 1.0>>
}
