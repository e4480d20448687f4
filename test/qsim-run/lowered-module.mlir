// Tests that qsim-run runs a module already lowered by
// qsim-opt --qsim-lower-to-llvm, taking the tensor types of its arguments and
// results (quantized ones included) from the qsim.signature attribute the
// lowering records, with the same results as the unlowered module.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: qsim-opt %s --qsim-lower-to-llvm -o %t/lowered.mlir
// RUN: FileCheck %s --check-prefix=LOWERED < %t/lowered.mlir
// LOWERED: llvm.func @scale_and_quantize({{.*}} attributes {{{.*}}qsim.signature = "(tensor<2x?xf32>, tensor<2xf32>) -> (tensor<2x?x!quant.uniform<u8:f32, 2.500000e-01:8>>, tensor<2x?xf32>)"

// x * s per row, then quantized with s = 0.25, z = 8:
// row 0 * 2: [0.5, -1.0, 3.0] -> [10, 4, 20]; row 1 * -1: [-0.25, 0.5, 0.3]
// -> [7, 10, 9] (0.3 / 0.25 = 1.2 in float32).
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/x.npy', np.array([[0.25, -0.5, 1.5], [0.25, -0.5, -0.3]], np.float32)); \
// RUN:   np.save('%t/s.npy', np.array([2.0, -1.0], np.float32)); \
// RUN:   np.save('%t/q.npy', np.array([[10, 4, 20], [7, 10, 9]], np.uint8)); \
// RUN:   np.save('%t/y.npy', np.array([[0.5, -1.0, 3.0], [-0.25, 0.5, 0.3]], np.float32))"
// RUN: qsim-run %t/lowered.mlir --input %t/x.npy --input %t/s.npy --output-dir %t/lowered \
// RUN:     --compare %t/q.npy --compare %t/y.npy --tolerance 0 | FileCheck %s
// RUN: qsim-run %s --input %t/x.npy --input %t/s.npy --output-dir %t/direct \
// RUN:     --compare %t/q.npy --compare %t/y.npy --tolerance 0 | FileCheck %s
// RUN: %python %S/Inputs/models.py check-equal %t/lowered/result0.npy %t/q.npy
// RUN: %python %S/Inputs/models.py check-equal %t/lowered/result1.npy %t/direct/result1.npy

// CHECK: compiled @scale_and_quantize in
// CHECK: result 0: 2x?x!quant.uniform<u8:f32, 2.500000e-01:8> shape 2x3 dtype uint8 min 4 max 20
// CHECK: result 1: 2x?xf32 shape 2x3 dtype float32
// CHECK: output 0 vs {{.*}}q.npy: max abs error 0, {{.*}} exact 100.00% (6/6)
// CHECK: output 1 vs {{.*}}y.npy: max abs error 0, {{.*}} exact 100.00% (6/6)

!q = !quant.uniform<u8:f32, 0.25:8>

func.func @scale_and_quantize(%x: tensor<2x?xf32>, %s: tensor<2xf32>)
    -> (tensor<2x?x!q>, tensor<2x?xf32>) {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c1 : tensor<2x?xf32>
  %e = tensor.empty(%n) : tensor<2x?xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %s : tensor<2x?xf32>, tensor<2xf32>) outs(%e : tensor<2x?xf32>) {
  ^bb0(%xv: f32, %sv: f32, %out: f32):
    %m = arith.mulf %xv, %sv : f32
    linalg.yield %m : f32
  } -> tensor<2x?xf32>
  %q = qsim.quantize %y : tensor<2x?xf32> -> tensor<2x?x!q>
  return %q, %y : tensor<2x?x!q>, tensor<2x?xf32>
}
