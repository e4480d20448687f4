// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/torch-mlir-forms.stats.json" | FileCheck %s
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/torch-mlir-forms.stats.json" | FileCheck %s --check-prefix=NOFLOAT

// The forms torch-mlir's TorchToLinalg emits. Every integer was computed by
// hand: input [-1, 1] as u8 is s = 2/255, z = 128; a weight channel with
// max |w| = 1 is s = 2/255 (symmetric i8), so 0.5 -> 63.75 -> 64,
// -0.25 -> -32, 0.125 -> 16, 0.75 -> 95.625 -> 96, 1.0 -> 127.49999 -> 127;
// a bias at s_x s_w = (2/255)^2 is 0.1 -> 1625.625 -> 1626,
// -0.2 -> -3251.25 -> -3251.

// Tests that no float layer op is left in any of the forms.
// NOFLOAT-NOT: linalg.conv
// NOFLOAT-NOT: linalg.depthwise
// NOFLOAT-NOT: linalg.matmul
// NOFLOAT-NOT: linalg.generic
// NOFLOAT-NOT: linalg.broadcast

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests torch-mlir's biased conv: the bias is broadcast into the conv's
// init with linalg.broadcast (no zero fill, no bias add), and its ReLU is
// cmpf ugt + select.
// CHECK-LABEL: func.func @conv_bias_broadcast
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<[1626, -3251]> : tensor<2xi32>
//   CHECK-DAG:   %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[64, -32], [16, 127]]], [{{\[}}[-64, 96], [32, -127]]]]> : tensor<2x1x2x2xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %{{.+}} -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[W:.+]] = quant.scast %[[WI]]
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[XQ]], %[[W]], %[[B]] :
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {{.+}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   %[[R:.+]] = qsim.relu %[[Y]]
//       CHECK:   %[[D:.+]] = qsim.dequantize %[[R]]
//       CHECK:   return %[[D]]
func.func @conv_bias_broadcast(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]]], [[[-0.5, 0.75], [0.25, -1.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.broadcast ins(%b : tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %gt, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (d1)>

// Tests the same bias broadcast written as a linalg.generic, and a zero
// tensor.pad folded into the conv's padding.
// CHECK-LABEL: func.func @conv_bias_generic_init
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<[1626, -3251]> : tensor<2xi32>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %{{.+}}, %{{.+}}, %[[B]] {padding = array<i64: 1, 1, 1, 1>}
//  CHECK-SAME:     -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {6.1514801999231058E-5,6.1514801999231058E-5}>>
//       CHECK:   qsim.relu
func.func @conv_bias_generic_init(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]]], [[[-0.5, 0.75], [0.25, -1.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x3x3xf32> to tensor<1x1x5x5xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %init = linalg.generic {indexing_maps = [#channel, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<2xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%p, %w : tensor<1x1x5x5xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %gt, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#scalar = affine_map<(d0, d1, d2, d3) -> ()>

// Tests torch-mlir's depthwise conv, whose [C, 1, KH, KW] weights come
// through tensor.collapse_shape, and torch's ReLU6: a ReLU generic, then a
// generic taking the minimum with a rank-0 6.0. Channel 1 holds
// [1.0, -0.5]: 127, -63.75 -> -64.
// CHECK-LABEL: func.func @depthwise_collapsed
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[64, 127]]], [{{\[}}[127, -64]]]]> : tensor<2x1x1x2xi8>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %{{.+}}, %{{[^,]+}} {groups = 2 : i64}
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {{.+}} -> tensor<1x2x3x2x!quant.uniform<u8:f32, 0.023529411764705882>>
//       CHECK:   %[[C:.+]] = qsim.clamp %[[Y]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
//       CHECK:   qsim.dequantize %[[C]]
func.func @depthwise_collapsed(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant dense<6.0> : tensor<f32>
  %w4 = arith.constant dense<[[[[0.5, 1.0]]], [[[1.0, -0.5]]]]> : tensor<2x1x1x2xf32>
  %w = tensor.collapse_shape %w4 [[0, 1], [2], [3]] : tensor<2x1x1x2xf32> into tensor<2x1x2xf32>
  %e = tensor.empty() : tensor<1x2x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x1x2xf32>) outs(%f : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("dw")
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x3x2xf32>) outs(%e : tensor<1x2x3x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %gt, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x2x3x2xf32>
  %m = linalg.generic {indexing_maps = [#id4, #scalar, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %six : tensor<1x2x3x2xf32>, tensor<f32>) outs(%e : tensor<1x2x3x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %n = arith.minimumf %in, %in_1 : f32
    linalg.yield %n : f32
  } -> tensor<1x2x3x2xf32>
  return %m : tensor<1x2x3x2xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests torch-mlir's grouped conv: the input, weights and init expanded to
// groups, linalg.conv_2d_ngchw_gfchw, the result collapsed back; then a
// hardtanh(0, 6) in torch's clamp form (cmpf ult/select, cmpf ugt/select).
// Weights [O = 2, C/G = 2, 1, 1]: channel 0 [1.0, 0.5] -> [127, 64],
// channel 1 [-1.0, 0.25] -> [-127, 32].
// CHECK-LABEL: func.func @grouped_hardtanh
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[127]], {{\[}}[64]]], [{{\[}}[-127]], {{\[}}[32]]]]> : tensor<2x2x1x1xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %{{.+}} -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[XQ]], %{{[^,]+}} {groups = 2 : i64}
//  CHECK-SAME:     -> tensor<1x2x3x3x!quant.uniform<i32:f32:1, {6.1514801999231058E-5,6.1514801999231058E-5}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   qsim.clamp %[[Y]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
func.func @grouped_hardtanh(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %w = arith.constant dense<[[[[1.0]], [[0.5]]], [[[-1.0]], [[0.25]]]]> : tensor<2x2x1x1xf32>
  %xg = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 3, 3] : tensor<1x4x3x3xf32> into tensor<1x2x2x3x3xf32>
  %wg = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 1, 2, 1, 1] : tensor<2x2x1x1xf32> into tensor<2x1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %fg = tensor.expand_shape %f [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 3, 3] : tensor<1x2x3x3xf32> into tensor<1x2x1x3x3xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xg, %wg : tensor<1x2x2x3x3xf32>, tensor<2x1x2x1x1xf32>) outs(%fg : tensor<1x2x1x3x3xf32>) -> tensor<1x2x1x3x3xf32> loc("grouped")
  %cc = tensor.collapse_shape %c [[0], [1, 2], [3], [4]] : tensor<1x2x1x3x3xf32> into tensor<1x2x3x3xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cc : tensor<1x2x3x3xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lt = arith.cmpf ult, %in, %zero : f32
    %lo = arith.select %lt, %zero, %in : f32
    %gt = arith.cmpf ugt, %lo, %six : f32
    %hi = arith.select %gt, %six, %lo : f32
    linalg.yield %hi : f32
  } -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#tr2 = affine_map<(d0, d1) -> (d1, d0)>
#feature = affine_map<(d0, d1) -> (d1)>

// Tests torch's linear as aten.addmm: the [F, K] weight transposed by a
// linalg.generic, a zero-filled matmul, and the bias added as torch's
// add.Tensor does (in + alpha * bias, alpha = 1). Every row is
// [1.0, 0.5, -0.25, 0.125] -> [127, 64, -32, 16]; bias [0.1, -0.2, 0.0] ->
// [1626, -3251, 0]; output [-2, 2] is s = 4/255, z = 127.5 -> 128.
// CHECK-LABEL: func.func @addmm
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<[1626, -3251, 0]> : tensor<3xi32>
//   CHECK-DAG:   %[[WI:.+]] = arith.constant dense<{{\[}}[127, 64, -32, 16], [127, 64, -32, 16], [127, 64, -32, 16]]> : tensor<3x4xi8>
//       CHECK:   %[[ACC:.+]] = qsim.linear %{{.+}}, %{{.+}}, %[[B]]
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {{.+}} -> tensor<2x3x!quant.uniform<u8:f32, 0.015686274509803921:128>>
//       CHECK:   qsim.dequantize %[[Y]]
func.func @addmm(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %w = arith.constant dense<[[1.0, 0.5, -0.25, 0.125], [1.0, 0.5, -0.25, 0.125], [1.0, 0.5, -0.25, 0.125]]> : tensor<3x4xf32>
  %b = arith.constant dense<[0.1, -0.2, 0.0]> : tensor<3xf32>
  %et = tensor.empty() : tensor<4x3xf32>
  %wt = linalg.generic {indexing_maps = [#tr2, #id2], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<3x4xf32>) outs(%et : tensor<4x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x3xf32>
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = linalg.matmul ins(%x, %wt : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc")
  %y = linalg.generic {indexing_maps = [#id2, #feature, #id2], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %one : f32
    %a = arith.addf %in, %s : f32
    linalg.yield %a : f32
  } -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#tr2 = affine_map<(d0, d1) -> (d1, d0)>

// Tests that two layers chain on quantized values through a flatten: the
// conv's output type is the linear layer's input type, with no dequantize
// or quantize between them.
// CHECK-LABEL: func.func @chained
//       CHECK:   %[[R:.+]] = qsim.relu
//   CHECK-NOT:   qsim.dequantize
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2, 3]] : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>> into tensor<1x8x!quant.uniform<u8:f32, 0.0078431372549019607>>
//   CHECK-NOT:   qsim.quantize
//       CHECK:   qsim.linear %[[FLAT]]
func.func @chained(%x: tensor<1x1x3x3xf32>) -> tensor<1x3xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]]], [[[-0.5, 0.75], [0.25, -1.0]]]]> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %gt, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x2x2x2xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2, 3]] : tensor<1x2x2x2xf32> into tensor<1x8xf32>
  %fw = arith.constant dense<0.5> : tensor<3x8xf32>
  %fe = tensor.empty() : tensor<1x3xf32>
  %ff = linalg.fill ins(%zero : f32) outs(%fe : tensor<1x3xf32>) -> tensor<1x3xf32>
  %et = tensor.empty() : tensor<8x3xf32>
  %wt = linalg.transpose ins(%fw : tensor<3x8xf32>) outs(%et : tensor<8x3xf32>) permutation = [1, 0]
  %m = linalg.matmul ins(%flat, %wt : tensor<1x8xf32>, tensor<8x3xf32>) outs(%ff : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  return %m : tensor<1x3xf32>
}
