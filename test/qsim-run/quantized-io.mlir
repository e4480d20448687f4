// Tests how quantized values cross qsim-run's boundary: arguments given as
// their storage integers (uint8 for u8, int8 for i8), or as float32/float64
// with --quantize-inputs (per tensor and per axis, next to a float argument
// that stays float), and results written as storage integers plus, with
// --dequantize-outputs, resultN.dequantized.npy for quantized results only.
// Inputs/quantized_io.py computes every expected array with NumPy.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && %python %S/Inputs/quantized_io.py gen %t

// RUN: qsim-run %s --input %t/a.npy --input %t/p.npy --input %t/f.npy \
// RUN:     --output-dir %t/out-storage --dequantize-outputs | FileCheck %s --check-prefix=STORAGE
// RUN: %python %S/Inputs/quantized_io.py check %t storage | FileCheck %s --check-prefix=STORAGE-VALUES
// STORAGE: result 0: 4x!quant.uniform<u8:f32, 1.000000e-01:100> shape 4 dtype uint8 min 100 max 255 mean 138.75
// STORAGE: result 1: 2x3x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01,1.250000e-01:4}> shape 2x3 dtype int8 min -128 max 127 mean 0.5
// STORAGE: result 2: 2xf32 shape 2 dtype float32 min -4 max 3 mean -0.5
// STORAGE-VALUES: storage: a = [0, 99, 100, 255], p = {{\[}}[-128, 0, 127], [1, -1, 4]]

// An integer input of a quantized argument stays storage integers even with
// --quantize-inputs: here a is quantized from float32, p from float64.
// RUN: qsim-run %s --quantize-inputs --input %t/af.npy --input %t/pf.npy --input %t/f.npy \
// RUN:     --output-dir %t/out-quantize --dequantize-outputs | FileCheck %s --check-prefix=QUANTIZE
// RUN: %python %S/Inputs/quantized_io.py check %t quantize | FileCheck %s --check-prefix=QUANTIZE-VALUES
// QUANTIZE: result 0: 4x!quant.uniform<u8:f32, 1.000000e-01:100> shape 4 dtype uint8 min 100 max 255
// QUANTIZE-VALUES: quantize: a = [0, 100, 103, 255], p = {{\[}}[2, 4, 12], [-2, 127, 2]]
// RUN: qsim-run %s --quantize-inputs --input %t/a.npy --input %t/pf.npy --input %t/f.npy \
// RUN:     | FileCheck %s --check-prefix=MIXED
// MIXED: result 0: {{.*}} dtype uint8 min 100 max 255 mean 138.75
// MIXED: result 1: {{.*}} dtype int8 min -2 max 127

!u8 = !quant.uniform<u8:f32, 0.1:100>
!pa = !quant.uniform<i8:f32:1, {0.5, 0.25, 0.125:4}>

func.func @io(%a: tensor<4x!u8>, %p: tensor<2x3x!pa>, %f: tensor<2xf32>)
    -> (tensor<4x!u8>, tensor<2x3x!pa>, tensor<2xf32>) {
  %r = qsim.relu %a : tensor<4x!u8>
  %ff = arith.addf %f, %f : tensor<2xf32>
  return %r, %p, %ff : tensor<4x!u8>, tensor<2x3x!pa>, tensor<2xf32>
}
