// A float model whose layer reads a computed value (x + x), with an op that
// --canonicalize folds away before it, so the op positions of the two forms
// differ.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %dead = arith.addf %one, %one : f32
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %s = arith.addf %x, %x : tensor<?x4xf32>
  %w = arith.constant dense<[[0.5, -0.25, 1.0], [0.125, 0.75, -1.0], [-0.5, 0.25, 0.5], [1.0, -1.0, 0.25]]> : tensor<4x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %m = linalg.matmul ins(%s, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %m : tensor<?x3xf32>
}
