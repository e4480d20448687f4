// Tests that an allocation that cannot succeed (a 4 TB static result) ends
// the lowered program with one line on stderr and exit status 1, the same
// under mlir-runner and qsim-run, instead of writing through the null
// pointer malloc returns.

// REQUIRES: qsim-jit
// AddressSanitizer reports the failed allocation itself (see lit.cfg.py).
// UNSUPPORTED: sanitized
// RUN: qsim-opt %s --qsim-lower-to-llvm -o %t.mlir
// RUN: %python %S/../qsim-run/Inputs/expect-exit.py 1 mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils > %t.runner.out 2> %t.runner.err
// RUN: FileCheck %s < %t.runner.err
// RUN: count 1 < %t.runner.err
// RUN: %python %S/../qsim-run/Inputs/expect-exit.py 1 qsim-run %s --entry huge > %t.run.out 2> %t.run.err
// RUN: FileCheck %s < %t.run.err
// RUN: count 1 < %t.run.err

// 1000000 x 1000000 f32 elements are 4e12 bytes, plus the 64 bytes the
// lowering adds to align the buffer.
// CHECK: qsim: error: cannot allocate 4000000000064 bytes

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<1000000x1000000xf32>) {
  %u = tensor.cast %t : tensor<1000000x1000000xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @huge() -> tensor<1000000x1000000xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1000000x1000000xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<1000000x1000000xf32>) -> tensor<1000000x1000000xf32>
  return %f : tensor<1000000x1000000xf32>
}

func.func @main() {
  %t = call @huge() : () -> tensor<1000000x1000000xf32>
  call @print(%t) : (tensor<1000000x1000000xf32>) -> ()
  return
}
