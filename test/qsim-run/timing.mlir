// Tests the timing output of qsim-run: the compilation time line, the
// min/median/max table that --repeat and --warmup print (the run count is
// the timed runs only), and no table for a single run. The numbers are
// machine dependent, so only their shape is checked.

// REQUIRES: qsim-jit, numpy
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.ones((4, 4), np.float32))"

// RUN: qsim-run %s --input %t.npy --repeat 7 --warmup 3 | FileCheck %s --check-prefix=TABLE
// TABLE:      {{^}}compiled @add_one in {{[0-9]+\.[0-9]}} ms{{$}}
// TABLE-NEXT: {{^}}result 0: 4x4xf32 shape 4x4 dtype float32 min 2 max 2 mean 2{{$}}
// TABLE-NEXT: {{^runs +min \(ms\) +median \(ms\) +max \(ms\)$}}
// TABLE-NEXT: {{^7 +[0-9]+\.[0-9]{4} +[0-9]+\.[0-9]{4} +[0-9]+\.[0-9]{4}$}}
// TABLE-NOT:  {{.}}

// RUN: qsim-run %s --input %t.npy --warmup 2 | FileCheck %s --check-prefix=WARMUP
// WARMUP:      runs
// WARMUP-NEXT: {{^1 +[0-9]+\.[0-9]{4} +[0-9]+\.[0-9]{4} +[0-9]+\.[0-9]{4}$}}

// RUN: qsim-run %s --input %t.npy --repeat 2 | FileCheck %s --check-prefix=REPEAT
// REPEAT: {{^2 +[0-9.]+ +[0-9.]+ +[0-9.]+$}}

// RUN: qsim-run %s --input %t.npy | FileCheck %s --check-prefix=ONCE
// ONCE:      {{^}}compiled @add_one in {{[0-9]+\.[0-9]}} ms{{$}}
// ONCE-NEXT: result 0:
// ONCE-NOT:  runs

// A function that writes to its argument must see fresh inputs on every
// run: 10 runs of x += 1 in place still give 2.
// RUN: qsim-run %s --entry add_one_in_place --input %t.npy --repeat 10 --warmup 2 \
// RUN:     | FileCheck %s --check-prefix=INPLACE
// INPLACE: result 0: 4x4xf32 shape 4x4 dtype float32 min 2 max 2 mean 2

func.func @add_one(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %one = arith.constant dense<1.0> : tensor<4x4xf32>
  %y = arith.addf %x, %one : tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

func.func private @add_one_in_place(%x: memref<4x4xf32>) -> memref<4x4xf32> {
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%x : memref<4x4xf32>) {
  ^bb0(%v: f32):
    %w = arith.addf %v, %one : f32
    linalg.yield %w : f32
  }
  return %x : memref<4x4xf32>
}
