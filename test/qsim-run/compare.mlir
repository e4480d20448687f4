// Tests the metrics of --compare (max and mean abs error, SQNR, the fraction
// of exactly equal elements, and top-1 agreement for a 2-D [N, classes]
// output only), a quantized output compared through its dequantized values
// against a float reference and as integers against an integer one, and
// --tolerance: exit status 0 within it, 2 beyond it with one line per output
// that misses it. Every expected number is worked out by hand below.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/x.npy', np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 0, 0]], np.float32)); \
// RUN:   np.save('%t/xref.npy', np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 0, 1]], np.float32)); \
// RUN:   np.save('%t/q.npy', np.array([10, 12, 20, 0], np.uint8)); \
// RUN:   np.save('%t/qref.npy', np.array([0.0, 1.0, 5.25, -5.0], np.float64)); \
// RUN:   np.save('%t/qint.npy', np.array([10, 12, 21, 0], np.uint8))"

// Output 0 differs from its reference in row 3 only, by 1 twice: max 1, mean
// 2/12; SQNR 10 log10(286 / 2) = 21.5534 dB; 10 of 12 equal; the argmax
// agrees in rows 0-2 but not in row 3 (0 vs 2).
// Output 1, u8 with s = 0.5, z = 10, dequantizes to [0, 1, 5, -5]: errors
// [0, 0, 0.25, 0], SQNR 10 log10(53.5625 / 0.0625) = 29.3298 dB, no top-1
// for a 1-D output. As integers against [10, 12, 21, 0]: max 1, mean 0.25,
// SQNR 10 log10(685 / 1) = 28.3569 dB.
// RUN: qsim-run %s --input %t/x.npy --input %t/q.npy --compare %t/xref.npy \
// RUN:     --compare %t/qref.npy --tolerance 1 | FileCheck %s --check-prefix=FLOAT
// FLOAT:      output 0 vs {{.*}}xref.npy: max abs error 1, mean abs error 0.166667, SQNR 21.5534 dB, exact 83.33% (10/12), top-1 agreement 75.00% (3/4){{$}}
// FLOAT-NEXT: output 1 vs {{.*}}qref.npy: max abs error 0.25, mean abs error 0.0625, SQNR 29.3298 dB, exact 75.00% (3/4){{$}}

// RUN: qsim-run %s --input %t/x.npy --input %t/q.npy --compare %t/x.npy \
// RUN:     --compare %t/qint.npy | FileCheck %s --check-prefix=INT
// INT:      output 0 vs {{.*}}x.npy: max abs error 0, mean abs error 0, SQNR inf dB, exact 100.00% (12/12), top-1 agreement 100.00% (4/4){{$}}
// INT-NEXT: output 1 vs {{.*}}qint.npy: max abs error 1, mean abs error 0.25, SQNR 28.3569 dB, exact 75.00% (3/4){{$}}

// Beyond the tolerance: exit status 2, the metrics still printed.
// RUN: %python %S/Inputs/expect-exit.py 2 qsim-run %s --input %t/x.npy --input %t/q.npy \
// RUN:     --compare %t/xref.npy --compare %t/qref.npy --tolerance 0.5 > %t/half.out 2> %t/half.err
// RUN: FileCheck %s --check-prefix=HALF-OUT < %t/half.out
// RUN: FileCheck %s --check-prefix=HALF-ERR --implicit-check-not=output < %t/half.err
// HALF-OUT: output 0 vs {{.*}}xref.npy: max abs error 1,
// HALF-OUT: output 1 vs {{.*}}qref.npy: max abs error 0.25,
// HALF-ERR: qsim-run: output 0: max abs error 1 exceeds --tolerance 0.5

// RUN: %python %S/Inputs/expect-exit.py 2 qsim-run %s --input %t/x.npy --input %t/q.npy \
// RUN:     --compare %t/xref.npy --compare %t/qref.npy --tolerance 0.1 2>&1 \
// RUN:     | FileCheck %s --check-prefix=TENTH
// TENTH-DAG: qsim-run: output 0: max abs error 1 exceeds --tolerance 0.1
// TENTH-DAG: qsim-run: output 1: max abs error 0.25 exceeds --tolerance 0.1

// The tolerance is inclusive, and 0 demands equality.
// RUN: %python %S/Inputs/expect-exit.py 0 qsim-run %s --input %t/x.npy --input %t/q.npy \
// RUN:     --compare %t/x.npy --compare %t/q.npy --tolerance 0

!q = !quant.uniform<u8:f32, 0.5:10>

func.func @outputs(%x: tensor<4x3xf32>, %q: tensor<4x!q>) -> (tensor<4x3xf32>, tensor<4x!q>) {
  return %x, %q : tensor<4x3xf32>, tensor<4x!q>
}
