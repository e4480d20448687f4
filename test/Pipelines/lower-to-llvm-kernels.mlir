// RUN: qsim-opt %s --qsim-lower-to-llvm=kernel=reference | FileCheck %s --check-prefixes=CHECK,REF
// RUN: qsim-opt %s --qsim-lower-to-llvm=kernel=generic | FileCheck %s --check-prefixes=CHECK,GENERIC
// RUN: qsim-opt %s --qsim-lower-to-llvm=kernel=avx2 | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: qsim-opt %s --qsim-lower-to-llvm=kernel=vnni | FileCheck %s --check-prefixes=CHECK,VNNI
// RUN: qsim-opt %s --qsim-lower-to-llvm=kernel=generic | FileCheck %s --check-prefixes=CHECK,THREADS
// RUN: qsim-opt %s --qsim-lower-to-llvm="kernel=vnni threads=1" | FileCheck %s --check-prefixes=CHECK,ONE
// RUN: qsim-opt %s --qsim-lower-to-llvm="kernel=generic threads=2" | FileCheck %s --check-prefixes=CHECK,TWO
// RUN: not qsim-opt %s --qsim-lower-to-llvm=kernel=bogus 2>&1 | FileCheck %s --check-prefix=BOGUS
// RUN: qsim-opt %s --qsim-lower-to-llvm --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPELINE
// RUN: qsim-opt %s --qsim-lower-to-llvm="kernel=avx2 threads=2" --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPELINE-TWO
// RUN: qsim-opt %s --qsim-lower-to-llvm="kernel=reference threads=1" --dump-pass-pipeline 2>&1 >/dev/null | FileCheck %s --check-prefix=PIPELINE-REF

// Tests the kernel and threads options of qsim-lower-to-llvm on a module
// whose conv2d and linear layers the packed kernels take.
// CHECK-LABEL: llvm.func @conv_linear

// kernel=reference: the plain loops, with no vector code, no intrinsic and
// no parallel loop for OpenMP to run.
//   REF-NOT:   llvm.call_intrinsic
//   REF-NOT:   vector<
//   REF-NOT:   omp.
//       REF:   llvm.return

// Each kernel's dot product in the LLVM dialect, and no other's.
// GENERIC-NOT:   llvm.call_intrinsic
//     GENERIC:   llvm.mul %{{.+}} : vector<8xi32>
// GENERIC-NOT:   llvm.call_intrinsic
//     GENERIC:   llvm.return
//    AVX2-NOT:   vpdpbusd
//        AVX2:   llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%{{.+}}, %{{.+}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
//    AVX2-NOT:   vpdpbusd
//        AVX2:   llvm.return
//    VNNI-NOT:   pmadd
//        VNNI:   llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.+}}, %{{.+}}, %{{.+}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
//    VNNI-NOT:   pmadd
//        VNNI:   llvm.return

// By default the kernels' parallel loops run on OpenMP's threads, as many
// as it chooses; threads=1 leaves no OpenMP at all (the kernels stay, run
// sequentially); threads=2 asks for 2.
// THREADS-NOT:   num_threads
//     THREADS:   omp.parallel {
// THREADS-NEXT:     omp.wsloop {
// THREADS-NOT:   num_threads
//     THREADS:   llvm.return
//     ONE-NOT:   omp.
//         ONE:   llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
//     ONE-NOT:   omp.
//         ONE:   llvm.return
//         TWO:   llvm.mlir.constant(2 : i32) : i32
//         TWO:   omp.parallel num_threads(%{{.+}} : i32) {
//    TWO-NEXT:     omp.wsloop {

// BOGUS: error: unknown kernel 'bogus': expected auto, amx, vnni, avx2 or generic

// PIPELINE: convert-qsim-to-kernels{kernel=auto}
// PIPELINE: convert-qsim-to-linalg
// PIPELINE: convert-scf-to-openmp{num-threads=0}
// PIPELINE: convert-qsim-x86-to-llvm
// PIPELINE: finalize-memref-to-llvm
// PIPELINE-TWO: convert-qsim-to-kernels{kernel=avx2}
// PIPELINE-TWO: convert-scf-to-openmp{num-threads=2}
// PIPELINE-REF-NOT: convert-qsim-to-kernels
// PIPELINE-REF-NOT: convert-scf-to-openmp
// PIPELINE-REF: finalize-memref-to-llvm

func.func @conv_linear(%x: tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>, %v: tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>)
    -> (tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>, tensor<9x3x!quant.uniform<i32:f32, 0.125>>) {
  %ws = arith.constant dense<[[[[1, -2]], [[3, 4]], [[-5, 6]]],
                              [[[2, 1]], [[0, -1]], [[1, 7]]],
                              [[[-2, -3]], [[0, 4]], [[5, -1]]]]> : tensor<3x3x1x2xi8>
  %w = quant.scast %ws : tensor<3x3x1x2xi8> to tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>
  %b = arith.constant dense<[10, -20, 30]> : tensor<3xi32>
  %acc = qsim.conv2d %x, %w, %b {padding = array<i64: 1, 1, 0, 0>}
      : (tensor<1x3x2x9x!quant.uniform<u8:f32, 0.5:3>>, tensor<3x3x1x2x!quant.uniform<i8:f32:0, {0.25, 0.5:1, 0.125:-2}>>, tensor<3xi32>)
      -> tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>>
  %y = qsim.requantize %acc : tensor<1x3x3x9x!quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>> -> tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>
  %vs = arith.constant dense<[[1, 2, 3, 4, 5], [-3, 0, 7, 2, 2], [10, -8, 2, 2, 2]]> : tensor<3x5xi8>
  %vw = quant.scast %vs : tensor<3x5xi8> to tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>
  %l = qsim.linear %v, %vw : (tensor<9x5x!quant.uniform<i8:f32, 0.5:-5>>, tensor<3x5x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<9x3x!quant.uniform<i32:f32, 0.125>>
  return %y, %l : tensor<1x3x3x9x!quant.uniform<i8:f32, 0.5:-4>>, tensor<9x3x!quant.uniform<i32:f32, 0.125>>
}
