// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json" | FileCheck %s
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json weight-granularity=per-tensor activation-type=i8" | FileCheck %s --check-prefix=OPTIONS
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json" --qsim-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// Tests that qsim-ptq quantizes, fuses the ReLU into the requantize (here
// a no-op clamp: the conv output's zero point is the storage minimum 0) and
// cleans up: one quantize at the input, one dequantize at the output, no
// float op left.
// CHECK-LABEL: func.func @conv_relu
//       CHECK:   qsim.quantize
//       CHECK:   qsim.conv2d
//       CHECK:   qsim.requantize
//   CHECK-NOT:   qsim.relu
//       CHECK:   tensor.collapse_shape
//       CHECK:   qsim.linear
//       CHECK:   qsim.requantize
//       CHECK:   qsim.dequantize
//   CHECK-NOT:   linalg.
//   CHECK-NOT:   arith.constant {{.*}} : f32

// Tests that the pipeline forwards qsim-quantize's options: per-tensor
// accumulators, and i8 activations whose [0, 2] range has z = -128, the
// storage minimum, so the fused ReLU leaves no clamp_min.
// OPTIONS-LABEL: func.func @conv_relu
//       OPTIONS:   qsim.conv2d {{.+}} -> tensor<?x2x4x4x!quant.uniform<i32:f32, 6.1514801999231058E-5>>
//       OPTIONS:   qsim.requantize %{{[^ ]+}} : {{.+}} -> tensor<?x2x4x4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
//   OPTIONS-NOT:   qsim.relu

// Tests that the quantized model lowers to the LLVM dialect.
// LLVM: llvm.func @conv_relu
