// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json" | FileCheck %s
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json" | FileCheck %s --check-prefix=NOFLOAT
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json weight-granularity=per-tensor" | FileCheck %s --check-prefix=PER-TENSOR
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json weight-scheme=asymmetric" | FileCheck %s --check-prefix=ASYM
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json activation-type=i8" | FileCheck %s --check-prefix=I8
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json weight-bits=4 activation-bits=6 narrow-range" | FileCheck %s --check-prefix=BITS
// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/Inputs/quantize.stats.json weight-bits=12" | FileCheck %s --check-prefix=BITS12

// Tests that a padded conv + bias + ReLU and a transposed-weight matmul +
// bias become qsim ops chained on quantized values. Every integer below was
// computed by hand (float32 division as qsim.quantize does):
// - input [-1, 1] as u8: s = 2/255, z = round(127.5) = 128;
// - conv weights, symmetric per channel, both max |w| = 1: s = 2/255;
//   0.5 / s = 63.75 -> 64, -0.25 -> -32, 0.125 -> 16, 1.0 -> 127.49999 -> 127;
// - bias at s_x s_w = (2/255)^2: 0.1 -> 1625.625 -> 1626, -0.2 -> -3251;
// - conv output [0, 2]: s = 2/255, z = 0;
// - fc weights 0.03125: s = 0.0625/255, 0.03125 / s = 127.49999 -> 127;
//   bias 0.5 / (2/255 * 0.0625/255) = 260100.
// CHECK-LABEL: func.func @conv_relu
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x4x4xf32>) -> tensor<?x3xf32>
//   CHECK-DAG:   %[[FB:.+]] = arith.constant dense<[0, 260100, -260100]> : tensor<3xi32>
//   CHECK-DAG:   %[[FWI:.+]] = arith.constant dense<127> : tensor<3x32xi8>
//   CHECK-DAG:   %[[B:.+]] = arith.constant dense<[1626, -3251]> : tensor<2xi32>
//   CHECK-DAG:   %[[WI:.+]] = arith.constant dense<{{\[}}[{{\[}}[64, -32], [16, 127]]], [{{\[}}[-64, 96], [32, -127]]]]> : tensor<2x1x2x2xi8>
//       CHECK:   %[[XQ:.+]] = qsim.quantize %[[X]] : tensor<?x1x4x4xf32> -> tensor<?x1x4x4x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[W:.+]] = quant.scast %[[WI]] : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.0078431372549019607,0.0078431372549019607}>>
//       CHECK:   %[[ACC:.+]] = qsim.conv2d %[[XQ]], %[[W]], %[[B]] {padding = array<i64: 1, 1, 0, 0>}
//  CHECK-SAME:     -> tensor<?x2x4x4x!quant.uniform<i32:f32:1, {6.1514801999231058E-5,6.1514801999231058E-5}>>
//       CHECK:   %[[Y:.+]] = qsim.requantize %[[ACC]] : {{.+}} -> tensor<?x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   %[[R:.+]] = qsim.relu %[[Y]]
//   CHECK-NOT:   qsim.dequantize
//   CHECK-NOT:   qsim.quantize
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2, 3]] : tensor<?x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> into tensor<?x32x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   %[[FW:.+]] = quant.scast %[[FWI]] {{.+}} to tensor<3x32x!quant.uniform<i8:f32:0, {2.4509803921568627E-4,2.4509803921568627E-4,2.4509803921568627E-4}>>
//       CHECK:   %[[FACC:.+]] = qsim.linear %[[FLAT]], %[[FW]], %[[FB]]
//       CHECK:   %[[FY:.+]] = qsim.requantize %[[FACC]] : {{.+}} -> tensor<?x3x!quant.uniform<u8:f32, 0.011764705882352941:128>>
//       CHECK:   %[[OUT:.+]] = qsim.dequantize %[[FY]] : tensor<?x3x!quant.uniform<u8:f32, 0.011764705882352941:128>> -> tensor<?x3xf32>
//       CHECK:   return %[[OUT]]

// Tests that no float weight or float layer op is left.
// NOFLOAT-NOT: arith.constant dense{{.*}}xf32>
// NOFLOAT-NOT: linalg.

// Tests per-tensor weights: one scale for all channels, per-tensor
// accumulators (max |w| is 1 in both channels, so the integers agree).
// PER-TENSOR-LABEL: func.func @conv_relu
//       PER-TENSOR:   quant.scast %{{.+}} : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8:f32, 0.0078431372549019607>>
//       PER-TENSOR:   qsim.conv2d {{.+}} -> tensor<?x2x4x4x!quant.uniform<i32:f32, 6.1514801999231058E-5>>
//       PER-TENSOR:   qsim.linear {{.+}} -> tensor<?x3x!quant.uniform<i32:f32, 1.9223375624759706E-6>>

// Tests asymmetric weights: channel 0 spans [-0.25, 1.0] (s = 1.25/255,
// z = round(-128 + 0.25 / s) = -77), channel 1 spans [-1.0, 0.75]
// (s = 1.75/255, z = round(-128 + 1 / s) = 18). The integers were computed
// with NumPy in float32.
// ASYM-LABEL: func.func @conv_relu
//       ASYM:   arith.constant dense<{{\[}}[{{\[}}[25, -128], [-51, 127]]], [{{\[}}[-55, 127], [54, -128]]]]> : tensor<2x1x2x2xi8>
//       ASYM:   tensor<2x1x2x2x!quant.uniform<i8:f32:0, {0.0049019607843137254:-77,0.0068627450980392156:18}>>

// Tests i8 activations: [-1, 1] gives s = 2/255, z = round(-128 + 127.5) = 0;
// [0, 2] gives z = -128.
// I8-LABEL: func.func @conv_relu
//       I8:   qsim.quantize %{{.+}} -> tensor<?x1x4x4x!quant.uniform<i8:f32, 0.0078431372549019607>>
//       I8:   qsim.requantize {{.+}} -> tensor<?x2x4x4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>

// Tests other bit widths: narrow 4-bit weights ([-7, 7], s = 2/14) and 6-bit
// activations ([-1, 1]: s = 2/63, z = round(31.5) = 32).
// BITS-LABEL: func.func @conv_relu
//       BITS:   qsim.quantize %{{.+}} -> tensor<?x1x4x4x!quant.uniform<u6:f32, 0.031746031746031744:32>>
//       BITS:   quant.scast %{{.+}} : tensor<2x1x2x2xi4> to tensor<2x1x2x2x!quant.uniform<i4<-7:7>:f32:0, {0.14285714285714285,0.14285714285714285}>>

// Tests 12-bit weights, stored two bytes per weight: s = 2 / 4095 per
// channel, codes round(f32(w) / f32(s)) from NumPy (so -1.0 gives
// -2047.4999... -> -2047); the splat fc weight stays a splat.
// BITS12-LABEL: func.func @conv_relu
//   BITS12-DAG:   arith.constant dense<{{\[}}[{{\[}}[1024, -512], [256, 2047]]], [{{\[}}[-1024, 1536], [512, -2047]]]]> : tensor<2x1x2x2xi12>
//   BITS12-DAG:   arith.constant dense<2047> : tensor<3x32xi12>
