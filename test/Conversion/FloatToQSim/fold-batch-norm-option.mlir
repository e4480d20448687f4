// RUN: qsim-opt %s --qsim-instrument | FileCheck %s --check-prefix=FOLD
// RUN: qsim-opt %s --qsim-instrument="fold-batch-norm=false" | FileCheck %s --check-prefix=KEEP
// RUN: qsim-opt %s --qsim-ptq="stats=%S/Inputs/bn.stats.json" | FileCheck %s --check-prefix=FOLD-PTQ
// RUN: qsim-opt %s --qsim-ptq="stats=%S/Inputs/bn-kept.stats.json fold-batch-norm=false" | FileCheck %s --check-prefix=KEEP-PTQ
// RUN: not qsim-opt %s --qsim-ptq="stats=%S/Inputs/bn.stats.json fold-batch-norm=false" 2>&1 | FileCheck %s --check-prefix=MISMATCH

// Tests the fold-batch-norm option of the passes that analyze a float
// model. By default the BatchNorm (here its scale by 2.0 per channel) folds
// into the conv, which is then the only op with an output range; with
// fold-batch-norm=false it stays an op of its own, quantized as qsim.mul
// with a constant, and observed as such. Statistics collected one way do
// not fit the other: the names differ, which is an error naming the range.

// FOLD:  qsim.observers = ["bn/arg0", "bn/conv1.output"]
// KEEP:  qsim.observers = ["bn/arg0", "bn/conv1.output", "bn/mul1.output"]
// FOLD-PTQ:     qsim.conv2d
// FOLD-PTQ-NOT: qsim.mul
// KEEP-PTQ:     qsim.conv2d
// KEEP-PTQ:     qsim.mul
// MISMATCH: error: qsim-quantize: no range for activation 'bn/mul1.output' in the statistics file

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
func.func @bn(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]]], [[[-0.5, 0.75], [0.25, -1.0]]]]> : tensor<2x1x2x2xf32>
  %g = arith.constant dense<2.0> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv1")
  %y = linalg.generic {indexing_maps = [#id4, #channel, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %g : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %m = arith.mulf %in, %in_1 : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
