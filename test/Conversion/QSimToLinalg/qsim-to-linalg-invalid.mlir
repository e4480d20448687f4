// RUN: qsim-opt %s -split-input-file --convert-qsim-to-linalg -verify-diagnostics

// Tests that an op with a region on quantized values, which the lowering
// does not know how to convert, is an error rather than left quantized.
func.func @pad_with_region(%x: tensor<4x!quant.uniform<u8:f32, 0.1:3>>, %p: !quant.uniform<u8:f32, 0.1:3>) -> tensor<6x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{failed to legalize operation 'tensor.pad'}}
  %0 = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %p : !quant.uniform<u8:f32, 0.1:3>
  } : tensor<4x!quant.uniform<u8:f32, 0.1:3>> to tensor<6x!quant.uniform<u8:f32, 0.1:3>>
  return %0 : tensor<6x!quant.uniform<u8:f32, 0.1:3>>
}
