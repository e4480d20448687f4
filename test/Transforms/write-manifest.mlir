// RUN: qsim-opt %s --qsim-write-manifest=file=%t.json | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --input-file=%t.json
// RUN: not qsim-opt %s --qsim-write-manifest 2>&1 | FileCheck %s --check-prefix=NO-FILE
// RUN: not qsim-opt %s --qsim-write-manifest=file=%t.missing/m.json 2>&1 | FileCheck %s --check-prefix=UNWRITABLE

// The IR is unchanged.
// IR: qsim.conv2d
// IR: qsim.requantize %{{.+}} {clamp_min = 10 : i64}
// IR: qsim.relu

// NO-FILE: error: qsim-write-manifest: no file given (file=F)
// UNWRITABLE: error: cannot write the quantization manifest '{{.*}}m.json': No such file or directory

// A conv with per-channel weights, a constant bias and a half_even
// requantize with a fused ReLU (clamp_min = z_y), its name from a NameLoc:
// the float64 multipliers are s_acc / s_y = 0.002 / 0.04 and 0.004 / 0.04,
// printed with 17 digits.
// The accumulator bounds are |bias| + sum |w - z_w| * max |x - z_x|
// = 5 + 3 * 245 = 740 and 7 + 6 * 245 = 1477 (x - z_x in [-10, 245]).
// CHECK:       "layers": [
// CHECK:         "op": "qsim.conv2d",
// CHECK-NEXT:    "name": "conv1",
// CHECK:         "input": {
// CHECK-NEXT:      "storage": "u8",
// CHECK-NEXT:      "scales": [
// CHECK-NEXT:        0.02
// CHECK:           "zero_points": [
// CHECK-NEXT:        10
// CHECK:         "weights": {
// CHECK-NEXT:      "storage": "i8",
// CHECK-NEXT:      "axis": 0,
// CHECK:         "bias": [
// CHECK-NEXT:      5,
// CHECK-NEXT:      -7
// CHECK:         "accumulator": {
// CHECK-NEXT:      "storage": "i32",
// CHECK-NEXT:      "axis": 1,
// CHECK:           "bound": [
// CHECK-NEXT:        740,
// CHECK-NEXT:        1477
// CHECK-NEXT:      ],
// CHECK-NEXT:      "may_overflow": false
// CHECK:         "requantize": {
// CHECK-NEXT:      "rounding": "half_even",
// CHECK-NEXT:      "multiplier": [
// CHECK-NEXT:        0.050000000000000003,
// CHECK-NEXT:        0.10000000000000001
// CHECK-NEXT:      ],
// CHECK-NEXT:      "clamp": [
// CHECK-NEXT:        10,
// CHECK-NEXT:        255
// CHECK-NEXT:      ],
// CHECK-NEXT:      "output": {
// CHECK-NEXT:        "storage": "u8",
// CHECK:           "activation": "qsim.relu"
// A linear with a fixed-point requantize: its multiplier and shift.
// CHECK:         "op": "qsim.linear",
// CHECK-NEXT:    "name": "",
// CHECK:         "bias": null,
// CHECK:         "requantize": {
// CHECK-NEXT:      "rounding": "tflite_double",
// CHECK-NEXT:      "multiplier": [
// CHECK-NEXT:        1073741824
// CHECK-NEXT:      ],
// CHECK-NEXT:      "shift": [
// CHECK-NEXT:        -1
// CHECK-NEXT:      ],
// An accumulator with two users has no requantize of its own.
// CHECK:         "op": "qsim.linear",
// CHECK:         "requantize": null
// A float32 requantize: its f32 multiplier, exactly (0.3f is
// 0.30000001192092896).
// CHECK:         "op": "qsim.linear",
// CHECK:         "requantize": {
// CHECK-NEXT:      "rounding": "float32_half_even",
// CHECK-NEXT:      "multiplier": [
// CHECK-NEXT:        0.30000001192092896
// CHECK-NEXT:      ],
// CHECK-NEXT:      "clamp": [

!x = !quant.uniform<u8:f32, 0.02:10>
!w = !quant.uniform<i8:f32:0, {0.1, 0.2}>
!acc = !quant.uniform<i32:f32:1, {0.002, 0.004}>
!y = !quant.uniform<u8:f32, 0.04:10>

func.func @conv(%x: tensor<1x1x3x3x!x>) -> tensor<1x2x3x3x!y> {
  %ws = arith.constant dense<[[[[1, 0, -1], [0, 0, 0], [0, 1, 0]]], [[[2, -2, 0], [0, 1, 0], [0, 0, -1]]]]> : tensor<2x1x3x3xi8>
  %w = quant.scast %ws : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!w>
  %b = arith.constant dense<[5, -7]> : tensor<2xi32>
  %acc = qsim.conv2d %x, %w, %b {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x1x3x3x!x>, tensor<2x1x3x3x!w>, tensor<2xi32>) -> tensor<1x2x3x3x!acc> loc("conv1")
  %y = qsim.requantize %acc {clamp_min = 10} : tensor<1x2x3x3x!acc> -> tensor<1x2x3x3x!y>
  %r = qsim.relu %y : tensor<1x2x3x3x!y>
  return %r : tensor<1x2x3x3x!y>
}

func.func @linear(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> (tensor<2x3x!quant.uniform<i8:f32, 0.04>>, tensor<2x3x!quant.uniform<i32:f32, 0.01>>) {
  %acc = qsim.linear %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i32:f32, 0.01>>
  %y = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>, multiplier = array<i32: 1073741824>, shift = array<i32: -1>} : tensor<2x3x!quant.uniform<i32:f32, 0.01>> -> tensor<2x3x!quant.uniform<i8:f32, 0.04>>
  %acc2 = qsim.linear %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i32:f32, 0.01>>
  %z = qsim.requantize %acc2 : tensor<2x3x!quant.uniform<i32:f32, 0.01>> -> tensor<2x3x!quant.uniform<i8:f32, 0.04>>
  return %y, %acc2 : tensor<2x3x!quant.uniform<i8:f32, 0.04>>, tensor<2x3x!quant.uniform<i32:f32, 0.01>>
}

func.func @linear_float32(%x: tensor<2x4x!quant.uniform<i8:f32, 0.1>>, %w: tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i8:f32, 0.04>> {
  %acc = qsim.linear %x, %w : (tensor<2x4x!quant.uniform<i8:f32, 0.1>>, tensor<3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3x!quant.uniform<i32:f32, 0.01>>
  %y = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>, float_multiplier = array<f32: 0.3>} : tensor<2x3x!quant.uniform<i32:f32, 0.01>> -> tensor<2x3x!quant.uniform<i8:f32, 0.04>>
  return %y : tensor<2x3x!quant.uniform<i8:f32, 0.04>>
}
