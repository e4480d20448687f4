// A ReLU6 that qsim-fuse-activations folds into the requantize bounds.
!acc = !quant.uniform<i32:f32, 0.001>
!u8 = !quant.uniform<u8:f32, 0.04:10>
func.func @relu6(%acc: tensor<4x!acc>) -> tensor<4x!u8> {
  %y = qsim.requantize %acc : tensor<4x!acc> -> tensor<4x!u8>
  %r = qsim.clamp %y {min = 0.0, max = 6.0} : tensor<4x!u8>
  return %r : tensor<4x!u8>
}
