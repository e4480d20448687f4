// A model for the error tests: one 2x3xf32 argument, returned unchanged.

func.func @identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}
