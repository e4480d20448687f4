// RUN: qsim-opt %s -split-input-file -canonicalize="test-convergence" | FileCheck %s

!u8 = !quant.uniform<u8:f32, 0.04:10>

// Tests that quantize(dequantize(q)) with the same type folds to q.
// CHECK-LABEL: func.func @quantize_of_dequantize
//  CHECK-SAME:   (%[[Q:.+]]: tensor<4x!quant.uniform<u8:f32, 4.000000e-02:10>>)
//   CHECK-NOT:   qsim.
//       CHECK:   return %[[Q]]
func.func @quantize_of_dequantize(%q: tensor<4x!u8>) -> tensor<4x!u8> {
  %x = qsim.dequantize %q : tensor<4x!u8> -> tensor<4xf32>
  %r = qsim.quantize %x : tensor<4xf32> -> tensor<4x!u8>
  return %r : tensor<4x!u8>
}

// -----

// Tests that a round trip through another type is not folded: it rounds.
// CHECK-LABEL: func.func @quantize_of_dequantize_other_type
//       CHECK:   %[[X:.+]] = qsim.dequantize
//       CHECK:   %[[R:.+]] = qsim.quantize %[[X]]
//       CHECK:   return %[[R]]
func.func @quantize_of_dequantize_other_type(%q: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.05:10>> {
  %x = qsim.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.04:10>> -> tensor<4xf32>
  %r = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.05:10>>
  return %r : tensor<4x!quant.uniform<u8:f32, 0.05:10>>
}

// -----

// Tests that dequantize(quantize(x)) is lossy and never folds.
// CHECK-LABEL: func.func @dequantize_of_quantize
//       CHECK:   %[[Q:.+]] = qsim.quantize
//       CHECK:   %[[X:.+]] = qsim.dequantize %[[Q]]
//       CHECK:   return %[[X]]
func.func @dequantize_of_quantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %r = qsim.dequantize %q : tensor<4x!quant.uniform<u8:f32, 0.04:10>> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Tests that the round trip does not fold when a scale is subnormal in
// float32, where s * (q - z) loses bits.
// CHECK-LABEL: func.func @quantize_of_dequantize_subnormal_scale
//       CHECK:   qsim.dequantize
//       CHECK:   qsim.quantize
func.func @quantize_of_dequantize_subnormal_scale(%q: tensor<4x!quant.uniform<u8:f32, 1.0e-40:10>>) -> tensor<4x!quant.uniform<u8:f32, 1.0e-40:10>> {
  %x = qsim.dequantize %q : tensor<4x!quant.uniform<u8:f32, 1.0e-40:10>> -> tensor<4xf32>
  %r = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 1.0e-40:10>>
  return %r : tensor<4x!quant.uniform<u8:f32, 1.0e-40:10>>
}

// -----

// Tests that relu(relu(x)) folds to relu(x).
// CHECK-LABEL: func.func @relu_of_relu
//       CHECK:   %[[R:.+]] = qsim.relu
//   CHECK-NOT:   qsim.relu
//       CHECK:   return %[[R]]
func.func @relu_of_relu(%q: tensor<4x!quant.uniform<u8:f32, 0.04:10>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:10>> {
  %0 = qsim.relu %q : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %1 = qsim.relu %0 : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return %1 : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
}

// -----

// Tests that unused qsim ops are erased: they have no side effects.
// CHECK-LABEL: func.func @dead_ops
//  CHECK-NEXT:   return
func.func @dead_ops(%x: tensor<4xf32>) {
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %r = qsim.relu %q : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}
