// RUN: qsim-opt %s -split-input-file --convert-qsim-to-linalg | FileCheck %s

// Tests that quantize divides and rounds in f32, maps NaN to z, clamps to
// [qmin - z, qmax - z] before adding z, and narrows to the storage type.
// CHECK-LABEL: func.func @quantize_per_tensor
//  CHECK-SAME:   (%[[X:.+]]: tensor<5xf32>) -> tensor<5xi8>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty() : tensor<5xi8>
//       CHECK:   %[[Q:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[X]] : tensor<5xf32>) outs(%[[EMPTY]] : tensor<5xi8>)
//       CHECK:   ^bb0(%[[IN:.+]]: f32, %{{.+}}: i8):
//   CHECK-DAG:     %[[S:.+]] = arith.constant 0.00862745102 : f32
//   CHECK-DAG:     %[[LO:.+]] = arith.constant -1.390000e+02 : f32
//   CHECK-DAG:     %[[HI:.+]] = arith.constant 1.160000e+02 : f32
//   CHECK-DAG:     %[[Z:.+]] = arith.constant 139 : i32
//       CHECK:     %[[DIV:.+]] = arith.divf %[[IN]], %[[S]] : f32
//       CHECK:     %[[R:.+]] = math.roundeven %[[DIV]] : f32
//       CHECK:     %[[NAN:.+]] = arith.cmpf uno, %[[R]], %[[R]] : f32
//       CHECK:     %[[SEL:.+]] = arith.select %[[NAN]], %{{.+}}, %[[R]] : f32
//       CHECK:     %[[MAX:.+]] = arith.maximumf %[[SEL]], %[[LO]] fastmath<nnan,nsz> : f32
//       CHECK:     %[[MIN:.+]] = arith.minimumf %[[MAX]], %[[HI]] fastmath<nnan,nsz> : f32
//       CHECK:     %[[I:.+]] = arith.fptosi %[[MIN]] : f32 to i32
//       CHECK:     %[[SUM:.+]] = arith.addi %[[I]], %[[Z]] : i32
//       CHECK:     %[[T:.+]] = arith.trunci %[[SUM]] : i32 to i8
//       CHECK:     linalg.yield %[[T]] : i8
//       CHECK:   return %[[Q]] : tensor<5xi8>
func.func @quantize_per_tensor(%x: tensor<5xf32>) -> tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>> {
  %q = qsim.quantize %x : tensor<5xf32> -> tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>>
  return %q : tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>>
}

// -----

// Tests that per-axis parameters become 1-D constants indexed along the
// quantized axis, and that a dynamic dimension sizes the result.
// CHECK-DAG: #[[$ID_MAP:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$AXIS_MAP:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x2xf32>) -> tensor<?x2xi8>
//   CHECK-DAG:   %[[SCALES:.+]] = arith.constant dense<[1.000000e-01, 2.000000e-01]> : tensor<2xf32>
//   CHECK-DAG:   %[[LOS:.+]] = arith.constant dense<[-1.270000e+02, -1.300000e+02]> : tensor<2xf32>
//   CHECK-DAG:   %[[HIS:.+]] = arith.constant dense<[1.270000e+02, 1.240000e+02]> : tensor<2xf32>
//   CHECK-DAG:   %[[ZS:.+]] = arith.constant dense<[0, 3]> : tensor<2xi32>
//   CHECK-DAG:   %[[DIM:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x2xf32>
//       CHECK:   %[[EMPTY:.+]] = tensor.empty(%[[DIM]]) : tensor<?x2xi8>
//       CHECK:   linalg.generic {indexing_maps = [#[[$ID_MAP]], #[[$AXIS_MAP]], #[[$AXIS_MAP]], #[[$AXIS_MAP]], #[[$AXIS_MAP]], #[[$ID_MAP]]]
//  CHECK-SAME:     ins(%[[X]], %[[SCALES]], %[[LOS]], %[[HIS]], %[[ZS]] : tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xi32>)
//  CHECK-SAME:     outs(%[[EMPTY]] : tensor<?x2xi8>)
func.func @quantize_per_axis(%x: tensor<?x2xf32>) -> tensor<?x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3}>> {
  %q = qsim.quantize %x : tensor<?x2xf32> -> tensor<?x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3}>>
  return %q : tensor<?x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2:3}>>
}

// -----

// Tests that dequantize zero-extends unsigned storage and computes
// s * (q - z) in f32.
// CHECK-LABEL: func.func @dequantize_unsigned
//  CHECK-SAME:   (%[[Q:.+]]: tensor<5xi8>) -> tensor<5xf32>
//       CHECK:   linalg.generic
//       CHECK:   ^bb0(%[[IN:.+]]: i8, %{{.+}}: f32):
//   CHECK-DAG:     %[[S:.+]] = arith.constant 0.00862745102 : f32
//   CHECK-DAG:     %[[Z:.+]] = arith.constant 139 : i32
//       CHECK:     %[[W:.+]] = arith.extui %[[IN]] : i8 to i32
//       CHECK:     %[[C:.+]] = arith.subi %[[W]], %[[Z]] : i32
//       CHECK:     %[[F:.+]] = arith.sitofp %[[C]] : i32 to f32
//       CHECK:     %[[M:.+]] = arith.mulf %[[F]], %[[S]] : f32
//       CHECK:     linalg.yield %[[M]] : f32
func.func @dequantize_unsigned(%q: tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>>) -> tensor<5xf32> {
  %x = qsim.dequantize %q : tensor<5x!quant.uniform<u8:f32, 0.008627451167387121:139>> -> tensor<5xf32>
  return %x : tensor<5xf32>
}

// -----

// Tests that dequantize sign-extends signed storage.
// CHECK-LABEL: func.func @dequantize_signed
//       CHECK:     arith.extsi %{{.+}} : i4 to i32
func.func @dequantize_signed(%q: tensor<5x!quant.uniform<i4:f32, 0.5:-1>>) -> tensor<5xf32> {
  %x = qsim.dequantize %q : tensor<5x!quant.uniform<i4:f32, 0.5:-1>> -> tensor<5xf32>
  return %x : tensor<5xf32>
}

// -----

// Tests that requantize multiplies by M = s_in / s_y in f64, rounds half to
// even and clamps to [lo - z_y, hi - z_y] before adding z_y.
// CHECK-LABEL: func.func @requantize_per_tensor
//  CHECK-SAME:   (%[[ACC:.+]]: tensor<5xi32>) -> tensor<5xi8>
//       CHECK:   linalg.generic
//       CHECK:   ^bb0(%[[IN:.+]]: i32, %{{.+}}: i8):
//   CHECK-DAG:     %[[M:.+]] = arith.constant 0.033333333333333333 : f64
//   CHECK-DAG:     %[[LO:.+]] = arith.constant 0.000000e+00 : f64
//   CHECK-DAG:     %[[HI:.+]] = arith.constant 1.900000e+02 : f64
//   CHECK-DAG:     %[[Z:.+]] = arith.constant 10 : i32
//       CHECK:     %[[F:.+]] = arith.sitofp %[[IN]] : i32 to f64
//       CHECK:     %[[P:.+]] = arith.mulf %[[F]], %[[M]] : f64
//       CHECK:     %[[R:.+]] = math.roundeven %[[P]] : f64
//       CHECK:     %[[MAX:.+]] = arith.maximumf %[[R]], %[[LO]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[MIN:.+]] = arith.minimumf %[[MAX]], %[[HI]] fastmath<nnan,nsz> : f64
//       CHECK:     %[[I:.+]] = arith.fptosi %[[MIN]] : f64 to i32
//       CHECK:     %[[S:.+]] = arith.addi %[[I]], %[[Z]] : i32
//       CHECK:     arith.trunci %[[S]] : i32 to i8
func.func @requantize_per_tensor(%acc: tensor<5x!quant.uniform<i32:f32, 0.001>>) -> tensor<5x!quant.uniform<u8:f32, 0.03:10>> {
  %y = qsim.requantize %acc {clamp_min = 10, clamp_max = 200} : tensor<5x!quant.uniform<i32:f32, 0.001>> -> tensor<5x!quant.uniform<u8:f32, 0.03:10>>
  return %y : tensor<5x!quant.uniform<u8:f32, 0.03:10>>
}

// -----

// Tests a per-channel requantize of an accumulator on axis 1, and that an
// input zero point is subtracted in f64 from unsigned storage.
// CHECK-DAG: #[[$AXIS1_MAP:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @requantize_per_axis
//   CHECK-DAG:   %[[MS:.+]] = arith.constant dense<[4.000000e-02, 8.000000e-02]> : tensor<2xf64>
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.+}}, %[[MS]] : tensor<1x2x2x2xi32>, tensor<2xf64>)
//       CHECK:   ^bb0(%[[IN:.+]]: i32, %[[M:.+]]: f64, %{{.+}}: i8):
//       CHECK:     %[[F:.+]] = arith.sitofp %[[IN]] : i32 to f64
//       CHECK:     arith.mulf %[[F]], %[[M]] : f64
// CHECK-LABEL: func.func @requantize_with_input_zero_point
//       CHECK:   ^bb0(%[[IN2:.+]]: i8, %{{.+}}: i8):
//   CHECK-DAG:     %[[ZIN:.+]] = arith.constant 1.280000e+02 : f64
//       CHECK:     %[[U:.+]] = arith.uitofp %[[IN2]] : i8 to f64
//       CHECK:     %[[D:.+]] = arith.subf %[[U]], %[[ZIN]] : f64
//       CHECK:     arith.mulf %[[D]], %{{.+}} : f64
func.func @requantize_per_axis(%acc: tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>> {
  %y = qsim.requantize %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.002, 0.004}>> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>
  return %y : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-3>>
}
func.func @requantize_with_input_zero_point(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>> {
  %y = qsim.requantize %x : tensor<4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.2>>
}

// -----

// Tests that relu compares as unsigned for u8 and signed for i8.
// CHECK-LABEL: func.func @relu
//       CHECK:   %[[ZU:.+]] = arith.constant 10 : i8
//       CHECK:   arith.maxui %{{.+}}, %[[ZU]] : i8
//       CHECK:   %[[ZS:.+]] = arith.constant -3 : i8
//       CHECK:   arith.maxsi %{{.+}}, %[[ZS]] : i8
func.func @relu(%u: tensor<4x!quant.uniform<u8:f32, 0.04:10>>, %s: tensor<4x!quant.uniform<i8:f32, 0.04:-3>>) -> (tensor<4x!quant.uniform<u8:f32, 0.04:10>>, tensor<4x!quant.uniform<i8:f32, 0.04:-3>>) {
  %0 = qsim.relu %u : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
  %1 = qsim.relu %s : tensor<4x!quant.uniform<i8:f32, 0.04:-3>>
  return %0, %1 : tensor<4x!quant.uniform<u8:f32, 0.04:10>>, tensor<4x!quant.uniform<i8:f32, 0.04:-3>>
}

// -----

// Tests that clamp quantizes its real bounds at compile time: with s = 0.04
// and z = 200, quantize(0) = 200 and quantize(6) = 350 -> 255, which as an
// i8 bit pattern is -1 and compares unsigned.
// CHECK-LABEL: func.func @clamp_unsigned
//   CHECK-DAG:     %[[LO:.+]] = arith.constant -56 : i8
//   CHECK-DAG:     %[[HI:.+]] = arith.constant -1 : i8
//       CHECK:     %[[MAX:.+]] = arith.maxui %{{.+}}, %[[LO]] : i8
//       CHECK:     arith.minui %[[MAX]], %[[HI]] : i8
func.func @clamp_unsigned(%u: tensor<4x!quant.uniform<u8:f32, 0.04:200>>) -> tensor<4x!quant.uniform<u8:f32, 0.04:200>> {
  %0 = qsim.clamp %u {min = 0.0, max = 6.0} : tensor<4x!quant.uniform<u8:f32, 0.04:200>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.04:200>>
}

// -----

// Tests a grouped, strided, padded conv2d with per-channel weight zero
// points: padding holds z_x (128 as the i8 pattern -128), the weights and the
// result are viewed as [G, F, ...], and the input is indexed with
// g * C/G + c and oh * stride + kh.
// CHECK-DAG: #[[$BIAS_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
// CHECK-DAG: #[[$IN_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1 * 2 + d5, d3 * 2 + d6, d4 + d7)>
// CHECK-DAG: #[[$W_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[$WZ_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2)>
// CHECK-DAG: #[[$OUT_MAP:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv2d_grouped
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x4x5x5xi8>, %[[WT:.+]]: tensor<4x2x3x3xi8>, %[[B:.+]]: tensor<4xi32>) -> tensor<?x4x2x3xi32>
//       CHECK:   %[[PADV:.+]] = arith.constant -128 : i8
//       CHECK:   %[[PADDED:.+]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 0, 0]
//       CHECK:     tensor.yield %[[PADV]] : i8
//       CHECK:   } : tensor<?x4x5x5xi8> to tensor<?x4x6x5xi8>
//       CHECK:   %[[GW:.+]] = tensor.expand_shape %[[WT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 3, 3] : tensor<4x2x3x3xi8> into tensor<2x2x2x3x3xi8>
//       CHECK:   %[[GB:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 2] : tensor<4xi32> into tensor<2x2xi32>
//       CHECK:   %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$BIAS_MAP]], #{{.+}}]
//  CHECK-SAME:     ins(%[[GB]] : tensor<2x2xi32>)
//       CHECK:   %[[WZS:.+]] = arith.constant dense<{{\[}}[1, 2], [0, 0]]> : tensor<2x2xi32>
//       CHECK:   %[[ACC:.+]] = linalg.generic {indexing_maps = [#[[$IN_MAP]], #[[$W_MAP]], #[[$WZ_MAP]], #[[$OUT_MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
//  CHECK-SAME:     ins(%[[PADDED]], %[[GW]], %[[WZS]] : tensor<?x4x6x5xi8>, tensor<2x2x2x3x3xi8>, tensor<2x2xi32>)
//  CHECK-SAME:     outs(%[[INIT]] : tensor<?x2x2x2x3xi32>)
//       CHECK:   ^bb0(%[[XV:.+]]: i8, %[[WV:.+]]: i8, %[[WZV:.+]]: i32, %[[AV:.+]]: i32):
//       CHECK:     %[[XE:.+]] = arith.extui %[[XV]] : i8 to i32
//       CHECK:     %[[XC:.+]] = arith.subi %[[XE]], %{{.+}} : i32
//       CHECK:     %[[WE:.+]] = arith.extsi %[[WV]] : i8 to i32
//       CHECK:     %[[WC:.+]] = arith.subi %[[WE]], %[[WZV]] : i32
//       CHECK:     %[[P:.+]] = arith.muli %[[XC]], %[[WC]] : i32
//       CHECK:     %[[S:.+]] = arith.addi %[[AV]], %[[P]] : i32
//       CHECK:     linalg.yield %[[S]] : i32
//       CHECK:   %[[R:.+]] = tensor.collapse_shape %[[ACC]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x2x2x2x3xi32> into tensor<?x4x2x3xi32>
//       CHECK:   return %[[R]]
func.func @conv2d_grouped(%x: tensor<?x4x5x5x!quant.uniform<u8:f32, 0.02:128>>,
                          %w: tensor<4x2x3x3x!quant.uniform<i8:f32:0, {0.1:1, 0.2:2, 0.1:0, 0.1:0}>>,
                          %b: tensor<4xi32>) -> tensor<?x4x2x3x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.002, 0.002}>> {
  %0 = qsim.conv2d %x, %w, %b {strides = array<i64: 2, 1>, padding = array<i64: 1, 0, 0, 0>, groups = 2 : i64}
      : (tensor<?x4x5x5x!quant.uniform<u8:f32, 0.02:128>>, tensor<4x2x3x3x!quant.uniform<i8:f32:0, {0.1:1, 0.2:2, 0.1:0, 0.1:0}>>, tensor<4xi32>)
      -> tensor<?x4x2x3x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.002, 0.002}>>
  return %0 : tensor<?x4x2x3x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.002, 0.002}>>
}

// -----

// Tests a conv2d without bias, padding or zero points: a zero-filled
// accumulator, no pad and no subtraction; u8 weights are zero-extended.
// CHECK-LABEL: func.func @conv2d_plain
//   CHECK-NOT:   tensor.pad
//       CHECK:   %[[INIT:.+]] = linalg.fill ins(%{{.+}} : i32) outs(%{{.+}} : tensor<1x1x1x2x2xi32>)
//       CHECK:   linalg.generic
//  CHECK-SAME:     outs(%[[INIT]] : tensor<1x1x1x2x2xi32>)
//       CHECK:     %[[XE:.+]] = arith.extsi %{{.+}} : i8 to i32
//       CHECK:     %[[WE:.+]] = arith.extui %{{.+}} : i8 to i32
//       CHECK:     arith.muli %[[XE]], %[[WE]] : i32
func.func @conv2d_plain(%x: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>,
                        %w: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.25>>) -> tensor<1x1x2x2x!quant.uniform<i32:f32, 0.125>> {
  %0 = qsim.conv2d %x, %w : (tensor<1x1x3x3x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x2x2x!quant.uniform<u8:f32, 0.25>>)
      -> tensor<1x1x2x2x!quant.uniform<i32:f32, 0.125>>
  return %0 : tensor<1x1x2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Tests linear with per-tensor asymmetric weights and a bias.
// CHECK-DAG: #[[$X_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$W_MAP:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$O_MAP:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear
//  CHECK-SAME:   (%[[X:.+]]: tensor<2x3xi8>, %[[WT:.+]]: tensor<4x3xi8>, %[[B:.+]]: tensor<4xi32>) -> tensor<2x4xi32>
//       CHECK:   %[[INIT:.+]] = linalg.generic
//  CHECK-SAME:     ins(%[[B]] : tensor<4xi32>)
//       CHECK:   linalg.generic {indexing_maps = [#[[$X_MAP]], #[[$W_MAP]], #[[$O_MAP]]], iterator_types = ["parallel", "parallel", "reduction"]}
//  CHECK-SAME:     ins(%[[X]], %[[WT]] : tensor<2x3xi8>, tensor<4x3xi8>) outs(%[[INIT]] : tensor<2x4xi32>)
//       CHECK:     %[[WZ:.+]] = arith.constant 5 : i32
//       CHECK:     %[[XE:.+]] = arith.extui
//       CHECK:     %[[XC:.+]] = arith.subi %[[XE]], %{{.+}} : i32
//       CHECK:     %[[WE:.+]] = arith.extsi
//       CHECK:     %[[WC:.+]] = arith.subi %[[WE]], %[[WZ]] : i32
func.func @linear(%x: tensor<2x3x!quant.uniform<u8:f32, 0.05:3>>,
                  %w: tensor<4x3x!quant.uniform<i8:f32, 0.02:5>>,
                  %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<i32:f32, 0.001>> {
  %0 = qsim.linear %x, %w, %b : (tensor<2x3x!quant.uniform<u8:f32, 0.05:3>>, tensor<4x3x!quant.uniform<i8:f32, 0.02:5>>, tensor<4xi32>)
      -> tensor<2x4x!quant.uniform<i32:f32, 0.001>>
  return %0 : tensor<2x4x!quant.uniform<i32:f32, 0.001>>
}

// -----

// Tests that quant.scast disappears in both directions, and that
// region-free tensor ops and calls on quantized values are converted.
// CHECK-LABEL: func.func private @callee(tensor<6xi8>) -> tensor<6xi8>
// CHECK-LABEL: func.func @scast_reshape_call
//  CHECK-SAME:   (%[[RAW:.+]]: tensor<2x3xi8>) -> tensor<6xi8>
//       CHECK:   %[[FLAT:.+]] = tensor.collapse_shape %[[RAW]] {{\[}}[0, 1]] : tensor<2x3xi8> into tensor<6xi8>
//       CHECK:   %[[R:.+]] = call @callee(%[[FLAT]]) : (tensor<6xi8>) -> tensor<6xi8>
//       CHECK:   return %[[R]] : tensor<6xi8>
func.func private @callee(tensor<6x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<6x!quant.uniform<u8:f32, 0.1:3>>
func.func @scast_reshape_call(%raw: tensor<2x3xi8>) -> tensor<6xi8> {
  %q = quant.scast %raw : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  %flat = tensor.collapse_shape %q [[0, 1]] : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> into tensor<6x!quant.uniform<u8:f32, 0.1:3>>
  %r = call @callee(%flat) : (tensor<6x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<6x!quant.uniform<u8:f32, 0.1:3>>
  %back = quant.scast %r : tensor<6x!quant.uniform<u8:f32, 0.1:3>> to tensor<6xi8>
  return %back : tensor<6xi8>
}

// -----

// Tests that a module without quantized values is left unchanged.
// CHECK-LABEL: func.func @float_only
//  CHECK-NEXT:   %[[A:.+]] = arith.addf
//  CHECK-NEXT:   return %[[A]]
func.func @float_only(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests that a linalg.transpose of quantized values becomes the same
// transpose of storage integers.
// CHECK-LABEL: func.func @transpose
//  CHECK-SAME:   (%[[X:.+]]: tensor<?x3xi8>) -> tensor<3x?xi8>
//       CHECK:   %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3xi8>
//       CHECK:   %[[E:.+]] = tensor.empty(%[[D]]) : tensor<3x?xi8>
//       CHECK:   %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<?x3xi8>) outs(%[[E]] : tensor<3x?xi8>) permutation = [1, 0]
//       CHECK:   return %[[T]]
func.func @transpose(%x: tensor<?x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<3x?x!quant.uniform<u8:f32, 0.1:3>> {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?x3x!quant.uniform<u8:f32, 0.1:3>>
  %e = tensor.empty(%d) : tensor<3x?x!quant.uniform<u8:f32, 0.1:3>>
  %t = linalg.transpose ins(%x : tensor<?x3x!quant.uniform<u8:f32, 0.1:3>>) outs(%e : tensor<3x?x!quant.uniform<u8:f32, 0.1:3>>) permutation = [1, 0]
  return %t : tensor<3x?x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Tests that max_pool2d pads with the storage minimum (0 for u8; -128 for
// i8), starts from it, and takes an unsigned (or signed) max over a
// [KH, KW] window.
// CHECK-DAG: #[[$POOL_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[$POOL_WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[$POOL_OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool2d
//  CHECK-SAME:   (%[[X:.+]]: tensor<1x2x4x4xi8>, %[[S:.+]]: tensor<1x1x3x3xi8>)
//       CHECK:   %[[LOW:.+]] = arith.constant 0 : i8
//       CHECK:   %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
//       CHECK:     tensor.yield %[[LOW]] : i8
//       CHECK:   %[[W:.+]] = tensor.empty() : tensor<3x3xi8>
//       CHECK:   %[[INIT:.+]] = linalg.fill ins(%[[LOW]] : i8)
//       CHECK:   linalg.generic {indexing_maps = [#[[$POOL_IN]], #[[$POOL_WIN]], #[[$POOL_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
//  CHECK-SAME:     ins(%[[P]], %[[W]] : tensor<1x2x5x5xi8>, tensor<3x3xi8>) outs(%[[INIT]] : tensor<1x2x2x2xi8>)
//       CHECK:     arith.maxui
//       CHECK:   %[[SLOW:.+]] = arith.constant -128 : i8
//       CHECK:   linalg.fill ins(%[[SLOW]] : i8)
//       CHECK:     arith.maxsi
func.func @max_pool2d(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %s: tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1>>)
    -> (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 0.1>>) {
  %0 = qsim.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 0>}
      : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  %1 = qsim.max_pool2d %s {kernel = array<i64: 2, 2>} : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1>> -> tensor<1x1x2x2x!quant.uniform<i8:f32, 0.1>>
  return %0, %1 : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 0.1>>
}
