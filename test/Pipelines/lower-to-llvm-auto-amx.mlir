// REQUIRES: cpu-amx
// RUN: qsim-opt %s --qsim-lower-to-llvm | FileCheck %s

// Tests that qsim-lower-to-llvm (kernel=auto) picks the AMX kernel on a CPU
// with AMX for a layer of 33 input channels, the fewest it takes under auto,
// and the VNNI kernel for one of 32, which would fill half a tile row; the
// function requests the tile state first.
// CHECK-LABEL: llvm.func @wide
//       CHECK:   llvm.call @arch_prctl
//       CHECK:   llvm.call_intrinsic "llvm.x86.tdpbusd.internal"
//   CHECK-NOT:   vpdpbusd
//       CHECK:   llvm.return
// CHECK-LABEL: llvm.func @narrow
//   CHECK-NOT:   tdpbusd
//   CHECK-NOT:   arch_prctl
//       CHECK:   llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
//   CHECK-NOT:   tdpbusd
//       CHECK:   llvm.return
func.func @wide(%x: tensor<4x33x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<4x5x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<2> : tensor<5x33xi8>
  %w = quant.scast %ws : tensor<5x33xi8> to tensor<5x33x!quant.uniform<i8:f32, 0.25>>
  %y = qsim.linear %x, %w : (tensor<4x33x!quant.uniform<u8:f32, 0.5:3>>, tensor<5x33x!quant.uniform<i8:f32, 0.25>>) -> tensor<4x5x!quant.uniform<i32:f32, 0.125>>
  return %y : tensor<4x5x!quant.uniform<i32:f32, 0.125>>
}

func.func @narrow(%x: tensor<4x32x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<4x5x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<2> : tensor<5x32xi8>
  %w = quant.scast %ws : tensor<5x32xi8> to tensor<5x32x!quant.uniform<i8:f32, 0.25>>
  %y = qsim.linear %x, %w : (tensor<4x32x!quant.uniform<u8:f32, 0.5:3>>, tensor<5x32x!quant.uniform<i8:f32, 0.25>>) -> tensor<4x5x!quant.uniform<i32:f32, 0.125>>
  return %y : tensor<4x5x!quant.uniform<i32:f32, 0.125>>
}
