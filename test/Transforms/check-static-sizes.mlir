// RUN: qsim-opt %s --split-input-file --qsim-check-static-sizes -verify-diagnostics

// Tests that a static tensor whose byte count overflows int64 is refused:
// 2^61 x 4 f32 elements are 2^65 bytes.
// expected-error @+1 {{result type 'tensor<2305843009213693952x4xf32>' holds more than 2^63 - 1 bytes}}
func.func @huge_result() -> tensor<2305843009213693952x4xf32> {
  // expected-error @+1 {{result type 'tensor<2305843009213693952x4xf32>' holds more than 2^63 - 1 bytes, which no allocation can hold}}
  %e = tensor.empty() : tensor<2305843009213693952x4xf32>
  return %e : tensor<2305843009213693952x4xf32>
}

// -----

// Tests that a function argument is checked too (2^62 x 2 i8 elements are
// 2^63 bytes, one more than int64 holds).
// expected-error @+1 {{argument type 'memref<4611686018427387904x2xi8>' holds more than 2^63 - 1 bytes}}
func.func @huge_argument(%m: memref<4611686018427387904x2xi8>) {
  return
}

// -----

// Tests that the largest sizes that fit are accepted: 2^63 - 1 i8 elements,
// and dynamic sizes (checked at run time by the allocation).
func.func @fits(%m: memref<9223372036854775807xi8>, %n: index) -> tensor<?x4xf32> {
  %e = tensor.empty(%n) : tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}
