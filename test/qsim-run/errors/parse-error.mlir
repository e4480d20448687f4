// Tests that a module that does not parse shows the parser's diagnostic at
// its file:line:col, then one summary line.

// RUN: not qsim-run %s 2>&1 | FileCheck %s -DFILE=%s
// CHECK: [[FILE]]:[[@LINE+3]]:36: error: expected ')'
// CHECK: qsim-run: error: cannot parse '[[FILE]]'

func.func @broken(%x: tensor<2xf32> -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
