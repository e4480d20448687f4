// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=vnni | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=avx2 | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=generic | FileCheck %s --check-prefixes=CHECK,GENERIC

// The layers that convert-qsim-to-kernels must leave to the reference
// lowering, whatever the dot product, and the edges of what it takes.

// Tests that the pass leaves alone a grouped conv (2 groups of 2 channels).
// CHECK-LABEL: func.func @grouped
//   CHECK-NOT:   vector.
//       CHECK:   qsim.conv2d
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @grouped(%x: tensor<1x4x3x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<4x2x1x1xi8>
  %w = quant.scast %ws : tensor<4x2x1x1xi8> to tensor<4x2x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x3x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone a depthwise conv with 2 output channels per
// input channel.
// CHECK-LABEL: func.func @depthwise_multiplier
//   CHECK-NOT:   vector.
//       CHECK:   qsim.conv2d
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @depthwise_multiplier(%x: tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<4x1x1x1xi8>
  %w = quant.scast %ws : tensor<4x1x1x1xi8> to tensor<4x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w {groups = 2 : i64} : (tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone 16-bit activations.
// CHECK-LABEL: func.func @i16_activations
//   CHECK-NOT:   vector.
//       CHECK:   qsim.conv2d
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @i16_activations(%x: tensor<1x2x3x3x!quant.uniform<i16:f32, 0.5>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<2x2x1x1xi8>
  %w = quant.scast %ws : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w : (tensor<1x2x3x3x!quant.uniform<i16:f32, 0.5>>, tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone 4-bit activations.
// CHECK-LABEL: func.func @u4_activations
//   CHECK-NOT:   vector.
//       CHECK:   qsim.linear
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @u4_activations(%x: tensor<2x3x!quant.uniform<u4:f32, 0.5:8>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u4:f32, 0.5:8>>, tensor<2x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone weights that are not constant.
// CHECK-LABEL: func.func @weight_argument
//   CHECK-NOT:   vector.
//       CHECK:   qsim.conv2d
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @weight_argument(%x: tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5>>, %w: tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>> {
  %acc = qsim.conv2d %x, %w : (tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x2x3x3x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone a bias that is not constant.
// CHECK-LABEL: func.func @bias_argument
//   CHECK-NOT:   vector.
//       CHECK:   qsim.linear
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @bias_argument(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>, %b: tensor<2xi32>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.linear %x, %w, %b : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32, 0.25>>, tensor<2xi32>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone u8 weights with z_w = 0 holding 200 (the
// storage -56 as i8): w - z_w = 200 leaves i8.
// CHECK-LABEL: func.func @u8_weights_past_i8
//   CHECK-NOT:   vector.
//       CHECK:   qsim.linear
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @u8_weights_past_i8(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<[[1, 2, 3], [4, -56, 6]]> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<u8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that the pass leaves alone per-channel i8 weights where channel 0
// (z_w = 0) fits but channel 1 (z_w = -1) holds 127: w - z_w = 128 leaves i8.
// CHECK-LABEL: func.func @i8_weights_past_i8
//   CHECK-NOT:   vector.
//       CHECK:   qsim.conv2d
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @i8_weights_past_i8(%x: tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.125, 0.125}>> {
  %ws = arith.constant dense<[[[[-128]], [[5]]], [[[127]], [[-128]]]]> : tensor<2x2x1x1xi8>
  %w = quant.scast %ws : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.25, 0.25:-1}>>
  %acc = qsim.conv2d %x, %w : (tensor<1x2x3x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.25, 0.25:-1}>>) -> tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.125, 0.125}>>
  return %acc : tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.125, 0.125}>>
}

// -----

// Tests that the pass leaves alone i16 weights holding 128 (z_w = 0).
// CHECK-LABEL: func.func @i16_weights_past_i8
//   CHECK-NOT:   vector.
//       CHECK:   qsim.linear
//   CHECK-NOT:   {{vector\.|scf\.}}
//       CHECK:   return
func.func @i16_weights_past_i8(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<[[100, -100, 0], [128, -128, 1]]> : tensor<2x3xi16>
  %w = quant.scast %ws : tensor<2x3xi16> to tensor<2x3x!quant.uniform<i16:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that u8 weights with z_w = 128 are rewritten: every w - z_w (storage
// 0, 255, 128 / 200, 56, 129) fits in i8 as [-128, 127, 0] / [72, -72, 1],
// summing to -1 and 1, so with z_x = 10 bias' = [5 + 10, 6 - 10] = [15, -4].
// CHECK-LABEL: func.func @u8_weights_within_i8
//    VNNI-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[-128, 127, 0, 0, 72, -72, 1, 0, {{(0, )+}}0]]]]]> : tensor<1x1x1x1x64xi8>
//    AVX2-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[-128, 127, 72, -72, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x2x1x16xi8>
// GENERIC-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[-128, 72, 0, 0, 0, 0, 0, 0]], {{\[}}[127, -72, 0, 0, 0, 0, 0, 0]], {{\[}}[0, 1, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x3x1x8xi8>
//    VNNI-DAG:   arith.constant dense<[15, -4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
//    AVX2-DAG:   arith.constant dense<[15, -4, 0, 0, 0, 0, 0, 0]> : tensor<8xi32>
// GENERIC-DAG:   arith.constant dense<[15, -4, 0, 0, 0, 0, 0, 0]> : tensor<8xi32>
//   CHECK-NOT:   qsim.linear
//       CHECK:   return
func.func @u8_weights_within_i8(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<[[0, -1, -128], [-56, 56, -127]]> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32, 0.25:128>>
  %b = arith.constant dense<[5, 6]> : tensor<2xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>, tensor<2x3x!quant.uniform<u8:f32, 0.25:128>>, tensor<2xi32>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that 16-bit weights are rewritten when every w - z_w fits in i8
// (z_w = 0, the values reach -128 and 127); without a bias and with
// z_x = 0, bias' is 0.
// CHECK-LABEL: func.func @i16_weights_within_i8
//    VNNI-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[100, -100, 0, 0, 127, -128, 1, 0, {{(0, )+}}0]]]]]> : tensor<1x1x1x1x64xi8>
//    AVX2-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[100, -100, 127, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x2x1x16xi8>
// GENERIC-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[100, 127, 0, 0, 0, 0, 0, 0]], {{\[}}[-100, -128, 0, 0, 0, 0, 0, 0]], {{\[}}[0, 1, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x3x1x8xi8>
//   CHECK-DAG:   arith.constant dense<0> : tensor<{{16|8}}xi32>
//   CHECK-NOT:   qsim.linear
//       CHECK:   return
func.func @i16_weights_within_i8(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<[[100, -100, 0], [127, -128, 1]]> : tensor<2x3xi16>
  %w = quant.scast %ws : tensor<2x3xi16> to tensor<2x3x!quant.uniform<i16:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<i16:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests that constant weights are found through quant.scast and
// tensor.expand_shape: [[1, 2, 3], [4, 5, 6]] as a 2x3x1x1 window.
// CHECK-LABEL: func.func @reshaped_weights
//    VNNI-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1, 2, 3, 0, 4, 5, 6, 0, {{(0, )+}}0]]]]]> : tensor<1x1x1x1x64xi8>
//    AVX2-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1, 2, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[3, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x2x1x16xi8>
// GENERIC-DAG:   arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1, 4, 0, 0, 0, 0, 0, 0]], {{\[}}[2, 5, 0, 0, 0, 0, 0, 0]], {{\[}}[3, 6, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x3x1x8xi8>
//   CHECK-NOT:   qsim.conv2d
//       CHECK:   scf.parallel
//       CHECK:   return
func.func @reshaped_weights(%x: tensor<1x3x2x2x!quant.uniform<u8:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %wq = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %w = tensor.expand_shape %wq [[0], [1, 2, 3]] output_shape [2, 3, 1, 1] : tensor<2x3x!quant.uniform<i8:f32, 0.25>> into tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w : (tensor<1x3x2x2x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
}
