// A linear layer with a 20000x10000 splat weight: 200 million weights, 800 MB
// as f32 if expanded, 3.2 GB as one APInt per weight.
func.func @main(%x: tensor<1x20000xf32>) -> tensor<1x10000xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<20000x10000xf32>
  %e = tensor.empty() : tensor<1x10000xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<1x10000xf32>) -> tensor<1x10000xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x20000xf32>, tensor<20000x10000xf32>) outs(%i : tensor<1x10000xf32>) -> tensor<1x10000xf32>
  return %y : tensor<1x10000xf32>
}
