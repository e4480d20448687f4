// RUN: qsim-opt %s | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

!u8 = !quant.uniform<u8:f32, 0.02:128>
!i8 = !quant.uniform<i8:f32, 0.05:-3>
!y8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that add round-trips with clamp bounds and rank-different
// broadcasting, and that rounding defaults to half_even.
// CHECK-LABEL: func.func @add
//  CHECK-SAME:   (%[[A:.+]]: tensor<1x8x4x4x{{.+}}>, %[[B:.+]]: tensor<8x1x1x{{.+}}>, %[[D:.+]]: tensor<?x4x{{.+}}>)
//       CHECK:   qsim.add %[[A]], %[[B]] {clamp_max = 200 : i64, clamp_min = 10 : i64}
//  CHECK-SAME:     : (tensor<1x8x4x4x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<8x1x1x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 4.000000e-02:10>>
//       CHECK:   qsim.add %[[D]], %[[D]] : (tensor<?x4x{{.+}}>, tensor<?x4x{{.+}}>) -> tensor<?x4x
// GENERIC-LABEL: sym_name = "add"
//       GENERIC:   "qsim.add"(%{{.+}}, %{{.+}}) <{clamp_max = 200 : i64, clamp_min = 10 : i64, rounding = #qsim.rounding<half_even>}>
//       GENERIC:   "qsim.add"(%{{.+}}, %{{.+}}) <{rounding = #qsim.rounding<half_even>}>
func.func @add(%a: tensor<1x8x4x4x!u8>, %b: tensor<8x1x1x!i8>, %d: tensor<?x4x!u8>) {
  %0 = qsim.add %a, %b {clamp_min = 10 : i64, clamp_max = 200 : i64}
      : (tensor<1x8x4x4x!u8>, tensor<8x1x1x!i8>) -> tensor<1x8x4x4x!y8>
  %1 = qsim.add %d, %d : (tensor<?x4x!u8>, tensor<?x4x!u8>) -> tensor<?x4x!y8>
  return
}

// Tests that add round-trips with ONNX Runtime's float32 ratios and offset.
// CHECK-LABEL: func.func @add_float32
//       CHECK:   qsim.add %{{.+}}, %{{.+}} {float_multiplier = array<f32: 5.000000e-01, 1.250000e+00>, float_offset = -1.335000e+02 : f32, rounding = #qsim.rounding<float32_half_even>}
// GENERIC-LABEL: sym_name = "add_float32"
//       GENERIC:   "qsim.add"(%{{.+}}, %{{.+}}) <{float_multiplier = array<f32: 5.000000e-01, 1.250000e+00>, float_offset = -1.335000e+02 : f32, rounding = #qsim.rounding<float32_half_even>}>
func.func @add_float32(%a: tensor<1x8x4x4x!u8>, %b: tensor<8x1x1x!i8>) {
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.5, 1.25>, float_offset = -133.5 : f32}
      : (tensor<1x8x4x4x!u8>, tensor<8x1x1x!i8>) -> tensor<1x8x4x4x!y8>
  return
}

// Tests that add round-trips with QNNPACK's multipliers and shift.
// CHECK-LABEL: func.func @add_qnnpack
//       CHECK:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1048576, 2621440>, rounding = #qsim.rounding<qnnpack>, shift = array<i32: 21>}
func.func @add_qnnpack(%a: tensor<2x4x!u8>, %b: tensor<2x4x!y8>) {
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<qnnpack>, multiplier = array<i32: 1048576, 2621440>, shift = array<i32: 21>}
      : (tensor<2x4x!u8>, tensor<2x4x!y8>) -> tensor<2x4x!y8>
  return
}

// Tests that add round-trips with TOSA's three pairs, in i8 and in i16
// with the 16-bit pairs (shift 15 instead of 20).
// CHECK-LABEL: func.func @add_tosa
//       CHECK:   qsim.add %{{.+}}, %{{.+}} {clamp_min = -3 : i64, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 13, 11, 49>}
//       CHECK:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 16, 16, 45>}
func.func @add_tosa(%a: tensor<2x4x!quant.uniform<i8:f32, 0.02:-3>>, %b: tensor<4x!quant.uniform<i8:f32, 0.05:3>>, %c: tensor<4x!quant.uniform<i16:f32, 0.5>>) {
  %0 = qsim.add %a, %b {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 1717986918, 1073741824, 1342177280>, shift = array<i32: 13, 11, 49>, clamp_min = -3 : i64}
      : (tensor<2x4x!quant.uniform<i8:f32, 0.02:-3>>, tensor<4x!quant.uniform<i8:f32, 0.05:3>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.04:-3>>
  %1 = qsim.add %c, %c {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, shift = array<i32: 16, 16, 45>}
      : (tensor<4x!quant.uniform<i16:f32, 0.5>>, tensor<4x!quant.uniform<i16:f32, 0.5>>) -> tensor<4x!quant.uniform<i16:f32, 1.0>>
  return
}

// Tests that mul round-trips with a two-sided broadcast and sub-byte
// storage.
// CHECK-LABEL: func.func @mul
//       CHECK:   qsim.mul %{{.+}}, %{{.+}} : (tensor<2x1x!quant.uniform<i4:f32, 5.000000e-01:-2>>, tensor<1x3x!quant.uniform<u16:f32, 1.000000e-03:32768>>) -> tensor<2x3x!quant.uniform<i8:f32, 2.500000e-01>>
//       CHECK:   qsim.mul %{{.+}}, %{{.+}} {clamp_min = 0 : i64} : (tensor<2x1x{{.+}}>, tensor<1x3x{{.+}}>) -> tensor<2x3x
// GENERIC-LABEL: sym_name = "mul"
//       GENERIC:   "qsim.mul"(%{{.+}}, %{{.+}}) <{rounding = #qsim.rounding<half_even>}>
//       GENERIC:   "qsim.mul"(%{{.+}}, %{{.+}}) <{clamp_min = 0 : i64, rounding = #qsim.rounding<half_even>}>
func.func @mul(%a: tensor<2x1x!quant.uniform<i4:f32, 0.5:-2>>, %b: tensor<1x3x!quant.uniform<u16:f32, 0.001:32768>>) {
  %0 = qsim.mul %a, %b : (tensor<2x1x!quant.uniform<i4:f32, 0.5:-2>>, tensor<1x3x!quant.uniform<u16:f32, 0.001:32768>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %1 = qsim.mul %a, %b {clamp_min = 0 : i64} : (tensor<2x1x!quant.uniform<i4:f32, 0.5:-2>>, tensor<1x3x!quant.uniform<u16:f32, 0.001:32768>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  return
}

// Tests that concat round-trips with one, two and three inputs, a dynamic
// dimension off the axis and inputs of other types than the result.
// CHECK-LABEL: func.func @concat
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x8x4x4x{{.+}}>, %[[Y:.+]]: tensor<1x4x4x4x{{.+}}>, %[[Z:.+]]: tensor<?x2x{{.+}}>)
//       CHECK:   qsim.concat %[[X]], %[[Y]], %[[X]] {axis = 1 : i64} : (tensor<1x8x4x4x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<1x4x4x4x!quant.uniform<i8:f32, 5.000000e-02:-3>>, tensor<1x8x4x4x!quant.uniform<u8:f32, 2.000000e-02:128>>) -> tensor<1x20x4x4x!quant.uniform<u8:f32, 2.000000e-02:128>>
//       CHECK:   qsim.concat %[[Z]] {axis = 1 : i64} : (tensor<?x2x{{.+}}>) -> tensor<?x2x
//       CHECK:   qsim.concat %[[Z]], %[[Z]] {axis = 1 : i64} : (tensor<?x2x{{.+}}>, tensor<?x2x{{.+}}>) -> tensor<?x4x!quant.uniform<u8:f32, 4.000000e-02:10>>
// GENERIC-LABEL: sym_name = "concat"
//       GENERIC:   "qsim.concat"(%{{.+}}, %{{.+}}, %{{.+}}) <{axis = 1 : i64, rounding = #qsim.rounding<half_even>}>
func.func @concat(%x: tensor<1x8x4x4x!u8>, %y: tensor<1x4x4x4x!i8>, %z: tensor<?x2x!u8>) {
  %0 = qsim.concat %x, %y, %x {axis = 1 : i64}
      : (tensor<1x8x4x4x!u8>, tensor<1x4x4x4x!i8>, tensor<1x8x4x4x!u8>) -> tensor<1x20x4x4x!u8>
  %1 = qsim.concat %z {axis = 1 : i64} : (tensor<?x2x!u8>) -> tensor<?x2x!u8>
  %2 = qsim.concat %z, %z {axis = 1 : i64} : (tensor<?x2x!u8>, tensor<?x2x!u8>) -> tensor<?x4x!y8>
  return
}
