// Tests that qsim-run computes a two-layer quantized conv net written in qsim
// ops bit for bit as a plain NumPy simulation of the integer arithmetic does:
// u8 activations given as their storage integers, i8 per-channel and
// per-tensor (nonzero zero point) weights, i32 biases, a ReLU and a signed
// output. Inputs/models.py reads the scales and zero points from the type
// aliases below.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && %python %S/Inputs/models.py qnet %s %t
// RUN: qsim-run %s --input %t/x.npy --input %t/w1.npy --input %t/b1.npy \
// RUN:     --input %t/w2.npy --input %t/b2.npy --output-dir %t/out \
// RUN:     --compare %t/expected.npy --tolerance 0 | FileCheck %s
// RUN: %python %S/Inputs/models.py check-equal %t/out/result0.npy %t/expected.npy

// CHECK: compiled @qnet in
// CHECK: result 0: 2x2x3x3x!quant.uniform<i8:f32, 1.000000e-01:-5> shape 2x2x3x3 dtype int8
// CHECK: output 0 vs {{.*}}expected.npy: max abs error 0, mean abs error 0, SQNR inf dB, exact 100.00% (36/36)

// The bundled example, as the README runs it: its int8_model against the
// integers make_convnet.py simulates, compared as integers.
// RUN: %python %qsim_src_root/examples/make_convnet.py --emit-npy %t/example
// RUN: qsim-run %qsim_src_root/examples/two-layer-convnet.mlir --entry int8_model \
// RUN:     --input %t/example/input.npy --compare %t/example/int8_output.npy \
// RUN:     --tolerance 0 | FileCheck %s --check-prefix=EXAMPLE
// EXAMPLE: compiled @int8_model in
// EXAMPLE: result 0: 1x2x3x3x!quant.uniform<u8:f32, {{.*}}> shape 1x2x3x3 dtype uint8
// EXAMPLE: output 0 vs {{.*}}int8_output.npy: max abs error 0, {{.*}} exact 100.00% (18/18)

!x = !quant.uniform<u8:f32, 0.02:128>
!w1 = !quant.uniform<i8:f32:0, {0.01, 0.02, 0.015, 0.03}>
!acc1 = !quant.uniform<i32:f32:1, {2.0E-4, 4.0E-4, 3.0E-4, 6.0E-4}>
!y1 = !quant.uniform<u8:f32, 0.05:20>
!w2 = !quant.uniform<i8:f32, 0.04:3>
!acc2 = !quant.uniform<i32:f32, 2.0E-3>
!y2 = !quant.uniform<i8:f32, 0.1:-5>

func.func @qnet(%x: tensor<2x3x6x6x!x>, %w1: tensor<4x3x3x3x!w1>, %b1: tensor<4xi32>,
                %w2: tensor<2x4x3x3x!w2>, %b2: tensor<2xi32>) -> tensor<2x2x3x3x!y2> {
  %acc1 = qsim.conv2d %x, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>}
      : (tensor<2x3x6x6x!x>, tensor<4x3x3x3x!w1>, tensor<4xi32>) -> tensor<2x4x6x6x!acc1>
  %y1 = qsim.requantize %acc1 : tensor<2x4x6x6x!acc1> -> tensor<2x4x6x6x!y1>
  %r1 = qsim.relu %y1 : tensor<2x4x6x6x!y1>
  %acc2 = qsim.conv2d %r1, %w2, %b2 {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<2x4x6x6x!y1>, tensor<2x4x3x3x!w2>, tensor<2xi32>) -> tensor<2x2x3x3x!acc2>
  %y2 = qsim.requantize %acc2 : tensor<2x2x3x3x!acc2> -> tensor<2x2x3x3x!y2>
  return %y2 : tensor<2x2x3x3x!y2>
}
