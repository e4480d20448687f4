// RUN: qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach.stats.json" | FileCheck %s
// RUN: qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach.stats.json activation-type=i8 activation-bits=6" | FileCheck %s --check-prefix=I6
// RUN: not qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach-missing.stats.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach.stats.json activation-type=u4" 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach.stats.json activation-bits=17" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: qsim-opt %S/Inputs/layer.mlir --qsim-attach-ranges="stats=%S/Inputs/attach.stats.json" --convert-linalg-to-qsim | FileCheck %s --check-prefix=CONVERT

// Tests that each named activation gets its range as a quantize/dequantize
// pair, and that every other use reads the dequantized value: [-1, 1] as u8
// is s = 2/255, z = 127.5 -> 128; [0, 2] is s = 2/255, z = 0. The float
// model is otherwise untouched.
// CHECK-LABEL: func.func @layer
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x1x3x3xf32>)
//       CHECK:   %[[XQ:.+]] = qsim.quantize %[[X]] : tensor<1x1x3x3xf32> -> tensor<1x1x3x3x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       CHECK:   %[[XD:.+]] = qsim.dequantize %[[XQ]]
//       CHECK:   %[[C:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[XD]],
//       CHECK:   %[[CQ:.+]] = qsim.quantize %[[C]] : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   %[[CD:.+]] = qsim.dequantize %[[CQ]]
//       CHECK:   tensor.collapse_shape %[[CD]]

// Tests i8 storage of 6 bits: [-1, 1] is s = 2/63, z = round(-32 + 31.5) = 0.
// I6: qsim.quantize %{{.+}} -> tensor<1x1x3x3x!quant.uniform<i6:f32, 0.031746031746031744>>

// NOFILE: error: qsim-attach-ranges: statistics file '': no file given; pass stats=FILE
// MISSING: error: loc("conv1"): qsim-attach-ranges: no range for activation 'layer/conv1.output' in the statistics file
// TYPE: error: qsim-attach-ranges: activation-type must be u8 or i8, got 'u4'
// BITS: error: qsim-attach-ranges: activation-bits must be 2 to 16, got 17

// Tests that the conversion, applied to the pairs, quantizes the layer and
// carries the dequantize across the reshape to the function's result.
// CONVERT-LABEL: func.func @layer
//       CONVERT:   %[[ACC:.+]] = qsim.conv2d
//       CONVERT:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//       CONVERT:   %[[T:.+]] = tensor.collapse_shape %[[Y]] {{.+}} into tensor<1x8x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CONVERT:   %[[D:.+]] = qsim.dequantize %[[T]]
//       CONVERT:   return %[[D]]
