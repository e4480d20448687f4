// REQUIRES: cpu-avx2
// UNSUPPORTED: cpu-vnni
// RUN: qsim-opt %s --qsim-lower-to-llvm | FileCheck %s

// Tests that qsim-lower-to-llvm picks the AVX2 kernels on a CPU that has
// AVX2 but not AVX-512 VNNI (kernel=auto, the default).
// CHECK-LABEL: llvm.func @conv_linear
//   CHECK-NOT:   vpdpbusd
//       CHECK:   llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
//   CHECK-NOT:   vpdpbusd
//       CHECK:   llvm.return
func.func @conv_linear(%x: tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>, %v: tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>)
    -> (tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>, tensor<9x3x!quant.uniform<i32:f32, 0.125>>) {
  %ws = arith.constant dense<[[[[1, -2]], [[3, 4]], [[-5, 6]]],
                              [[[2, 1]], [[0, -1]], [[1, 7]]],
                              [[[-2, -3]], [[0, 4]], [[5, -1]]]]> : tensor<3x3x1x2xi8>
  %w = quant.scast %ws : tensor<3x3x1x2xi8> to tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>
  %b = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
  %acc = qsim.conv2d %x, %w, %b {padding = array<i64: 1, 1, 0, 0>}
      : (tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>, tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>, tensor<3xi32>)
      -> tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>>
  %y = qsim.requantize %acc : tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>> -> tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>
  %vs = arith.constant dense<[[1, 2, 3, 4, 5], [-3, 0, 7, 2, 2], [10, -8, 2, 2, 2]]> : tensor<3x5xi8>
  %vw = quant.scast %vs : tensor<3x5xi8> to tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>
  %l = qsim.linear %v, %vw : (tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>, tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<9x3x!quant.uniform<i32:f32, 0.125>>
  return %y, %l : tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>, tensor<9x3x!quant.uniform<i32:f32, 0.125>>
}
