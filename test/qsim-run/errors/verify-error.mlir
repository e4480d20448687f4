// Tests that a module that parses but does not verify (a qsim.quantize that
// changes the shape) shows the verifier's diagnostic exactly as qsim-opt
// shows it, then one line saying that verification failed.

// REQUIRES: numpy
// RUN: not qsim-opt %s 2> %t.opt
// RUN: not qsim-run %s 2> %t.run
// RUN: FileCheck %s -DFILE=%s < %t.run
// RUN: %python -c "run = open('%t.run').read().splitlines(); \
// RUN:   opt = open('%t.opt').read().splitlines(); \
// RUN:   assert run[:-1] == opt, (run, opt)"
// CHECK: [[FILE]]:[[@LINE+5]]:8: error: 'qsim.quantize' op requires the same shape for all operands and results
// CHECK: qsim-run: error: '[[FILE]]' does not verify

!q = !quant.uniform<u8:f32, 0.1:3>
func.func @shape_change(%x: tensor<5xf32>) -> tensor<4x!q> {
  %q = qsim.quantize %x : tensor<5xf32> -> tensor<4x!q>
  return %q : tensor<4x!q>
}
