// Tests that a module that fails to lower (an op no conversion handles)
// shows the conversion's diagnostic at the op, then one summary line.

// RUN: not qsim-run %s 2>&1 | FileCheck %s -DFILE=%s
// CHECK: [[FILE]]:[[@LINE+4]]:8: error: failed to legalize operation 'tosa.custom'
// CHECK: qsim-run: error: lowering to the LLVM dialect failed

func.func @custom(%x: tensor<5xf32>) -> tensor<5xf32> {
  %y = tosa.custom %x {domain_name = "vendor", implementation_attrs = "", operator_name = "magic"} : (tensor<5xf32>) -> tensor<5xf32>
  return %y : tensor<5xf32>
}
