// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json" | FileCheck %s

// Tests the TOSA ops that become integer qsim ops other than layers. Types
// (u8): [-1, 1] is s = 2/255, z = 128; [0, 6] s = 6/255, z = 0; [0, 2]
// s = 2/255, z = 0; [0, 1] s = 1/255, z = 0.

// Tests tosa.add of two activations and the tosa.clamp (ReLU6) after it:
// clamp_max is 6 quantized, 6 / f32(6/255) = 254.99998 -> 255, the storage
// maximum, and clamp_min z_y = 0 the storage minimum, so no bound is left.
// CHECK-LABEL: func.func @tosa_add
//       CHECK:   %[[S:.+]] = qsim.add %{{.+}}, %{{.+}} : (tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>, tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.023529411764705882>>
//       CHECK:   qsim.dequantize %[[S]]
//   CHECK-NOT:   tosa.
func.func @tosa_add(%a: tensor<1x2x2x3xf32>, %b: tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32> {
  %s = tosa.add %a, %b : (tensor<1x2x2x3xf32>, tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %c = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  return %c : tensor<1x2x2x3xf32>
}

// -----

// Tests tosa.avg_pool2d (NHWC, padding excluded from the count as TOSA
// defines it): transposed to NCHW, qsim.avg_pool2d without
// count_include_pad, transposed back. TOSA's pad [top, bottom, left, right]
// = [1, 0, 1, 0] is qsim's [top, left, bottom, right] = [1, 1, 0, 0].
// CHECK-LABEL: func.func @tosa_pool
//       CHECK:   %[[T:.+]] = linalg.transpose ins(%{{.+}} : tensor<1x5x5x2x!quant.uniform<u8:f32, 0.0078431372549019607>>) {{.+}} permutation = [0, 3, 1, 2]
//       CHECK:   %[[P:.+]] = qsim.avg_pool2d %[[T]] {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x5x5x!quant.uniform<u8:f32, 0.0078431372549019607>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   linalg.transpose ins(%[[P]] : {{.+}}) {{.+}} permutation = [0, 2, 3, 1]
//   CHECK-NOT:   tosa.
func.func @tosa_pool(%x: tensor<1x5x5x2xf32>) -> tensor<1x3x3x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %p = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x5x5x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  return %p : tensor<1x3x3x2xf32>
}

// -----

// Tests tosa.concat on the channels (axis 3 of NHWC).
// CHECK-LABEL: func.func @tosa_cat
//       CHECK:   qsim.concat %{{.+}}, %{{.+}} {axis = 3 : i64} : (tensor<1x2x2x1x!quant.uniform<u8:f32, 0.0039215686274509803>>, tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>) -> tensor<1x2x2x3x!quant.uniform<u8:f32, 0.0078431372549019607>>
//   CHECK-NOT:   tosa.
func.func @tosa_cat(%a: tensor<1x2x2x1xf32>, %b: tensor<1x2x2x2xf32>) -> tensor<1x2x2x3xf32> {
  %c = tosa.concat %a, %b {axis = 3 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x3xf32>
  return %c : tensor<1x2x2x3xf32>
}
