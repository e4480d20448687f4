// RUN: qsim-opt %s --split-input-file --convert-quantized-tosa-to-qsim | FileCheck %s

// Tests that a conv2d with its rescale and clamp becomes one NCHW qsim
// layer: OHWI weights [[[[1, 2], [3, 4]]]] (O = 1, KH = 1, KW = 2, C = 2)
// read as OIHW [[[[1, 3]], [[2, 4]]]], the zero points -5 and 2 in the
// input and weight types, the bias 7, the pad [top = 1, bottom = 0,
// left = 2, right = 3] as qsim's [top, left, bottom, right] = [1, 2, 0, 3],
// the SINGLE_ROUND pair, and the clamp's lower bound -3 (above the
// storage minimum) as clamp_min; the upper bound 127 adds nothing.
// CHECK-LABEL: func.func @conv
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x3x3x2xi8>) -> tensor<?x4x7x1xi8>
//       CHECK:   %[[WS:.+]] = arith.constant dense<{{\[\[\[\[}}1, 3]], {{\[\[}}2, 4]]]]> : tensor<1x2x1x2xi8>
//       CHECK:   %[[W:.+]] = quant.scast %[[WS]] : tensor<1x2x1x2xi8> to tensor<1x2x1x2x!quant.uniform<i8:f32, 1.000000e+00:2>>
//       CHECK:   %[[B:.+]] = arith.constant dense<7> : tensor<1xi32>
//       CHECK:   %[[XQ:.+]] = quant.scast %[[X]] : tensor<?x3x3x2xi8> to tensor<?x3x3x2x!quant.uniform<i8:f32, 1.000000e+00:-5>>
//       CHECK:   %[[NCHW:.+]] = linalg.transpose ins(%[[XQ]] {{.+}} permutation = [0, 3, 1, 2]
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[NCHW]], %[[W]], %[[B]] {padding = array<i64: 1, 2, 0, 3>}
//  CHECK-SAME:     -> tensor<?x1x4x7x!quant.uniform<i32:f32, 1.000000e+00>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {clamp_min = -3 : i64, multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 35>}
//  CHECK-SAME:     -> tensor<?x1x4x7x!quant.uniform<i8:f32, 1.000000e+00:-3>>
//       CHECK:   %[[NHWC:.+]] = linalg.transpose ins(%[[Y]] {{.+}} permutation = [0, 2, 3, 1]
//       CHECK:   %[[R:.+]] = quant.scast %[[NHWC]] : tensor<?x4x7x1x!quant.uniform<i8:f32, 1.000000e+00:-3>> to tensor<?x4x7x1xi8>
//       CHECK:   return %[[R]]
//   CHECK-NOT:   tosa.
func.func @conv(%x: tensor<?x3x3x2xi8>) -> tensor<?x4x7x1xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1, 2], [3, 4]]]]> : tensor<1x1x2x2xi8>}> : () -> tensor<1x1x2x2xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<1xi32>}> : () -> tensor<1xi32>
  %xzp = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 2, 3>, stride = array<i64: 1, 1>} : (tensor<?x3x3x2xi8>, tensor<1x1x2x2xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<?x4x7x1xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<35> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<?x4x7x1xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<?x4x7x1xi8>
  %r = tosa.clamp %y {max_val = 127 : i8, min_val = -3 : i8} : (tensor<?x4x7x1xi8>) -> tensor<?x4x7x1xi8>
  return %r : tensor<?x4x7x1xi8>
}

// -----

// Tests that a depthwise_conv2d's HWCM weights (KH = 1, KW = 2, C = 2,
// M = 2) become [C * M, 1, KH, KW] with output channel c * M + m reading
// input channel c, groups = C = 2, stride and dilation carried over; that
// a per-channel DOUBLE_ROUND rescale makes the weights per-axis on axis 0
// and the accumulator per-axis on NCHW's channels (scales 1, the zero
// points repeated), with the four pairs in channel order; that a
// broadcast bias [5] becomes one per channel; and that a clamp within the
// storage range on both sides becomes clamp_min and clamp_max. The max
// pool reads the requantize's NCHW result directly: the casts and the
// transposes between them cancel.
// CHECK-LABEL: func.func @depthwise_per_channel
//       CHECK:   arith.constant dense<{{\[\[\[\[}}1, 5]]], {{\[\[\[}}2, 6]]], {{\[\[\[}}3, 7]]], {{\[\[\[}}4, 8]]]]> : tensor<4x1x1x2xi8>
//       CHECK:   quant.scast {{.+}} to tensor<4x1x1x2x!quant.uniform<i8:f32:0, {1.000000e+00,1.000000e+00,1.000000e+00,1.000000e+00}>>
//       CHECK:   arith.constant dense<5> : tensor<4xi32>
//       CHECK:   qsim.conv2d {{.+}} {dilations = array<i64: 2, 1>, groups = 2 : i64, strides = array<i64: 1, 2>}
//  CHECK-SAME:     -> tensor<1x4x4x2x!quant.uniform<i32:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00,1.000000e+00}>>
//       CHECK:   qsim.requantize {{.+}} {clamp_max = 100 : i64, clamp_min = -100 : i64, multiplier = array<i32: 1073741824, 1200000000, 1300000000, 1400000000>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 33, 34, 35, 36>}
//  CHECK-SAME:     -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e+00:4>>
//  CHECK-NEXT:   qsim.max_pool2d %{{.+}} {kernel = array<i64: 2, 1>, strides = array<i64: 2, 1>}
//  CHECK-SAME:     -> tensor<1x4x2x2x!quant.uniform<i8:f32, 1.000000e+00:4>>
//  CHECK-NEXT:   tensor.empty
//  CHECK-NEXT:   linalg.transpose
//  CHECK-NEXT:   quant.scast
//  CHECK-NEXT:   return
func.func @depthwise_per_channel(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x4xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]> : tensor<1x2x2x2xi8>}> : () -> tensor<1x2x2x2xi8>
  %b = "tosa.const"() <{values = dense<5> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %acc = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 2, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 2>} : (tensor<1x4x4x2xi8>, tensor<1x2x2x2xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x2x4xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1200000000, 1300000000, 1400000000]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %s = "tosa.const"() <{values = dense<[33, 34, 35, 36]> : tensor<4xi8>}> : () -> tensor<4xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<4> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %acc, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4x2x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x2x4xi8>
  %r = tosa.clamp %y {max_val = 100 : i8, min_val = -100 : i8} : (tensor<1x4x2x4xi8>) -> tensor<1x4x2x4xi8>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 1>} : (tensor<1x4x2x4xi8>) -> tensor<1x2x2x4xi8>
  return %p : tensor<1x2x2x4xi8>
}

// -----

// Tests that a matmul by one constant matrix [1, C = 2, W = 3] becomes a
// qsim.linear of the rows [N * H, C] by its transpose [W, C] =
// [[1, 4], [2, 5], [3, 6]], with the zero points -5 and 2; that the add of
// a [1, 1, 3] constant is its bias; and that the per-channel rescale to i16
// on the last axis and the i16 clamp follow it. H is dynamic: it only
// counts rows.
// CHECK-LABEL: func.func @matmul_bias
//       CHECK:   %[[WS:.+]] = arith.constant dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>
//       CHECK:   %[[W:.+]] = quant.scast %[[WS]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {1.000000e+00:2,1.000000e+00:2,1.000000e+00:2}>>
//       CHECK:   %[[B:.+]] = arith.constant dense<[10, -20, 2147483647]> : tensor<3xi32>
//       CHECK:   %[[AQ:.+]] = quant.scast %{{.+}} : tensor<1x?x2xi8> to tensor<1x?x2x!quant.uniform<i8:f32, 1.000000e+00:-5>>
//       CHECK:   %[[ROWS:.+]] = tensor.collapse_shape %[[AQ]] {{\[\[}}0, 1], [2]]
//       CHECK:   %[[ACC:.+]] = qsim.linear %[[ROWS]], %[[W]], %[[B]]
//  CHECK-SAME:     -> tensor<?x3x!quant.uniform<i32:f32:1, {1.000000e+00,1.000000e+00,1.000000e+00}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] {clamp_max = 30000 : i64, clamp_min = -1000 : i64, multiplier = array<i32: 1073741824, 1073741825, 1073741826>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 32, 33, 34>}
//  CHECK-SAME:     -> tensor<?x3x!quant.uniform<i16:f32, 1.000000e+00>>
//       CHECK:   tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]]
//   CHECK-NOT:   tosa.matmul
func.func @matmul_bias(%a: tensor<1x?x2xi8>) -> tensor<1x?x3xi16> {
  %b = "tosa.const"() <{values = dense<[[[1, 2, 3], [4, 5, 6]]]> : tensor<1x2x3xi8>}> : () -> tensor<1x2x3xi8>
  %azp = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %bzp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %acc = tosa.matmul %a, %b, %azp, %bzp : (tensor<1x?x2xi8>, tensor<1x2x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x?x3xi32>
  %bias = "tosa.const"() <{values = dense<[[[10, -20, 2147483647]]]> : tensor<1x1x3xi32>}> : () -> tensor<1x1x3xi32>
  %sum = tosa.add %acc, %bias : (tensor<1x?x3xi32>, tensor<1x1x3xi32>) -> tensor<1x?x3xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1073741825, 1073741826]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %s = "tosa.const"() <{values = dense<[32, 33, 34]> : tensor<3xi8>}> : () -> tensor<3xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<0> : tensor<1xi16>}> : () -> tensor<1xi16>
  %y = tosa.rescale %sum, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x?x3xi32>, tensor<3xi32>, tensor<3xi8>, tensor<1xi32>, tensor<1xi16>) -> tensor<1x?x3xi16>
  %r = tosa.clamp %y {max_val = 30000 : i16, min_val = -1000 : i16} : (tensor<1x?x3xi16>) -> tensor<1x?x3xi16>
  return %r : tensor<1x?x3xi16>
}

// -----

// Tests that a bias add wraps as the int32 accumulator does (the conv's
// bias 2147483647 plus the added 1 is -2147483648), that a layer without a
// rescale returns its i32 accumulator through a cast to storage, and that
// batches of one matrix (two equal [2, 1] matrices) become one linear.
// CHECK-LABEL: func.func @wrapping_bias_no_rescale
//       CHECK:   %[[BIAS:.+]] = arith.constant dense<-2147483648> : tensor<1xi32>
//       CHECK:   %[[CONV:.+]] = qsim.conv2d {{.+}}, %[[BIAS]] :
//       CHECK:   %[[T:.+]] = linalg.transpose ins(%[[CONV]]
//       CHECK:   %[[C:.+]] = quant.scast %[[T]] : tensor<1x2x2x1x!quant.uniform<i32:f32, 1.000000e+00>> to tensor<1x2x2x1xi32>
//       CHECK:   arith.constant dense<{{\[\[}}3, -4]]> : tensor<1x2xi8>
//       CHECK:   tensor.collapse_shape {{.+}} into tensor<10x2x!quant.uniform<i8:f32, 1.000000e+00>>
//       CHECK:   %[[ACC:.+]] = qsim.linear
//  CHECK-SAME:     -> tensor<10x1x!quant.uniform<i32:f32, 1.000000e+00>>
//       CHECK:   %[[E:.+]] = tensor.expand_shape %[[ACC]]
//       CHECK:   %[[R:.+]] = quant.scast %[[E]] : tensor<2x5x1x!quant.uniform<i32:f32, 1.000000e+00>> to tensor<2x5x1xi32>
//       CHECK:   return %[[C]], %[[R]]
func.func @wrapping_bias_no_rescale(%x: tensor<1x2x2x1xi8>, %a: tensor<2x5x2xi8>) -> (tensor<1x2x2x1xi32>, tensor<2x5x1xi32>) {
  %w = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8>
  %max = "tosa.const"() <{values = dense<2147483647> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %conv = tosa.conv2d %x, %w, %max, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xi8>, tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x1xi32>
  %one = "tosa.const"() <{values = dense<1> : tensor<1x1x1x1xi32>}> : () -> tensor<1x1x1x1xi32>
  %sum = tosa.add %one, %conv : (tensor<1x1x1x1xi32>, tensor<1x2x2x1xi32>) -> tensor<1x2x2x1xi32>
  %b = "tosa.const"() <{values = dense<[[[3], [-4]], [[3], [-4]]]> : tensor<2x2x1xi8>}> : () -> tensor<2x2x1xi8>
  %acc = tosa.matmul %a, %b, %zp, %zp : (tensor<2x5x2xi8>, tensor<2x2x1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<2x5x1xi32>
  return %sum, %acc : tensor<1x2x2x1xi32>, tensor<2x5x1xi32>
}

// -----

// Tests a rescale that no layer reads: per channel on the last axis of an
// i8 input, which makes the input type per-axis on axis 2 with the zero
// point -5 on every channel; and a rescale of i8 to i32, TFLite ADD's
// left shift, whose result the i32 tosa.add that stays TOSA reads.
// CHECK-LABEL: func.func @rescales
//  CHECK-SAME:   (%[[X:.+]]: tensor<2x2x3xi8>)
//       CHECK:   %[[XQ:.+]] = quant.scast %[[X]] : tensor<2x2x3xi8> to tensor<2x2x3x!quant.uniform<i8:f32:2, {1.000000e+00:-5,1.000000e+00:-5,1.000000e+00:-5}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[XQ]] {multiplier = array<i32: 1073741824, 1500000000, 2000000000>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 30, 31, 32>}
//  CHECK-SAME:     -> tensor<2x2x3x!quant.uniform<i8:f32, 1.000000e+00:10>>
//       CHECK:   %[[XQ2:.+]] = quant.scast %[[X]] : tensor<2x2x3xi8> to tensor<2x2x3x!quant.uniform<i8:f32, 1.000000e+00:-5>>
//       CHECK:   %[[W:.+]] = qsim.requantize %[[XQ2]] {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 10>}
//  CHECK-SAME:     -> tensor<2x2x3x!quant.uniform<i32:f32, 1.000000e+00>>
//       CHECK:   %[[WS:.+]] = quant.scast %[[W]] : tensor<2x2x3x!quant.uniform<i32:f32, 1.000000e+00>> to tensor<2x2x3xi32>
//       CHECK:   tosa.add %[[WS]], %[[WS]]
func.func @rescales(%x: tensor<2x2x3xi8>) -> (tensor<2x2x3xi8>, tensor<2x2x3xi32>) {
  %m = "tosa.const"() <{values = dense<[1073741824, 1500000000, 2000000000]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %s = "tosa.const"() <{values = dense<[30, 31, 32]> : tensor<3xi8>}> : () -> tensor<3xi8>
  %izp = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %x, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x2x3xi8>, tensor<3xi32>, tensor<3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<2x2x3xi8>
  %m1 = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s1 = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %w = tosa.rescale %x, %m1, %s1, %izp, %zp32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<2x2x3xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<2x2x3xi32>
  %sum = tosa.add %w, %w : (tensor<2x2x3xi32>, tensor<2x2x3xi32>) -> tensor<2x2x3xi32>
  return %y, %sum : tensor<2x2x3xi8>, tensor<2x2x3xi32>
}

// -----

// Tests that the rescale chain of an integer add (each i8 operand rescaled
// to i32, the i32 add, the sum rescaled to i8, the clamp after it), as the
// TOSA export and TFLite's legalization write it, becomes one qsim.add with
// the three pairs and the clamp's lower bound; the reshape of the rhs stays
// and qsim.add broadcasts its unit dimension.
// CHECK-LABEL: func.func @add_chain
//  CHECK-SAME:   (%[[A:.+]]: tensor<2x4xi8>, %[[B:.+]]: tensor<4xi8>)
//       CHECK:   %[[B2:.+]] = tosa.reshape %[[B]]
//   CHECK-DAG:   %[[AQ:.+]] = quant.scast %[[A]] : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8:f32, 1.000000e+00:-3>>
//   CHECK-DAG:   %[[BQ:.+]] = quant.scast %[[B2]] : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 1.000000e+00:3>>
//       CHECK:   %[[Y:.+]] = qsim.add %[[AQ]], %[[BQ]] {clamp_min = 10 : i64, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 13, 11, 49>}
//  CHECK-SAME:     -> tensor<2x4x!quant.uniform<i8:f32, 1.000000e+00:10>>
//       CHECK:   %[[YS:.+]] = quant.scast %[[Y]]
//   CHECK-NOT:   tosa.rescale
//   CHECK-NOT:   tosa.add
//       CHECK:   return %[[YS]]
func.func @add_chain(%a: tensor<2x4xi8>, %b: tensor<4xi8>) -> tensor<2x4xi8> {
  %ma = "tosa.const"() <{values = dense<1717986918> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sa = "tosa.const"() <{values = dense<13> : tensor<1xi8>}> : () -> tensor<1xi8>
  %za = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %z32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ra = tosa.rescale %a, %ma, %sa, %za, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<2x4xi32>
  %shape = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %b2 = tosa.reshape %b, %shape : (tensor<4xi8>, !tosa.shape<2>) -> tensor<1x4xi8>
  %mb = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sb = "tosa.const"() <{values = dense<11> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zb = "tosa.const"() <{values = dense<3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rb = tosa.rescale %b2, %mb, %sb, %zb, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4xi32>
  %sum = tosa.add %ra, %rb : (tensor<2x4xi32>, tensor<1x4xi32>) -> tensor<2x4xi32>
  %my = "tosa.const"() <{values = dense<1342177280> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sy = "tosa.const"() <{values = dense<49> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zy = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %sum, %my, %sy, %z32, %zy {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<2x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<2x4xi8>
  %r = tosa.clamp %y {max_val = 127 : i8, min_val = 10 : i8} : (tensor<2x4xi8>) -> tensor<2x4xi8>
  return %r : tensor<2x4xi8>
}

// -----

// Tests that a chain whose rescales round differently, or whose result
// shift cannot take every sum (20 here, see the add verifier's tests), is
// no qsim.add: the rescales are imported alone (but the one of shift 20,
// whose input range is narrower than i32) and the i32 add stays TOSA.
// CHECK-LABEL: func.func @add_chain_kept
//   CHECK-COUNT-2:   qsim.requantize
//       CHECK:   tosa.add
//       CHECK:   qsim.requantize
//   CHECK-COUNT-2:   qsim.requantize
//       CHECK:   tosa.add
//       CHECK:   tosa.rescale
//   CHECK-NOT:   qsim.add
func.func @add_chain_kept(%a: tensor<4xi8>, %b: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>) {
  %ma = "tosa.const"() <{values = dense<1717986918> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sa = "tosa.const"() <{values = dense<13> : tensor<1xi8>}> : () -> tensor<1xi8>
  %za = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %z32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %mb = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sb = "tosa.const"() <{values = dense<11> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zb = "tosa.const"() <{values = dense<3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %my = "tosa.const"() <{values = dense<1342177280> : tensor<1xi32>}> : () -> tensor<1xi32>
  %sy = "tosa.const"() <{values = dense<49> : tensor<1xi8>}> : () -> tensor<1xi8>
  %sy20 = "tosa.const"() <{values = dense<20> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zy = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ra = tosa.rescale %a, %ma, %sa, %za, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<4xi32>
  %rb = tosa.rescale %b, %mb, %sb, %zb, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<4xi32>
  %sum = tosa.add %ra, %rb : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %y = tosa.rescale %sum, %my, %sy, %z32, %zy {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<4xi8>
  %ra2 = tosa.rescale %a, %ma, %sa, %za, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<4xi32>
  %rb2 = tosa.rescale %b, %mb, %sb, %zb, %z32 {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<4xi32>
  %sum2 = tosa.add %ra2, %rb2 : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %y2 = tosa.rescale %sum2, %my, %sy20, %z32, %zy {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<4xi8>
  return %y, %y2 : tensor<4xi8>, tensor<4xi8>
}

// -----

// Tests that a clamp no rescale takes becomes qsim.clamp in the type of the
// op it reads: zero point 0 for an argument (real bounds -3 and 90), the
// requantize's zero point 10 after a rescale whose other user keeps the
// clamp out of it (real bounds -3 - 10 = -13 and 90 - 10 = 80), the casts
// between them folded.
// CHECK-LABEL: func.func @clamps
//       CHECK:   %[[XQ:.+]] = quant.scast %{{.+}} : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.000000e+00>>
//       CHECK:   qsim.clamp %[[XQ]] {max = 9.000000e+01 : f64, min = -3.000000e+00 : f64}
//       CHECK:   %[[Y:.+]] = qsim.requantize
//   CHECK-NOT:   clamp_min
//  CHECK-SAME:     -> tensor<4x!quant.uniform<i8:f32, 1.000000e+00:10>>
//       CHECK:   qsim.clamp %[[Y]] {max = 8.000000e+01 : f64, min = -1.300000e+01 : f64}
func.func @clamps(%x: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>, tensor<4xi8>) {
  %a = tosa.clamp %x {max_val = 90 : i8, min_val = -3 : i8} : (tensor<4xi8>) -> tensor<4xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.rescale %x, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<4xi8>
  %b = tosa.clamp %y {max_val = 90 : i8, min_val = -3 : i8} : (tensor<4xi8>) -> tensor<4xi8>
  return %a, %b, %y : tensor<4xi8>, tensor<4xi8>, tensor<4xi8>
}

// -----

// Tests that an integer average pool becomes qsim.avg_pool2d with TOSA's
// division (tosa_single), NCHW between transposes, in types of one scale
// and the pool's zero points -3 and 7; TOSA's padding [top 1, bottom 0,
// left 1, right 1] is qsim's [1, 1, 0, 1].
// CHECK-LABEL: func.func @avg_pool
//       CHECK:   qsim.avg_pool2d %{{.+}} {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 1>, rounding = #qsim.rounding<tosa_single>, strides = array<i64: 1, 2>} : tensor<1x3x4x6x!quant.uniform<i8:f32, 1.000000e+00:-3>> -> tensor<1x3x4x4x!quant.uniform<i8:f32, 1.000000e+00:7>>
//   CHECK-NOT:   tosa.avg_pool2d
func.func @avg_pool(%x: tensor<1x4x6x3xi8>) -> tensor<1x4x4x3xi8> {
  %zx = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zy = "tosa.const"() <{values = dense<7> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.avg_pool2d %x, %zx, %zy {acc_type = i32, kernel = array<i64: 2, 2>, pad = array<i64: 1, 0, 1, 1>, stride = array<i64: 1, 2>} : (tensor<1x4x6x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi8>
  return %y : tensor<1x4x4x3xi8>
}
