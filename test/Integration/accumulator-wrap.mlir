// Tests that an accumulator qsim-check-accumulators flags really wraps when
// JIT-run: channel 1 of this linear layer has the bound |32768| + (32767 + 1)
// * 65535 = 2147483648 > INT32_MAX, and the input [65535, 65535] reaches it,
// so qsim-run returns -2147483648 where the int64 result (NumPy) is
// 2147483648. Channel 0, with bias 32767, has the bound 2147483647: it
// reaches INT32_MAX exactly and does not wrap.

// REQUIRES: qsim-jit, numpy
// RUN: not qsim-opt %s --qsim-check-accumulators -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECKED
// CHECKED: error: 'qsim.linear' accumulator may overflow int32: bound 2147483648 > 2147483647 in output channel 1, 1 of 2 channels exceed it

// RUN: rm -rf %t && mkdir -p %t && %python %S/Inputs/accumulator_wrap.py gen %t
// RUN: qsim-run %s --input %t/x.npy --output-dir %t/out | FileCheck %s --check-prefix=JIT
// RUN: %python %S/Inputs/accumulator_wrap.py check %t | FileCheck %s --check-prefix=WRAP
// JIT: result 0: 3x2x!quant.uniform<i32:f32, 1.000000e+00> shape 3x2 dtype int32 min -2.14748e+09 max 2.14748e+09
// WRAP: dtype int32
// WRAP-NEXT: equals the int32-wrapped reference: True
// WRAP-NEXT: differs from int64 at row 0 channel 1: int64 2147483648, qsim-run -2147483648
// WRAP-NEXT: int64 maximum per channel: [2147483647, 2147483648]

!x = !quant.uniform<u16:f32, 1.0>
!w = !quant.uniform<i16:f32, 1.0>
!acc = !quant.uniform<i32:f32, 1.0>

func.func @linear(%x: tensor<3x2x!x>) -> tensor<3x2x!acc> {
  %wi = arith.constant dense<[[32767, 1], [32767, 1]]> : tensor<2x2xi16>
  %w = quant.scast %wi : tensor<2x2xi16> to tensor<2x2x!w>
  %b = arith.constant dense<[32767, 32768]> : tensor<2xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<3x2x!x>, tensor<2x2x!w>, tensor<2xi32>) -> tensor<3x2x!acc>
  return %acc : tensor<3x2x!acc>
}
