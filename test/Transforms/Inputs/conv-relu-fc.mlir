// A float model in the form torch-mlir emits: zero padding, conv, broadcast
// bias, ReLU, flatten, transposed-weight matmul, bias.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#ch2 = affine_map<(d0, d1) -> (d1)>
func.func @conv_relu(%x: tensor<?x1x4x4xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x1x4x4xf32>
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]]], [[[-0.5, 0.75], [0.25, -1.0]]]]> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %pad = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<?x1x4x4xf32> to tensor<?x1x5x5xf32>
  %e = tensor.empty(%n) : tensor<?x2x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%pad, %w : tensor<?x1x5x5xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<?x2x4x4xf32>) -> tensor<?x2x4x4xf32> loc("conv1")
  %cb = linalg.generic {indexing_maps = [#id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<?x2x4x4xf32>, tensor<2xf32>) outs(%e : tensor<?x2x4x4xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  } -> tensor<?x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cb : tensor<?x2x4x4xf32>) outs(%e : tensor<?x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x2x4x4xf32>
  %flat = tensor.collapse_shape %r [[0], [1, 2, 3]] : tensor<?x2x4x4xf32> into tensor<?x32xf32>
  %fw = arith.constant dense<0.03125> : tensor<3x32xf32>
  %fwe = tensor.empty() : tensor<32x3xf32>
  %fwt = linalg.transpose ins(%fw : tensor<3x32xf32>) outs(%fwe : tensor<32x3xf32>) permutation = [1, 0]
  %me = tensor.empty(%n) : tensor<?x3xf32>
  %mf = linalg.fill ins(%zero : f32) outs(%me : tensor<?x3xf32>) -> tensor<?x3xf32>
  %mm = linalg.matmul ins(%flat, %fwt : tensor<?x32xf32>, tensor<32x3xf32>) outs(%mf : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc")
  %fb = arith.constant dense<[0.0, 0.5, -0.5]> : tensor<3xf32>
  %y = linalg.generic {indexing_maps = [#id2, #ch2, #id2], iterator_types = ["parallel", "parallel"]} ins(%mm, %fb : tensor<?x3xf32>, tensor<3xf32>) outs(%me : tensor<?x3xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
