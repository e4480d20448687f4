// RUN: qsim-opt %s -split-input-file --convert-qsim-to-linalg | FileCheck %s

// Tests that add broadcasts a unit dimension with a constant-0 index, sizes
// a dynamic result dimension from the operand that has it, and computes
// M_a * (a - z_a) + M_b * (b - z_b) in f64 in that order (M_a = 0.1 / 0.3,
// M_b = 0.2 / 0.3, both in f64), then rounds half to even and clamps to
// [clamp_min - z_y, qmax - z_y] = [5, 132] before adding z_y = -5.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @add
//  CHECK-SAME:   (%[[A:.+]]: tensor<?x3xi8>, %[[B:.+]]: tensor<1x3xi8>) -> tensor<?x3xi8>
//       CHECK:   %[[DIM:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x3xi8>
//       CHECK:   %[[INIT:.+]] = tensor.empty(%[[DIM]]) : tensor<?x3xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
//  CHECK-SAME:     ins(%[[A]], %[[B]] : tensor<?x3xi8>, tensor<1x3xi8>) outs(%[[INIT]] : tensor<?x3xi8>)
//       CHECK:   ^bb0(%[[QA:.+]]: i8, %[[QB:.+]]: i8, %{{.+}}: i8):
//   CHECK-DAG:     %[[MA:.+]] = arith.constant 0.33333333333333337 : f64
//   CHECK-DAG:     %[[ZA:.+]] = arith.constant 1.280000e+02 : f64
//   CHECK-DAG:     %[[MB:.+]] = arith.constant 0.66666666666666674 : f64
//   CHECK-DAG:     %[[LO:.+]] = arith.constant 5.000000e+00 : f64
//   CHECK-DAG:     %[[HI:.+]] = arith.constant 1.320000e+02 : f64
//   CHECK-DAG:     %[[ZY:.+]] = arith.constant -5 : i32
//       CHECK:     %[[FA:.+]] = arith.uitofp %[[QA]] : i8 to f64
//       CHECK:     %[[DA:.+]] = arith.subf %[[FA]], %[[ZA]] : f64
//       CHECK:     %[[TA:.+]] = arith.mulf %[[DA]], %[[MA]] : f64
//       CHECK:     %[[FB:.+]] = arith.sitofp %[[QB]] : i8 to f64
//       CHECK:     %[[TB:.+]] = arith.mulf %[[FB]], %[[MB]] : f64
//       CHECK:     %[[SUM:.+]] = arith.addf %[[TA]], %[[TB]] : f64
//       CHECK:     %[[R:.+]] = math.roundeven %[[SUM]] : f64
//       CHECK:     %[[MAX:.+]] = arith.maximumf %[[R]], %[[LO]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[MIN:.+]] = arith.minimumf %[[MAX]], %[[HI]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[I:.+]] = arith.fptosi %[[MIN]] : f64 to i32
//       CHECK:     %[[S:.+]] = arith.addi %[[I]], %[[ZY]] : i32
//       CHECK:     arith.trunci %[[S]] : i32 to i8
func.func @add(%a: tensor<?x3x!quant.uniform<u8:f32, 0.1:128>>, %b: tensor<1x3x!quant.uniform<i8:f32, 0.2>>) -> tensor<?x3x!quant.uniform<i8:f32, 0.3:-5>> {
  %y = qsim.add %a, %b {clamp_min = 0 : i64} : (tensor<?x3x!quant.uniform<u8:f32, 0.1:128>>, tensor<1x3x!quant.uniform<i8:f32, 0.2>>) -> tensor<?x3x!quant.uniform<i8:f32, 0.3:-5>>
  return %y : tensor<?x3x!quant.uniform<i8:f32, 0.3:-5>>
}

// -----

// Tests that mul aligns operands of different ranks on their trailing
// dimensions, widens signed and unsigned (u16) storage to i64, multiplies
// the deltas exactly in i64 and scales by M = 0.1 * 0.2 / 0.3 in f64.
// CHECK-DAG: #[[$LHS:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[$RHS:.+]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @mul
//  CHECK-SAME:   (%[[A:.+]]: tensor<4x1xi8>, %[[B:.+]]: tensor<2x1x5xi16>) -> tensor<2x4x5xi8>
//       CHECK:   %[[INIT:.+]] = tensor.empty() : tensor<2x4x5xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #[[$OUT]]]
//  CHECK-SAME:     ins(%[[A]], %[[B]] : tensor<4x1xi8>, tensor<2x1x5xi16>) outs(%[[INIT]] : tensor<2x4x5xi8>)
//       CHECK:   ^bb0(%[[QA:.+]]: i8, %[[QB:.+]]: i16, %{{.+}}: i8):
//   CHECK-DAG:     %[[ZA:.+]] = arith.constant 3 : i64
//   CHECK-DAG:     %[[ZB:.+]] = arith.constant 7 : i64
//   CHECK-DAG:     %[[M:.+]] = arith.constant 0.06666666666666668 : f64
//       CHECK:     %[[WA:.+]] = arith.extsi %[[QA]] : i8 to i64
//       CHECK:     %[[DA:.+]] = arith.subi %[[WA]], %[[ZA]] : i64
//       CHECK:     %[[WB:.+]] = arith.extui %[[QB]] : i16 to i64
//       CHECK:     %[[DB:.+]] = arith.subi %[[WB]], %[[ZB]] : i64
//       CHECK:     %[[P:.+]] = arith.muli %[[DA]], %[[DB]] : i64
//       CHECK:     %[[F:.+]] = arith.sitofp %[[P]] : i64 to f64
//       CHECK:     %[[SC:.+]] = arith.mulf %[[F]], %[[M]] : f64
//       CHECK:     math.roundeven %[[SC]] : f64
func.func @mul(%a: tensor<4x1x!quant.uniform<i8:f32, 0.1:3>>, %b: tensor<2x1x5x!quant.uniform<u16:f32, 0.2:7>>) -> tensor<2x4x5x!quant.uniform<u8:f32, 0.3:10>> {
  %y = qsim.mul %a, %b : (tensor<4x1x!quant.uniform<i8:f32, 0.1:3>>, tensor<2x1x5x!quant.uniform<u16:f32, 0.2:7>>) -> tensor<2x4x5x!quant.uniform<u8:f32, 0.3:10>>
  return %y : tensor<2x4x5x!quant.uniform<u8:f32, 0.3:10>>
}

// -----

// Tests that concat copies an input of the result's type, requantizes any
// other with M = s_in / s_y = 0.03 / 0.02 and the result's full storage
// range, and inserts each at its offset on the axis, sizing dynamic
// dimensions off the axis from the inputs.
// CHECK-LABEL: func.func @concat
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2xi8>, %[[Y:.+]]: tensor<?x3xi8>)
//       CHECK:   %[[D0:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x2xi8>
//       CHECK:   %[[INIT:.+]] = tensor.empty(%[[D0]]) : tensor<?x5xi8>
//       CHECK:   %[[D1:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x2xi8>
//       CHECK:   %[[FIRST:.+]] = tensor.insert_slice %[[X]] into %[[INIT]][0, 0] [%[[D1]], 2] [1, 1] : tensor<?x2xi8> into tensor<?x5xi8>
//       CHECK:   %[[RQ:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[Y]] : tensor<?x3xi8>)
//       CHECK:   ^bb0(%[[Q:.+]]: i8, %{{.+}}: i8):
//   CHECK-DAG:     %[[M:.+]] = arith.constant 1.500000e+00 : f64
//   CHECK-DAG:     %[[ZIN:.+]] = arith.constant 1.200000e+02 : f64
//   CHECK-DAG:     %[[LO:.+]] = arith.constant -1.280000e+02 : f64
//   CHECK-DAG:     %[[HI:.+]] = arith.constant 1.270000e+02 : f64
//       CHECK:     %[[F:.+]] = arith.uitofp %[[Q]] : i8 to f64
//       CHECK:     %[[D:.+]] = arith.subf %[[F]], %[[ZIN]] : f64
//       CHECK:     %[[P:.+]] = arith.mulf %[[D]], %[[M]] : f64
//       CHECK:     %[[R:.+]] = math.roundeven %[[P]] : f64
//       CHECK:     arith.maximumf %[[R]], %[[LO]] fastmath<nnan,nsz> : f64
//       CHECK:   %[[D2:.+]] = tensor.dim %[[RQ]], %{{.+}} : tensor<?x3xi8>
//       CHECK:   %[[SECOND:.+]] = tensor.insert_slice %[[RQ]] into %[[FIRST]][0, 2] [%[[D2]], 3] [1, 1] : tensor<?x3xi8> into tensor<?x5xi8>
//       CHECK:   return %[[SECOND]]
func.func @concat(%x: tensor<?x2x!quant.uniform<u8:f32, 0.02:128>>, %y: tensor<?x3x!quant.uniform<u8:f32, 0.03:120>>) -> tensor<?x5x!quant.uniform<u8:f32, 0.02:128>> {
  %z = qsim.concat %x, %y {axis = 1 : i64} : (tensor<?x2x!quant.uniform<u8:f32, 0.02:128>>, tensor<?x3x!quant.uniform<u8:f32, 0.03:120>>) -> tensor<?x5x!quant.uniform<u8:f32, 0.02:128>>
  return %z : tensor<?x5x!quant.uniform<u8:f32, 0.02:128>>
}

// -----

// Tests TFLite's ADD (tflite_double): each input's q - z, in i64, shifted
// left by 20 and rescaled by its pair (the i32 truncation, the doubling
// high multiply by 2^31 and the rounding divide of tflite_double), the sum
// rescaled by the output's pair, z_y added, then clamped to
// [clamp_min, 127] and narrowed; no float arithmetic.
// CHECK-LABEL: func.func @add_tflite
//       CHECK:   linalg.generic
//       CHECK:     %[[SHIFT:.+]] = arith.constant 20 : i64
//       CHECK:     %[[ZA:.+]] = arith.constant 3 : i64
//       CHECK:     %[[A:.+]] = arith.extsi %{{.+}} : i8 to i64
//       CHECK:     %[[CA:.+]] = arith.subi %[[A]], %[[ZA]] : i64
//       CHECK:     arith.shli %[[CA]], %[[SHIFT]] : i64
//       CHECK:     arith.constant 1073741824 : i64
//       CHECK:     arith.divsi %{{.+}}, %{{.+}} : i64
//       CHECK:     arith.constant -7 : i64
//       CHECK:     arith.constant 1288490189 : i64
//       CHECK:     %[[SUM:.+]] = arith.addi %{{.+}}, %{{.+}} : i64
//       CHECK:     arith.constant 1533916885 : i64
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     arith.trunci %{{.+}} : i64 to i8
//   CHECK-NOT:     arith.mulf
//   CHECK-NOT:     math.roundeven
func.func @add_tflite(%a: tensor<4x!quant.uniform<i8:f32, 0.05:3>>, %b: tensor<4x!quant.uniform<i8:f32, 0.03:-7>>) -> tensor<4x!quant.uniform<i8:f32, 0.07:-1>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824, 1288490189, 1533916885>, shift = array<i32: 0, -1, -19>, left_shift = 20, clamp_min = -1 : i64} : (tensor<4x!quant.uniform<i8:f32, 0.05:3>>, tensor<4x!quant.uniform<i8:f32, 0.03:-7>>) -> tensor<4x!quant.uniform<i8:f32, 0.07:-1>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.07:-1>>
}

// -----

// Tests TOSA's rescale chain (tosa_double): each input's q - z, in i64 and
// not shifted, times its multiplier plus 2^(shift - 1) (2^12 and 2^10),
// shifted right by 13 and 11 (the extra rounding is 0: both shifts are
// below 32); the sum times 1342177280 plus 2^48 and the sign-dependent 2^30 of
// double rounding, shifted right by 49; then z_y and the clamp.
// CHECK-LABEL: func.func @add_tosa
//       CHECK:   linalg.generic
//   CHECK-NOT:     arith.shli
//       CHECK:     %[[ZA:.+]] = arith.constant -3 : i64
//       CHECK:     %[[A:.+]] = arith.extsi %{{.+}} : i8 to i64
//       CHECK:     %[[CA:.+]] = arith.subi %[[A]], %[[ZA]] : i64
//   CHECK-DAG:     %[[SA:.+]] = arith.constant 13 : i64
//   CHECK-DAG:     %[[RA:.+]] = arith.constant 4096 : i64
//   CHECK-DAG:     %[[MA:.+]] = arith.constant 1717986918 : i64
//       CHECK:     %[[PA:.+]] = arith.muli %[[CA]], %[[MA]] : i64
//       CHECK:     arith.addi %[[PA]], %[[RA]] : i64
//       CHECK:     arith.shrsi %{{.+}}, %[[SA]] : i64
//       CHECK:     arith.constant 1024 : i64
//       CHECK:     arith.shrsi %{{.+}}, %{{.+}} : i64
//       CHECK:     %[[SUM:.+]] = arith.addi %{{.+}}, %{{.+}} : i64
//   CHECK-DAG:     %[[SY:.+]] = arith.constant 49 : i64
//   CHECK-DAG:     %[[RY:.+]] = arith.constant 281474976710656 : i64
//   CHECK-DAG:     %[[DY:.+]] = arith.constant 1073741824 : i64
//   CHECK-DAG:     %[[MY:.+]] = arith.constant 1342177280 : i64
//       CHECK:     %[[PY:.+]] = arith.muli %[[SUM]], %[[MY]] : i64
//       CHECK:     %[[QY:.+]] = arith.addi %[[PY]], %[[RY]] : i64
//       CHECK:     %[[NN:.+]] = arith.cmpi sge, %[[SUM]], %{{.+}} : i64
//       CHECK:     %[[ND:.+]] = arith.subi %{{.+}}, %[[DY]] : i64
//       CHECK:     %[[EX:.+]] = arith.select %[[NN]], %[[DY]], %[[ND]] : i64
//       CHECK:     %[[RD:.+]] = arith.addi %[[QY]], %[[EX]] : i64
//       CHECK:     arith.shrsi %[[RD]], %[[SY]] : i64
//       CHECK:     arith.constant 10 : i64
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     arith.trunci %{{.+}} : i64 to i8
//   CHECK-NOT:     arith.mulf
func.func @add_tosa(%a: tensor<2x4x!quant.uniform<i8:f32, 0.02:-3>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.04:10>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, shift = array<i32: 13, 11, 49>} : (tensor<2x4x!quant.uniform<i8:f32, 0.02:-3>>, tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.04:10>>
  return %y : tensor<2x4x!quant.uniform<i8:f32, 0.04:10>>
}

// -----

// Tests TOSA's product (tosa_double): the exact i64 product of the two
// deltas, times the pair's multiplier plus 2^35 and the sign-dependent 2^30
// of double rounding (shift 36 > 31), shifted right by 36; then z_y and
// the clamp; no float arithmetic.
// CHECK-LABEL: func.func @mul_tosa
//       CHECK:   linalg.generic
//       CHECK:     %[[P:.+]] = arith.muli %{{.+}}, %{{.+}} : i64
//   CHECK-DAG:     %[[S:.+]] = arith.constant 36 : i64
//   CHECK-DAG:     %[[R:.+]] = arith.constant 34359738368 : i64
//   CHECK-DAG:     %[[M:.+]] = arith.constant 1717986918 : i64
//       CHECK:     %[[PM:.+]] = arith.muli %[[P]], %[[M]] : i64
//       CHECK:     arith.addi %[[PM]], %[[R]] : i64
//       CHECK:     arith.cmpi sge, %[[P]], %{{.+}} : i64
//       CHECK:     arith.shrsi %{{.+}}, %[[S]] : i64
//       CHECK:     arith.constant 10 : i64
//       CHECK:     arith.trunci %{{.+}} : i64 to i8
//   CHECK-NOT:     arith.mulf
func.func @mul_tosa(%a: tensor<4x!quant.uniform<i8:f32, 0.02:-3>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:10>> {
  %y = qsim.mul %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918>, shift = array<i32: 36>} : (tensor<4x!quant.uniform<i8:f32, 0.02:-3>>, tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:10>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.04:10>>
}

// -----

// Tests ONNX Runtime's QLinearAdd (float32_half_even): both storage values
// converted to f32 (u8 unsigned, i8 signed), fma(b, r_b, F) first and then
// fma(a, r_a, .), rounded half to even; a sum outside [-2^31, 2^31) goes to
// the lower bound (cvtps2dq's INT32_MIN saturated), the rest is clamped to
// [clamp_min, 255] and narrowed through i32.
// CHECK-LABEL: func.func @add_onnxruntime
//       CHECK:   linalg.generic
//       CHECK:   ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
//       CHECK:     %[[F:.+]] = arith.constant -5.025000e+01 : f32
//       CHECK:     %[[BF:.+]] = arith.sitofp %[[B]] : i8 to f32
//       CHECK:     %[[RB:.+]] = arith.constant 1.250000e+00 : f32
//       CHECK:     %[[INNER:.+]] = math.fma %[[BF]], %[[RB]], %[[F]] : f32
//       CHECK:     %[[AF:.+]] = arith.uitofp %[[A]] : i8 to f32
//       CHECK:     %[[RA:.+]] = arith.constant 5.000000e-01 : f32
//       CHECK:     %[[SUM:.+]] = math.fma %[[AF]], %[[RA]], %[[INNER]] : f32
//       CHECK:     %[[R:.+]] = math.roundeven %[[SUM]] : f32
//       CHECK:     %[[MIN:.+]] = arith.constant -2.14748365E+9 : f32
//       CHECK:     %[[END:.+]] = arith.constant 2.14748365E+9 : f32
//       CHECK:     %[[GE:.+]] = arith.cmpf oge, %[[R]], %[[MIN]] : f32
//       CHECK:     %[[LT:.+]] = arith.cmpf olt, %[[R]], %[[END]] : f32
//       CHECK:     %[[IN:.+]] = arith.andi %[[GE]], %[[LT]] : i1
//       CHECK:     %[[LO:.+]] = arith.constant 1.000000e+01 : f32
//       CHECK:     %[[HI:.+]] = arith.constant 2.550000e+02 : f32
//       CHECK:     %[[UP:.+]] = arith.maximumf %[[R]], %[[LO]] : f32
//       CHECK:     %[[DOWN:.+]] = arith.minimumf %[[UP]], %[[HI]] : f32
//       CHECK:     %[[SEL:.+]] = arith.select %[[IN]], %[[DOWN]], %[[LO]] : f32
//       CHECK:     %[[I:.+]] = arith.fptosi %[[SEL]] : f32 to i32
//       CHECK:     arith.trunci %[[I]] : i32 to i8
func.func @add_onnxruntime(%a: tensor<4x!quant.uniform<u8:f32, 0.02:128>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 1.25>, float_offset = -50.25 : f32, clamp_min = 10 : i64} : (tensor<4x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// Tests that an lhs broadcast along the last dimension whose size is not 1
// (here the 3 of [2, 3, 1], which the [2, 1, 1] lhs repeats) is folded in
// first, as ONNX Runtime's scalar-lhs kernel does: fma(a, r_a, F), then
// fma(b, r_b, .).
// CHECK-LABEL: func.func @add_onnxruntime_lhs_first
//       CHECK:   ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
//       CHECK:     %[[F:.+]] = arith.constant 2.000000e+00 : f32
//       CHECK:     %[[AF:.+]] = arith.sitofp %[[A]] : i8 to f32
//       CHECK:     %[[INNER:.+]] = math.fma %[[AF]], %{{.+}}, %[[F]] : f32
//       CHECK:     %[[BF:.+]] = arith.sitofp %[[B]] : i8 to f32
//       CHECK:     math.fma %[[BF]], %{{.+}}, %[[INNER]] : f32
func.func @add_onnxruntime_lhs_first(%a: tensor<2x1x1x!quant.uniform<i8:f32, 0.02>>, %b: tensor<2x3x1x!quant.uniform<i8:f32, 0.05>>) -> tensor<2x3x1x!quant.uniform<i8:f32, 0.04:2>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 1.25>, float_offset = 2.0 : f32} : (tensor<2x1x1x!quant.uniform<i8:f32, 0.02>>, tensor<2x3x1x!quant.uniform<i8:f32, 0.05>>) -> tensor<2x3x1x!quant.uniform<i8:f32, 0.04:2>>
  return %y : tensor<2x3x1x!quant.uniform<i8:f32, 0.04:2>>
}

// -----

// Tests PyTorch's QNNPACK add (qnnpack): both u8 values zero-extended to
// i32, acc = -(1048576 * 128 + 2621440 * 3) + 1048576 a + 2621440 b =
// -142082048 + ..., in i32; the remainder acc & (2^21 - 1), less 1 for a
// negative acc, against the threshold 2^20 - 1 rounds acc >> 21 half away
// from zero; then z_y = 10 and the clamp to [0, 255].
// CHECK-LABEL: func.func @add_qnnpack
//       CHECK:   ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
//       CHECK:     %[[ACC0:.+]] = arith.constant -142082048 : i32
//       CHECK:     %[[AW:.+]] = arith.extui %[[A]] : i8 to i32
//       CHECK:     %[[MA:.+]] = arith.constant 1048576 : i32
//       CHECK:     %[[PA:.+]] = arith.muli %[[AW]], %[[MA]] : i32
//       CHECK:     %[[ACC1:.+]] = arith.addi %[[ACC0]], %[[PA]] : i32
//       CHECK:     %[[BW:.+]] = arith.extui %[[B]] : i8 to i32
//       CHECK:     %[[MB:.+]] = arith.constant 2621440 : i32
//       CHECK:     %[[PB:.+]] = arith.muli %[[BW]], %[[MB]] : i32
//       CHECK:     %[[ACC:.+]] = arith.addi %[[ACC1]], %[[PB]] : i32
//       CHECK:     %[[MASK:.+]] = arith.constant 2097151 : i32
//       CHECK:     %[[THRESHOLD:.+]] = arith.constant 1048575 : i32
//       CHECK:     %[[ZERO:.+]] = arith.constant 0 : i32
//       CHECK:     %[[LOW:.+]] = arith.andi %[[ACC]], %[[MASK]] : i32
//       CHECK:     %[[NEG:.+]] = arith.cmpi slt, %[[ACC]], %[[ZERO]] : i32
//       CHECK:     %[[BORROW:.+]] = arith.extui %[[NEG]] : i1 to i32
//       CHECK:     %[[REM:.+]] = arith.subi %[[LOW]], %[[BORROW]] : i32
//       CHECK:     %[[SHIFT:.+]] = arith.constant 21 : i32
//       CHECK:     %[[Q:.+]] = arith.shrsi %[[ACC]], %[[SHIFT]] : i32
//       CHECK:     %[[UP:.+]] = arith.cmpi sgt, %[[REM]], %[[THRESHOLD]] : i32
//       CHECK:     %[[CARRY:.+]] = arith.extui %[[UP]] : i1 to i32
//       CHECK:     %[[R:.+]] = arith.addi %[[Q]], %[[CARRY]] : i32
//       CHECK:     %[[ZY:.+]] = arith.constant 10 : i32
//       CHECK:     %[[Y:.+]] = arith.addi %[[R]], %[[ZY]] : i32
//       CHECK:     arith.constant 0 : i32
//       CHECK:     arith.constant 255 : i32
//       CHECK:     arith.maxsi %[[Y]]
//       CHECK:     arith.minsi
//       CHECK:     arith.trunci %{{.+}} : i32 to i8
func.func @add_qnnpack(%a: tensor<4x!quant.uniform<u8:f32, 0.02:128>>, %b: tensor<4x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 2621440>, shift = array<i32: 21>} : (tensor<4x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x!quant.uniform<u8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// Tests XNNPACK's add (xnnpack) on int8: both values sign-extended to i32,
// acc = 2^19 - (524288 * -3 + 1310720 * 3) + 524288 a + 1310720 b =
// -1835008 + ..., in i32, shifted right arithmetically by 20, then
// z_y = 10 and the clamp to [-128, 127].
// CHECK-LABEL: func.func @add_xnnpack
//       CHECK:   ^bb0(%[[A:.+]]: i8, %[[B:.+]]: i8, %{{.+}}: i8):
//       CHECK:     %[[BIAS:.+]] = arith.constant -1835008 : i32
//       CHECK:     %[[AW:.+]] = arith.extsi %[[A]] : i8 to i32
//       CHECK:     %[[MA:.+]] = arith.constant 524288 : i32
//       CHECK:     %[[PA:.+]] = arith.muli %[[AW]], %[[MA]] : i32
//       CHECK:     %[[ACC1:.+]] = arith.addi %[[BIAS]], %[[PA]] : i32
//       CHECK:     %[[BW:.+]] = arith.extsi %[[B]] : i8 to i32
//       CHECK:     %[[MB:.+]] = arith.constant 1310720 : i32
//       CHECK:     %[[PB:.+]] = arith.muli %[[BW]], %[[MB]] : i32
//       CHECK:     %[[ACC:.+]] = arith.addi %[[ACC1]], %[[PB]] : i32
//       CHECK:     %[[SHIFT:.+]] = arith.constant 20 : i32
//       CHECK:     %[[Q:.+]] = arith.shrsi %[[ACC]], %[[SHIFT]] : i32
//       CHECK:     %[[ZY:.+]] = arith.constant 10 : i32
//       CHECK:     %[[Y:.+]] = arith.addi %[[Q]], %[[ZY]] : i32
//       CHECK:     arith.constant -128 : i32
//       CHECK:     arith.constant 127 : i32
//       CHECK:     arith.maxsi %[[Y]]
//       CHECK:     arith.minsi
//       CHECK:     arith.trunci %{{.+}} : i32 to i8
func.func @add_xnnpack(%a: tensor<4x!quant.uniform<i8:f32, 0.02:-3>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:10>> {
  %y = qsim.add %a, %b {rounding = #qsim.rounding<xnnpack>, multiplier = array<i32: 524288, 1310720>, shift = array<i32: 20>} : (tensor<4x!quant.uniform<i8:f32, 0.02:-3>>, tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.04:10>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.04:10>>
}
