// Tests that the notebook's three examples give the notebook's numbers when
// their data come from .npy files instead of constants: quantize and
// dequantize, requantize of int32 accumulators given as storage integers,
// and the 1x1 conv with and without a ReLU. Every expected value is the
// notebook's own, written here as a reference .npy and compared exactly.

// REQUIRES: qsim-jit, numpy
// RUN: rm -rf %t && mkdir -p %t

// 1) s = 2.2 / 255 as the notebook computes it, z = 139. The notebook prints
// x_q = [0 127 139 174 255] and x = [-1.1992157 -0.10352941 0. 0.3019608
// 1.0007843], which are s * (x_q - z) in float32.
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/x.npy', np.array([-1.2, -0.1, 0.0, 0.3, 1.0], np.float32)); \
// RUN:   np.save('%t/xq.npy', np.array([0, 127, 139, 174, 255], np.uint8)); \
// RUN:   np.save('%t/xdq.npy', np.float32(0.008627451167387121) * (np.array([0, 127, 139, 174, 255]) - 139).astype(np.float32))"
// RUN: qsim-run %s --entry quantize --input %t/x.npy --output-dir %t/quantize \
// RUN:     --dequantize-outputs --compare %t/xq.npy --tolerance 0 | FileCheck %s --check-prefix=QUANTIZE
// RUN: %python %S/Inputs/models.py check-equal %t/quantize/result0.npy %t/xq.npy
// RUN: %python %S/Inputs/models.py check-equal %t/quantize/result0.dequantized.npy %t/xdq.npy
// RUN: %python -c "import numpy as np; \
// RUN:   np.testing.assert_allclose(np.load('%t/quantize/result0.dequantized.npy'), \
// RUN:       [-1.1992157, -0.10352941, 0.0, 0.3019608, 1.0007843], rtol=1e-7)"
// QUANTIZE: result 0: 5x!quant.uniform<u8:f32, 0.008627451167387121:139> shape 5 dtype uint8 min 0 max 255 mean 139
// QUANTIZE: output 0 vs {{.*}}xq.npy: max abs error 0, {{.*}} exact 100.00% (5/5)

// 2) M = 0.001 / 0.03: 15 * M is exactly 0.5 in float64 and rounds half to
// even to 0, so 15 maps to z_y = 10; -1000 * M = -33.3 clamps to 0 and
// 1000 * M = 33.3 gives 43.
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/acc.npy', np.array([-1000, -10, 0, 15, 1000], np.int32)); \
// RUN:   np.save('%t/yq.npy', np.array([0, 10, 10, 10, 43], np.uint8))"
// RUN: qsim-run %s --entry requantize --input %t/acc.npy --output-dir %t/requantize \
// RUN:     --compare %t/yq.npy --tolerance 0 | FileCheck %s --check-prefix=REQUANTIZE
// RUN: %python %S/Inputs/models.py check-equal %t/requantize/result0.npy %t/yq.npy
// REQUANTIZE: result 0: 5x!quant.uniform<u8:f32, 3.000000e-02:10> shape 5 dtype uint8 min 0 max 43
// REQUANTIZE: output 0 vs {{.*}}yq.npy: max abs error 0, {{.*}} exact 100.00% (5/5)

// 3) (120 - 128) * 5 = -40; round(-40 * 0.001 / 0.04) + 10 = 9; with the
// ReLU max(9, 10) = 10.
// RUN: %python -c "import numpy as np; \
// RUN:   np.save('%t/cx.npy', np.full((1, 1, 1, 1), 120, np.uint8)); \
// RUN:   np.save('%t/cw.npy', np.full((1, 1, 1, 1), 5, np.int8)); \
// RUN:   np.save('%t/cb.npy', np.zeros(1, np.int32)); \
// RUN:   np.save('%t/cacc.npy', np.full((1, 1, 1, 1), -40, np.int32)); \
// RUN:   np.save('%t/cy.npy', np.full((1, 1, 1, 1), 9, np.uint8)); \
// RUN:   np.save('%t/crelu.npy', np.full((1, 1, 1, 1), 10, np.uint8))"
// RUN: qsim-run %s --entry conv_relu --input %t/cx.npy --input %t/cw.npy --input %t/cb.npy \
// RUN:     --compare %t/cacc.npy --compare %t/cy.npy --compare %t/crelu.npy --tolerance 0 \
// RUN:     | FileCheck %s --check-prefix=CONV
// CONV: result 0: 1x1x1x1x!quant.uniform<i32:f32, 1.000000e-03> shape 1x1x1x1 dtype int32 min -40 max -40 mean -40
// CONV: result 1: 1x1x1x1x!quant.uniform<u8:f32, 4.000000e-02:10> shape 1x1x1x1 dtype uint8 min 9 max 9 mean 9
// CONV: result 2: 1x1x1x1x!quant.uniform<u8:f32, 4.000000e-02:10> shape 1x1x1x1 dtype uint8 min 10 max 10 mean 10
// CONV: output 0 vs {{.*}}cacc.npy: max abs error 0, {{.*}} (1/1)
// CONV: output 1 vs {{.*}}cy.npy: max abs error 0, {{.*}} (1/1)
// CONV: output 2 vs {{.*}}crelu.npy: max abs error 0, {{.*}} (1/1)

!u8 = !quant.uniform<u8:f32, 0.008627451167387121:139>
!acc = !quant.uniform<i32:f32, 0.001>
!y = !quant.uniform<u8:f32, 0.03:10>
!cx = !quant.uniform<u8:f32, 0.02:128>
!cw = !quant.uniform<i8:f32, 0.05>
!cy = !quant.uniform<u8:f32, 0.04:10>

func.func @quantize(%x: tensor<5xf32>) -> tensor<5x!u8> {
  %q = qsim.quantize %x : tensor<5xf32> -> tensor<5x!u8>
  return %q : tensor<5x!u8>
}

func.func @requantize(%acc: tensor<5x!acc>) -> tensor<5x!y> {
  %y = qsim.requantize %acc : tensor<5x!acc> -> tensor<5x!y>
  return %y : tensor<5x!y>
}

func.func @conv_relu(%x: tensor<1x1x1x1x!cx>, %w: tensor<1x1x1x1x!cw>, %b: tensor<1xi32>)
    -> (tensor<1x1x1x1x!acc>, tensor<1x1x1x1x!cy>, tensor<1x1x1x1x!cy>) {
  %acc = qsim.conv2d %x, %w, %b : (tensor<1x1x1x1x!cx>, tensor<1x1x1x1x!cw>, tensor<1xi32>) -> tensor<1x1x1x1x!acc>
  %y = qsim.requantize %acc : tensor<1x1x1x1x!acc> -> tensor<1x1x1x1x!cy>
  %y2 = qsim.requantize %acc : tensor<1x1x1x1x!acc> -> tensor<1x1x1x1x!cy>
  %r = qsim.relu %y2 : tensor<1x1x1x1x!cy>
  return %acc, %y, %r : tensor<1x1x1x1x!acc>, tensor<1x1x1x1x!cy>, tensor<1x1x1x1x!cy>
}
