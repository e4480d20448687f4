// RUN: qsim-opt %s --convert-qsim-to-kernels=kernel=foo -verify-diagnostics
// RUN: not qsim-opt %s --convert-qsim-to-kernels=kernel=foo 2>&1 | FileCheck %s --check-prefix=FOO
// RUN: not qsim-opt %s --convert-qsim-to-kernels=kernel= 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not qsim-opt %s --convert-qsim-to-kernels=kernel=VNNI 2>&1 | FileCheck %s --check-prefix=UPPER
// RUN: not qsim-opt %s --convert-qsim-to-kernels=kernel=reference 2>&1 | FileCheck %s --check-prefix=REFERENCE

// Tests that the pass rejects a kernel it does not know, names the ones it
// knows, and fails rather than leaving the layers alone. `reference` is an
// option of qsim-lower-to-llvm (which then leaves this pass out), not of
// the pass; names are case sensitive.

// FOO: error: unknown kernel 'foo': expected auto, amx, vnni, avx2 or generic{{$}}
// EMPTY: error: unknown kernel '': expected auto, amx, vnni, avx2 or generic{{$}}
// UPPER: error: unknown kernel 'VNNI': expected auto, amx, vnni, avx2 or generic{{$}}
// REFERENCE: error: unknown kernel 'reference': expected auto, amx, vnni, avx2 or generic{{$}}

// expected-error @+1 {{unknown kernel 'foo': expected auto, amx, vnni, avx2 or generic}}
func.func @linear(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}
