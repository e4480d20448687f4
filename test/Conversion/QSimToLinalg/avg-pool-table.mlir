// RUN: qsim-opt %s --split-input-file --convert-qsim-to-linalg | FileCheck %s

// Tests that avg_pool2d pads with z_x, sums x - z_x in i64 over a [KH, KW]
// window, and divides the float64 product S * M by the in-bounds tap count
// of each output position, (taps of its rows) * (taps of its columns): 4x4
// input, 3x3 kernel, stride 2, top/left padding 1 gives rows (and columns)
// of 2 and 3 taps; M = 0.1 / 0.2 = 0.5; clamp to [-128 - z_y, 127 - z_y].
// CHECK-DAG: #[[$SUM_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$SUM_WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$SUM_OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @avg_pool2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2x4x4xi8>) -> tensor<?x2x2x2xi8>
//       CHECK:   %[[ZX:.+]] = arith.constant 3 : i8
//       CHECK:   %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
//       CHECK:     tensor.yield %[[ZX]] : i8
//       CHECK:   %[[W:.+]] = tensor.empty() : tensor<3x3xi8>
//       CHECK:   %[[N:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x2x4x4xi8>
//       CHECK:   %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x2x2x2xi64>
//       CHECK:   %[[ZERO:.+]] = arith.constant 0 : i64
//       CHECK:   %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : i64) outs(%[[E]] : tensor<?x2x2x2xi64>)
//       CHECK:   %[[S:.+]] = linalg.generic {indexing_maps = [#[[$SUM_IN]], #[[$SUM_WIN]], #[[$SUM_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
//  CHECK-SAME:     ins(%[[P]], %[[W]] : tensor<?x2x5x5xi8>, tensor<3x3xi8>) outs(%[[INIT]] : tensor<?x2x2x2xi64>)
//       CHECK:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8, %[[ACC:.+]]: i64):
//       CHECK:     %[[WIDE:.+]] = arith.extui %[[IN]] : i8 to i64
//       CHECK:     %[[Z64:.+]] = arith.constant 3 : i64
//       CHECK:     %[[D:.+]] = arith.subi %[[WIDE]], %[[Z64]] : i64
//       CHECK:     %[[SUM:.+]] = arith.addi %[[ACC]], %[[D]] : i64
//       CHECK:     linalg.yield %[[SUM]] : i64
//       CHECK:   %[[ROWS:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf64>
//       CHECK:   %[[COLS:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf64>
//       CHECK:   %[[OUT:.+]] = tensor.empty(%[[N]]) : tensor<?x2x2x2xi8>
//       CHECK:   %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$COL]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[S]], %[[ROWS]], %[[COLS]] : tensor<?x2x2x2xi64>, tensor<2xf64>, tensor<2xf64>) outs(%[[OUT]] : tensor<?x2x2x2xi8>)
//       CHECK:   ^bb0(%[[SV:.+]]: i64, %[[RV:.+]]: f64, %[[CV:.+]]: f64, %{{.+}}: i8):
//       CHECK:     %[[SF:.+]] = arith.sitofp %[[SV]] : i64 to f64
//       CHECK:     %[[M:.+]] = arith.constant 5.000000e-01 : f64
//       CHECK:     %[[PROD:.+]] = arith.mulf %[[SF]], %[[M]] : f64
//       CHECK:     %[[COUNT:.+]] = arith.mulf %[[RV]], %[[CV]] : f64
//       CHECK:     %[[MEAN:.+]] = arith.divf %[[PROD]], %[[COUNT]] : f64
//       CHECK:     %[[R:.+]] = math.roundeven %[[MEAN]] : f64
//       CHECK:     %[[LO:.+]] = arith.constant -1.270000e+02 : f64
//       CHECK:     %[[HI:.+]] = arith.constant 1.280000e+02 : f64
//       CHECK:     %[[ZY:.+]] = arith.constant -1 : i32
//       CHECK:     %[[C1:.+]] = arith.maximumf %[[R]], %[[LO]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[C2:.+]] = arith.minimumf %[[C1]], %[[HI]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[I:.+]] = arith.fptosi %[[C2]] : f64 to i32
//       CHECK:     %[[SH:.+]] = arith.addi %[[I]], %[[ZY]] : i32
//       CHECK:     %[[T:.+]] = arith.trunci %[[SH]] : i32 to i8
//       CHECK:     linalg.yield %[[T]] : i8
//       CHECK:   return %[[Y]]
func.func @avg_pool2d(%x: tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<?x2x2x2x!quant.uniform<i8:f32, 0.2:-1>> {
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>}
      : tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<?x2x2x2x!quant.uniform<i8:f32, 0.2:-1>>
  return %0 : tensor<?x2x2x2x!quant.uniform<i8:f32, 0.2:-1>>
}

// -----

// Tests that only the rows get a count constant when only they overlap the
// padding: 3x3 input, 2x2 kernel, top padding 1 gives rows of 1, 2 and 2
// taps, times the 2 taps of every column.
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-LABEL: func.func @avg_pool2d_rows
//       CHECK:   %[[ROWS:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<3xf64>
//       CHECK:   linalg.generic {indexing_maps = [#{{.+}}, #[[$ROW]], #{{.+}}]
//  CHECK-SAME:     ins(%{{.+}}, %[[ROWS]] : tensor<1x1x3x2xi64>, tensor<3xf64>)
//       CHECK:   ^bb0(%[[SV:.+]]: i64, %[[RV:.+]]: f64, %{{.+}}: i8):
//       CHECK:     %[[SF:.+]] = arith.sitofp %[[SV]] : i64 to f64
//  CHECK-NEXT:     %[[KW:.+]] = arith.constant 2.000000e+00 : f64
//  CHECK-NEXT:     %[[COUNT:.+]] = arith.mulf %[[RV]], %[[KW]] : f64
//  CHECK-NEXT:     arith.divf %[[SF]], %[[COUNT]] : f64
func.func @avg_pool2d_rows(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<1x1x3x2x!quant.uniform<u8:f32, 0.5>> {
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>}
      : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.5>> -> tensor<1x1x3x2x!quant.uniform<u8:f32, 0.5>>
  return %0 : tensor<1x1x3x2x!quant.uniform<u8:f32, 0.5>>
}

// -----

// Tests that count_include_pad divides by KH * KW = 6 everywhere (no count
// tensor), that equal types skip the product (S * 1.0 is S), and that a
// signed input with z_x = 0 is sign-extended and not shifted.
// CHECK-LABEL: func.func @avg_pool2d_include_pad
//       CHECK:   %[[ZX:.+]] = arith.constant 0 : i8
//       CHECK:   tensor.pad %{{.+}} low[0, 0, 0, 1] high[0, 0, 0, 1]
//       CHECK:     tensor.yield %[[ZX]] : i8
//       CHECK:   linalg.generic
//       CHECK:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8, %[[ACC:.+]]: i64):
//       CHECK:     %[[WIDE:.+]] = arith.extsi %[[IN]] : i8 to i64
//  CHECK-NEXT:     %[[SUM:.+]] = arith.addi %[[ACC]], %[[WIDE]] : i64
//  CHECK-NEXT:     linalg.yield %[[SUM]] : i64
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.+}} : tensor<1x1x1x2xi64>) outs(%{{.+}} : tensor<1x1x1x2xi8>)
//       CHECK:   ^bb0(%[[SV:.+]]: i64, %{{.+}}: i8):
//       CHECK:     %[[SF:.+]] = arith.sitofp %[[SV]] : i64 to f64
//  CHECK-NEXT:     %[[COUNT:.+]] = arith.constant 6.000000e+00 : f64
//  CHECK-NEXT:     %[[MEAN:.+]] = arith.divf %[[SF]], %[[COUNT]] : f64
//  CHECK-NEXT:     math.roundeven %[[MEAN]] : f64
func.func @avg_pool2d_include_pad(%x: tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>> {
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 3>, padding = array<i64: 0, 1, 0, 1>, count_include_pad = true}
      : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Tests that table extracts from a constant of the result's storage
// integers (the u8 entry 255 is the i8 bit pattern -1) at index q + 8 for
// i4 input (sign-extended), and at q for u8 input (zero-extended, no shift).
// CHECK-LABEL: func.func @table
//  CHECK-SAME:   (%[[X:.+]]: tensor<3xi4>, %[[U:.+]]: tensor<2x2xi8>)
//       CHECK:   %[[T:.+]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1]> : tensor<16xi8>
//       CHECK:   %[[E:.+]] = tensor.empty() : tensor<3xi8>
//       CHECK:   %[[Y:.+]] = linalg.generic {{.+}} ins(%[[X]] : tensor<3xi4>) outs(%[[E]] : tensor<3xi8>)
//       CHECK:   ^bb0(%[[Q:.+]]: i4, %{{.+}}: i8):
//       CHECK:     %[[W:.+]] = arith.extsi %[[Q]] : i4 to i32
//       CHECK:     %[[MIN:.+]] = arith.constant -8 : i32
//       CHECK:     %[[I:.+]] = arith.subi %[[W]], %[[MIN]] : i32
//       CHECK:     %[[IDX:.+]] = arith.index_cast %[[I]] : i32 to index
//       CHECK:     %[[V:.+]] = tensor.extract %[[T]][%[[IDX]]] : tensor<16xi8>
//       CHECK:     linalg.yield %[[V]] : i8
//       CHECK:   %[[T2:.+]] = arith.constant dense<{{.+}}> : tensor<256xi16>
//       CHECK:   linalg.generic {{.+}} ins(%[[U]] : tensor<2x2xi8>) outs(%{{.+}} : tensor<2x2xi16>)
//       CHECK:   ^bb0(%[[Q2:.+]]: i8, %{{.+}}: i16):
//       CHECK:     %[[W2:.+]] = arith.extui %[[Q2]] : i8 to i32
//  CHECK-NEXT:     %[[IDX2:.+]] = arith.index_cast %[[W2]] : i32 to index
//  CHECK-NEXT:     tensor.extract %[[T2]][%[[IDX2]]] : tensor<256xi16>
func.func @table(%x: tensor<3x!quant.uniform<i4:f32, 0.1>>, %u: tensor<2x2x!quant.uniform<u8:f32, 0.1>>)
    -> (tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<2x2x!quant.uniform<i16:f32, 0.1>>) {
  %0 = qsim.table %x {table = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255]> : tensor<16xi32>}
      : tensor<3x!quant.uniform<i4:f32, 0.1>> -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  %1 = qsim.table %u {table = dense<-300> : tensor<256xi32>}
      : tensor<2x2x!quant.uniform<u8:f32, 0.1>> -> tensor<2x2x!quant.uniform<i16:f32, 0.1>>
  return %0, %1 : tensor<3x!quant.uniform<u8:f32, 0.1>>, tensor<2x2x!quant.uniform<i16:f32, 0.1>>
}

// -----

// Tests TOSA's AVG_POOL2D (tosa_single): the same i64 window sum, then the
// in-bounds count (rows times columns, from [OH] and [OW] i64 constants),
// reciprocal_scale of it at run time (k = 64 - ctlz(count - 1),
// m = ((2^30 + 1) << k) / count, shift = 30 + k), one rounding shift, z_y
// and the clamp; no float arithmetic.
// CHECK-LABEL: func.func @avg_pool_tosa
//       CHECK:   arith.constant dense<[2, 3, 3, 2]> : tensor<4xi64>
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<2x3x4x4xi64>, tensor<4xi64>, tensor<4xi64>)
//       CHECK:     %[[COUNT:.+]] = arith.muli %{{.+}}, %{{.+}} : i64
//       CHECK:     %[[BELOW:.+]] = arith.subi %[[COUNT]], %{{.+}} : i64
//       CHECK:     %[[CLZ:.+]] = math.ctlz %[[BELOW]] : i64
//       CHECK:     %[[K:.+]] = arith.subi %{{.+}}, %[[CLZ]] : i64
//       CHECK:     arith.constant 1073741825 : i64
//       CHECK:     %[[NUM:.+]] = arith.shli %{{.+}}, %[[K]] : i64
//       CHECK:     %[[M:.+]] = arith.divui %[[NUM]], %[[COUNT]] : i64
//       CHECK:     %[[SHIFT:.+]] = arith.addi %{{.+}}, %[[K]] : i64
//       CHECK:     %[[PRODUCT:.+]] = arith.muli %{{.+}}, %[[M]] : i64
//       CHECK:     %[[ROUNDED:.+]] = arith.addi %[[PRODUCT]], %{{.+}} : i64
//       CHECK:     arith.shrsi %[[ROUNDED]], %[[SHIFT]] : i64
//       CHECK:     arith.constant 7 : i64
//       CHECK:     arith.trunci %{{.+}} : i64 to i8
//   CHECK-NOT:     arith.divf
func.func @avg_pool_tosa(%x: tensor<2x3x7x9x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<2x3x4x4x!quant.uniform<i8:f32, 0.05:7>> {
  %y = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 0>, rounding = #qsim.rounding<tosa_single>} : tensor<2x3x7x9x!quant.uniform<i8:f32, 0.05:-3>> -> tensor<2x3x4x4x!quant.uniform<i8:f32, 0.05:7>>
  return %y : tensor<2x3x4x4x!quant.uniform<i8:f32, 0.05:7>>
}
