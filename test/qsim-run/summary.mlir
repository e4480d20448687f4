// Tests the summary line qsim-run prints for each result: its type as
// written (dynamic dimensions as ?), the shape it has, the .npy dtype, and
// min, max and mean of the elements (printed with six significant digits),
// for float, integer, bool and empty results. The expected numbers are
// worked out by hand from the inputs.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/x.npy', np.array([[0.5, -1.25, 3.0], [2.0, 0.0, 1.0 / 3.0]], np.float32)); \
// RUN:   np.save('%t/i.npy', np.array([-7, 100000, 3], np.int64)); \
// RUN:   np.save('%t/e.npy', np.zeros((0, 3), np.float64))"
// RUN: qsim-run %s --input %t/x.npy --input %t/i.npy --input %t/e.npy --output-dir %t/out \
// RUN:     | FileCheck %s
// RUN: %python -c "import numpy as np; \
// RUN:   e = np.load('%t/out/result3.npy'); assert e.shape == (0, 3) and e.dtype == np.float64, e; \
// RUN:   b = np.load('%t/out/result2.npy'); assert b.dtype == np.bool_ and b.tolist() == [False, True, False], b"

// x + x = [[1, -2.5, 6], [4, 0, 2/3]]: mean (1 - 2.5 + 6 + 4 + 0 + 0.666667) / 6.
// CHECK:      result 0: ?x3xf32 shape 2x3 dtype float32 min -2.5 max 6 mean 1.52778{{$}}
// CHECK-NEXT: result 1: 3xi64 shape 3 dtype int64 min -7 max 100000 mean 33332{{$}}
// CHECK-NEXT: result 2: 3xi1 shape 3 dtype bool min 0 max 1 mean 0.333333{{$}}
// CHECK-NEXT: result 3: ?x3xf64 shape 0x3 dtype float64 min 0 max 0 mean 0{{$}}

func.func @summaries(%x: tensor<?x3xf32>, %i: tensor<3xi64>, %e: tensor<?x3xf64>)
    -> (tensor<?x3xf32>, tensor<3xi64>, tensor<3xi1>, tensor<?x3xf64>) {
  %y = arith.addf %x, %x : tensor<?x3xf32>
  %j = arith.addi %i, %i : tensor<3xi64>
  %k = arith.subi %j, %i : tensor<3xi64>
  %big = arith.constant dense<50> : tensor<3xi64>
  %b = arith.cmpi sgt, %i, %big : tensor<3xi64>
  return %y, %k, %b, %e : tensor<?x3xf32>, tensor<3xi64>, tensor<3xi1>, tensor<?x3xf64>
}
