// RUN: qsim-opt %s -split-input-file --qsim-instrument | FileCheck %s
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/observer-names.stats.json" | FileCheck %s --check-prefix=QUANTIZE

// Tests that two layers with one NameLoc get distinct observer names: the
// second in program order takes the suffix _2.
// CHECK-LABEL: func.func @same_name_loc
//  CHECK-SAME:   attributes {qsim.observers = ["same_name_loc/arg0", "same_name_loc/fc.output", "same_name_loc/fc_2.output"]}
// Each layer then gets its own range, [-1, 1] and [-2, 2] as u8: the scales
// 2 / 255 and 4 / 255.
// QUANTIZE-LABEL: func.func @same_name_loc
//       QUANTIZE:   qsim.requantize %{{.+}} -> tensor<1x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       QUANTIZE:   qsim.requantize %{{.+}} -> tensor<1x2x!quant.uniform<u8:f32, 0.015686274509803921:128>>
func.func @same_name_loc(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  %b = linalg.matmul ins(%a, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %b : tensor<1x2xf32>
}

// -----

// Tests that a NameLoc equal to the name generated for another layer (the
// second linear would be linear1) does not make them share one name.
// CHECK-LABEL: func.func @name_loc_like_generated
//  CHECK-SAME:   attributes {qsim.observers = ["name_loc_like_generated/arg0", "name_loc_like_generated/linear1.output", "name_loc_like_generated/linear1_2.output"]}
// QUANTIZE-LABEL: func.func @name_loc_like_generated
//       QUANTIZE:   qsim.requantize %{{.+}} -> tensor<1x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//       QUANTIZE:   qsim.requantize %{{.+}} -> tensor<1x2x!quant.uniform<u8:f32, 0.015686274509803921:128>>
func.func @name_loc_like_generated(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("linear1")
  %b = linalg.matmul ins(%a, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %b : tensor<1x2xf32>
}

// -----

// Tests that a suffixed name skips a name another layer carries: the second
// "fc" becomes fc_3, since the third layer is fc_2.
// CHECK-LABEL: func.func @suffix_taken
//  CHECK-SAME:   attributes {qsim.observers = ["suffix_taken/arg0", "suffix_taken/fc.output", "suffix_taken/fc_3.output", "suffix_taken/fc_2.output"]}
func.func @suffix_taken(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %a = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  %b = linalg.matmul ins(%a, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc")
  %c = linalg.matmul ins(%b, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32> loc("fc_2")
  return %c : tensor<1x2xf32>
}

// -----

// Tests that a layer input made by an op that is no layer is named after the
// layer that reads it, not after the op's position.
// CHECK-LABEL: func.func @computed_input
//  CHECK-SAME:   attributes {qsim.observers = ["computed_input/linear0.input", "computed_input/linear0.output"]}
// QUANTIZE-LABEL: func.func @computed_input
//       QUANTIZE:   %[[SUM:.+]] = arith.addf
//       QUANTIZE:   qsim.quantize %[[SUM]] : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.031372549019607843>>
func.func @computed_input(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %s = arith.addf %x, %x : tensor<1x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %a = linalg.matmul ins(%s, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %a : tensor<1x2xf32>
}
