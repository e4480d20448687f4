// RUN: qsim-opt %S/Inputs/conv-relu-fc.mlir --qsim-instrument | FileCheck %s
// RUN: qsim-opt %s --qsim-instrument | FileCheck %s --check-prefix=NOLAYER

// Tests that the activations the quantizer needs become extra results,
// named in qsim.observers: the input, the conv output after its bias and
// ReLU (the flatten is looked through), and the fc output, which is also the
// model's own result.
// CHECK-LABEL: func.func @conv_relu
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x1x4x4xf32>) -> (tensor<?x3xf32>, tensor<?x1x4x4xf32>, tensor<?x2x4x4xf32>, tensor<?x3xf32>)
//  CHECK-SAME:   attributes {qsim.observers = ["conv_relu/arg0", "conv_relu/conv1.output", "conv_relu/fc.output"]}
//       CHECK:   tensor.collapse_shape %[[RELU:[^ ]+]]
//       CHECK:   linalg.matmul
//       CHECK:   %[[Y:.+]] = linalg.generic
//       CHECK:   return %[[Y]], %[[X]], %[[RELU]], %[[Y]]

// Tests that a function without a quantizable layer is left unchanged.
// NOLAYER-LABEL: func.func @no_layer
//  NOLAYER-SAME:   -> tensor<4xf32> {
//   NOLAYER-NOT:   qsim.observers
func.func @no_layer(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Tests that a function that is called is not instrumented: growing its
// results would break the call.
// NOLAYER-LABEL: func.func private @called_layer
//  NOLAYER-SAME:   -> tensor<1x2xf32> {
// NOLAYER-LABEL: func.func @caller
//       NOLAYER:   call @called_layer
func.func private @called_layer(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}
func.func @caller(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %0 = call @called_layer(%x) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
