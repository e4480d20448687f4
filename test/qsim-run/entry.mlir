// Tests which function qsim-run runs: --entry names any function with a body,
// private ones included; without it, `main` when the module has several
// public functions, or the only public function when there is one (private
// functions and declarations do not count).

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([1.0, 2.0], np.float32))"

// RUN: qsim-run %s --input %t.npy | FileCheck %s --check-prefix=MAIN
// MAIN: compiled @main in
// MAIN: result 0: 2xf32 shape 2 dtype float32 min 3 max 6 mean 4.5

// RUN: qsim-run %s --entry double --input %t.npy | FileCheck %s --check-prefix=DOUBLE
// DOUBLE: compiled @double in
// DOUBLE: result 0: 2xf32 shape 2 dtype float32 min 2 max 4 mean 3

// RUN: qsim-run %s --entry negate --input %t.npy | FileCheck %s --check-prefix=NEGATE
// NEGATE: compiled @negate in
// NEGATE: result 0: 2xf32 shape 2 dtype float32 min -2 max -1 mean -1.5

// RUN: qsim-run %s --entry main --input %t.npy | FileCheck %s --check-prefix=MAIN

// RUN: qsim-run %S/Inputs/single-public.mlir --input %t.npy | FileCheck %s --check-prefix=SINGLE
// SINGLE: compiled @square in
// SINGLE: result 0: 2xf32 shape 2 dtype float32 min 1 max 4 mean 2.5

func.func @double(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = arith.addf %x, %x : tensor<2xf32>
  return %y : tensor<2xf32>
}

func.func private @negate(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = arith.negf %x : tensor<2xf32>
  return %y : tensor<2xf32>
}

func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense<3.0> : tensor<2xf32>
  %y = arith.mulf %x, %c : tensor<2xf32>
  return %y : tensor<2xf32>
}
