// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json" | FileCheck %s
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json weight-granularity=per-tensor activation-type=i8" | FileCheck %s --check-prefix=OPTIONS
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json" --qsim-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json rounding=tflite_single manifest=%t.tflite.json" | FileCheck %s --check-prefix=ROUNDING
// RUN: %python %S/../Transforms/Inputs/check_manifest.py %t.tflite.json | FileCheck %s --check-prefix=MANIFEST
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json manifest=%t.json" > /dev/null
// RUN: %python %S/../Transforms/Inputs/check_manifest.py %t.json | FileCheck %s --check-prefix=MANIFEST64
// RUN: %python -c "import json, sys; m = json.load(open(sys.argv[1])); m['layers'][1]['requantize']['shift'][0] += 1; json.dump(m, open(sys.argv[2], 'w'))" %t.tflite.json %t.wrong.json
// RUN: not %python %S/../Transforms/Inputs/check_manifest.py %t.wrong.json | FileCheck %s --check-prefix=WRONG
// RUN: not qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-ptq="stats=%S/../Transforms/Inputs/quantize.stats.json rounding=half_up" 2>&1 | FileCheck %s --check-prefix=BAD-ROUNDING
// RUN: qsim-opt %S/../Transforms/Inputs/conv-relu-fc.mlir --qsim-quantize="stats=%S/../Transforms/Inputs/quantize.stats.json manifest=%t.quantize.json" > /dev/null
// RUN: %python %S/../Transforms/Inputs/check_manifest.py %t.quantize.json | FileCheck %s --check-prefix=MANIFEST64
// RUN: %python -c "import json, sys; m = json.load(open(sys.argv[1])); print(m['layers'][0]['requantize']['activation'])" %t.quantize.json | FileCheck %s --check-prefix=UNFUSED

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

// Tests rounding=, which sets every requantize's rounding mode (with the
// pairs of TFLite's encoder) after the fusion, and manifest=, which writes
// the result's layers; check_manifest.py checks the manifest's pairs
// against an independent encoder of its own scales, and the float64
// multipliers of the default rounding against their scale ratios.
// ROUNDING-LABEL: func.func @conv_relu
//       ROUNDING:   qsim.requantize %{{.+}} {multiplier = array<i32: {{[0-9]+}}>, rounding = #qsim.rounding<tflite_single>, shift = array<i32: {{-?[0-9]+}}>}
//       ROUNDING:   qsim.requantize %{{.+}} {multiplier = array<i32: {{[0-9]+}}>, rounding = #qsim.rounding<tflite_single>, shift = array<i32: {{-?[0-9]+}}>}
// MANIFEST: layer 0 qsim.conv2d (tflite_single): consistent
// MANIFEST-NEXT: layer 1 qsim.linear (tflite_single): consistent
// MANIFEST64: layer 0 qsim.conv2d (half_even): consistent
// MANIFEST64-NEXT: layer 1 qsim.linear (half_even): consistent
// WRONG: layer 1 qsim.linear (tflite_single): tflite_single pairs
// BAD-ROUNDING: error: qsim-set-rounding: unknown mode 'half_up'
// qsim-quantize's own manifest= describes its result, before the fusion:
// the ReLU still follows the conv's requantize.
// UNFUSED: qsim.relu

// Tests that the quantized model lowers to the LLVM dialect.
// LLVM: llvm.func @conv_relu
