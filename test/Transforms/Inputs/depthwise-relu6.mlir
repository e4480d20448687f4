// A depthwise conv with ReLU6 (quantize-forms.mlir's depthwise_relu6), for
// the fused-activation bounds of target=tflite.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

func.func @depthwise_relu6(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %w = arith.constant dense<[[[0.5, 1.0]], [[2.0, -1.0]]]> : tensor<2x1x2xf32>
  %e = tensor.empty() : tensor<1x2x3x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x1x2xf32>) outs(%f : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x3x2xf32>) outs(%e : tensor<1x2x3x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x2x3x2xf32>
  return %r : tensor<1x2x3x2xf32>
}


