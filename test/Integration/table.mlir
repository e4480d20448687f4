// REQUIRES: qsim-jit
// RUN: qsim-opt %s --qsim-lower-to-llvm | %qsim_runner | FileCheck %s

// Tests table after the whole lowering. Expected values by hand.
//   i8 input, u8 result, table[i] = 255 - i, index q + 128:
//     q = -128, -1, 0, 127, 5 -> entries 0, 127, 128, 255, 133
//     -> 255, 128, 127, 0, 122
//   u4 input (storage i4: code 15 is the bit pattern -1, which must be
//   zero-extended), i8 result, table[i] = 3 * i - 20:
//     q = 0, 15, 7, 8 -> -20, 25, 1, 4
//   i4 input, table[i] = i: index q + 8, q = -8, -1, 7 -> 0, 7, 15

func.func private @printMemrefI32(tensor<*xi32>)

func.func @print(%t: tensor<?x?xi32>) {
  %u = tensor.cast %t : tensor<?x?xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %raw = arith.constant dense<[[-128, -1, 0, 127, 5]]> : tensor<1x5xi8>
  %x = quant.scast %raw : tensor<1x5xi8> to tensor<1x5x!quant.uniform<i8:f32, 0.1>>
  %y = qsim.table %x {table = dense<[255, 254, 253, 252, 251, 250, 249, 248, 247, 246, 245, 244, 243, 242, 241, 240, 239, 238, 237, 236, 235, 234, 233, 232, 231, 230, 229, 228, 227, 226, 225, 224, 223, 222, 221, 220, 219, 218, 217, 216, 215, 214, 213, 212, 211, 210, 209, 208, 207, 206, 205, 204, 203, 202, 201, 200, 199, 198, 197, 196, 195, 194, 193, 192, 191, 190, 189, 188, 187, 186, 185, 184, 183, 182, 181, 180, 179, 178, 177, 176, 175, 174, 173, 172, 171, 170, 169, 168, 167, 166, 165, 164, 163, 162, 161, 160, 159, 158, 157, 156, 155, 154, 153, 152, 151, 150, 149, 148, 147, 146, 145, 144, 143, 142, 141, 140, 139, 138, 137, 136, 135, 134, 133, 132, 131, 130, 129, 128, 127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113, 112, 111, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 69, 68, 67, 66, 65, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]> : tensor<256xi32>}
      : tensor<1x5x!quant.uniform<i8:f32, 0.1>> -> tensor<1x5x!quant.uniform<u8:f32, 0.004>>
  %ys = quant.scast %y : tensor<1x5x!quant.uniform<u8:f32, 0.004>> to tensor<1x5xi8>
  %yw = arith.extui %ys : tensor<1x5xi8> to tensor<1x5xi32>
  %yd = tensor.cast %yw : tensor<1x5xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [255, 128, 127, 0, 122]
  call @print(%yd) : (tensor<?x?xi32>) -> ()

  %uraw = arith.constant dense<[[0, -1, 7, -8]]> : tensor<1x4xi4>
  %u = quant.scast %uraw : tensor<1x4xi4> to tensor<1x4x!quant.uniform<u4:f32, 0.5:8>>
  %v = qsim.table %u {table = dense<[-20, -17, -14, -11, -8, -5, -2, 1, 4, 7, 10, 13, 16, 19, 22, 25]> : tensor<16xi32>}
      : tensor<1x4x!quant.uniform<u4:f32, 0.5:8>> -> tensor<1x4x!quant.uniform<i8:f32, 0.1>>
  %vs = quant.scast %v : tensor<1x4x!quant.uniform<i8:f32, 0.1>> to tensor<1x4xi8>
  %vw = arith.extsi %vs : tensor<1x4xi8> to tensor<1x4xi32>
  %vd = tensor.cast %vw : tensor<1x4xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [-20, 25, 1, 4]
  call @print(%vd) : (tensor<?x?xi32>) -> ()

  %iraw = arith.constant dense<[[-8, -1, 7]]> : tensor<1x3xi4>
  %i = quant.scast %iraw : tensor<1x3xi4> to tensor<1x3x!quant.uniform<i4:f32, 0.5>>
  %j = qsim.table %i {table = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi32>}
      : tensor<1x3x!quant.uniform<i4:f32, 0.5>> -> tensor<1x3x!quant.uniform<u8:f32, 0.1>>
  %js = quant.scast %j : tensor<1x3x!quant.uniform<u8:f32, 0.1>> to tensor<1x3xi8>
  %jw = arith.extui %js : tensor<1x3xi8> to tensor<1x3xi32>
  %jd = tensor.cast %jw : tensor<1x3xi32> to tensor<?x?xi32>
  // CHECK: data =
  // CHECK-NEXT: [0, 7, 15]
  call @print(%jd) : (tensor<?x?xi32>) -> ()
  return
}
