// RUN: qsim-opt %s --split-input-file --convert-qsim-to-kernels=kernel=amx --canonicalize | FileCheck %s
// RUN: qsim-opt %s --split-input-file --convert-qsim-to-kernels=kernel=amx --convert-qsim-x86-to-llvm | FileCheck %s --check-prefix=PERMISSION

// Tests the AMX kernel (kernel=amx): 70 input channels padded to two
// 64-byte tile rows, and 20 rows of signed activations, flipped by 128 for
// tdpbusd's unsigned operand, in a copy with 12 rows of slack so that the
// second 16-row tile stays inside it. Each step loads two weight tiles (16
// channel groups of one vector, 2 x 64 bytes apart in the panel) and two
// activation tiles (a row of 128 bytes per pixel), and issues tdpbusd with
// the activations zero-extended into the four accumulators, which start as
// the bias (a row read with stride 0). The accumulators reach the
// requantize epilogue through one [32, 32] i32 buffer, a loop over its rows
// of pixels; only the 20 real rows are stored (4 of the second 16).
// CHECK-LABEL: func.func @linear
//       CHECK:   %[[FILLED:.+]] = linalg.fill ins(%{{.+}} : i8) outs(%{{.+}} : tensor<32x128xi8>)
//       CHECK:   %[[X:.+]] = bufferization.to_buffer %{{.+}} read_only : tensor<32x128xi8> to memref<32x128xi8>
//       CHECK:   %[[OUT:.+]] = memref.alloc() : memref<20x48xi8>
//       CHECK:   %[[BUFFER:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32x32xi32>
//       CHECK:   %[[B0:.+]] = amx.tile_load %[[BIAS:.+]][%[[C0:.+]]], %[[C0]] : memref<48xi32> into !amx.tile<16x16xi32>
//       CHECK:   %[[B1:.+]] = amx.tile_load %[[BIAS]][%[[C16:.+]]], %[[C0]] : memref<48xi32> into !amx.tile<16x16xi32>
//       CHECK:   scf.for %{{.+}} = %[[C0]] to %[[C2:.+]] step %{{.+}} iter_args(%[[A00:.+]] = %[[B0]], %[[A01:.+]] = %[[B1]], %[[A10:.+]] = %{{.+}}, %[[A11:.+]] = %{{.+}}) -> (!amx.tile<16x16xi32>, !amx.tile<16x16xi32>, !amx.tile<16x16xi32>, !amx.tile<16x16xi32>) {
//       CHECK:     %[[W0:.+]] = amx.tile_load %[[W:.+]][%[[C0]], %[[C0]], %[[GROUP:.+]], %[[C0]], %[[C0]]], %[[C128:.+]] : memref<2x1x32x2x64xi8> into !amx.tile<16x64xi8>
//       CHECK:     %[[W1:.+]] = amx.tile_load %[[W]][%[[C0]], %[[C0]], %[[GROUP]], %{{.+}}, %[[C0]]], %[[C128]] : memref<2x1x32x2x64xi8> into !amx.tile<16x64xi8>
//       CHECK:     %[[T0:.+]] = amx.tile_load %[[X]][%[[C0]], %[[CHANNEL:.+]]], %[[C128]] : memref<32x128xi8> into !amx.tile<16x64xi8>
//  CHECK-NEXT:     %[[N00:.+]] = amx.tile_muli %[[T0]] zext, %[[W0]], %[[A00]]
//  CHECK-NEXT:     %[[N01:.+]] = amx.tile_muli %[[T0]] zext, %[[W1]], %[[A01]]
//  CHECK-NEXT:     %[[T1:.+]] = amx.tile_load %[[X]][%[[C16]], %[[CHANNEL]]], %[[C128]] : memref<32x128xi8> into !amx.tile<16x64xi8>
//  CHECK-NEXT:     %[[N10:.+]] = amx.tile_muli %[[T1]] zext, %[[W0]], %[[A10]]
//  CHECK-NEXT:     %[[N11:.+]] = amx.tile_muli %[[T1]] zext, %[[W1]], %[[A11]]
//  CHECK-NEXT:     scf.yield %[[N00]], %[[N01]], %[[N10]], %[[N11]]
//       CHECK:   amx.tile_store %[[BUFFER]][%[[C0]], %[[C0]]], %{{.+}}#0 : memref<32x32xi32>, !amx.tile<16x16xi32>
//  CHECK-NEXT:   scf.for %[[Q:.+]] = %[[C0]] to %[[C16]] step
//  CHECK-NEXT:     vector.load %[[BUFFER]][%[[Q]], %[[C0]]] : memref<32x32xi32>, vector<16xi32>
//       CHECK:     vector.store %{{.+}}, %[[OUT]][%[[Q]], %[[C0]]] : memref<20x48xi8>, vector<16xi8>
//       CHECK:   amx.tile_store %[[BUFFER]][%[[C0]], %[[C16]]], %{{.+}}#1
//       CHECK:   amx.tile_store %[[BUFFER]][%[[C16]], %[[C0]]], %{{.+}}#2
//  CHECK-NEXT:   scf.for %[[Q2:.+]] = %[[C0]] to %c4 step
//  CHECK-NEXT:     %[[ROW:.+]] = arith.addi %[[Q2]], %[[C16]]
//  CHECK-NEXT:     vector.load %[[BUFFER]][%[[ROW]], %[[C0]]] : memref<32x32xi32>, vector<16xi32>
//       CHECK:   amx.tile_store %[[BUFFER]][%[[C16]], %[[C16]]], %{{.+}}#3
//       CHECK:   return

// PERMISSION:       func.func private @arch_prctl(i32, i64) -> i32
// PERMISSION-LABEL: func.func @linear
//  PERMISSION-NEXT:   %[[CODE:.+]] = arith.constant 4131 : i32
//  PERMISSION-NEXT:   %[[FEATURE:.+]] = arith.constant 18 : i64
//  PERMISSION-NEXT:   call @arch_prctl(%[[CODE]], %[[FEATURE]]) : (i32, i64) -> i32
func.func @linear(%x: tensor<20x70x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<20x40x!quant.uniform<i8:f32, 0.25:2>> {
  %ws = arith.constant dense<3> : tensor<40x70xi8>
  %w = quant.scast %ws : tensor<40x70xi8> to tensor<40x70x!quant.uniform<i8:f32, 0.125>>
  %b = arith.constant dense<7> : tensor<40xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<20x70x!quant.uniform<i8:f32, 0.5:-3>>, tensor<40x70x!quant.uniform<i8:f32, 0.125>>, tensor<40xi32>) -> tensor<20x40x!quant.uniform<i32:f32, 0.0625>>
  %y = qsim.requantize %acc : tensor<20x40x!quant.uniform<i32:f32, 0.0625>> -> tensor<20x40x!quant.uniform<i8:f32, 0.25:2>>
  return %y : tensor<20x40x!quant.uniform<i8:f32, 0.25:2>>
}

// -----

// Tests the conv form: 40 channels padded to 64 bytes per NHWC pixel, the
// rows of a tile one pixel apart at stride 1 (64 bytes) and two at stride 2
// (128 bytes), and the padded activations given bottom rows of slack for the
// reads of a row's last tile past its pixels: ceil(15 * 2 / 12) = 3 rows
// beyond the 1 of the conv's own padding. A depthwise conv stays on the VNNI
// kernel's stencil, and a function without AMX tiles requests nothing.
// CHECK-LABEL: func.func @conv
//       CHECK:   linalg.fill ins(%{{.+}} : i8) outs(%{{.+}} : tensor<1x9x12x64xi8>)
//       CHECK:   amx.tile_load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}], %c128 : memref<1x9x12x64xi8> into !amx.tile<16x64xi8>
//       CHECK:   amx.tile_muli
//       CHECK:   amx.tile_store
//       CHECK:   return
// PERMISSION-LABEL: func.func @conv
//  PERMISSION-NEXT:   arith.constant 4131 : i32
// PERMISSION-LABEL: func.func @depthwise
//   PERMISSION-NOT:   arch_prctl
//       PERMISSION:   return
func.func @conv(%x: tensor<1x40x4x10x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x20x4x5x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<-2> : tensor<20x40x3x3xi8>
  %w = quant.scast %ws : tensor<20x40x3x3xi8> to tensor<20x40x3x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 2>}
      : (tensor<1x40x4x10x!quant.uniform<u8:f32, 0.5:3>>, tensor<20x40x3x3x!quant.uniform<i8:f32, 0.25>>)
      -> tensor<1x20x4x5x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x20x4x5x!quant.uniform<i32:f32, 0.125>>
}

// CHECK-LABEL: func.func @depthwise
//   CHECK-NOT:   amx.
//       CHECK:   return
func.func @depthwise(%x: tensor<1x8x4x4x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x8x4x4x!quant.uniform<i32:f32, 0.125>> {
  %ws = arith.constant dense<1> : tensor<8x1x3x3xi8>
  %w = quant.scast %ws : tensor<8x1x3x3xi8> to tensor<8x1x3x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>, groups = 8 : i64}
      : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.5:3>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.25>>)
      -> tensor<1x8x4x4x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<1x8x4x4x!quant.uniform<i32:f32, 0.125>>
}

