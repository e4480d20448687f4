// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/quantize-tosa.stats.json" | FileCheck %s

// Tests a TOSA conv2d (NHWC input, OHWI weights, bias operand, pad
// [top, bottom, left, right]) with a ReLU6 clamp: the quantized input is
// transposed to NCHW, the weights to OIHW, the padding to
// [top, left, bottom, right], and the result back to NHWC. Weights (hand
// computed, symmetric per channel): o0 and o1 have max |w| = 1 (s = 2/255);
// o2 has max |w| = float32(0.4) (0.4 / s = 127.5 -> 128 -> clamped 127).
// CHECK-LABEL: func.func @tosa_conv
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x4x4x2xf32>) -> tensor<?x4x4x3xf32>
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[64], [16]], {{\[}}[-32], [127]]], [{{\[}}[-64], [32]], {{\[}}[96], [-127]]], [{{\[}}[96], [-32]], {{\[}}[64], [127]]]]> : tensor<3x2x2x1xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %[[X]] : tensor<?x4x4x2xf32> -> tensor<?x4x4x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[NCHW:.+]] = linalg.transpose ins(%[[XQ]] : {{.+}}) outs(%{{.+}} : tensor<?x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607:128>>) permutation = [0, 3, 1, 2]
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[NCHW]], %{{.+}}, %{{.+}} {padding = array<i64: 1, 0, 0, 0>}
//  CHECK-SAME:     -> tensor<?x3x4x4x!quant.uniform<i32:f32:1, {6.1514801999231058E-5,6.1514801999231058E-5,2.4605921166349219E-5}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   %[[C:.+]] = qsim.clamp %[[Y]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
//       CHECK:   %[[NHWC:.+]] = linalg.transpose ins(%[[C]] : {{.+}}) outs(%{{.+}} : tensor<?x4x4x3x!quant.uniform<u8:f32, 0.0078431372549019607>>) permutation = [0, 2, 3, 1]
//       CHECK:   %[[D:.+]] = qsim.dequantize %[[NHWC]]
//       CHECK:   return %[[D]]
//   CHECK-NOT:   tosa.
func.func @tosa_conv(%x: tensor<?x4x4x2xf32>) -> tensor<?x4x4x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5, -0.25]], [[0.125, 1.0]]], [[[-0.5, 0.75]], [[0.25, -1.0]]], [[[0.3, 0.2]], [[-0.1, 0.4]]]]> : tensor<3x2x1x2xf32>}> : () -> tensor<3x2x1x2xf32>
  %b = "tosa.const"() <{values = dense<[0.0, 0.1, -0.1]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x4x4x2xf32>, tensor<3x2x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x3xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  return %r : tensor<?x4x4x3xf32>
}

// -----

// Tests a TOSA depthwise conv2d ([KH, KW, C, M] weights become
// [C * M, 1, KH, KW] with groups = C) with a ReLU (clamp to the float
// maximum); an all-zero bias is no bias. Channel 0 holds [1.0, -0.5]
// (s = 2/255: 127, -64), channel 1 [0.5, 2.0] (s = 4/255: 32, 127).
// CHECK-LABEL: func.func @tosa_depthwise
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[127, -64]]], [{{\[}}[32, 127]]]]> : tensor<2x1x1x2xi8>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %{{[^,]+}}, %{{[^,]+}} {groups = 2 : i64}
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   qsim.relu %[[Y]]
func.func @tosa_depthwise(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [0.5]], [[-0.5], [2.0]]]]> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x2xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %r : tensor<1x3x2x2xf32>
}

// -----

// Tests a TOSA linear layer: tosa.matmul of [1, N, K] with a constant
// [1, K, F], a tosa.add of a [1, 1, F] bias and a ReLU clamp. The quantized
// input drops its batch of one for qsim.linear and the result gets it back.
// B = [[1, 2], [3, 4], [5, 6]] ([K, F]) is [[1, 3, 5], [2, 4, 6]] as
// [F, K]: row 0 max 5 (s = 10/255: 1 -> 25.5 -> 26 (float32 25.500002),
// 3 -> 76.5 -> 76, 5 -> 127.49999 -> 127), row 1 max 6 (s = 12/255:
// 2 -> 42.5 -> 42, 4 -> 85, 6 -> 127.5 -> 128 -> clamped 127).
// CHECK-LABEL: func.func @tosa_matmul
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x?x3xf32>) -> tensor<1x?x2xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<{{\[}}[26, 76, 127], [42, 85, 127]]> : tensor<2x3xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %[[X]]
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %[[XQ]] {{\[}}[0, 1], [2]] : tensor<1x?x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>> into tensor<?x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[ACC:.+]] = qsim.linear %[[FLAT]], %{{.+}}, %{{.+}}
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   %[[R:.+]] = qsim.relu %[[Y]]
//       CHECK:   %[[E:.+]] = tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]]
//       CHECK:   qsim.dequantize %[[E]] : tensor<1x?x2x!quant.uniform
//   CHECK-NOT:   tosa.
func.func @tosa_matmul(%x: tensor<1x?x3xf32>) -> tensor<1x?x2xf32> {
  %b = "tosa.const"() <{values = dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]> : tensor<1x3x2xf32>}> : () -> tensor<1x3x2xf32>
  %bias = "tosa.const"() <{values = dense<[[[0.5, -0.5]]]> : tensor<1x1x2xf32>}> : () -> tensor<1x1x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %b, %zp, %zp : (tensor<1x?x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x2xf32>
  %a = tosa.add %m, %bias : (tensor<1x?x2xf32>, tensor<1x1x2xf32>) -> tensor<1x?x2xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x?x2xf32>) -> tensor<1x?x2xf32>
  return %r : tensor<1x?x2xf32>
}

// -----

// Tests a TOSA depthwise conv2d with a channel multiplier of 2: [KH, KW, C,
// M] weights become [C * M, 1, KH, KW], output channel c * 2 + m holding
// w[0, :, c, m]. Expected codes (NumPy, symmetric int8, s = 2 max|w| / 255):
// [1, 0.5] -> [127, 64], [-1, 0.25] -> [-127, 32], [0.5, -0.5] ->
// [127, -127], [2, -1] -> [127, -64].
// CHECK-LABEL: func.func @tosa_depthwise_multiplier
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[127, 64]]], [{{\[}}[-127, 32]]], [{{\[}}[127, -127]]], [{{\[}}[127, -64]]]]> : tensor<4x1x1x2xi8>
//       CHECK:   qsim.conv2d %{{[^,]+}}, %{{[^,]+}} {groups = 2 : i64}
func.func @tosa_depthwise_multiplier(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x2x4xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, -1.0], [0.5, 2.0]], [[0.5, 0.25], [-0.5, -1.0]]]]> : tensor<1x2x2x2xf32>}> : () -> tensor<1x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x2xf32>, tensor<1x2x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2x4xf32>
  return %y : tensor<1x3x2x4xf32>
}
