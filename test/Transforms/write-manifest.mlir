// RUN: qsim-opt %s --qsim-write-manifest=file=%t.json | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s --input-file=%t.json
// RUN: not qsim-opt %s --qsim-write-manifest 2>&1 | FileCheck %s --check-prefix=NO-FILE
// RUN: not qsim-opt %s --qsim-write-manifest=file=%t.missing/m.json 2>&1 | FileCheck %s --check-prefix=UNWRITABLE

// The independent checker agrees with every entry but the float32
// requantize, whose hand-written 0.3 is not the 0.01 / 0.04 of its scales.
// RUN: not %python %S/Inputs/check_manifest.py %t.json | FileCheck %s --check-prefix=CHECKER
// Every target's rounding gives entries the checker derives again.
// RUN: qsim-opt %s --qsim-set-rounding=mode=tosa_double --qsim-write-manifest=file=%t.tosa.json -o /dev/null
// RUN: %python %S/Inputs/check_manifest.py %t.tosa.json | FileCheck %s --check-prefix=CONSISTENT
// RUN: qsim-opt %s --qsim-set-rounding=mode=tflite_double --qsim-write-manifest=file=%t.tflite.json -o /dev/null
// RUN: %python %S/Inputs/check_manifest.py %t.tflite.json | FileCheck %s --check-prefix=CONSISTENT
// RUN: qsim-opt %s --qsim-set-rounding=mode=float32_half_even --qsim-write-manifest=file=%t.ort.json -o /dev/null
// RUN: %python %S/Inputs/check_manifest.py %t.ort.json | FileCheck %s --check-prefix=CONSISTENT
// RUN: qsim-opt %s --qsim-set-rounding="mode=float32_half_even float-multiplier=reciprocal" --qsim-write-manifest=file=%t.torch.json -o /dev/null
// RUN: %python %S/Inputs/check_manifest.py %t.torch.json | FileCheck %s --check-prefix=CONSISTENT
// CHECKER-COUNT-4: consistent
// CHECKER:         layer 4 qsim.linear (float32_half_even): f32 multipliers [0.30000001192092896] are neither
// CHECKER-COUNT-5: consistent
// CONSISTENT-COUNT-10: consistent
// CONSISTENT-NOT:      {{.}}

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
// An accumulator with two users has no requantize of its own: the
// requantize has an entry of its own instead.
// CHECK:         "op": "qsim.linear",
// CHECK:         "requantize": null
// CHECK:         "op": "qsim.requantize",
// CHECK:         "input": {
// CHECK-NEXT:      "storage": "i32",
// CHECK:         "rounding": "half_even",
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

!a = !quant.uniform<u8:f32, 0.02:128>
!b = !quant.uniform<i8:f32, 0.05:-3>
!s = !quant.uniform<u8:f32, 0.04:10>
!n = !quant.uniform<i8:f32, 0.08:-5>

func.func @elementwise(%a: tensor<1x1x4x4x!a>, %b: tensor<1x1x4x4x!b>) -> (tensor<1x1x4x4x!s>, tensor<1x1x4x4x!s>, tensor<1x1x2x2x!s>, tensor<2x1x4x4x!s>, tensor<1x1x4x4x!n>) {
  %sum = qsim.add %a, %b {clamp_min = 10 : i64} : (tensor<1x1x4x4x!a>, tensor<1x1x4x4x!b>) -> tensor<1x1x4x4x!s> loc("residual")
  %product = qsim.mul %a, %a : (tensor<1x1x4x4x!a>, tensor<1x1x4x4x!a>) -> tensor<1x1x4x4x!s>
  %pool = qsim.avg_pool2d %a {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x1x4x4x!a> -> tensor<1x1x2x2x!s>
  %copy = qsim.concat %sum, %sum {axis = 0 : i64} : (tensor<1x1x4x4x!s>, tensor<1x1x4x4x!s>) -> tensor<2x1x4x4x!s>
  %both = qsim.concat %a, %sum {axis = 0 : i64} : (tensor<1x1x4x4x!a>, tensor<1x1x4x4x!s>) -> tensor<2x1x4x4x!s>
  %narrow = qsim.requantize %sum : tensor<1x1x4x4x!s> -> tensor<1x1x4x4x!n>
  return %sum, %product, %pool, %both, %narrow : tensor<1x1x4x4x!s>, tensor<1x1x4x4x!s>, tensor<1x1x2x2x!s>, tensor<2x1x4x4x!s>, tensor<1x1x4x4x!n>
}

// An add with its fused ReLU's clamp and its name: the float64 ratios
// 0.02 / 0.04 = 0.5 and 0.05 / 0.04 = 1.25 (both exact after rounding).
// CHECK:         "op": "qsim.add",
// CHECK-NEXT:    "name": "residual",
// CHECK-NEXT:    "location": "loc(\"residual\")",
// CHECK-NEXT:    "inputs": [
// CHECK-NEXT:      {
// CHECK-NEXT:        "storage": "u8",
// CHECK:             "zero_points": [
// CHECK-NEXT:          128
// CHECK:             "storage": "i8",
// CHECK:             "zero_points": [
// CHECK-NEXT:          -3
// CHECK:         "output": {
// CHECK-NEXT:      "storage": "u8",
// CHECK:         "rounding": "half_even",
// CHECK-NEXT:    "multiplier": [
// CHECK-NEXT:      0.5,
// CHECK-NEXT:      1.25
// CHECK-NEXT:    ],
// CHECK-NEXT:    "clamp": [
// CHECK-NEXT:      10,
// CHECK-NEXT:      255
// A product: s_a s_b / s_y = 0.02 * 0.02 / 0.04 = 0.01.
// CHECK:         "op": "qsim.mul",
// CHECK:         "rounding": "half_even",
// CHECK-NEXT:    "multiplier": [
// CHECK-NEXT:      0.01
// CHECK-NEXT:    ],
// CHECK-NEXT:    "clamp": [
// CHECK-NEXT:      0,
// CHECK-NEXT:      255
// A pool: its window and s_x / s_y = 0.5.
// CHECK:         "op": "qsim.avg_pool2d",
// CHECK:         "kernel": [
// CHECK-NEXT:      2,
// CHECK-NEXT:      2
// CHECK-NEXT:    ],
// CHECK-NEXT:    "strides": [
// CHECK-NEXT:      2,
// CHECK-NEXT:      2
// CHECK-NEXT:    ],
// CHECK-NEXT:    "padding": [
// CHECK-NEXT:      0,
// CHECK-NEXT:      0,
// CHECK-NEXT:      0,
// CHECK-NEXT:      0
// CHECK-NEXT:    ],
// CHECK-NEXT:    "count_include_pad": false,
// CHECK-NEXT:    "rounding": "half_even",
// CHECK-NEXT:    "multiplier": [
// CHECK-NEXT:      0.5
// CHECK-NEXT:    ],
// CHECK-NEXT:    "clamp": [
// CHECK-NEXT:      0,
// CHECK-NEXT:      255
// Only the concat that requantizes has an entry: one multiplier per input,
// 0.02 / 0.04 and 1 for the input it copies.
// CHECK-NOT:     "op": "qsim.concat",
// CHECK:         "op": "qsim.concat",
// CHECK:         "axis": 0,
// CHECK-NEXT:    "rounding": "half_even",
// CHECK-NEXT:    "multiplier": [
// CHECK-NEXT:      0.5,
// CHECK-NEXT:      1
// CHECK-NEXT:    ],
// CHECK-NOT:     "op": "qsim.concat",
// A requantize of its own: its input and 0.04 / 0.08 = 0.5.
// CHECK:         "op": "qsim.requantize",
// CHECK:         "input": {
// CHECK-NEXT:      "storage": "u8",
// CHECK:         "rounding": "half_even",
// CHECK-NEXT:    "multiplier": [
// CHECK-NEXT:      0.5
// CHECK-NEXT:    ],
// CHECK-NEXT:    "clamp": [
// CHECK-NEXT:      -128,
// CHECK-NEXT:      127
// CHECK-NEXT:    ],
// CHECK-NEXT:    "output": {
// CHECK-NEXT:      "storage": "i8",
