// Tests that an element type with no .npy dtype qsim-run supports (f16) is
// rejected before compiling.

// RUN: not qsim-run %s > %t.out 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// CHECK: qsim-run: error: argument 0 of 'half': unsupported element type f16 (expected f32, f64, i1, i8, i16, i32, i64 or a !quant.uniform type)

func.func @half(%x: tensor<2xf16>) -> tensor<2xf16> {
  return %x : tensor<2xf16>
}
