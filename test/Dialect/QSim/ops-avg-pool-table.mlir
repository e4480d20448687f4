// RUN: qsim-opt %s | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Tests avg_pool2d with default and explicit attributes, a dynamic batch, a
// result type that differs from the input's, and a global pool.
// CHECK-LABEL: func.func @avg_pool2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x3x4x4x!quant.uniform<u8:f32, 2.000000e-02:3>>)
//       CHECK:   qsim.avg_pool2d %[[X]] {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<?x3x4x4x!quant.uniform<u8:f32, 2.000000e-02:3>> -> tensor<?x3x2x2x!quant.uniform<u8:f32, 2.000000e-02:3>>
//       CHECK:   qsim.avg_pool2d %[[X]] {count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>} : tensor<?x3x4x4x!quant.uniform<u8:f32, 2.000000e-02:3>> -> tensor<?x3x4x4x!quant.uniform<i8:f32, 1.000000e-02:-5>>
//       CHECK:   qsim.avg_pool2d %[[X]] {kernel = array<i64: 4, 4>} : tensor<?x3x4x4x{{.+}}> -> tensor<?x3x1x1x!quant.uniform<u8:f32, 1.000000e-02:7>>
// GENERIC-LABEL: sym_name = "avg_pool2d"
//       GENERIC:   "qsim.avg_pool2d"(%{{.+}}) <{count_include_pad = false, kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, rounding = #qsim.rounding<half_even>, strides = array<i64: 2, 2>}>
//       GENERIC:   "qsim.avg_pool2d"(%{{.+}}) <{count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, rounding = #qsim.rounding<half_even>, strides = array<i64: 1, 1>}>
func.func @avg_pool2d(%x: tensor<?x3x4x4x!quant.uniform<u8:f32, 0.02:3>>) {
  %0 = qsim.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<?x3x4x4x!quant.uniform<u8:f32, 0.02:3>> -> tensor<?x3x2x2x!quant.uniform<u8:f32, 0.02:3>>
  %1 = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true, rounding = #qsim.rounding<half_even>} : tensor<?x3x4x4x!quant.uniform<u8:f32, 0.02:3>> -> tensor<?x3x4x4x!quant.uniform<i8:f32, 0.01:-5>>
  %2 = qsim.avg_pool2d %x {kernel = array<i64: 4, 4>, count_include_pad = false} : tensor<?x3x4x4x!quant.uniform<u8:f32, 0.02:3>> -> tensor<?x3x1x1x!quant.uniform<u8:f32, 0.01:7>>
  return
}

// Tests table on a narrow i8 input (still 256 entries) and on u4 input.
// CHECK-LABEL: func.func @table
//       CHECK:   qsim.table %{{.+}} {table = dense<5> : tensor<256xi32>} : tensor<2x8x!quant.uniform<i8<-127:127>:f32, 1.000000e-01>> -> tensor<2x8x!quant.uniform<u8:f32, 0.0039215686274509803>>
//       CHECK:   qsim.table %{{.+}} {table = dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi32>} : tensor<5x!quant.uniform<u4:f32, 5.000000e-01:8>> -> tensor<5x!quant.uniform<i4:f32, 2.500000e-01>>
// GENERIC-LABEL: sym_name = "table"
//       GENERIC:   "qsim.table"(%{{.+}}) <{table = dense<5> : tensor<256xi32>}>
func.func @table(%x: tensor<2x8x!quant.uniform<i8<-127:127>:f32, 0.1>>, %y: tensor<5x!quant.uniform<u4:f32, 0.5:8>>) {
  %0 = qsim.table %x {table = dense<5> : tensor<256xi32>} : tensor<2x8x!quant.uniform<i8<-127:127>:f32, 0.1>> -> tensor<2x8x!quant.uniform<u8:f32, 0.0039215686274509803>>
  %1 = qsim.table %y {table = dense<[-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]> : tensor<16xi32>} : tensor<5x!quant.uniform<u4:f32, 0.5:8>> -> tensor<5x!quant.uniform<i4:f32, 0.25>>
  return
}
