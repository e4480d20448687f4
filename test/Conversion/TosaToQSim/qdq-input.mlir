// RUN: qsim-opt %s --convert-tosa-to-qsim | FileCheck %s
// RUN: not qsim-opt %s --convert-tosa-to-qsim="weight-bits=17" 2>&1 | FileCheck %s --check-prefix=WBITS

// Tests tosa.matmul with a batch of 2 and one weight matrix repeated for
// both batches: [2, N, K] is folded to [2N, K] around one qsim.linear.
// Weights [[1], [-0.5]] ([K, F], max 1): 127, -64.
// CHECK-LABEL: func.func @batched_matmul
//   CHECK-DAG:   arith.constant dense<{{\[}}[127, -64]]> : tensor<1x2xi8>
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x3x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>> into tensor<6x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[ACC:.+]] = qsim.linear %[[FLAT]]
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]] output_shape [2, 3, 1]
//   CHECK-NOT:   tosa.matmul
// WBITS: error: convert-tosa-to-qsim: weight-bits must be 2 to 16, got 17
func.func @batched_matmul(%x: tensor<2x3x2xf32>) -> tensor<2x3x1xf32> {
  %q = qsim.quantize %x : tensor<2x3x2xf32> -> tensor<2x3x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
  %d = qsim.dequantize %q : tensor<2x3x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>> -> tensor<2x3x2xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0], [-0.5]], [[1.0], [-0.5]]]> : tensor<2x2x1xf32>}> : () -> tensor<2x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %d, %w, %zp, %zp : (tensor<2x3x2xf32>, tensor<2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x1xf32>
  %mq = qsim.quantize %m : tensor<2x3x1xf32> -> tensor<2x3x1x!quant.uniform<u8:f32, 0.015686274509803921:128>>
  %md = qsim.dequantize %mq : tensor<2x3x1x!quant.uniform<u8:f32, 0.015686274509803921:128>> -> tensor<2x3x1xf32>
  return %md : tensor<2x3x1xf32>
}
