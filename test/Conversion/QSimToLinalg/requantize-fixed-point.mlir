// RUN: qsim-opt %s -split-input-file --convert-qsim-to-linalg | FileCheck %s

// Tests tflite_double: x = q - z_in in i64, the left shift wrapped at 32
// bits, the doubled high product rounded with the nudge and divided by 2^31
// towards zero, then the rounding right shift, z_y and the clamp.
// CHECK-LABEL: func.func @tflite_double
//       CHECK:   linalg.generic
//       CHECK:     %[[X:.+]] = arith.extsi %{{.+}} : i32 to i64
//       CHECK:     %[[SHL:.+]] = arith.shli
//       CHECK:     %[[WRAP:.+]] = arith.trunci %[[SHL]] : i64 to i32
//       CHECK:     %[[A:.+]] = arith.extsi %[[WRAP]] : i32 to i64
//       CHECK:     %[[AB:.+]] = arith.muli %[[A]], %{{.+}} : i64
//       CHECK:     arith.cmpi sge, %[[AB]]
//       CHECK:     %[[NUDGE:.+]] = arith.select
//       CHECK:     %[[SUM:.+]] = arith.addi %[[AB]], %[[NUDGE]]
//       CHECK:     %[[HIGH:.+]] = arith.divsi %[[SUM]], %{{.+}} : i64
//       CHECK:     arith.andi %[[HIGH]]
//       CHECK:     arith.cmpi slt, %[[HIGH]]
//       CHECK:     arith.cmpi sgt
//       CHECK:     arith.shrsi %[[HIGH]]
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     arith.trunci %{{.+}} : i64 to i8
func.func @tflite_double(%acc: tensor<8x!quant.uniform<i32:f32, 0.01>>) -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>> {
  %y = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<8x!quant.uniform<i32:f32, 0.01>> -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
  return %y : tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
}

// -----

// Tests tflite_single: (x * m + 2^(30 - shift)) >> (31 - shift), with the
// per-channel constants as tensors beside the input.
// CHECK-LABEL: func.func @tflite_single
//       CHECK:   %[[M:.+]] = arith.constant dense<[1073741824, 1374389535]> : tensor<2xi64>
//       CHECK:   %[[TOTAL:.+]] = arith.constant dense<[32, 35]> : tensor<2xi64>
//       CHECK:   %[[ROUND:.+]] = arith.constant dense<[2147483648, 17179869184]> : tensor<2xi64>
//       CHECK:   linalg.generic {{.+}} ins(%{{.+}}, %[[M]], %[[TOTAL]], %[[ROUND]] : tensor<4x2xi32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>)
//       CHECK:   ^bb0(%[[IN:.+]]: i32, %[[MC:.+]]: i64, %[[TC:.+]]: i64, %[[RC:.+]]: i64,
//       CHECK:     %[[P:.+]] = arith.muli %{{.+}}, %[[MC]] : i64
//       CHECK:     %[[S:.+]] = arith.addi %[[P]], %[[RC]] : i64
//       CHECK:     arith.shrsi %[[S]], %[[TC]] : i64
func.func @tflite_single(%acc: tensor<4x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>) -> tensor<4x2x!quant.uniform<u8:f32, 0.04:10>> {
  %y = qsim.requantize %acc {rounding = #qsim.rounding<tflite_single>, multiplier = array<i32: 1073741824, 1374389535>, shift = array<i32: -1, -4>} : tensor<4x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<4x2x!quant.uniform<u8:f32, 0.04:10>>
  return %y : tensor<4x2x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// Tests tosa_double: the rounding 2^(shift - 1) plus +-2^30 by the sign of
// x (shift 40 > 31), then the right shift; z_in of an i8 input subtracted.
// CHECK-LABEL: func.func @tosa_double
//       CHECK:   linalg.generic
//       CHECK:     %[[X:.+]] = arith.subi %{{.+}}, %{{.+}} : i64
//       CHECK:     %[[P:.+]] = arith.muli %[[X]], %{{.+}} : i64
//       CHECK:     %[[R:.+]] = arith.addi %[[P]], %{{.+}} : i64
//       CHECK:     arith.cmpi sge, %[[X]]
//       CHECK:     %[[D:.+]] = arith.select
//       CHECK:     %[[RD:.+]] = arith.addi %[[R]], %[[D]] : i64
//       CHECK:     arith.shrsi %[[RD]], %{{.+}} : i64
func.func @tosa_double(%x: tensor<8x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>> {
  %y = qsim.requantize %x {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1073741824>, shift = array<i32: 40>} : tensor<8x!quant.uniform<i8:f32, 0.5:3>> -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
  return %y : tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
}
