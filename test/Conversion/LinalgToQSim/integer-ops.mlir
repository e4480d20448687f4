// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json" --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json" | FileCheck %s --check-prefix=NOFLOAT
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json activation-bits=10" 2>&1 | FileCheck %s --check-prefix=WIDE
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json target=tflite" | FileCheck %s --check-prefix=TFLITE
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json target=onnxruntime" | FileCheck %s --check-prefix=ORT
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json target=pytorch" | FileCheck %s --check-prefix=TORCH
// RUN: qsim-opt %s -split-input-file --qsim-quantize="stats=%S/Inputs/integer-ops.stats.json target=tosa" | FileCheck %s --check-prefix=TOSA

// Tests the float ops that become integer qsim ops other than layers, in
// the forms torch-mlir emits: residual adds with their ReLU, products with
// a constant, average pooling (sum pooling and mean), concatenation and
// elementwise functions (lookup tables). Types from the ranges (u8):
// [-1, 1] is s = 2/255, z = 128; [0, 2] s = 2/255, z = 0; [0, 4] s = 4/255,
// z = 0; [-2, 2] s = 4/255, z = 128; [0, 1] s = 1/255, z = 0; [-4, 4]
// s = 8/255, z = 128.

// Tests that no float compute op is left.
// NOFLOAT-NOT: linalg.generic
// NOFLOAT-NOT: linalg.pooling
// NOFLOAT-NOT: tensor.concat

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests a residual add (torch's add.Tensor: in + alpha * in_1) and the ReLU
// after it, fused as clamp_min = z_y; z_y = 0 is the storage minimum, so the
// ReLU needs no bound at all.
// target=tflite gives the add TFLite's ADD arithmetic. By hand: both
// inputs have s = f32(2/255) and the output f32(4/255) = 2 s exactly, so
// TFLite's Prepare has 2S = 2 s, input ratios s / 2S = 0.5 (multiplier
// 2^30, shift 0) and output ratio 2S / (2^20 * 2 s) = 2^-20 (2^30, -19).
// target=onnxruntime gives it ONNX Runtime's QLinearAdd arithmetic. By
// hand: quantize_static's types are s = f32(2/255), z = 128 and 0, and
// f32(4/255) = 2 s, z = 0 for the output: ratios 0.5 and 0.5, and
// F = 0 - (0.5 * 128 + 0.5 * 0) = -64.
// target=pytorch gives it QNNPACK's add (quint8, one shape). By hand:
// torch.ao's types are s = f32(2/255) and f32(4/255) = 2 s for the output,
// ratios 0.5 and 0.5 of exponent -1: shift 21 + 1 = 22 and multipliers
// 0.5 * 2^22 = 2097152.
// target=tosa gives it the rescale chain of TOSA's legalizations. By hand:
// i8 types of s = 2/255 and 4/255 = 2 s (float64), so 2S = 2 s, each input
// rescaled by 2^20 s / 2S = 2^19 (2^30 * 2^-11) and the sum by
// 2S / (2^20 * 2 s) = 2^-20 (2^30 * 2^-50); z_y = -128 is the storage
// minimum, so the ReLU needs no bound.
// TOSA-LABEL: func.func @residual
//       TOSA:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 1073741824, 1073741824, 1073741824>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 11, 11, 50>} : ({{.+}}) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.015686274509803921:-128>>
// TORCH-LABEL: func.func @residual
//       TORCH:   qsim.add %{{.+}}, %{{.+}} {multiplier = array<i32: 2097152, 2097152>, rounding = #qsim.rounding<qnnpack>, shift = array<i32: 22>}
// ORT-LABEL: func.func @residual
//       ORT:   qsim.add %{{.+}}, %{{.+}} {float_multiplier = array<f32: 5.000000e-01, 5.000000e-01>, float_offset = -6.400000e+01 : f32, rounding = #qsim.rounding<float32_half_even>}
// TFLITE-LABEL: func.func @residual
//       TFLITE:   qsim.add %{{.+}}, %{{.+}} {left_shift = 20 : i64, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: 0, 0, -19>}
// CHECK-LABEL: func.func @residual
//   CHECK-DAG:   %[[A:.+]] = qsim.quantize %{{.+}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
//   CHECK-DAG:   %[[B:.+]] = qsim.quantize %{{.+}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   %[[S:.+]] = qsim.add %[[A]], %[[B]] : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>, tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.015686274509803921>>
//       CHECK:   qsim.dequantize %[[S]]
func.func @residual(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %s = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %b : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %m = arith.mulf %in_1, %one : f32
    %r = arith.addf %in, %m : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %r = arith.select %gt, %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2xf32>
  return %relu : tensor<1x2x2x2xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#channel = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>

// Tests a per-channel scale (a BatchNorm with no layer to fold into) as
// qsim.mul with a constant operand, quantized at compile time with its own
// range: [0.5, 2.0] widened to [0, 2] is s = 2/255, z = 0, so 0.5 -> 63.75
// -> 64 and 2.0 -> 255 (printed as the signless i8 -1), broadcast as
// [1, C, 1, 1].
// target=tosa gives the product TOSA's chain with the scale32 pair of
// M = (2/255)(2/255) / (4/255) = 1/255 = 0.50196 * 2^-7, that is
// round(0.50196 * 2^31) = 1077952576 and shift 31 + 7 = 38.
// TOSA-LABEL: func.func @scale
//       TOSA:   qsim.mul %{{.+}}, %{{.+}} {multiplier = array<i32: 1077952576>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 38>}
// CHECK-LABEL: func.func @scale
//   CHECK-DAG:   %[[CI:.+]] = arith.constant dense<{{\[}}[{{\[}}[64]], {{\[}}[-1]]]]> : tensor<1x2x1x1xi8>
//       CHECK:   %[[C:.+]] = quant.scast %[[CI]] : tensor<1x2x1x1xi8> to tensor<1x2x1x1x!quant.uniform<u8:f32, 0.0078431372549019607>>
//       CHECK:   qsim.mul %{{.+}}, %[[C]] : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607:128>>, tensor<1x2x1x1x!quant.uniform<u8:f32, 0.0078431372549019607>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.015686274509803921:128>>
func.func @scale(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %g = arith.constant dense<[[[[0.5]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %y = linalg.generic {indexing_maps = [#id4, #channel, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %g : tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %in_1: f32, %out: f32):
    %m = arith.mulf %in, %in_1 : f32
    linalg.yield %m : f32
  } -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests torch's avg_pool2d (count_include_pad, padding 1): a zero pad, a
// sum pooling into a zero fill and the divide by the window size.
// target=tosa keeps this pool's float64 mean: TOSA's AVG_POOL2D never
// counts the padding that torch's count_include_pad does.
// TOSA-LABEL: func.func @pool
//       TOSA:   qsim.avg_pool2d %{{.+}} {count_include_pad = true, kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} :
// CHECK-LABEL: func.func @pool
//       CHECK:   %[[P:.+]] = qsim.avg_pool2d %{{.+}} {count_include_pad = true, kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.0078431372549019607>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.0039215686274509803>>
//       CHECK:   qsim.dequantize %[[P]]
func.func @pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %four = arith.constant 4.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  %e = tensor.empty() : tensor<1x2x3x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%p, %w : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%f : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %a = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x2x3x3xf32>) outs(%e : tensor<1x2x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %four : f32
    linalg.yield %d : f32
  } -> tensor<1x2x3x3xf32>
  return %a : tensor<1x2x3x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#keep = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests torch's mean over [H, W] into [N, C]: the global average pool,
// collapsed to [N, C].
// target=tosa makes the mean TOSA's AVG_POOL2D in the input's type (TOSA's
// pool keeps the scale, 2/255, and its zero point -128), then a rescale to
// the output's 1/255: M = 2 = 2^30 * 2^-29.
// TOSA-LABEL: func.func @mean
//       TOSA:   %[[P:.+]] = qsim.avg_pool2d %{{.+}} {count_include_pad = true, kernel = array<i64: 3, 3>, rounding = #qsim.rounding<tosa_single>, strides = array<i64: 3, 3>} : tensor<?x2x3x3x!quant.uniform<i8:f32, 0.0078431372549019607:-128>> -> tensor<?x2x1x1x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
//       TOSA:   qsim.requantize %[[P]] {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 29>} : {{.+}} -> tensor<?x2x1x1x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK-LABEL: func.func @mean
//       CHECK:   %[[P:.+]] = qsim.avg_pool2d %{{.+}} {count_include_pad = true, kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>} : {{.+}} -> tensor<?x2x1x1x!quant.uniform<u8:f32, 0.0039215686274509803>>
//       CHECK:   %[[C:.+]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2, 3]]
//       CHECK:   qsim.dequantize %[[C]]
func.func @mean(%x: tensor<?x2x3x3xf32>) -> tensor<?x2xf32> {
  %zero = arith.constant 0.0 : f32
  %nine = arith.constant 9.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x3x3xf32>
  %e = tensor.empty(%n) : tensor<?x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2xf32>) -> tensor<?x2xf32>
  %s = linalg.generic {indexing_maps = [#id4, #keep], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : tensor<?x2x3x3xf32>) outs(%f : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  } -> tensor<?x2xf32>
  %m = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<?x2xf32>) outs(%e : tensor<?x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.divf %in, %nine : f32
    linalg.yield %d : f32
  } -> tensor<?x2xf32>
  return %m : tensor<?x2xf32>
}

// -----

// Tests a channel concatenation: inputs at different scales are
// requantized by qsim.concat to the output type.
// CHECK-LABEL: func.func @cat
//       CHECK:   qsim.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.0039215686274509803>>, tensor<1x2x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.0078431372549019607>>
func.func @cat(%a: tensor<1x1x2x2xf32>, %b: tensor<1x2x2x2xf32>) -> tensor<1x3x2x2xf32> {
  %c = tensor.concat dim(1) %a, %b : (tensor<1x1x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x3x2x2xf32>
  return %c : tensor<1x3x2x2xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// Tests torch-mlir's sigmoid (1 / (1 + exp(-x))) as a lookup table of the
// 256 input codes. Entry 0 is x = -4.0156862 (code 0 of s = 8/255,
// z = 128): sigmoid = 0.0177 -> 0.0177 * 255 = 4.52 -> 5; entry 128 is
// x = 0: 0.5 * 255 = 127.5 -> 128; entry 255 is x = 3.984: 0.9817 -> 250.33
// -> 250 (NumPy in float32).
// CHECK-LABEL: func.func @sigmoid
//       CHECK:   qsim.table %{{.+}} {table = dense<[5, {{(([0-9]+, ){127})}}127, {{(([0-9]+, ){126})}}250]> : tensor<256xi32>} : tensor<1x4x!quant.uniform<u8:f32, 0.031372549019607843:128>> -> tensor<1x4x!quant.uniform<u8:f32, 0.0039215686274509803>>

// Tests that a table needs an input of at most 8 bits: with 10-bit
// activations the sigmoid stays float.
// WIDE: remark: qsim-quantize: 'linalg.generic' stays float: a lookup table needs an input of at most 8 bits
func.func @sigmoid(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x4xf32>
  %y = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %x1, %one : f32
    %r = arith.divf %one, %d : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
