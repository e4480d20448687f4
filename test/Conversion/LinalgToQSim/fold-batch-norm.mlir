// RUN: qsim-opt %s --split-input-file --qsim-fold-batch-norm \
// RUN:   --mlir-print-debuginfo --mlir-print-local-scope \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=1 | FileCheck %s

// The expected constants are printed in hexadecimal (exact f32 bits); they
// and the decimal values in the comments come from NumPy:
// `python3 Inputs/fold_batch_norm.py`.

// Tests that the four BatchNorm generics after a conv without bias fold
// into its weights and a bias broadcast into its init; the conv keeps its
// location.
// W' = 3 6 9 12 -1.5 0.75 0.375 3; bias' = -1.25 0.75
// CHECK-LABEL: func.func @conv_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x1x3x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x000040400000C04000001041000040410000C0BF0000403F0000C03E00004040"> : tensor<2x1x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x0000A0BF0000403F"> : tensor<2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%[[X]], %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//  CHECK-SAME:     loc("conv1")
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm after a conv whose bias is broadcast into its init
// (torch-mlir's form) folds into both; a = invstd * gamma and
// b = beta - mean * a are not round numbers here.
// W' = 1.27277935 2.54555869 3.81833816 5.09111738 -0.777815521 0.38890776 0.19445388 1.55563104; bias' = 1.34550142 -1.42228639
// CHECK-LABEL: func.func @conv_bias_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x1x3x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x6FEAA23F6FEA2240A75F74406FEAA240EB1E47BFEB1EC73EEB1E473EEB1EC73F"> : tensor<2x1x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x6439AC3F7B0DB6BF"> : tensor<2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%[[X]], %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//  CHECK-SAME:     loc("conv1")
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_bias_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.1]], [[-0.3]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[1.41419935]], [[0.707104981]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[0.9]], [[1.1]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.2]], [[-0.1]]]]> : tensor<1x2x1x1xf32>
  %bias = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.broadcast ins(%bias : tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm after a depthwise conv folds into its weights,
// which stay a [C, 1, KH, KW] constant collapsed to [C, KH, KW], and into
// its bias, broadcast into the init by a linalg.generic.
// W' = 3 6 9 12 -1.5 0.75 0.375 3; bias' = 0.25 1.5
// CHECK-LABEL: func.func @depthwise_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x2x3x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x000040400000C04000001041000040410000C0BF0000403F0000C03E00004040"> : tensor<2x1x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x0000803E0000C03F"> : tensor<2xf32>
//   CHECK-DAG:   %[[WC:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2], [3]] : tensor<2x1x2x2xf32> into tensor<2x2x2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
//       CHECK:   %[[CONV:.+]] = linalg.depthwise_conv_2d_nchw_chw
//  CHECK-SAME:     ins(%[[X]], %[[WC]] : tensor<1x2x3x3xf32>, tensor<2x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//  CHECK-SAME:     loc("dw1")
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @depthwise_bn(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %bias = arith.constant dense<[0.5, 0.5]> : tensor<2xf32>
  %wc = tensor.collapse_shape %w [[0, 1], [2], [3]] : tensor<2x1x2x2xf32> into tensor<2x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.generic {indexing_maps = [#chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x2x2xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %wc : tensor<1x2x3x3xf32>, tensor<2x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("dw1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm after a grouped conv (two groups of two input
// channels and one output channel) folds through its expand and collapse
// shapes: the output channel is g * (O/G) + f.
// W' = 3 6 9 12 1.5 -1.5 4.5 -4.5 -1.5 0.75 0.375 3 3 1.5 -3 -1.5; bias' = -0.5 0.375
// CHECK-LABEL: func.func @grouped_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x4x3x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x000040400000C04000001041000040410000C03F0000C0BF00009040000090C00000C0BF0000403F0000C03E00004040000040400000C03F000040C00000C0BF"> : tensor<2x2x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x000000BF0000C03E"> : tensor<2xf32>
//   CHECK-DAG:   %[[XG:.+]] = tensor.expand_shape %[[X]]
//   CHECK-DAG:   %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 1, 2, 2, 2] : tensor<2x2x2x2xf32> into tensor<2x1x2x2x2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
//       CHECK:   %[[INITG:.+]] = tensor.expand_shape %[[INIT]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 2, 2] : tensor<1x2x2x2xf32> into tensor<1x2x1x2x2xf32>
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw
//  CHECK-SAME:     ins(%[[XG]], %[[WG]] : tensor<1x2x2x3x3xf32>, tensor<2x1x2x2x2xf32>) outs(%[[INITG]] : tensor<1x2x1x2x2xf32>)
//  CHECK-SAME:     loc("grouped1")
//       CHECK:   %[[OUT:.+]] = tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x1x2x2xf32> into tensor<1x2x2x2xf32>
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[OUT]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @grouped_bn(%x: tensor<1x4x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[0.5, -0.5], [1.5, -1.5]]], [[[-1.0, 0.5], [0.25, 2.0]], [[2.0, 1.0], [-2.0, -1.0]]]]> : tensor<2x2x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %bias = arith.constant dense<[0.25, -0.25]> : tensor<2xf32>
  %xg = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 3, 3] : tensor<1x4x3x3xf32> into tensor<1x2x2x3x3xf32>
  %wg = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 1, 2, 2, 2] : tensor<2x2x2x2xf32> into tensor<2x1x2x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.broadcast ins(%bias : tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
  %initg = tensor.expand_shape %init [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 2, 2] : tensor<1x2x2x2xf32> into tensor<1x2x1x2x2xf32>
  %cg = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%xg, %wg : tensor<1x2x2x3x3xf32>, tensor<2x1x2x2x2xf32>) outs(%initg : tensor<1x2x1x2x2xf32>) -> tensor<1x2x1x2x2xf32> loc("grouped1")
  %c = tensor.collapse_shape %cg [[0], [1, 2], [3], [4]] : tensor<1x2x1x2x2xf32> into tensor<1x2x2x2xf32>
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that the single generic --linalg-fuse-elementwise-ops makes of a
// BatchNorm folds, with rsqrt(var + eps) of a rank-0 eps evaluated in f32.
// W' = 1.27277935 2.54555869 3.81833816 5.09111738 -0.777815521 0.38890776 0.19445388 1.55563104; bias' = 0.0727220625 0.13334465
// CHECK-LABEL: func.func @fused_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x1x3x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x6FEAA23F6FEA2240A75F74406FEAA240EB1E47BFEB1EC73EEB1E473EEB1EC73F"> : tensor<2x1x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x4EEF943D808B083E"> : tensor<2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<1x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>) outs(%[[E]] : tensor<1x2x2x2xf32>) dimensions = [0, 2, 3]
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%[[X]], %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//  CHECK-SAME:     loc("conv1")
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#scalar = affine_map<(d0, d1, d2, d3) -> ()>
func.func @fused_bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.1]], [[-0.3]]]]> : tensor<1x2x1x1xf32>
  %var = arith.constant dense<[[[[0.5]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %gamma = arith.constant dense<[[[[0.9]], [[1.1]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.2]], [[-0.1]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %bn = linalg.generic {indexing_maps = [#id, #ch, #ch, #scalar, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean, %var, %eps, %gamma, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<f32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %m: f32, %v: f32, %ep: f32, %g: f32, %b: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    %1 = arith.addf %v, %ep : f32
    %2 = math.rsqrt %1 : f32
    %3 = arith.mulf %0, %2 : f32
    %4 = arith.mulf %3, %g : f32
    %5 = arith.addf %4, %b : f32
    linalg.yield %5 : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that the affine part of a chain folds and the ReLU after it stays,
// now reading the folded conv.
// W' = 3 6 9 12 -1.5 0.75 0.375 3; bias' = -1.25 0.75
// CHECK-LABEL: func.func @conv_bn_relu
//   CHECK-DAG:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x000040400000C04000001041000040410000C0BF0000403F0000C03E00004040"> : tensor<2x1x2x2xf32>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<"0x0000A0BF0000403F"> : tensor<2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<2xf32>)
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[RELU:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]] : tensor<1x2x2x2xf32>)
//       CHECK:     arith.cmpf ugt, %{{.+}}, %[[ZERO]] : f32
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[RELU]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_bn_relu(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bn : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x2x2x2xf32>
  return %relu : tensor<1x2x2x2xf32>
}

// -----

// Tests that a conv whose result has another user than the BatchNorm is
// left unchanged (that user needs the unnormalized values).
// CHECK-LABEL: func.func @conv_two_users
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[W:.+]] = arith.constant dense<"0x0000803F000000400000404000008040000080BF0000003F0000803E00000040"> : tensor<2x1x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%{{.+}}, %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[SUB:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[NORM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SUB]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[SCALED:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[NORM]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SCALED]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]], %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_two_users(%x: tensor<1x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm whose mean is not a constant is left unchanged.
// CHECK-LABEL: func.func @bn_mean_argument
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[W:.+]] = arith.constant dense<"0x0000803F000000400000404000008040000080BF0000003F0000803E00000040"> : tensor<2x1x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%{{.+}}, %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[SUB:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[NORM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SUB]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[SCALED:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[NORM]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SCALED]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @bn_mean_argument(%x: tensor<1x1x3x3xf32>, %mean: tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a conv whose weights are not a constant is left unchanged.
// CHECK-LABEL: func.func @weights_argument
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%{{.+}}, %[[W:.+]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[SUB:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[NORM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SUB]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[SCALED:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[NORM]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SCALED]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @weights_argument(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm with a zero scale on one channel (gamma = 0) is
// left unchanged: folding it would erase that channel's weights.
// CHECK-LABEL: func.func @bn_zero_scale
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[W:.+]] = arith.constant dense<"0x0000803F000000400000404000008040000080BF0000003F0000803E00000040"> : tensor<2x1x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%{{.+}}, %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[SUB:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[NORM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SUB]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[SCALED:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[NORM]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SCALED]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @bn_zero_scale(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[0.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a BatchNorm with a NaN scale on one channel is left unchanged.
// CHECK-LABEL: func.func @bn_nan_scale
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[W:.+]] = arith.constant dense<"0x0000803F000000400000404000008040000080BF0000003F0000803E00000040"> : tensor<2x1x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     ins(%{{.+}}, %[[W]] : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[SUB:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[NORM:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SUB]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[SCALED:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[NORM]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[SCALED]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @bn_nan_scale(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[0x7FC00000]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %sub = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sub, %invstd : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%norm, %gamma : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%scaled, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a fused BatchNorm whose rsqrt(var + eps) is infinite on one
// channel (var = eps = 0) is left unchanged.
// CHECK-LABEL: func.func @fused_bn_infinite_scale
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[BN:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} :
//       CHECK:     math.rsqrt
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[BN]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#scalar = affine_map<(d0, d1, d2, d3) -> ()>
func.func @fused_bn_infinite_scale(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.1]], [[-0.3]]]]> : tensor<1x2x1x1xf32>
  %var = arith.constant dense<[[[[0.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %eps = arith.constant dense<0.0> : tensor<f32>
  %gamma = arith.constant dense<[[[[0.9]], [[1.1]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.2]], [[-0.1]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %bn = linalg.generic {indexing_maps = [#id, #ch, #ch, #scalar, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean, %var, %eps, %gamma, %beta : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>, tensor<f32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %m: f32, %v: f32, %ep: f32, %g: f32, %b: f32, %out: f32):
    %0 = arith.subf %in, %m : f32
    %1 = arith.addf %v, %ep : f32
    %2 = math.rsqrt %1 : f32
    %3 = arith.mulf %0, %2 : f32
    %4 = arith.mulf %3, %g : f32
    %5 = arith.addf %4, %b : f32
    linalg.yield %5 : f32
  } -> tensor<1x2x2x2xf32>
  return %bn : tensor<1x2x2x2xf32>
}

// -----

// Tests that a conv followed by a ReLU only (not affine) is left unchanged.
// CHECK-LABEL: func.func @conv_relu
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[RELU:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]] : tensor<1x2x2x2xf32>)
//       CHECK:     arith.select
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[RELU]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_relu(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.cmpf ugt, %in, %zero : f32
    %1 = arith.select %0, %in, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x2x2x2xf32>
  return %relu : tensor<1x2x2x2xf32>
}

// -----

// Tests that a conv followed by a bias add only (a[c] == 1, the older
// zero-fill form) is left for the front end to read as the conv's bias.
// CHECK-LABEL: func.func @conv_bias_add
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     outs(%[[INIT]] : tensor<1x2x2x2xf32>)
//       CHECK:   %[[ADD:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[CONV]], %{{.+}} : tensor<1x2x2x2xf32>, tensor<2xf32>)
//   CHECK-NOT:   linalg.broadcast
//       CHECK:   return %[[ADD]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_bias_add(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %bias = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %add = linalg.generic {indexing_maps = [#id, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %bias : tensor<1x2x2x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %0 = arith.addf %in, %b : f32
    linalg.yield %0 : f32
  } -> tensor<1x2x2x2xf32>
  return %add : tensor<1x2x2x2xf32>
}


// -----

// Tests that a BatchNorm1d after a linear layer (an [F, K] constant through
// linalg.transpose, a zero fill, and torch-mlir's bias-add generic) folds
// into the weights and a new bias-add generic; the bias add alone is then
// left as it is.
// W' = 3 6 9 -1.5 0.75 3; bias' = 0.25 -0.75
// CHECK-LABEL: func.func @linear_bn
//  CHECK-SAME:     (%[[X:.+]]: tensor<4x3xf32>
//   CHECK-DAG:   %[[W:.+]] = arith.constant dense<"0x000040400000C040000010410000C0BF0000403F00004040"> : tensor<2x3xf32>
//   CHECK-DAG:   %[[WT:.+]] = linalg.transpose ins(%[[W]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<3x2xf32>) permutation = [1, 0]
//   CHECK-DAG:   %[[INIT:.+]] = linalg.fill
//       CHECK:   %[[MM:.+]] = linalg.matmul
//  CHECK-SAME:     ins(%[[X]], %[[WT]] : tensor<4x3xf32>, tensor<3x2xf32>) outs(%[[INIT]] : tensor<4x2xf32>)
//  CHECK-SAME:     loc("fc")
//       CHECK:   %[[B:.+]] = arith.constant dense<"0x0000803E000040BF"> : tensor<2xf32>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<4x2xf32>
//       CHECK:   %[[ADD:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[MM]], %[[B]] : tensor<4x2xf32>, tensor<2xf32>) outs(%[[E]] : tensor<4x2xf32>)
//       CHECK:     arith.addf
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[ADD]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
#feat = affine_map<(d0, d1) -> (0, d1)>
func.func @linear_bn(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %zero = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]> : tensor<2x3xf32>
  %bias = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[[0.5, -1.0]]> : tensor<1x2xf32>
  %invstd = arith.constant dense<[[2.0, 0.5]]> : tensor<1x2xf32>
  %gamma = arith.constant dense<[[1.5, 3.0]]> : tensor<1x2xf32>
  %beta = arith.constant dense<[[0.25, -0.75]]> : tensor<1x2xf32>
  %te = tensor.empty() : tensor<3x2xf32>
  %wt = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%te : tensor<3x2xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %mm = linalg.matmul ins(%x, %wt : tensor<4x3xf32>, tensor<3x2xf32>) outs(%init : tensor<4x2xf32>) -> tensor<4x2xf32> loc("fc")
  %biased = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<4x2xf32>, tensor<2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  %sub = linalg.generic {indexing_maps = [#id, #feat, #id], iterator_types = ["parallel", "parallel"]} ins(%biased, %mean : tensor<4x2xf32>, tensor<1x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  %norm = linalg.generic {indexing_maps = [#id, #feat, #id], iterator_types = ["parallel", "parallel"]} ins(%sub, %invstd : tensor<4x2xf32>, tensor<1x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #feat, #id], iterator_types = ["parallel", "parallel"]} ins(%norm, %gamma : tensor<4x2xf32>, tensor<1x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  %bn = linalg.generic {indexing_maps = [#id, #feat, #id], iterator_types = ["parallel", "parallel"]} ins(%scaled, %beta : tensor<4x2xf32>, tensor<1x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x2xf32>
  return %bn : tensor<4x2xf32>
}


// -----

// Tests that a conv with a dynamic batch folds, its new init sized by the
// old init's tensor.empty sizes (so the old zero fill does not stay alive).
// CHECK-LABEL: func.func @conv_bn_dynamic_batch
//  CHECK-SAME:     (%[[X:.+]]: tensor<?x1x3x3xf32>
//       CHECK:   %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x1x3x3xf32>
//   CHECK-NOT:   linalg.fill
//       CHECK:   %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x2x2x2xf32>
//       CHECK:   %[[INIT:.+]] = linalg.broadcast ins(%{{.+}} : tensor<2xf32>) outs(%[[E]] : tensor<?x2x2x2xf32>) dimensions = [0, 2, 3]
//   CHECK-NOT:   linalg.fill
//       CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
//  CHECK-SAME:     outs(%[[INIT]] : tensor<?x2x2x2xf32>)
//   CHECK-NOT:   linalg.generic
//       CHECK:   return %[[CONV]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @conv_bn_dynamic_batch(%x: tensor<?x1x3x3xf32>) -> tensor<?x2x2x2xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %alpha = arith.constant 1.000000e+00 : f32
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[-1.0, 0.5], [0.25, 2.0]]]]> : tensor<2x1x2x2xf32>
  %mean = arith.constant dense<[[[[0.5]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %invstd = arith.constant dense<[[[[2.0]], [[0.5]]]]> : tensor<1x2x1x1xf32>
  %gamma = arith.constant dense<[[[[1.5]], [[3.0]]]]> : tensor<1x2x1x1xf32>
  %beta = arith.constant dense<[[[[0.25]], [[-0.75]]]]> : tensor<1x2x1x1xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x1x3x3xf32>
  %e = tensor.empty(%n) : tensor<?x2x2x2xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<?x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<?x2x2x2xf32>) -> tensor<?x2x2x2xf32> loc("conv1")
  %0 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %mean : tensor<?x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<?x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.subf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x2xf32>
  %1 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0, %invstd : tensor<?x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<?x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x2xf32>
  %2 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %gamma : tensor<?x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<?x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %r = arith.mulf %in, %in_1 : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x2xf32>
  %3 = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%2, %beta : tensor<?x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<?x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %s = arith.mulf %in_1, %alpha : f32
    %r = arith.addf %in, %s : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x2xf32>
  return %3 : tensor<?x2x2x2xf32>
}
