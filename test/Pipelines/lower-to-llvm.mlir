// RUN: qsim-opt %s --qsim-lower-to-llvm | FileCheck %s
// RUN: qsim-opt %s --qsim-lower-to-llvm --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=FUSED
// RUN: qsim-opt %s --qsim-lower-to-llvm="fuse-activations=false" --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=UNFUSED

// Tests that the pipeline leaves nothing but the LLVM dialect: no qsim,
// quant, linalg, tensor, memref, arith or builtin casts.
// CHECK-LABEL: llvm.func @conv_relu
//  CHECK-SAME:   qsim.signature = "(tensor<1x1x3x3x!quant.uniform<u8:f32, 2.000000e-02:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {5.000000e-02,1.000000e-01}>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 4.000000e-02:10>>"
//   CHECK-NOT:   {{qsim\.(conv2d|requantize|relu)}}
//   CHECK-NOT:   quant.scast
//   CHECK-NOT:   linalg.
//   CHECK-NOT:   tensor.
//   CHECK-NOT:   memref.
//   CHECK-NOT:   arith.
//   CHECK-NOT:   unrealized_conversion_cast
//       CHECK:   llvm.intr.roundeven
//       CHECK:   llvm.return

// Tests that the fuse-activations option controls qsim-fuse-activations, and
// that the pipeline checks static sizes first and allocates through the
// generic functions that qsim-define-alloc-functions defines last.
// FUSED: qsim-check-static-sizes
// FUSED: qsim-fuse-activations
// FUSED: convert-qsim-to-linalg
// FUSED: finalize-memref-to-llvm{{.*}}use-generic-functions=true
// FUSED: qsim-define-alloc-functions
// UNFUSED-NOT: qsim-fuse-activations
// UNFUSED: convert-qsim-to-linalg

func.func @conv_relu(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.02:128>>,
                     %w: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.05, 0.1}>>)
    -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.04:10>> {
  %acc = qsim.conv2d %x, %w : (tensor<1x1x3x3x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.05, 0.1}>>)
      -> tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.001, 0.002}>>
  %y = qsim.requantize %acc : tensor<1x2x3x3x!quant.uniform<i32:f32:1, {0.001, 0.002}>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.04:10>>
  %r = qsim.relu %y : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.04:10>>
  return %r : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.04:10>>
}
