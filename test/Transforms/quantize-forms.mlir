// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/quantize.stats.json" | FileCheck %s

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests a depthwise conv with a ReLU6 written as max then min: weights
// [C, KH, KW] become [C, 1, KH, KW] with groups = C, and the clamp stays a
// qsim.clamp (qsim-fuse-activations folds it later). Weights: channel 0 has
// max |w| = 1 (s = 2/255, 0.5 -> 63.75 -> 64), channel 1 max |w| = 2
// (s = 4/255, 2.0 -> 127.49999 -> 127, -1.0 -> -63.75 -> -64).
// CHECK-LABEL: func.func @depthwise_relu6
//   CHECK-DAG:   arith.constant dense<{{\[}}[{{\[}}[64, 127]]], [{{\[}}[127, -64]]]]> : tensor<2x1x1x2xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %{{.+}} -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.0039215686274509803>>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[XQ]], %{{.+}} {groups = 2 : i64}
//  CHECK-SAME:     -> tensor<1x2x3x2x!quant.uniform<i32:f32:1, {3.0757400999615529E-5,6.1514801999231058E-5}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {{.+}} -> tensor<1x2x3x2x!quant.uniform<u8:f32, 0.023529411764705882>>
//       CHECK:   %[[C:.+]] = qsim.clamp %[[Y]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
//       CHECK:   qsim.dequantize %[[C]]
func.func @depthwise_relu6(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %w = arith.constant dense<[[[0.5, 1.0]], [[2.0, -1.0]]]> : tensor<2x1x2xf32>
  %e = tensor.empty() : tensor<1x2x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x1x2xf32>) outs(%f : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x3x2xf32>) outs(%e : tensor<1x2x3x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x2x3x2xf32>
  return %r : tensor<1x2x3x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests a matmul whose [K, F] weight constant is used directly (transposed
// at compile time to [F, K]) and a ReLU written as cmpf + select. The
// weights [[1, 2], [3, 4]] ([K, F]) are [[1, 3], [2, 4]] as [F, K]:
// row 0 max 3 (s = 6/255: 1 -> 42.5 -> 42, 3 -> 127.49999 -> 127), row 1
// max 4 (s = 8/255: 2 -> 63.75 -> 64, 4 -> 127).
// CHECK-LABEL: func.func @matmul_kf
//   CHECK-DAG:   arith.constant dense<{{\[}}[42, 127], [64, 127]]> : tensor<2x2xi8>
//       CHECK:   %[[ACC:.+]] = qsim.linear
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CHECK:   %[[R:.+]] = qsim.relu %[[Y]]
//       CHECK:   qsim.dequantize %[[R]]
func.func @matmul_kf(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<4x2xf32>) outs(%e : tensor<4x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ogt, %in, %zero : f32
    %s = arith.select %gt, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests that an op qsim has no integer form for (here the remainder of a
// division, which the table builder cannot evaluate) stays float and reads a
// qsim.dequantize of the quantized layer's output.
// CHECK-LABEL: func.func @float_consumer
//       CHECK:   %[[Y:.+]] = qsim.requantize
//       CHECK:   %[[D:.+]] = qsim.dequantize %[[Y]]
//       CHECK:   linalg.generic {{.+}} ins(%[[D]] : tensor<1x2xf32>)
//       CHECK:     arith.remf
func.func @float_consumer(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<1x2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.remf %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// -----

// Tests that a conv whose weights are not constant, and a matmul that
// accumulates into a non-zero init, stay float.
// CHECK-LABEL: func.func @not_constant
//   CHECK-NOT:   qsim.
//       CHECK:   linalg.conv_2d_nchw_fchw
//       CHECK:   linalg.matmul
func.func @not_constant(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %init: tensor<2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) outs(%f : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %a = arith.constant dense<1.0> : tensor<2x2xf32>
  %m = linalg.matmul ins(%a, %a : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %c, %m : tensor<1x1x2x2xf32>, tensor<2x2xf32>
}

// -----

// Tests a bias added by the named linalg.add of a linalg.broadcast of the
// constant bias (dimensions [0] added, the channel kept). The bias 0.5 at
// s_x s_w = (2/255)^2 is 0.5 / 6.1514801999231058E-5 = 8128.125 -> 8128.
// CHECK-LABEL: func.func @named_bias
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<[8128, -8128]> : tensor<2xi32>
//       CHECK:   qsim.linear %{{.+}}, %{{.+}}, %[[B]]
//   CHECK-NOT:   linalg.
func.func @named_bias(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<3x2xf32>, tensor<2x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  %bb = linalg.broadcast ins(%b : tensor<2xf32>) outs(%e : tensor<3x2xf32>) dimensions = [0]
  %y = linalg.add ins(%m, %bb : tensor<3x2xf32>, tensor<3x2xf32>) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that a max pooling (init -inf, input padded with -inf) between two
// layers passes through on quantized values as qsim.max_pool2d with the pad
// folded in, so the layers stay chained.
// CHECK-LABEL: func.func @pool_between_layers
//       CHECK:   %[[Y:.+]] = qsim.requantize
//       CHECK:   %[[P:.+]] = qsim.max_pool2d %[[Y]] {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>}
//  CHECK-SAME:     -> tensor<1x1x2x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   qsim.conv2d %[[P]]
//   CHECK-NOT:   linalg.pooling
func.func @pool_between_layers(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %w = arith.constant dense<[[[[1.0]]]]> : tensor<1x1x1x1xf32>
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) outs(%f : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %pe = tensor.empty() : tensor<1x1x2x2xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %padded = tensor.pad %c low[0, 0, 1, 1] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x5x5xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %win : tensor<1x1x5x5xf32>, tensor<3x3xf32>) outs(%pf : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %w2 = arith.constant dense<[[[[0.25, 0.25], [0.25, 0.25]]]]> : tensor<1x1x2x2xf32>
  %e2 = tensor.empty() : tensor<1x1x1x1xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %c2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w2 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) outs(%f2 : tensor<1x1x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %c2 : tensor<1x1x1x1xf32>
}

// -----

// Tests a linalg.matmul whose indexing maps read B transposed, so B is the
// [F, K] constant itself, and weights stored as dense_resource:
// [[1.0, 0.5], [-0.5, 1.0]] as [F, K] gives rows [127, 64] and [-64, 127]
// (s = 2/255; 1.0 / s = 127.49999 -> 127, 0.5 / s = 63.75 -> 64).
// CHECK-LABEL: func.func @matmul_transposed_maps_resource
//   CHECK-DAG:   arith.constant dense<{{\[}}[127, 64], [-64, 127]]> : tensor<2x2xi8>
//       CHECK:   qsim.linear
//   CHECK-NOT:   linalg.matmul
func.func @matmul_transposed_maps_resource(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<fc_weight> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<3x2xf32>, tensor<2x2xf32>) outs(%f : tensor<3x2xf32>) -> tensor<3x2xf32>
  return %m : tensor<3x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc_weight: "0x040000000000803F0000003F000000BF0000803F"
    }
  }
#-}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
#tr2 = affine_map<(d0, d1) -> (d1, d0)>

// Tests what the epilogue matcher must not take as a bias or activation:
// a generic that reads the layer's value as its init (it computes o + b,
// not matmul + b), an activation that also transposes, and a select whose
// condition is not the comparison of the value against 0. The layers are
// quantized without these epilogues, which stay float on dequantized values.
// CHECK-LABEL: func.func @not_epilogues
//       CHECK:   %[[Y1:.+]] = qsim.requantize
//       CHECK:   %[[D1:.+]] = qsim.dequantize %[[Y1]]
//       CHECK:   linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<2xf32>, tensor<2x2xf32>) outs(%[[D1]] : tensor<2x2xf32>)
//       CHECK:   %[[Y2:.+]] = qsim.requantize
//       CHECK:   %[[D2:.+]] = qsim.dequantize %[[Y2]]
//       CHECK:   linalg.generic {{.+}} ins(%[[D2]] : tensor<2x2xf32>)
//       CHECK:     arith.maximumf
//       CHECK:   %[[Y3:.+]] = qsim.requantize
//       CHECK:   %[[D3:.+]] = qsim.dequantize %[[Y3]]
//       CHECK:   linalg.generic {{.+}} ins(%[[D3]] : tensor<2x2xf32>)
//       CHECK:     arith.select
func.func @not_epilogues(%x: tensor<2x2xf32>, %o: tensor<2x2xf32>, %s: f32) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0]]> : tensor<2x2xf32>
  %b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m1 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r1 = linalg.generic {indexing_maps = [#ch2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%b, %o : tensor<2xf32>, tensor<2x2xf32>) outs(%m1 : tensor<2x2xf32>) {
  ^bb0(%bv: f32, %ov: f32, %out: f32):
    %a = arith.addf %ov, %bv : f32
    linalg.yield %a : f32
  } -> tensor<2x2xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r2 = linalg.generic {indexing_maps = [#id2, #tr2], iterator_types = ["parallel", "parallel"]} ins(%m2 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  %flag = arith.cmpf ogt, %s, %zero : f32
  %m3 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r3 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m3 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.select %flag, %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  return %r1, %r2, %r3 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// Tests that a layer inside a loop, a layer with no weights and a called
// function are left float (and need no ranges).
// CHECK-LABEL: func.func private @called
//       CHECK:   linalg.matmul
// CHECK-LABEL: func.func @nested_and_empty
//   CHECK-NOT:   qsim.
//       CHECK:   scf.for
//       CHECK:     linalg.matmul
//       CHECK:   linalg.matmul
//       CHECK:   call @called
func.func private @called(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
func.func @nested_and_empty(%x: tensor<2x2xf32>, %y: tensor<2x0xf32>) -> (tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%acc = %x) -> (tensor<2x2xf32>) {
    %m = linalg.matmul ins(%acc, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
    scf.yield %m : tensor<2x2xf32>
  }
  %w0 = arith.constant dense<1.0> : tensor<2x0xf32>
  %e0 = tensor.empty() : tensor<2x0xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<2x0xf32>) -> tensor<2x0xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<2x2xf32>, tensor<2x0xf32>) outs(%f0 : tensor<2x0xf32>) -> tensor<2x0xf32>
  %c = call @called(%x) : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r, %m0, %c : tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x2xf32>
}

// -----

// Tests that a per-axis qsim.dequantize feeding a layer is not reused as
// the layer's input (a conv/linear input is per-tensor): the layer gets a
// fresh qsim.quantize of the dequantized value.
// CHECK-LABEL: func.func @per_axis_dequantize_input
//       CHECK:   %[[D:.+]] = qsim.dequantize %{{.+}} : tensor<1x2x!quant.uniform<i8:f32:1, {{.+}}>> -> tensor<1x2xf32>
//       CHECK:   %[[Q:.+]] = qsim.quantize %[[D]] : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, {{.+}}>>
//       CHECK:   qsim.linear %[[Q]]
func.func @per_axis_dequantize_input(%q: tensor<1x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %x = qsim.dequantize %q : tensor<1x2x!quant.uniform<i8:f32:1, {0.1, 0.2}>> -> tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 0.5], [-0.5, 1.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}
