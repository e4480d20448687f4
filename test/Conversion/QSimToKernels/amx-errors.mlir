// RUN: qsim-opt %s --convert-qsim-to-kernels=kernel=amx --convert-qsim-x86-to-llvm --verify-diagnostics

// Tests that a module whose own `arch_prctl` is not the function that the
// AMX kernels call is rejected, not called with the wrong types.
// expected-error @+1 {{the symbol 'arch_prctl' is not the function '(i32, i64) -> i32' that the AMX kernels call to request the tile state}}
func.func private @arch_prctl(i64) -> i64

func.func @clash(%x: tensor<16x64x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<16x16x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<16x64xi8>
  %w = quant.scast %ws : tensor<16x64xi8> to tensor<16x64x!quant.uniform<i8:f32, 0.25>>
  %y = qsim.linear %x, %w : (tensor<16x64x!quant.uniform<u8:f32, 0.5:3>>, tensor<16x64x!quant.uniform<i8:f32, 0.25>>) -> tensor<16x16x!quant.uniform<i32:f32, 0.125>>
  return %y : tensor<16x16x!quant.uniform<i32:f32, 0.125>>
}
