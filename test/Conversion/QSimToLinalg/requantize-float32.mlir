// RUN: qsim-opt %s -split-input-file --convert-qsim-to-linalg | FileCheck %s

// Tests float32_half_even: x = q - z_in in i64, converted to f32,
// multiplied by the f32 multiplier, rounded half to even, clamped to the
// bounds shifted by -z_y, converted and shifted by z_y, then narrowed.
// CHECK-LABEL: func.func @float32_half_even
//       CHECK:   %[[M:.+]] = arith.constant dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>
//       CHECK:   linalg.generic {{.+}} ins(%{{.+}}, %[[M]] : tensor<4x2xi8>, tensor<2xf32>)
//       CHECK:   ^bb0(%[[IN:.+]]: i8, %[[MC:.+]]: f32,
//   CHECK-DAG:     %[[LO:.+]] = arith.constant -1.250000e+02 : f32
//   CHECK-DAG:     %[[HI:.+]] = arith.constant 1.300000e+02 : f32
//   CHECK-DAG:     %[[ZY:.+]] = arith.constant -3 : i32
//   CHECK-DAG:     %[[ZIN:.+]] = arith.constant 5 : i64
//       CHECK:     %[[WIDE:.+]] = arith.extsi %[[IN]] : i8 to i64
//       CHECK:     %[[X:.+]] = arith.subi %[[WIDE]], %[[ZIN]] : i64
//       CHECK:     %[[REAL:.+]] = arith.sitofp %[[X]] : i64 to f32
//       CHECK:     %[[P:.+]] = arith.mulf %[[REAL]], %[[MC]] : f32
//       CHECK:     %[[R:.+]] = math.roundeven %[[P]] : f32
//       CHECK:     %[[A:.+]] = arith.maximumf %[[R]], %[[LO]]
//       CHECK:     %[[B:.+]] = arith.minimumf %[[A]], %[[HI]]
//       CHECK:     %[[I:.+]] = arith.fptosi %[[B]] : f32 to i32
//       CHECK:     %[[S:.+]] = arith.addi %[[I]], %[[ZY]] : i32
//       CHECK:     arith.trunci %[[S]] : i32 to i8
func.func @float32_half_even(%x: tensor<4x2x!quant.uniform<i8:f32:1, {0.01:5, 0.02:5}>>) -> tensor<4x2x!quant.uniform<i8:f32, 0.04:-3>> {
  %y = qsim.requantize %x {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.25, 0.5>} : tensor<4x2x!quant.uniform<i8:f32:1, {0.01:5, 0.02:5}>> -> tensor<4x2x!quant.uniform<i8:f32, 0.04:-3>>
  return %y : tensor<4x2x!quant.uniform<i8:f32, 0.04:-3>>
}

// -----

// Tests quantize with scaling reciprocal: the constant is the f32
// reciprocal 1.0f / 0.3f = 3.33333325, and x is multiplied by it.
// CHECK-LABEL: func.func @quantize_reciprocal
//       CHECK:   linalg.generic
//       CHECK:     %[[R:.+]] = arith.constant 3.33333325 : f32
//       CHECK:     %[[S:.+]] = arith.mulf %{{.+}}, %[[R]] : f32
//       CHECK:     math.roundeven %[[S]] : f32
// CHECK-LABEL: func.func @quantize_divide
//       CHECK:   linalg.generic
//       CHECK:     %[[D:.+]] = arith.constant 3.000000e-01 : f32
//       CHECK:     %[[Q:.+]] = arith.divf %{{.+}}, %[[D]] : f32
//       CHECK:     math.roundeven %[[Q]] : f32
// Tests quantize with rounding half_away: math.round rounds ties away
// from zero, where the default rounds them to even.
// CHECK-LABEL: func.func @quantize_half_away
//       CHECK:   linalg.generic
//       CHECK:     %[[Q:.+]] = arith.divf
//       CHECK:     math.round %[[Q]] : f32
//   CHECK-NOT:     math.roundeven
func.func @quantize_reciprocal(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.3:3>> {
  %q = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.3:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.3:3>>
}

func.func @quantize_divide(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.3:3>> {
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.3:3>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.3:3>>
}

func.func @quantize_half_away(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.3:3>> {
  %q = qsim.quantize %x {rounding = #qsim.quantize_rounding<half_away>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.3:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.3:3>>
}
