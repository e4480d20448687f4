// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests per-axis requantize, requantize of a value with a zero point, and
// unfused per-axis relu and clamp. Expected values computed with NumPy:
// np.clip(np.round((q - z_in) * (s_in / s_y)) + z_y, lo, hi).

func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  // Per-axis accumulator (axis 1, scales {0.002, 0.004, 0.0005}) to a
  // per-axis i8 output ({0.05:-3, 0.1:2, 0.01:0}) with clamp [-100, 100]:
  // M = [0.04, 0.04, 0.05]; 30 * 0.05 = 1.5 -> 2 and 10 * 0.05 = 0.5 -> 0.
  // CHECK: data =
  // CHECK-NEXT: [1, 1, 2]
  // CHECK-NEXT: [-100, 100, 0]
  %raw = arith.constant dense<[[100, -37, 30], [-5000, 5000, 10]]> : tensor<2x3xi32>
  %acc = quant.scast %raw : tensor<2x3xi32> to tensor<2x3x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.0005}>>
  %y = qsim.requantize %acc {clamp_min = -100, clamp_max = 100}
      : tensor<2x3x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.0005}>> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.05:-3, 0.1:2, 0.01:0}>>
  %ys = quant.scast %y : tensor<2x3x!quant.uniform<i8:f32:1, {0.05:-3, 0.1:2, 0.01:0}>> to tensor<2x3xi8>
  %yw = arith.extsi %ys : tensor<2x3xi8> to tensor<2x3xi32>
  %yp = tensor.cast %yw : tensor<2x3xi32> to tensor<*xi32>
  call @printMemrefI32(%yp) : (tensor<*xi32>) -> ()

  // u8 (s = 0.1, z = 128) to i8 (s = 0.2, z = 0): (q - 128) * 0.5, ties to
  // even: 127 -> -0.5 -> 0, 129 -> 0.5 -> 0, 131 -> 1.5 -> 2.
  // CHECK: data =
  // CHECK-NEXT: [-64, 0, 0, 0, 1, 2, 64]
  %u = arith.constant dense<[0, 127, 128, 129, 130, 131, 255]> : tensor<7xi8>
  %uq = quant.scast %u : tensor<7xi8> to tensor<7x!quant.uniform<u8:f32, 0.1:128>>
  %v = qsim.requantize %uq : tensor<7x!quant.uniform<u8:f32, 0.1:128>> -> tensor<7x!quant.uniform<i8:f32, 0.2>>
  %vs = quant.scast %v : tensor<7x!quant.uniform<i8:f32, 0.2>> to tensor<7xi8>
  %vw = arith.extsi %vs : tensor<7xi8> to tensor<7xi32>
  %vp = tensor.cast %vw : tensor<7xi32> to tensor<*xi32>
  call @printMemrefI32(%vp) : (tensor<*xi32>) -> ()

  // Per-axis u8 relu on axis 0 with z = {10, 200}: max(q, z[row]).
  // CHECK: data =
  // CHECK-NEXT: [10, 10, 10, 255]
  // CHECK-NEXT: [200, 200, 200, 201]
  %r = arith.constant dense<[[0, 9, 10, 255], [0, 199, 200, 201]]> : tensor<2x4xi8>
  %rq = quant.scast %r : tensor<2x4xi8> to tensor<2x4x!quant.uniform<u8:f32:0, {0.1:10, 0.2:200}>>
  %rr = qsim.relu %rq : tensor<2x4x!quant.uniform<u8:f32:0, {0.1:10, 0.2:200}>>
  %rs = quant.scast %rr : tensor<2x4x!quant.uniform<u8:f32:0, {0.1:10, 0.2:200}>> to tensor<2x4xi8>
  %rw = arith.extui %rs : tensor<2x4xi8> to tensor<2x4xi32>
  %rp = tensor.cast %rw : tensor<2x4xi32> to tensor<*xi32>
  call @printMemrefI32(%rp) : (tensor<*xi32>) -> ()

  // Per-axis i8 clamp to [-1, 2] on axis 1 with {0.1:0, 0.05:-10}: the
  // bounds are [-10, 20] and [-30, 30].
  // CHECK: data =
  // CHECK-NEXT: [-10, -30]
  // CHECK-NEXT: [0, 0]
  // CHECK-NEXT: [20, 30]
  %c = arith.constant dense<[[-128, -128], [0, 0], [127, 127]]> : tensor<3x2xi8>
  %cq = quant.scast %c : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.05:-10}>>
  %cc = qsim.clamp %cq {min = -1.0, max = 2.0} : tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.05:-10}>>
  %cs = quant.scast %cc : tensor<3x2x!quant.uniform<i8:f32:1, {0.1, 0.05:-10}>> to tensor<3x2xi8>
  %cw = arith.extsi %cs : tensor<3x2xi8> to tensor<3x2xi32>
  %cp = tensor.cast %cw : tensor<3x2xi32> to tensor<*xi32>
  call @printMemrefI32(%cp) : (tensor<*xi32>) -> ()
  return
}
