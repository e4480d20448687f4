func.func @main(%x: tensor<2x1x4x4xf32>) -> tensor<2x1x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.25> : tensor<1x1x2x2xf32>
  %e = tensor.empty() : tensor<2x1x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x1x3x3xf32>) -> tensor<2x1x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x1x4x4xf32>, tensor<1x1x2x2xf32>) outs(%f : tensor<2x1x3x3xf32>) -> tensor<2x1x3x3xf32>
  return %c : tensor<2x1x3x3xf32>
}
