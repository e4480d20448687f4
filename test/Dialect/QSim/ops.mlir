// RUN: qsim-opt %s | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

!u8 = !quant.uniform<u8:f32, 0.0086274511673871212:139>
!i8axis = !quant.uniform<i8:f32:0, {0.1, 0.2:3}>

// Tests that quantize and dequantize round-trip, per tensor and per axis.
// CHECK-LABEL: func.func @quantize_dequantize
//  CHECK-SAME:   (%[[X:.+]]: tensor<5xf32>, %[[Y:.+]]: tensor<2x3xf32>)
//       CHECK:   %[[Q:.+]] = qsim.quantize %[[X]] : tensor<5xf32> -> tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>>
//       CHECK:   qsim.dequantize %[[Q]] : tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>> -> tensor<5xf32>
//       CHECK:   %[[P:.+]] = qsim.quantize %[[Y]] : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01:3}>>
//       CHECK:   qsim.dequantize %[[P]]
// GENERIC-LABEL: sym_name = "quantize_dequantize"
//       GENERIC:   "qsim.quantize"(%{{.+}}) <{rounding = #qsim.quantize_rounding<half_even>, scaling = #qsim.scaling<divide>}> : (tensor<5xf32>) -> tensor<5x!quant.uniform
//       GENERIC:   "qsim.dequantize"(%{{.+}}) : (tensor<5x!quant.uniform
func.func @quantize_dequantize(%x: tensor<5xf32>, %y: tensor<2x3xf32>) -> (tensor<5xf32>, tensor<2x3xf32>) {
  %q = qsim.quantize %x : tensor<5xf32> -> tensor<5x!u8>
  %d = qsim.dequantize %q : tensor<5x!u8> -> tensor<5xf32>
  %p = qsim.quantize %y : tensor<2x3xf32> -> tensor<2x3x!i8axis>
  %e = qsim.dequantize %p : tensor<2x3x!i8axis> -> tensor<2x3xf32>
  return %d, %e : tensor<5xf32>, tensor<2x3xf32>
}

// Tests narrow and sub-byte storage types: i8<-127:127>, i4, u16.
// CHECK-LABEL: func.func @narrow_storage
//       CHECK:   qsim.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 1.000000e-01>>
//       CHECK:   qsim.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<i4:f32, 5.000000e-01:-2>>
//       CHECK:   qsim.quantize %{{.+}} : tensor<4xf32> -> tensor<4x!quant.uniform<u16:f32, 1.000000e-03:32768>>
func.func @narrow_storage(%x: tensor<4xf32>) {
  %a = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>
  %b = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i4:f32, 0.5:-2>>
  %c = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u16:f32, 0.001:32768>>
  return
}

// Tests conv2d with every attribute, with and without bias.
// CHECK-LABEL: func.func @conv2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x4x8x8x{{.+}}>, %[[W:.+]]: tensor<2x2x3x3x{{.+}}>, %[[B:.+]]: tensor<2xi32>)
//       CHECK:   qsim.conv2d %[[X]], %[[W]], %[[B]] {dilations = array<i64: 2, 1>, groups = 2 : i64, padding = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 3>}
//  CHECK-SAME:     -> tensor<1x2x4x3x!quant.uniform<i32:f32:1, {2.000000e-03,4.000000e-03}>>
//       CHECK:   qsim.conv2d %[[X]], %[[W]] {groups = 2 : i64} : (tensor<1x4x8x8x{{.+}}>, tensor<2x2x3x3x{{.+}}>) -> tensor<1x2x6x6x
// GENERIC-LABEL: sym_name = "conv2d"
//       GENERIC:   "qsim.conv2d"(%{{.+}}, %{{.+}}, %{{.+}}) <{dilations = array<i64: 2, 1>, groups = 2 : i64, padding = array<i64: 1, 0, 2, 1>, strides = array<i64: 2, 3>}>
//       GENERIC:   "qsim.conv2d"(%{{.+}}, %{{.+}}) <{dilations = array<i64: 1, 1>, groups = 2 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}>
func.func @conv2d(%x: tensor<1x4x8x8x!quant.uniform<u8:f32, 0.02:128>>,
                  %w: tensor<2x2x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>,
                  %b: tensor<2xi32>) {
  %0 = qsim.conv2d %x, %w, %b {strides = array<i64: 2, 3>, padding = array<i64: 1, 0, 2, 1>, dilations = array<i64: 2, 1>, groups = 2 : i64}
      : (tensor<1x4x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x2x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2xi32>)
      -> tensor<1x2x4x3x!quant.uniform<i32:f32:1, {0.002, 0.004}>>
  %1 = qsim.conv2d %x, %w {groups = 2 : i64}
      : (tensor<1x4x8x8x!quant.uniform<u8:f32, 0.02:128>>, tensor<2x2x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>)
      -> tensor<1x2x6x6x!quant.uniform<i32:f32:1, {0.002, 0.004}>>
  return
}

// Tests a depthwise conv2d with a dynamic batch and per-tensor u8 weights.
// CHECK-LABEL: func.func @depthwise_dynamic_batch
//       CHECK:   qsim.conv2d %{{.+}}, %{{.+}} {groups = 3 : i64} : (tensor<?x3x5x5x{{.+}}>, tensor<3x1x3x3x!quant.uniform<u8:f32, 5.000000e-02:7>>) -> tensor<?x3x3x3x!quant.uniform<i32:f32, 1.000000e-03>>
func.func @depthwise_dynamic_batch(%x: tensor<?x3x5x5x!quant.uniform<u8:f32, 0.02:128>>,
                                   %w: tensor<3x1x3x3x!quant.uniform<u8:f32, 0.05:7>>) {
  %0 = qsim.conv2d %x, %w {groups = 3 : i64}
      : (tensor<?x3x5x5x!quant.uniform<u8:f32, 0.02:128>>, tensor<3x1x3x3x!quant.uniform<u8:f32, 0.05:7>>)
      -> tensor<?x3x3x3x!quant.uniform<i32:f32, 0.001>>
  return
}

// Tests linear with per-axis and per-tensor weights.
// CHECK-LABEL: func.func @linear
//       CHECK:   qsim.linear %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x3x{{.+}}>, tensor<2x3x{{.+}}>, tensor<2xi32>) -> tensor<2x2x!quant.uniform<i32:f32:1, {5.000000e-03,1.000000e-02}>>
//       CHECK:   qsim.linear %{{.+}}, %{{.+}} : (tensor<?x3x{{.+}}>, tensor<2x3x!quant.uniform<i8:f32, 2.000000e-02>>) -> tensor<?x2x!quant.uniform<i32:f32, 1.000000e-03>>
func.func @linear(%x: tensor<2x3x!quant.uniform<u8:f32, 0.05:3>>,
                  %w: tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, %b: tensor<2xi32>,
                  %y: tensor<?x3x!quant.uniform<u8:f32, 0.05:3>>,
                  %v: tensor<2x3x!quant.uniform<i8:f32, 0.02>>) {
  %0 = qsim.linear %x, %w, %b : (tensor<2x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>, tensor<2xi32>)
      -> tensor<2x2x!quant.uniform<i32:f32:1, {0.005, 0.01}>>
  %1 = qsim.linear %y, %v : (tensor<?x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<2x3x!quant.uniform<i8:f32, 0.02>>)
      -> tensor<?x2x!quant.uniform<i32:f32, 0.001>>
  return
}

// Tests requantize with default and explicit rounding and clamp bounds, and
// the activations.
// CHECK-LABEL: func.func @requantize_and_activations
//       CHECK:   %[[Y:.+]] = qsim.requantize %{{.+}} : tensor<4x!quant.uniform<i32:f32, 1.000000e-03>> -> tensor<4x!quant.uniform<u8:f32, 4.000000e-02:10>>
//       CHECK:   qsim.requantize %{{.+}} {clamp_max = 200 : i64, clamp_min = 10 : i64} : tensor<4x
//       CHECK:   qsim.requantize %{{.+}} {clamp_min = 10 : i64} : tensor<4x
//       CHECK:   qsim.relu %[[Y]] : tensor<4x!quant.uniform<u8:f32, 4.000000e-02:10>>
//       CHECK:   qsim.clamp %[[Y]] {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<4x!quant.uniform<u8:f32, 4.000000e-02:10>>
// GENERIC-LABEL: sym_name = "requantize_and_activations"
//       GENERIC:   "qsim.requantize"(%{{.+}}) <{rounding = #qsim.rounding<half_even>}>
//       GENERIC:   "qsim.requantize"(%{{.+}}) <{clamp_max = 200 : i64, clamp_min = 10 : i64, rounding = #qsim.rounding<half_even>}>
func.func @requantize_and_activations(%acc: tensor<4x!quant.uniform<i32:f32, 0.001>>) {
  %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %z = qsim.requantize %acc {rounding = #qsim.rounding<half_even>, clamp_min = 10, clamp_max = 200} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %v = qsim.requantize %acc {clamp_min = 10} : tensor<4x!quant.uniform<i32:f32, 0.001>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %r = qsim.relu %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %c = qsim.clamp %y {min = 0.0, max = 6.0} : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  return
}

// Tests the fixed-point rounding modes with their multiplier and shift, one
// pair and one per channel.
// CHECK-LABEL: func.func @requantize_fixed_point
//       CHECK:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -1>} : tensor<2x2x
//       CHECK:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_single>, shift = array<i32: -1>}
//       CHECK:   qsim.requantize %{{.+}} {multiplier = array<i32: 1073741824, 2147483647>, rounding = #qsim.rounding<tosa_single>, shift = array<i32: 33, 62>}
//       CHECK:   qsim.requantize %{{.+}} {clamp_min = 0 : i64, multiplier = array<i32: 0>, rounding = #qsim.rounding<tosa_double>, shift = array<i32: 40>}
// GENERIC-LABEL: sym_name = "requantize_fixed_point"
//       GENERIC:   "qsim.requantize"(%{{.+}}) <{multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -1>}>
func.func @requantize_fixed_point(%acc: tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>) {
  %a = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.04:-3>>
  %b = qsim.requantize %acc {rounding = #qsim.rounding<tflite_single>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.04:-3>>
  %c = qsim.requantize %acc {rounding = #qsim.rounding<tosa_single>, multiplier = array<i32: 1073741824, 2147483647>, shift = array<i32: 33, 62>} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.04:-3>>
  %d = qsim.requantize %acc {rounding = #qsim.rounding<tosa_double>, multiplier = array<i32: 0>, shift = array<i32: 40>, clamp_min = 0} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<u8:f32, 0.04:7>>
  return
}

// Tests float32_half_even with one f32 multiplier and one per channel, and
// quantize with each scaling and rounding (divide and half_even are the
// defaults and are not printed).
// CHECK-LABEL: func.func @float32_arithmetic
//       CHECK:   qsim.requantize %{{.+}} {float_multiplier = array<f32: 2.500000e-01>, rounding = #qsim.rounding<float32_half_even>}
//       CHECK:   qsim.requantize %{{.+}} {clamp_min = 7 : i64, float_multiplier = array<f32: 2.500000e-01, 5.000000e-01>, rounding = #qsim.rounding<float32_half_even>}
//       CHECK:   qsim.quantize %{{.+}} {scaling = #qsim.scaling<reciprocal>} : tensor<4xf32>
//       CHECK:   qsim.quantize %{{.+}} : tensor<4xf32>
//       CHECK:   qsim.quantize %{{.+}} {rounding = #qsim.quantize_rounding<half_away>} : tensor<4xf32>
//       CHECK:   qsim.quantize %{{.+}} : tensor<4xf32>
// GENERIC-LABEL: sym_name = "float32_arithmetic"
//       GENERIC:   "qsim.requantize"(%{{.+}}) <{float_multiplier = array<f32: 2.500000e-01>, rounding = #qsim.rounding<float32_half_even>}>
//       GENERIC:   "qsim.quantize"(%{{.+}}) <{rounding = #qsim.quantize_rounding<half_even>, scaling = #qsim.scaling<reciprocal>}>
func.func @float32_arithmetic(%acc: tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>>, %x: tensor<4xf32>) {
  %a = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.25>} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.04:-3>>
  %b = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.25, 0.5>, clamp_min = 7} : tensor<2x2x!quant.uniform<i32:f32:1, {0.01, 0.02}>> -> tensor<2x2x!quant.uniform<u8:f32, 0.04:7>>
  %c = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  %d = qsim.quantize %x {scaling = #qsim.scaling<divide>} : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  %e = qsim.quantize %x {rounding = #qsim.quantize_rounding<half_away>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  %f = qsim.quantize %x {rounding = #qsim.quantize_rounding<half_even>} : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  return
}

// Tests a per-axis requantize from a per-channel accumulator to a per-tensor
// output and to a per-axis output on the same axis.
// CHECK-LABEL: func.func @requantize_per_axis
//       CHECK:   qsim.requantize %{{.+}} : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {2.000000e-03,4.000000e-03}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
//       CHECK:   qsim.requantize %{{.+}} : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {2.000000e-03,4.000000e-03}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32:1, {5.000000e-02:-3,1.000000e-01:2}>>
func.func @requantize_per_axis(%acc: tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>>) {
  %0 = qsim.requantize %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>
  %1 = qsim.requantize %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32:1, {0.05:-3, 0.1:2}>>
  return
}

// Tests max_pool2d with default and explicit attributes.
// CHECK-LABEL: func.func @max_pool2d
//       CHECK:   qsim.max_pool2d %{{.+}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x4x4x!quant.uniform<u8:f32, 2.000000e-02:3>> -> tensor<1x3x2x2x!quant.uniform<u8:f32, 2.000000e-02:3>>
//       CHECK:   qsim.max_pool2d %{{.+}} {dilations = array<i64: 2, 1>, kernel = array<i64: 2, 3>, padding = array<i64: 1, 1, 1, 1>} : tensor<1x3x4x4x{{.+}}> -> tensor<1x3x4x4x
// GENERIC-LABEL: sym_name = "max_pool2d"
//       GENERIC:   "qsim.max_pool2d"(%{{.+}}) <{dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}>
func.func @max_pool2d(%x: tensor<1x3x4x4x!quant.uniform<u8:f32, 0.02:3>>) {
  %0 = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.02:3>> -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.02:3>>
  %1 = qsim.max_pool2d %x {kernel = array<i64: 2, 3>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 1>} : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.02:3>> -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.02:3>>
  return
}
