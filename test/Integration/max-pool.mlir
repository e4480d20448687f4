// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests max_pool2d on unsigned storage (200 > 127 as a u8, which a signed
// comparison would get wrong) with padding, and on signed storage. Expected
// values by hand.
//   u8 input [[10, 200, 3], [130, 0, 50], [7, 8, 255]], 2x2 kernel, stride 1,
//   padding top 1: windows over [[pad, pad, pad], [10, 200, 3], ...]:
//   row 0: max(10, 200) = 200, max(200, 3) = 200
//   row 1: max(10, 200, 130, 0) = 200, max(200, 3, 0, 50) = 200
//   row 2: max(130, 0, 7, 8) = 130, max(0, 50, 8, 255) = 255
//   i8 input [[-5, -128], [-7, -6]], 2x2 kernel: -5.

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%t: tensor<?x?xi32>) {
  %u = tensor.cast %t : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %raw = arith.constant dense<[[[[10, 200, 3], [130, 0, 50], [7, 8, 255]]]]> : tensor<1x1x3x3xi8>
  %x = quant.scast %raw : tensor<1x1x3x3xi8> to tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1>>
  %y = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 0, 0, 0>}
      : tensor<1x1x3x3x!quant.uniform<u8:f32, 0.1>> -> tensor<1x1x3x2x!quant.uniform<u8:f32, 0.1>>
  %ys = quant.scast %y : tensor<1x1x3x2x!quant.uniform<u8:f32, 0.1>> to tensor<1x1x3x2xi8>
  %yw = arith.extui %ys : tensor<1x1x3x2xi8> to tensor<1x1x3x2xi32>
  %y2 = tensor.collapse_shape %yw [[0, 1, 2], [3]] : tensor<1x1x3x2xi32> into tensor<3x2xi32>
  %yd = tensor.cast %y2 : tensor<3x2xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [200, 200]
  // CHECK-NEXT: [200, 200]
  // CHECK-NEXT: [130, 255]
  call @print(%yd) : (tensor<?x?xi32>) -> ()

  %sraw = arith.constant dense<[[[[-5, -128], [-7, -6]]]]> : tensor<1x1x2x2xi8>
  %s = quant.scast %sraw : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.1>>
  %t = qsim.max_pool2d %s {kernel = array<i64: 2, 2>} : tensor<1x1x2x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  %ts = quant.scast %t : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> to tensor<1x1x1x1xi8>
  %tw = arith.extsi %ts : tensor<1x1x1x1xi8> to tensor<1x1x1x1xi32>
  %t2 = tensor.collapse_shape %tw [[0, 1, 2], [3]] : tensor<1x1x1x1xi32> into tensor<1x1xi32>
  %td = tensor.cast %t2 : tensor<1x1xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [-5]
  call @print(%td) : (tensor<?x?xi32>) -> ()
  return
}
