// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests quantize and dequantize on narrow, sub-byte, 16-bit and per-axis
// storage, with ties, saturation, infinities and NaN. The expected values
// were computed with NumPy in float32: q = clip(round(x / s) + z, qmin, qmax),
// NaN -> z.
//   x = [-3, -0.25, -0.05, 0.05, 0.15, 0.25, 1e30, -1e30, inf, nan]

func.func private @printMemrefI32(tensor<*xi32>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<10xi32>) {
  %u = tensor.cast %t : tensor<10xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[-3.0, -0.25, -0.05, 0.05, 0.15, 0.25, 1.0e30, -1.0e30, 0x7F800000, 0x7FC00000]> : tensor<10xf32>

  // CHECK: data =
  // CHECK-NEXT: [-30, -2, 0, 0, 2, 2, 127, -127, 127, 0]
  %a = qsim.quantize %x : tensor<10xf32> -> tensor<10x!quant.uniform<i8<-127:127>:f32, 0.1>>
  %as = quant.scast %a : tensor<10x!quant.uniform<i8<-127:127>:f32, 0.1>> to tensor<10xi8>
  %aw = arith.extsi %as : tensor<10xi8> to tensor<10xi32>
  call @print(%aw) : (tensor<10xi32>) -> ()

  // CHECK: data =
  // CHECK-NEXT: [-8, -2, -2, -2, -2, -2, 7, -8, 7, -2]
  %b = qsim.quantize %x : tensor<10xf32> -> tensor<10x!quant.uniform<i4:f32, 0.5:-2>>
  %bs = quant.scast %b : tensor<10x!quant.uniform<i4:f32, 0.5:-2>> to tensor<10xi4>
  %bw = arith.extsi %bs : tensor<10xi4> to tensor<10xi32>
  call @print(%bw) : (tensor<10xi32>) -> ()

  // CHECK: data =
  // CHECK-NEXT: [29768, 32518, 32718, 32818, 32918, 33018, 65535, 0, 65535, 32768]
  %c = qsim.quantize %x : tensor<10xf32> -> tensor<10x!quant.uniform<u16:f32, 0.001:32768>>
  %cs = quant.scast %c : tensor<10x!quant.uniform<u16:f32, 0.001:32768>> to tensor<10xi16>
  %cw = arith.extui %cs : tensor<10xi16> to tensor<10xi32>
  call @print(%cw) : (tensor<10xi32>) -> ()

  // Per-axis on axis 0: row 0 has s = 0.1, z = 3; row 1 has s = 0.001, z = 200.
  // CHECK: data =
  // CHECK-NEXT: [0, 1, 3, 3, 5, 5, 255, 0, 255, 3]
  // CHECK: data =
  // CHECK-NEXT: [0, 0, 150, 250, 255, 255, 255, 0, 255, 200]
  %rows = tensor.concat dim(0) %x, %x : (tensor<10xf32>, tensor<10xf32>) -> tensor<20xf32>
  %m = tensor.expand_shape %rows [[0, 1]] output_shape [2, 10] : tensor<20xf32> into tensor<2x10xf32>
  %d = qsim.quantize %m : tensor<2x10xf32> -> tensor<2x10x!quant.uniform<u8:f32:0, {0.1:3, 0.001:200}>>
  %ds = quant.scast %d : tensor<2x10x!quant.uniform<u8:f32:0, {0.1:3, 0.001:200}>> to tensor<2x10xi8>
  %dw = arith.extui %ds : tensor<2x10xi8> to tensor<2x10xi32>
  %d0 = tensor.extract_slice %dw[0, 0] [1, 10] [1, 1] : tensor<2x10xi32> to tensor<10xi32>
  %d1 = tensor.extract_slice %dw[1, 0] [1, 10] [1, 1] : tensor<2x10xi32> to tensor<10xi32>
  call @print(%d0) : (tensor<10xi32>) -> ()
  call @print(%d1) : (tensor<10xi32>) -> ()
  return
}
