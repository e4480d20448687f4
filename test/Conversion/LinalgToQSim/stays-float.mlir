// RUN: qsim-opt %s -split-input-file -verify-diagnostics --qsim-quantize="stats=%S/Inputs/stays-float.stats.json" | FileCheck %s
// RUN: qsim-opt %S/Inputs/report.mlir --qsim-quantize="stats=%S/Inputs/stays-float.stats.json report=%t.json" -o /dev/null 2>/dev/null
// RUN: FileCheck %s --check-prefix=REPORT < %t.json
// RUN: not qsim-opt %S/Inputs/report.mlir --qsim-quantize="stats=%S/Inputs/stays-float.stats.json report=%t.missing/r.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOFILE

// Tests that every float op qsim-quantize leaves is reported, as a remark
// with the reason its pattern declined it, and as JSON with report=FILE; and
// that it computes in float: no quantize/dequantize pair is left around it.

// REPORT:      [
// REPORT-NEXT:   {
// REPORT-NEXT:     "op": "linalg.conv_2d_nchw_fchw",
// REPORT-NEXT:     "location": "loc(\"weights_from_argument\")",
// REPORT-NEXT:     "reason": "its weights are not a constant f32 tensor"
// REPORT-NEXT:   },
// REPORT-NEXT:   {
// REPORT-NEXT:     "op": "linalg.generic",
// REPORT-NEXT:     "location": "loc(\"remainder\")",
// REPORT-NEXT:     "reason": "an elementwise function qsim cannot evaluate for a table: {{.+}}"
// REPORT-NEXT:   }
// REPORT-NEXT: ]

// NOFILE: error: qsim-quantize: cannot write report '{{.*}}r.json': {{.+}}

// CHECK-LABEL: func.func @weights_not_constant
//   CHECK-NOT:   qsim.
//       CHECK:   linalg.conv_2d_nchw_fchw
func.func @weights_not_constant(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark @+1 {{qsim-quantize: 'linalg.conv_2d_nchw_fchw' stays float: its weights are not a constant f32 tensor}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @init_not_zero
//   CHECK-NOT:   qsim.
//       CHECK:   linalg.conv_2d_nchw_fchw
func.func @init_not_zero(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %one = arith.constant 1.0 : f32
  %w = arith.constant dense<0.5> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark @+1 {{qsim-quantize: 'linalg.conv_2d_nchw_fchw' stays float: its init is filled with a value other than 0}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Tests a clamp whose range is empty (max(x, 1) then min(x, -1)): the conv
// is quantized without it, and the clamp, a function of one activation,
// becomes a lookup table after the layer (every entry is -1: with [-2, 0]
// as u8, s = 2/255, z = 255, and -1 / f32(s) = -127.49999 in float32 (NumPy),
// which rounds to -127: code 128).
// CHECK-LABEL: func.func @empty_clamp
//       CHECK:   %[[Y:.+]] = qsim.requantize
//       CHECK:   %[[T:.+]] = qsim.table %[[Y]] {table = dense<128> : tensor<256xi32>}
//       CHECK:   qsim.dequantize %[[T]]
func.func @empty_clamp(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %minus = arith.constant -1.0 : f32
  %w = arith.constant dense<0.5> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x2x2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %one : f32
    %n = arith.minimumf %m, %minus : f32
    linalg.yield %n : f32
  } -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// Tests that a function with two blocks stays float, with that reason.
// CHECK-LABEL: func.func @two_blocks
//   CHECK-NOT:   qsim.
func.func @two_blocks(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<2x1x2x2xf32>
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  // expected-remark @+1 {{qsim-quantize: 'linalg.conv_2d_nchw_fchw' stays float: its function has more than one block or has callers, so it cannot be calibrated}}
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) outs(%f : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  cf.br ^exit
^exit:
  return %c : tensor<1x2x2x2xf32>
}
