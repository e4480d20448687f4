// RUN: qsim-opt %s -split-input-file --convert-linalg-to-qsim | FileCheck %s
// RUN: qsim-opt %s -split-input-file --convert-linalg-to-qsim="weight-granularity=per-tensor weight-bits=4" | FileCheck %s --check-prefix=W4
// RUN: not qsim-opt %s -split-input-file --convert-linalg-to-qsim="weight-granularity=per-row" 2>&1 | FileCheck %s --check-prefix=GRAN
// RUN: not qsim-opt %s -split-input-file --convert-linalg-to-qsim="weight-scheme=odd" 2>&1 | FileCheck %s --check-prefix=SCHEME
// RUN: not qsim-opt %s -split-input-file --convert-linalg-to-qsim="weight-bits=1" 2>&1 | FileCheck %s --check-prefix=WBITS

// Tests the conversion alone on a model whose ranges are already
// quantize/dequantize pairs, as an imported QDQ model has them: the matmul
// between the dequantize of its input and the quantize of its output
// becomes qsim.linear and qsim.requantize to that output type. Weights
// [[1, -0.5]] (max 1, s = 2/255): 127, -63.75 -> -64; per tensor at 4 bits
// s = 2/15: 7.5 -> 8 clamped to 7, -3.75 -> -4.
// CHECK-LABEL: func.func @qdq_matmul
//   CHECK-DAG:   arith.constant dense<{{\[}}[127, -64]]> : tensor<1x2xi8>
//       CHECK:   %[[ACC:.+]] = qsim.linear %[[Q:.+]], %{{.+}} : (tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {{.+}} -> tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>>
//       CHECK:   qsim.dequantize %[[Y]]
//   CHECK-NOT:   linalg.matmul
// W4: arith.constant dense<{{\[}}[7, -4]]> : tensor<1x2xi4>
// GRAN: error: convert-linalg-to-qsim: weight-granularity must be per-channel or per-tensor, got 'per-row'
// SCHEME: error: convert-linalg-to-qsim: weight-scheme must be symmetric or asymmetric, got 'odd'
// WBITS: error: convert-linalg-to-qsim: weight-bits must be 2 to 16, got 1
func.func @qdq_matmul(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %q = qsim.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
  %d = qsim.dequantize %q : tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>> -> tensor<4x2xf32>
  %w = arith.constant dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  %m = linalg.matmul ins(%d, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %mq = qsim.quantize %m : tensor<4x1xf32> -> tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>>
  %md = qsim.dequantize %mq : tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>> -> tensor<4x1xf32>
  return %md : tensor<4x1xf32>
}

// -----

// Tests that a layer whose input has no range stays float: there is nothing
// to dequantize, so the conversion leaves the matmul and its output pair
// alone (the cleanup then drops the unused pair).
// CHECK-LABEL: func.func @no_input_range
//       CHECK:   linalg.matmul
//   CHECK-NOT:   qsim.
func.func @no_input_range(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %mq = qsim.quantize %m : tensor<4x1xf32> -> tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>>
  %md = qsim.dequantize %mq : tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>> -> tensor<4x1xf32>
  return %md : tensor<4x1xf32>
}

// -----

// Tests that weights an imported QDQ model dequantized keep the model's own
// scales and zero points (qsim.quantized_as on the constant), so its
// integers come back: [K, F] weights quantized along F with scales 0.5 and
// 0.1 are [[2, 3], [-1, 6]], read as [F, K] [[2, -1], [3, 6]], whatever the
// quantizer's own choice (127 for each channel's largest weight) would be.
// CHECK-LABEL: func.func @quantized_as_per_axis
//   CHECK-DAG:   arith.constant dense<{{\[}}[2, -1], [3, 6]]> : tensor<2x2xi8>
//       CHECK:   quant.scast {{.+}} to tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,1.000000e-01}>>
// W4-LABEL: func.func @quantized_as_per_axis
//       W4:   arith.constant dense<{{\[}}[2, -1], [3, 6]]> : tensor<2x2xi8>
func.func @quantized_as_per_axis(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %q = qsim.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
  %d = qsim.dequantize %q : tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>> -> tensor<4x2xf32>
  %w = arith.constant {qsim.quantized_as = !quant.uniform<i8:f32:1, {0.5, 0.1}>} dense<[[1.0, 0.3], [-0.5, 0.6]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%d, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %mq = qsim.quantize %m : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32, 0.015686274509803921:128>>
  %md = qsim.dequantize %mq : tensor<4x2x!quant.uniform<u8:f32, 0.015686274509803921:128>> -> tensor<4x2xf32>
  return %md : tensor<4x2xf32>
}

// -----

// Tests that a per-axis type along the reduction dimension (not the output
// channel) is not the layer's quantization: the quantizer chooses its own.
// CHECK-LABEL: func.func @quantized_as_wrong_axis
//   CHECK-DAG:   arith.constant dense<{{\[}}[127, -64]]> : tensor<1x2xi8>
func.func @quantized_as_wrong_axis(%x: tensor<4x2xf32>) -> tensor<4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %q = qsim.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
  %d = qsim.dequantize %q : tensor<4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>> -> tensor<4x2xf32>
  %w = arith.constant {qsim.quantized_as = !quant.uniform<i8:f32:0, {0.5, 0.1}>} dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %e = tensor.empty() : tensor<4x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x1xf32>) -> tensor<4x1xf32>
  %m = linalg.matmul ins(%d, %w : tensor<4x2xf32>, tensor<2x1xf32>) outs(%f : tensor<4x1xf32>) -> tensor<4x1xf32>
  %mq = qsim.quantize %m : tensor<4x1xf32> -> tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>>
  %md = qsim.dequantize %mq : tensor<4x1x!quant.uniform<u8:f32, 0.015686274509803921:128>> -> tensor<4x1xf32>
  return %md : tensor<4x1xf32>
}
