// RUN: qsim-opt %s -split-input-file --qsim-record-signatures | FileCheck %s

// Tests that a public function with a body gets its type recorded as a
// string, quantized types included.
// CHECK-LABEL: func.func @model
//  CHECK-SAME:   attributes {qsim.signature = "(tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<u8:f32, 1.000000e-01:3>>"}
func.func @model(%x: tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<u8:f32, 0.1:3>> {
  %q = qsim.quantize %x : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.1:3>>
  return %q : tensor<?x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Tests that private functions, declarations and functions that already
// carry a signature are left alone.
// CHECK-LABEL: func.func private @helper
//   CHECK-NOT:   qsim.signature
// CHECK-LABEL: func.func private @printMemrefF32
//   CHECK-NOT:   qsim.signature
// CHECK-LABEL: func.func @kept
//  CHECK-SAME:   attributes {qsim.signature = "user-written"}
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func private @printMemrefF32(tensor<*xf32>)
func.func @kept(%x: tensor<4xf32>) -> tensor<4xf32> attributes {qsim.signature = "user-written"} {
  return %x : tensor<4xf32>
}
