// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=vnni | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=avx2 | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qsim-opt %s -split-input-file --convert-qsim-to-kernels=kernel=generic | FileCheck %s --check-prefixes=CHECK,GENERIC

// The expected constants are computed by hand from the formulas of the
// pass's description, not copied from its output:
//   packed[v / V][t][c / G][v % V][(o % L) * G + c % G] = w[o][c][t] - z_w[o]
// for o in vector v = o / L of the V = min(J, vectors) in a panel,
//   bias'[o] = bias[o] - offset * sum_{c,t} (w[o][c][t] - z_w[o])
// with zeros where o or c is past the layer, G = 4, 2, 1 and L = 16, 8, 8
// for vnni, avx2 and generic, and offset = z_x (+ 128 for signed
// activations read by vpdpbusd).

// Tests a conv2d of u8 activations (z_x = 3) with per-channel asymmetric
// weights and a bias, whose single requantize is fused into the epilogue.
//
// w - z_w per output channel (z_w = 0, 1, -2), as [c][kw]:
//   o0: [1, -2] [3, 4] [-5, 6]   sum 7   bias' = 10 - 3 * 7 = -11
//   o1: [1, 0] [-1, -2] [0, 6]   sum 4   bias' = -20 - 3 * 4 = -32
//   o2: [0, -1] [2, 6] [7, 1]    sum 15  bias' = 30 - 3 * 15 = -15
// vnni packs the 3 channels of a tap into one group of 4 (the 4th is 0):
//   tap 0: o0 01 03 FB 00, o1 01 FF 00 00, o2 00 02 07 00, 13 lanes of 0;
//   tap 1: o0 FE 04 06 00, o1 00 FE 06 00, o2 FF 06 01 00, 13 lanes of 0.
// The padding (1 row on top, 1 column on the left) gives a 3x10 NHWC input
// and 3 output rows of 9 pixels: 9 = 6 + 3 (vnni, avx2), 8 + 1 (generic). Requantize: M = s_acc / s_y = 0.25, 0.5, 0.125, bounds
// [-128 - z_y, 127 - z_y] = [-124, 131], z_y = -4.

//   CHECK-DAG: #[[$NCHW_TO_NHWC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
//   CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_u8_fused
//  CHECK-SAME:     (%[[X:.+]]: tensor<1x3x2x9x!quant.uniform<u8:f32, 5.000000e-01:3>>)
//   CHECK-DAG:   %[[C0:.+]] = arith.constant 0 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.constant 1 : index
//   CHECK-DAG:   %[[C3:.+]] = arith.constant 3 : index
//   CHECK-DAG:   %[[C9:.+]] = arith.constant 9 : index
//    VNNI-DAG:   %[[P:.+]] = arith.constant 6 : index
//    AVX2-DAG:   %[[P:.+]] = arith.constant 6 : index
// GENERIC-DAG:   %[[P:.+]] = arith.constant 4 : index
//   CHECK-DAG:   %[[ZX:.+]] = arith.constant 3 : i8
//    VNNI-DAG:   %[[WC:.+]] = arith.constant dense<"0x0103FB0001FF00000002070000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000FE04060000FE0600FF06010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"> : tensor<1x2x1x1x64xi8>
//    AVX2-DAG:   %[[WC:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1, 3, 1, -1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[-5, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]], {{\[}}{{\[}}[-2, 4, 0, -2, -1, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[6, 0, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x2x2x1x16xi8>
// GENERIC-DAG:   %[[WC:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[1, 1, 0, 0, 0, 0, 0, 0]], {{\[}}[3, -1, 2, 0, 0, 0, 0, 0]], {{\[}}[-5, 0, 7, 0, 0, 0, 0, 0]]], {{\[}}{{\[}}[-2, 0, -1, 0, 0, 0, 0, 0]], {{\[}}[4, -2, 6, 0, 0, 0, 0, 0]], {{\[}}[6, 6, 1, 0, 0, 0, 0, 0]]]]]> : tensor<1x2x3x1x8xi8>
//    VNNI-DAG:   %[[BC:.+]] = arith.constant dense<[-11, -32, -15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
//    AVX2-DAG:   %[[BC:.+]] = arith.constant dense<[-11, -32, -15, 0, 0, 0, 0, 0]> : tensor<8xi32>
// GENERIC-DAG:   %[[BC:.+]] = arith.constant dense<[-11, -32, -15, 0, 0, 0, 0, 0]> : tensor<8xi32>
//    VNNI-DAG:   %[[MC:.+]] = arith.constant dense<[2.500000e-01, 5.000000e-01, 1.250000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<16xf64>
//    AVX2-DAG:   %[[MC:.+]] = arith.constant dense<[2.500000e-01, 5.000000e-01, 1.250000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf64>
// GENERIC-DAG:   %[[MC:.+]] = arith.constant dense<[2.500000e-01, 5.000000e-01, 1.250000e-01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf64>
//   CHECK-DAG:   %[[LOC:.+]] = arith.constant dense<[-1.240000e+02, -1.240000e+02, -1.240000e+02, 0.000000e+00, {{.+}}]> : tensor<{{16|8}}xf64>
//   CHECK-DAG:   %[[HIC:.+]] = arith.constant dense<[1.310000e+02, 1.310000e+02, 1.310000e+02, 0.000000e+00, {{.+}}]> : tensor<{{16|8}}xf64>
//   CHECK-DAG:   %[[ZYC:.+]] = arith.constant dense<[-4, -4, -4, 0, {{.+}}]> : tensor<{{16|8}}xi32>
//   CHECK-DAG:   %[[WB:.+]] = bufferization.to_buffer %[[WC]] read_only
//   CHECK-DAG:   %[[BB:.+]] = bufferization.to_buffer %[[BC]] read_only
//   CHECK-DAG:   %[[MB:.+]] = bufferization.to_buffer %[[MC]] read_only
//   CHECK-DAG:   %[[LOB:.+]] = bufferization.to_buffer %[[LOC]] read_only
//   CHECK-DAG:   %[[HIB:.+]] = bufferization.to_buffer %[[HIC]] read_only
//   CHECK-DAG:   %[[ZYB:.+]] = bufferization.to_buffer %[[ZYC]] read_only
//       CHECK:   %[[XS:.+]] = quant.scast %[[X]] : tensor<1x3x2x9x!quant.uniform<u8:f32, 5.000000e-01:3>> to tensor<1x3x2x9xi8>
// The padded NHWC copy: filled with z_x, channels padded to a multiple of G.
// Where no channel is padded (generic, G = 1), only the spatial border is
// filled: the top row and the left column (the bottom and right pads are 0).
//    VNNI-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<1x3x10x4xi8>
//    AVX2-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<1x3x10x4xi8>
//    VNNI-NEXT:   %[[FILL:.+]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[EMPTY]] :
//    AVX2-NEXT:   %[[FILL:.+]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[EMPTY]] :
// GENERIC-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<1x3x10x3xi8>
// GENERIC-NEXT:   %[[TOP:.+]] = tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [1, 1, 10, 3] [1, 1, 1, 1]
// GENERIC-NEXT:   %[[TOPF:.+]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[TOP]] : tensor<1x1x10x3xi8>)
// GENERIC-NEXT:   %[[T:.+]] = tensor.insert_slice %[[TOPF]] into %[[EMPTY]][0, 0, 0, 0] [1, 1, 10, 3] [1, 1, 1, 1]
// GENERIC-NEXT:   %[[LEFT:.+]] = tensor.extract_slice %[[T]][0, 1, 0, 0] [1, 2, 1, 3] [1, 1, 1, 1]
// GENERIC-NEXT:   %[[LEFTF:.+]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[LEFT]] : tensor<1x2x1x3xi8>)
// GENERIC-NEXT:   %[[FILL:.+]] = tensor.insert_slice %[[LEFTF]] into %[[T]][0, 1, 0, 0] [1, 2, 1, 3] [1, 1, 1, 1]
//  CHECK-NEXT:   %[[INNER:.+]] = tensor.extract_slice %[[FILL]][0, 1, 1, 0] [1, 2, 9, 3] [1, 1, 1, 1]
//  CHECK-NEXT:   %[[COPY:.+]] = linalg.generic {indexing_maps = [#[[$NCHW_TO_NHWC]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[XS]] : tensor<1x3x2x9xi8>) outs(%[[INNER]] : tensor<1x2x9x3xi8>)
//  CHECK-NEXT:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
//  CHECK-NEXT:     linalg.yield %[[IN]] : i8
//       CHECK:   %[[PACKED:.+]] = tensor.insert_slice %[[COPY]] into %[[FILL]][0, 1, 1, 0] [1, 2, 9, 3] [1, 1, 1, 1]
//  CHECK-NEXT:   %[[XB:.+]] = bufferization.to_buffer %[[PACKED]] read_only
// The output holds the requantized storage, its channels padded to L.
//    VNNI-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<1x3x9x16xi8>
//    AVX2-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<1x3x9x8xi8>
// GENERIC-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<1x3x9x8xi8>
//  CHECK-NEXT:   %[[N:.+]] = memref.dim %[[OUT]], %[[C0]]
// One parallel iteration per image and output row.
//  CHECK-NEXT:   scf.parallel (%[[NI:.+]], %[[OH:.+]]) = (%[[C0]], %[[C0]]) to (%[[N]], %[[C3]]) step (%[[C1]], %[[C1]]) {
//       CHECK:     %[[Q:.+]] = arith.divui %[[C9]], %[[P]] : index
//  CHECK-NEXT:     %[[FULL:.+]] = arith.muli %[[Q]], %[[P]] : index
// Tiles of P pixels; the accumulators start at the corrected bias.
//  CHECK-NEXT:     scf.for %[[OW:.+]] = %[[C0]] to %[[FULL]] step %[[P]] {
//       CHECK:       vector.load %[[BB]][%{{.+}}] : memref<{{16|8}}xi32>, vector<{{16|8}}xi32>
//   VNNI-NEXT:       vector.load %[[BB]]
//       CHECK:       vector.load %[[WB]]
//        VNNI:       vector.load %[[XB]][%[[NI]], %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x3x10x4xi8>, vector<4xi8>
//   VNNI-NEXT:       vector.bitcast %{{.+}} : vector<4xi8> to vector<1xi32>
//   VNNI-NEXT:       vector.extract
//   VNNI-NEXT:       vector.broadcast %{{.+}} : i32 to vector<16xi32>
//   VNNI-NEXT:       vector.bitcast %{{.+}} : vector<16xi32> to vector<64xi8>
//   VNNI-NEXT:       qsim.x86.dot_u8s8
//        AVX2:       arith.extsi %{{.+}} : vector<16xi8> to vector<16xi16>
//        AVX2:       vector.load %[[XB]][%[[NI]], %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x3x10x4xi8>, vector<2xi8>
//   AVX2-NEXT:       arith.extui %{{.+}} : vector<2xi8> to vector<2xi16>
//   AVX2-NEXT:       vector.bitcast %{{.+}} : vector<2xi16> to vector<1xi32>
//   AVX2-NEXT:       vector.extract
//   AVX2-NEXT:       vector.broadcast %{{.+}} : i32 to vector<8xi32>
//   AVX2-NEXT:       vector.bitcast %{{.+}} : vector<8xi32> to vector<16xi16>
//   AVX2-NEXT:       qsim.x86.pair_dot_i16
//   AVX2-NEXT:       arith.addi %{{.+}} : vector<8xi32>
//     GENERIC:       arith.extsi %{{.+}} : vector<8xi8> to vector<8xi32>
//     GENERIC:       memref.load %[[XB]][%[[NI]], %{{.+}}, %{{.+}}, %{{.+}}] : memref<1x3x10x3xi8>
//  GENERIC-NEXT:       arith.extui %{{.+}} : i8 to i32
//  GENERIC-NEXT:       vector.broadcast %{{.+}} : i32 to vector<8xi32>
//  GENERIC-NEXT:       arith.muli %{{.+}} : vector<8xi32>
//  GENERIC-NEXT:       arith.addi %{{.+}} : vector<8xi32>
// P dot products per reduction step in all, then the epilogue.
//   VNNI-COUNT-5:       qsim.x86.dot_u8s8
//   AVX2-COUNT-5:       qsim.x86.pair_dot_i16
// GENERIC-COUNT-3:       arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:       {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//       CHECK:       scf.yield
//       CHECK:       %[[M:.+]] = vector.load %[[MB]]
//  CHECK-NEXT:       %[[LO:.+]] = vector.load %[[LOB]]
//  CHECK-NEXT:       %[[HI:.+]] = vector.load %[[HIB]]
//  CHECK-NEXT:       %[[ZY:.+]] = vector.load %[[ZYB]]
//  CHECK-NEXT:       %[[F:.+]] = arith.sitofp %{{.+}} : vector<[[L:16|8]]xi32> to vector<[[L]]xf64>
//  CHECK-NEXT:       %[[S:.+]] = arith.mulf %[[F]], %[[M]] : vector<[[L]]xf64>
//  CHECK-NEXT:       %[[R:.+]] = math.roundeven %[[S]] : vector<[[L]]xf64>
//  CHECK-NEXT:       %[[MAX:.+]] = arith.maximumf %[[R]], %[[LO]] fastmath<nnan,nsz> : vector<[[L]]xf64>
//  CHECK-NEXT:       %[[MIN:.+]] = arith.minimumf %[[MAX]], %[[HI]] fastmath<nnan,nsz> : vector<[[L]]xf64>
//  CHECK-NEXT:       %[[I:.+]] = arith.fptosi %[[MIN]] : vector<[[L]]xf64> to vector<[[L]]xi32>
//  CHECK-NEXT:       %[[Y:.+]] = arith.addi %[[I]], %[[ZY]] : vector<[[L]]xi32>
//  CHECK-NEXT:       %[[T:.+]] = arith.trunci %[[Y]] : vector<[[L]]xi32> to vector<[[L]]xi8>
//  CHECK-NEXT:       vector.store %[[T]], %[[OUT]][%[[NI]], %[[OH]], %{{.+}}, %{{.+}}]
//   VNNI-COUNT-5:       math.roundeven
//   AVX2-COUNT-5:       math.roundeven
// GENERIC-COUNT-3:       math.roundeven
//   CHECK-NOT:       math.roundeven
// The pixels left over as one tile, in no loop: 6, 7 and 8 (vnni, avx2) or
// 8 (generic).
//       CHECK:     }
//   CHECK-NOT:     scf.for %{{.+}} = %[[FULL]]
//        VNNI:     arith.addi %[[P]], %[[C0]] : index
//   VNNI-NEXT:     arith.addi %[[P]], %[[C1]] : index
//        AVX2:     arith.addi %[[P]], %[[C0]] : index
//   AVX2-NEXT:     arith.addi %[[P]], %[[C1]] : index
//     GENERIC:     arith.addi %{{.+}}, %[[C0]] : index
//   CHECK-NOT:     math.roundeven
//   VNNI-COUNT-3:       qsim.x86.dot_u8s8
//   AVX2-COUNT-3:       qsim.x86.pair_dot_i16
//     GENERIC:       arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:       {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//   VNNI-COUNT-3:       math.roundeven
//   AVX2-COUNT-3:       math.roundeven
//     GENERIC:       math.roundeven
//   CHECK-NOT:       math.roundeven
//       CHECK:     scf.reduce
// The result: channels cut to 3, NHWC back to NCHW, the requantized type.
//       CHECK:   %[[RT:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
//  CHECK-NEXT:   %[[CUT:.+]] = tensor.extract_slice %[[RT]][0, 0, 0, 0] [1, 3, 9, 3] [1, 1, 1, 1] : tensor<1x3x9x{{16|8}}xi8> to tensor<1x3x9x3xi8>
//  CHECK-NEXT:   %[[E:.+]] = tensor.empty() : tensor<1x3x3x9xi8>
//  CHECK-NEXT:   %[[TR:.+]] = linalg.transpose ins(%[[CUT]] : tensor<1x3x9x3xi8>) outs(%[[E]] : tensor<1x3x3x9xi8>) permutation = [0, 3, 1, 2]
//  CHECK-NEXT:   %[[RES:.+]] = quant.scast %[[TR]] : tensor<1x3x3x9xi8> to tensor<1x3x3x9x!quant.uniform<i8:f32, 5.000000e-01:-4>>
//  CHECK-NEXT:   return %[[RES]]
//   CHECK-NOT:   qsim.
func.func @conv_u8_fused(%x: tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>> {
  %ws = arith.constant dense<[[[[1, -2]], [[3, 4]], [[-5, 6]]],
                              [[[2, 1]], [[0, -1]], [[1, 7]]],
                              [[[-2, -3]], [[0, 4]], [[5, -1]]]]> : tensor<3x3x1x2xi8>
  %w = quant.scast %ws : tensor<3x3x1x2xi8> to tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>
  %b = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
  %acc = qsim.conv2d %x, %w, %b {padding = array<i64: 1, 1, 0, 0>}
      : (tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>, tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>, tensor<3xi32>)
      -> tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>>
  %y = qsim.requantize %acc : tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>> -> tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>
  return %y : tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>
}

// -----

// Tests a linear layer of i8 activations (z_x = -5) with per-tensor
// asymmetric weights (z_w = 2), whose accumulator has two users: the
// requantize is not fused, and the kernel writes i32 accumulators.
//
// w - z_w, K = 5:
//   o0: [-1, 0, 1, 2, 3]    sum 5
//   o1: [-5, -2, 5, 0, 0]   sum -2
//   o2: [8, -10, 0, 0, 0]   sum -2
// vnni reads x xor 0x80 = x + 128, so offset = -5 + 128 = 123:
//   bias' = 100 - 123 * 5 = -515, -7 + 123 * 2 = 239, 0 + 123 * 2 = 246;
// avx2 and generic read x, offset = -5:
//   bias' = 100 + 5 * 5 = 125, -7 - 5 * 2 = -17, 0 - 5 * 2 = -10.
// vnni packs K = 5 as 2 groups of 4:
//   group 0: o0 FF 00 01 02, o1 FB FE 05 00, o2 08 F6 00 00, 13 lanes of 0;
//   group 1: o0 03 00 00 00, 15 lanes of 0.
// 9 rows: 6 + 3 (vnni, avx2), 8 + 1 (generic); the rows left over are one
// tile.

// CHECK-LABEL: func.func @linear_i8_two_users
//  CHECK-SAME:     (%[[X:.+]]: tensor<9x5x!quant.uniform<i8:f32, 5.000000e-01:-5>>)
//   CHECK-DAG:   %[[C0:.+]] = arith.constant 0 : index
//   CHECK-DAG:   %[[C1:.+]] = arith.constant 1 : index
//   CHECK-DAG:   %[[C9:.+]] = arith.constant 9 : index
//    VNNI-DAG:   %[[P:.+]] = arith.constant 6 : index
//    AVX2-DAG:   %[[P:.+]] = arith.constant 6 : index
// GENERIC-DAG:   %[[P:.+]] = arith.constant 4 : index
//    VNNI-DAG:   %[[ZX:.+]] = arith.constant -5 : i8
//    VNNI-DAG:   %[[SIGN:.+]] = arith.constant -128 : i8
//    AVX2-DAG:   %[[ZX:.+]] = arith.constant -5 : i8
//    VNNI-DAG:   %[[WC:.+]] = arith.constant dense<"0xFF000102FBFE050008F600000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"> : tensor<1x1x2x1x64xi8>
//    AVX2-DAG:   %[[WC:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[-1, 0, -5, -2, 8, -10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[1, 2, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x3x1x16xi8>
// GENERIC-DAG:   %[[WC:.+]] = arith.constant dense<{{\[}}{{\[}}{{\[}}{{\[}}[-1, -5, 8, 0, 0, 0, 0, 0]], {{\[}}[0, -2, -10, 0, 0, 0, 0, 0]], {{\[}}[1, 5, 0, 0, 0, 0, 0, 0]], {{\[}}[2, 0, 0, 0, 0, 0, 0, 0]], {{\[}}[3, 0, 0, 0, 0, 0, 0, 0]]]]]> : tensor<1x1x5x1x8xi8>
//    VNNI-DAG:   %[[BC:.+]] = arith.constant dense<[-515, 239, 246, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
//    AVX2-DAG:   %[[BC:.+]] = arith.constant dense<[125, -17, -10, 0, 0, 0, 0, 0]> : tensor<8xi32>
// GENERIC-DAG:   %[[BC:.+]] = arith.constant dense<[125, -17, -10, 0, 0, 0, 0, 0]> : tensor<8xi32>
//   CHECK-DAG:   %[[WB:.+]] = bufferization.to_buffer %[[WC]] read_only
//   CHECK-DAG:   %[[BB:.+]] = bufferization.to_buffer %[[BC]] read_only
//       CHECK:   %[[XS:.+]] = quant.scast %[[X]] : tensor<9x5x!quant.uniform<i8:f32, 5.000000e-01:-5>> to tensor<9x5xi8>
// vnni: the rows padded to 8 channels with z_x xor 0x80, the copy flips the
// sign bit.
//   VNNI-NEXT:   %[[PAD:.+]] = arith.xori %[[ZX]], %[[SIGN]] : i8
//   VNNI-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<9x8xi8>
//   VNNI-NEXT:   %[[FILL:.+]] = linalg.fill ins(%[[PAD]] : i8) outs(%[[EMPTY]] : tensor<9x8xi8>)
//   VNNI-NEXT:   %[[INNER:.+]] = tensor.extract_slice %[[FILL]][0, 0] [9, 5] [1, 1]
//   VNNI-NEXT:   %[[COPY:.+]] = linalg.generic {{.+}} ins(%[[XS]] : tensor<9x5xi8>) outs(%[[INNER]] : tensor<9x5xi8>)
//   VNNI-NEXT:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
//   VNNI-NEXT:     %[[FLIP:.+]] = arith.xori %[[IN]], %[[SIGN]] : i8
//   VNNI-NEXT:     linalg.yield %[[FLIP]] : i8
//        VNNI:   %[[PACKED:.+]] = tensor.insert_slice %[[COPY]] into %[[FILL]][0, 0] [9, 5] [1, 1]
//   VNNI-NEXT:   %[[XB:.+]] = bufferization.to_buffer %[[PACKED]] read_only : tensor<9x8xi8>
// avx2: padded to 6 channels with z_x, copied as is.
//   AVX2-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<9x6xi8>
//   AVX2-NEXT:   %[[FILL:.+]] = linalg.fill ins(%[[ZX]] : i8) outs(%[[EMPTY]] : tensor<9x6xi8>)
//   AVX2-NEXT:   %[[INNER:.+]] = tensor.extract_slice %[[FILL]][0, 0] [9, 5] [1, 1]
//   AVX2-NEXT:   %[[COPY:.+]] = linalg.generic {{.+}} ins(%[[XS]] : tensor<9x5xi8>) outs(%[[INNER]] : tensor<9x5xi8>)
//   AVX2-NEXT:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
//   AVX2-NEXT:     linalg.yield %[[IN]] : i8
//        AVX2:   %[[PACKED:.+]] = tensor.insert_slice %[[COPY]] into %[[FILL]][0, 0] [9, 5] [1, 1]
//   AVX2-NEXT:   %[[XB:.+]] = bufferization.to_buffer %[[PACKED]] read_only : tensor<9x6xi8>
// generic: the rows as they are.
//  GENERIC-NEXT:   %[[XB:.+]] = bufferization.to_buffer %[[XS]] read_only : tensor<9x5xi8>
//    VNNI-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<9x16xi32>
//    AVX2-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<9x8xi32>
// GENERIC-NEXT:   %[[OUT:.+]] = memref.alloc() : memref<9x8xi32>
//  CHECK-NEXT:   %[[Q:.+]] = arith.divui %[[C9]], %[[P]] : index
//  CHECK-NEXT:   %[[FULL:.+]] = arith.muli %[[Q]], %[[P]] : index
//  CHECK-NEXT:   scf.for %{{.+}} = %[[C0]] to %[[FULL]] step %[[P]] {
//       CHECK:     vector.load %[[BB]]
//        VNNI:     vector.load %[[XB]][%{{.+}}, %{{.+}}] : memref<9x8xi8>, vector<4xi8>
//        AVX2:     vector.load %[[XB]][%{{.+}}, %{{.+}}] : memref<9x6xi8>, vector<2xi8>
//   AVX2-NEXT:     arith.extsi %{{.+}} : vector<2xi8> to vector<2xi16>
//     GENERIC:     memref.load %[[XB]][%{{.+}}, %{{.+}}] : memref<9x5xi8>
//  GENERIC-NEXT:     arith.extsi %{{.+}} : i8 to i32
//   VNNI-COUNT-6:     qsim.x86.dot_u8s8
//   AVX2-COUNT-6:     qsim.x86.pair_dot_i16
// GENERIC-COUNT-4:     arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:     {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//       CHECK:     scf.yield
// No epilogue: the accumulators are stored.
//   CHECK-NOT:     math.roundeven
//       CHECK:     vector.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}] : memref<9x{{16|8}}xi32>, vector<{{16|8}}xi32>
// The rows left over, 3 (vnni, avx2) or 1 (generic), in no loop.
//       CHECK:   }
//   CHECK-NOT:   scf.for %{{.+}} = %[[FULL]]
//   VNNI-COUNT-3:     qsim.x86.dot_u8s8
//   AVX2-COUNT-3:     qsim.x86.pair_dot_i16
//     GENERIC:     arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:     {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//       CHECK:   %[[RT:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
//  CHECK-NEXT:   %[[CUT:.+]] = tensor.extract_slice %[[RT]][0, 0] [9, 3] [1, 1] : tensor<9x{{16|8}}xi32> to tensor<9x3xi32>
//  CHECK-NEXT:   %[[E:.+]] = tensor.empty() : tensor<9x3xi32>
//  CHECK-NEXT:   %[[DENSE:.+]] = linalg.copy {{.*}}ins(%[[CUT]] : tensor<9x3xi32>) outs(%[[E]] : tensor<9x3xi32>)
//  CHECK-NEXT:   %[[ACC:.+]] = quant.scast %[[DENSE]] : tensor<9x3xi32> to tensor<9x3x!quant.uniform<i32:f32, 1.250000e-01>>
//  CHECK-NEXT:   %[[Y:.+]] = qsim.requantize %[[ACC]]
//  CHECK-NEXT:   return %[[ACC]], %[[Y]]
func.func @linear_i8_two_users(%x: tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>)
    -> (tensor<9x3x!quant.uniform<i32:f32, 0.125>>, tensor<9x3x!quant.uniform<u8:f32, 1.0:7>>) {
  %ws = arith.constant dense<[[1, 2, 3, 4, 5], [-3, 0, 7, 2, 2], [10, -8, 2, 2, 2]]> : tensor<3x5xi8>
  %w = quant.scast %ws : tensor<3x5xi8> to tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>
  %b = arith.constant dense<[100, -7, 0]> : tensor<3xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>, tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>, tensor<3xi32>)
      -> tensor<9x3x!quant.uniform<i32:f32, 0.125>>
  %y = qsim.requantize %acc : tensor<9x3x!quant.uniform<i32:f32, 0.125>> -> tensor<9x3x!quant.uniform<u8:f32, 1.0:7>>
  return %acc, %y : tensor<9x3x!quant.uniform<i32:f32, 0.125>>, tensor<9x3x!quant.uniform<u8:f32, 1.0:7>>
}

// -----

// Tests the channel blocks of a linear layer with 70 output features: with
// J vectors of L lanes per tile (J = 4 of 16 for vnni, 2 of 8 for avx2 and
// generic), the 70 features pad to 80 (vnni: 5 vectors, 1 block of 4 and 1
// vector left) or 72 (9 vectors, 4 blocks of 2 and 1 vector left). The
// blocks run in parallel; the vector left over gets tiles of its own. The
// panels hold J vectors (vnni: 2 panels, the second with 1 vector and 3 of
// zeros; avx2 and generic: 5 panels of 2). The 2 rows are fewer than a
// tile's P, so each block is one tile of 2 x J dot products per step, in no
// row loop. Every w - z_w is 1 and K = 3, so bias' = 7 - z_x * 3 = 1 for the
// 70 features and 0 in the padding.

// CHECK-LABEL: func.func @linear_parallel_blocks
//   CHECK-DAG:   %[[C0:.+]] = arith.constant 0 : index
//    VNNI-DAG:   %[[C4:.+]] = arith.constant 4 : index
//    AVX2-DAG:   %[[L:.+]] = arith.constant 8 : index
// GENERIC-DAG:   %[[L:.+]] = arith.constant 8 : index
//    AVX2-DAG:   %[[J:.+]] = arith.constant 2 : index
// GENERIC-DAG:   %[[J:.+]] = arith.constant 2 : index
//    VNNI-DAG:   arith.constant dense<"0x{{(01010100)+}}{{(00000000)+}}"> : tensor<2x1x1x4x64xi8>
//    AVX2-DAG:   arith.constant dense<{{.+}}> : tensor<5x1x2x2x16xi8>
// GENERIC-DAG:   arith.constant dense<{{.+}}> : tensor<5x1x3x2x8xi8>
//    VNNI-DAG:   arith.constant dense<[1, {{(1, )+}}1, {{(0, )+}}0]> : tensor<80xi32>
//    AVX2-DAG:   arith.constant dense<[1, {{(1, )+}}1, {{(0, )+}}0]> : tensor<72xi32>
// GENERIC-DAG:   arith.constant dense<[1, {{(1, )+}}1, {{(0, )+}}0]> : tensor<72xi32>
//        VNNI:   %[[OUT:.+]] = memref.alloc() : memref<2x80xi8>
//        AVX2:   %[[OUT:.+]] = memref.alloc() : memref<2x72xi8>
//     GENERIC:   %[[OUT:.+]] = memref.alloc() : memref<2x72xi8>
//   CHECK-NOT:   {{scf.for .* step %[a-z0-9_]+ {$}}
//        VNNI:   scf.parallel (%[[V:.+]]) = (%[[C0]]) to (%[[C4]]) step (%[[C4]]) {
//        AVX2:   scf.parallel (%[[V:.+]]) = (%[[C0]]) to (%[[L]]) step (%[[J]]) {
//     GENERIC:   scf.parallel (%[[V:.+]]) = (%[[C0]]) to (%[[L]]) step (%[[J]]) {
//   CHECK-NOT:     {{scf.for .* step %[a-z0-9_]+ {$}}
//   VNNI-COUNT-8:       qsim.x86.dot_u8s8
//   AVX2-COUNT-4:       qsim.x86.pair_dot_i16
// GENERIC-COUNT-4:       arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:       {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//       CHECK:     scf.reduce
// The vector left over: channels 64 .. 64 + L, its panel's first vector.
//  CHECK-NEXT:   }
//   CHECK-NOT:   {{scf.for .* step %[a-z0-9_]+ {$}}
//   VNNI-NEXT:   %[[VL:.+]] = arith.addi %[[C4]], %[[C0]] : index
//   AVX2-NEXT:   %[[VL:.+]] = arith.addi %[[L]], %[[C0]] : index
// GENERIC-NEXT:   %[[VL:.+]] = arith.addi %[[L]], %[[C0]] : index
//   VNNI-COUNT-2:       qsim.x86.dot_u8s8
//   AVX2-COUNT-2:       qsim.x86.pair_dot_i16
// GENERIC-COUNT-2:       arith.muli %{{.+}} : vector<8xi32>
//   CHECK-NOT:       {{qsim.x86|arith.muli .*: vector<8xi32>$}}
//       CHECK:   %[[RT:.+]] = bufferization.to_tensor %[[OUT]]
//  CHECK-NEXT:   %[[CUT:.+]] = tensor.extract_slice %[[RT]][0, 0] [2, 70] [1, 1]
//  CHECK-NEXT:   %[[E:.+]] = tensor.empty() : tensor<2x70xi8>
//  CHECK-NEXT:   %[[DENSE:.+]] = linalg.copy {{.*}}ins(%[[CUT]] : tensor<2x70xi8>) outs(%[[E]] : tensor<2x70xi8>)
//  CHECK-NEXT:   %[[Y:.+]] = quant.scast %[[DENSE]] : tensor<2x70xi8> to tensor<2x70x!quant.uniform<u8:f32, 1.000000e+00>>
//  CHECK-NEXT:   return %[[Y]]
func.func @linear_parallel_blocks(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5:2>>) -> tensor<2x70x!quant.uniform<u8:f32, 1.0>> {
  %ws = arith.constant dense<1> : tensor<70x3xi8>
  %w = quant.scast %ws : tensor<70x3xi8> to tensor<70x3x!quant.uniform<i8:f32, 0.25>>
  %b = arith.constant dense<7> : tensor<70xi32>
  %acc = qsim.linear %x, %w, %b : (tensor<2x3x!quant.uniform<u8:f32, 0.5:2>>, tensor<70x3x!quant.uniform<i8:f32, 0.25>>, tensor<70xi32>)
      -> tensor<2x70x!quant.uniform<i32:f32, 0.125>>
  %y = qsim.requantize %acc : tensor<2x70x!quant.uniform<i32:f32, 0.125>> -> tensor<2x70x!quant.uniform<u8:f32, 1.0>>
  return %y : tensor<2x70x!quant.uniform<u8:f32, 1.0>>
}

// -----

// Tests a strided conv2d of i8 activations (z_x = -1) without a bias, fused
// with a requantize to 16-bit storage. vnni fills the NHWC copy with
// z_x xor 0x80 and flips the sign bit of every copied activation; the
// others copy as is. w - z_w = w (z_w = 0): o0 [1, -1] sum 0, o1 [2, 3]
// sum 5, so bias' = 0 - offset * sum = [0, -127 * 5] = [0, -635] for vnni
// (offset -1 + 128 = 127) and [0, 5] otherwise (offset -1). Requantize:
// M = 0.125 / 0.01 = 12.5, bounds [-32768 - 100, 32767 - 100], z_y = 100.

// CHECK-LABEL: func.func @conv_i8_strided_i16_out
//   CHECK-DAG:   %[[C2:.+]] = arith.constant 2 : index
//    VNNI-DAG:   %[[ZX:.+]] = arith.constant -1 : i8
//    VNNI-DAG:   %[[SIGN:.+]] = arith.constant -128 : i8
//    VNNI-DAG:   arith.constant dense<[0, -635, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
//    AVX2-DAG:   arith.constant dense<[0, 5, 0, 0, 0, 0, 0, 0]> : tensor<8xi32>
// GENERIC-DAG:   arith.constant dense<[0, 5, 0, 0, 0, 0, 0, 0]> : tensor<8xi32>
//   CHECK-DAG:   arith.constant dense<[1.250000e+01, 1.250000e+01, 0.000000e+00, {{.+}}]> : tensor<{{16|8}}xf64>
//   CHECK-DAG:   arith.constant dense<[-3.286800e+04, -3.286800e+04, 0.000000e+00, {{.+}}]> : tensor<{{16|8}}xf64>
//   CHECK-DAG:   arith.constant dense<[3.266700e+04, 3.266700e+04, 0.000000e+00, {{.+}}]> : tensor<{{16|8}}xf64>
//   CHECK-DAG:   arith.constant dense<[100, 100, 0, {{.+}}]> : tensor<{{16|8}}xi32>
//       CHECK:   quant.scast %{{.+}} : tensor<2x2x5x5x!quant.uniform<i8:f32, 5.000000e-01:-1>> to tensor<2x2x5x5xi8>
//   VNNI-NEXT:   %[[PAD:.+]] = arith.xori %[[ZX]], %[[SIGN]] : i8
//   VNNI-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<2x5x5x4xi8>
//   VNNI-NEXT:   linalg.fill ins(%[[PAD]] : i8) outs(%[[EMPTY]] : tensor<2x5x5x4xi8>)
//        VNNI:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
//   VNNI-NEXT:     %[[FLIP:.+]] = arith.xori %[[IN]], %[[SIGN]] : i8
//   VNNI-NEXT:     linalg.yield %[[FLIP]] : i8
// avx2 and generic pad neither the channels nor the image: no fill.
//   AVX2-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<2x5x5x2xi8>
//   AVX2-NEXT:   tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [2, 5, 5, 2]
//    AVX2-NOT:   linalg.fill
//        AVX2:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
//   AVX2-NEXT:     linalg.yield %[[IN]] : i8
// GENERIC-NEXT:   %[[EMPTY:.+]] = tensor.empty() : tensor<2x5x5x2xi8>
// GENERIC-NEXT:   tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [2, 5, 5, 2]
//  GENERIC-NOT:   linalg.fill
//     GENERIC:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: i8):
// GENERIC-NEXT:     linalg.yield %[[IN]] : i8
//       CHECK:   %[[OUT:.+]] = memref.alloc() : memref<2x3x3x[[L:16|8]]xi16>
//       CHECK:   scf.parallel (%{{.+}}, %[[OH:.+]]) =
// The first input row of output row oh is oh * 2.
//  CHECK-NEXT:     arith.muli %[[OH]], %[[C2]] : index
//       CHECK:       arith.trunci %{{.+}} : vector<[[L]]xi32> to vector<[[L]]xi16>
//  CHECK-NEXT:       vector.store %{{.+}}, %[[OUT]]
//       CHECK:   tensor.extract_slice %{{.+}}[0, 0, 0, 0] [2, 3, 3, 2] [1, 1, 1, 1] : tensor<2x3x3x[[L]]xi16> to tensor<2x3x3x2xi16>
//       CHECK:   linalg.transpose
//  CHECK-NEXT:   quant.scast %{{.+}} : tensor<2x2x3x3xi16> to tensor<2x2x3x3x!quant.uniform<i16:f32, 1.000000e-02:100>>
//   CHECK-NOT:   qsim.
func.func @conv_i8_strided_i16_out(%x: tensor<2x2x5x5x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<2x2x3x3x!quant.uniform<i16:f32, 0.01:100>> {
  %ws = arith.constant dense<[[[[1]], [[-1]]], [[[2]], [[3]]]]> : tensor<2x2x1x1xi8>
  %w = quant.scast %ws : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.conv2d %x, %w {strides = array<i64: 2, 2>}
      : (tensor<2x2x5x5x!quant.uniform<i8:f32, 0.5:-1>>, tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x3x3x!quant.uniform<i32:f32, 0.125>>
  %y = qsim.requantize %acc : tensor<2x2x3x3x!quant.uniform<i32:f32, 0.125>> -> tensor<2x2x3x3x!quant.uniform<i16:f32, 0.01:100>>
  return %y : tensor<2x2x3x3x!quant.uniform<i16:f32, 0.01:100>>
}

// -----

// Tests that a requantize to 4-bit storage is not fused: the kernel writes
// i32 accumulators (its bias' is 0: no bias and z_x = 0) and the requantize
// stays for the reference lowering.

// CHECK-LABEL: func.func @linear_u4_out
//   CHECK-DAG:   arith.constant dense<0> : tensor<{{16|8}}xi32>
//       CHECK:   memref.alloc() : memref<2x{{16|8}}xi32>
//   CHECK-NOT:   math.roundeven
//       CHECK:   %[[ACC:.+]] = quant.scast %{{.+}} : tensor<2x2xi32> to tensor<2x2x!quant.uniform<i32:f32, 1.250000e-01>>
//  CHECK-NEXT:   %[[Y:.+]] = qsim.requantize %[[ACC]] : tensor<2x2x!quant.uniform<i32:f32, 1.250000e-01>> -> tensor<2x2x!quant.uniform<u4:f32, 1.000000e+00:3>>
//  CHECK-NEXT:   return %[[Y]]
func.func @linear_u4_out(%x: tensor<2x3x!quant.uniform<u8:f32, 0.5>>) -> tensor<2x2x!quant.uniform<u4:f32, 1.0:3>> {
  %ws = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %w = quant.scast %ws : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.25>>
  %acc = qsim.linear %x, %w : (tensor<2x3x!quant.uniform<u8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  %y = qsim.requantize %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>> -> tensor<2x2x!quant.uniform<u4:f32, 1.0:3>>
  return %y : tensor<2x2x!quant.uniform<u4:f32, 1.0:3>>
}

// -----

// A chain of kernels stays NHWC: the second conv's activations copy reads
// the first kernel's NHWC output (its channels cut to 4) with identity maps,
// and only the last result is transposed back to NCHW. With 3 output pixels
// a row, only the tiles of one pixel are emitted.

// CHECK-LABEL: func.func @conv_chain_stays_nhwc
//       CHECK:   %[[OUT1:.+]] = memref.alloc() : memref<1x3x3x[[L:16|8]]xi8>
//   CHECK-NOT:   step %c7
//       CHECK:   %[[T1:.+]] = bufferization.to_tensor %[[OUT1]] restrict writable
//  CHECK-NEXT:   %[[CUT1:.+]] = tensor.extract_slice %[[T1]][0, 0, 0, 0] [1, 3, 3, 4] [1, 1, 1, 1]
//   CHECK-NOT:   linalg.transpose
//   CHECK-NOT:   tensor.empty() : tensor<1x4x3x3xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[ID:.+]], #[[ID]]], {{.+}} ins(%[[CUT1]] : tensor<1x3x3x4xi8>)
//       CHECK:   %[[OUT2:.+]] = memref.alloc() : memref<1x3x3x[[L]]xi8>
//       CHECK:   %[[T2:.+]] = bufferization.to_tensor %[[OUT2]] restrict writable
//  CHECK-NEXT:   %[[CUT2:.+]] = tensor.extract_slice %[[T2]]
//  CHECK-NEXT:   %[[E:.+]] = tensor.empty() : tensor<1x4x3x3xi8>
//  CHECK-NEXT:   %[[TR:.+]] = linalg.transpose ins(%[[CUT2]] : tensor<1x3x3x4xi8>) outs(%[[E]] : tensor<1x4x3x3xi8>) permutation = [0, 3, 1, 2]
//  CHECK-NEXT:   %[[R:.+]] = quant.scast %[[TR]]
//  CHECK-NEXT:   return %[[R]]
func.func @conv_chain_stays_nhwc(%x: tensor<1x4x3x3x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 1.0:2>> {
  %ws = arith.constant dense<1> : tensor<4x4x3x3xi8>
  %w = quant.scast %ws : tensor<4x4x3x3xi8> to tensor<4x4x3x3x!quant.uniform<i8:f32, 0.25>>
  %a = qsim.conv2d %x, %w {padding = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x3x3x!quant.uniform<u8:f32, 0.5:3>>, tensor<4x4x3x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>>
  %y = qsim.requantize %a : tensor<1x4x3x3x!quant.uniform<i32:f32, 0.125>> -> tensor<1x4x3x3x!quant.uniform<u8:f32, 1.0:1>>
  %vs = arith.constant dense<2> : tensor<4x4x1x1xi8>
  %v = quant.scast %vs : tensor<4x4x1x1xi8> to tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>
  %b = qsim.conv2d %y, %v
      : (tensor<1x4x3x3x!quant.uniform<u8:f32, 1.0:1>>, tensor<4x4x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x3x3x!quant.uniform<i32:f32, 0.5>>
  %z = qsim.requantize %b : tensor<1x4x3x3x!quant.uniform<i32:f32, 0.5>> -> tensor<1x4x3x3x!quant.uniform<u8:f32, 1.0:2>>
  return %z : tensor<1x4x3x3x!quant.uniform<u8:f32, 1.0:2>>
}
