// RUN: qsim-opt %s --qsim-instrument | FileCheck %s --check-prefix=INSTRUMENT
// RUN: qsim-opt %s --qsim-quantize="stats=%S/Inputs/quantize.stats.json" | FileCheck %s --check-prefix=QUANTIZE

// Tests that qsim-instrument and qsim-quantize agree on a function of
// several blocks: calibration cannot return its activations, so it gets no
// observers, and the quantizer leaves it float rather than asking for a range
// ('multi_block/arg0') that calibration never produces.
// INSTRUMENT-LABEL: func.func @multi_block
//  INSTRUMENT-SAME:   -> tensor<1x2xf32> {
//   INSTRUMENT-NOT:   qsim.observers
// QUANTIZE-LABEL: func.func @multi_block
//       QUANTIZE:   linalg.matmul
//   QUANTIZE-NOT:   qsim.
func.func @multi_block(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  cf.br ^exit(%m : tensor<1x2xf32>)
^exit(%r: tensor<1x2xf32>):
  return %r : tensor<1x2xf32>
}
