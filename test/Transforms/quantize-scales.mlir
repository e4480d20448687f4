// RUN: qsim-opt %s -split-input-file -verify-diagnostics --qsim-quantize="stats=%S/Inputs/scales.stats.json"

// Every scale qsim-quantize builds must be a normal f32, in
// [1.175494e-38, 3.402823e+38]; the expected scales below are the formulas
// of docs/QSim.md evaluated in NumPy.

// Tests that a statistics range whose scale exceeds the largest f32
// (1e308 / 255 = 3.921569e+305) is an error naming the entry.
func.func @huge_range(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: statistics entry 'huge_range/arg0': range [0.000000e+00, 1.000000e+308] gives scale 3.921569e+305, outside the normal f32 range [1.175494e-38, 3.402823e+38]}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Tests that a statistics range whose scale is below the smallest normal f32
// (1e-45 / 255 = 3.921569e-48) is an error naming the entry.
func.func @tiny_range(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{statistics entry 'tiny_range/linear0.output': range [0.000000e+00, 1.000000e-45] gives scale 3.921569e-48, outside the normal f32 range}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Tests that f32-subnormal weights are an error naming the layer: symmetric
// int8 weights have the scale 2 m / 255, and 2 * f32(1e-42) / 255 =
// 2 * 1.000527e-42 / 255 = 7.847271e-45.
func.func @subnormal_weights(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0e-42> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: layer 'linear0': weight scale 7.847271e-45 of output channel 0 (weights in [1.000527e-42, 1.000527e-42]) is outside the normal f32 range}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Tests that normal weight and input scales whose product, the accumulator
// scale, is subnormal are an error: (2e-8 / 255) * (2 * f32(1e-30) / 255) =
// 7.843137e-11 * 7.843137e-33 = 6.151480e-43.
func.func @accumulator_underflow(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0e-30> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: layer 'linear0': accumulator scale 6.151480e-43 of output channel 0 (input scale 7.843137e-11 x weight scale 7.843137e-33) is outside the normal f32 range}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Tests that a NaN weight is an error naming the layer and the weight (the
// [K, F] element (k, f) = (0, 1) is weight k = 0 of output channel f = 1).
func.func @nan_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 0x7FC00000], [1.0, 1.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: layer 'linear0': weight 0 of output channel 1 is nan; weights must be finite}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// Tests that an infinite weight is an error naming the layer.
func.func @inf_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 1.0], [0xFF800000, 1.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: layer 'linear0': weight 1 of output channel 0 is -INF; weights must be finite}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
// Tests that a bias beyond int32 at the accumulator scale is a warning
// naming the layer and the channel, and is saturated: the accumulator scale
// is (2 / 255) * (2 / 255) = 6.151480e-05, and 1e9 / 6.151480e-05 =
// 1.625625e+13 > 2^31 - 1.
func.func @saturating_bias(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %b = arith.constant dense<[0.5, 1.0e9]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // The saturated bias alone fills the accumulator: the bound is
  // (2^31 - 1) + 2 * 127 * 128 = 2147516159.
  // expected-warning @+2 {{qsim-quantize: layer 'linear0': bias 1.000000e+09 of output channel 1 saturates int32 at accumulator scale 6.151480e-05}}
  // expected-error @+1 {{qsim-quantize: 'qsim.linear' accumulator may overflow int32: bound 2147516159 > 2147483647 in output channel 1, 1 of 2 channels exceed it}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.generic {indexing_maps = [#id2, #ch2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
// Tests that a NaN bias is an error naming the layer and the channel.
func.func @nan_bias(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %b = arith.constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  %e = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{qsim-quantize: layer 'linear0': bias nan of output channel 0 is not finite}}
  %m = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.generic {indexing_maps = [#id2, #ch2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m, %b : tensor<1x2xf32>, tensor<2xf32>) outs(%e : tensor<1x2xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
