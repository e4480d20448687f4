// One public function, a private helper and a declaration: qsim-run runs the
// public one by default.

func.func private @printMemrefF32(tensor<*xf32>)

func.func private @multiply(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  %z = arith.mulf %x, %y : tensor<2xf32>
  return %z : tensor<2xf32>
}

func.func @square(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = call @multiply(%x, %x) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
