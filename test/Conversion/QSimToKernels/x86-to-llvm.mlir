// RUN: qsim-opt %s --convert-qsim-x86-to-llvm | FileCheck %s
// RUN: qsim-opt %s --convert-qsim-x86-to-llvm --convert-scf-to-cf --convert-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// Tests that convert-qsim-x86-to-llvm replaces each x86 dot product, also
// inside a loop, by the call of its intrinsic with the operands in order,
// and leaves every other op alone: vpdpbusd.512 (acc, u8 a, s8 b) and
// pmadd.wd (a, b). LLVM IR then declares the intrinsics with the types of
// LLVM 22's x86 intrinsics.
// CHECK-LABEL: func.func @dot_products
//  CHECK-SAME:     (%[[ACC:.+]]: vector<16xi32>, %[[A:.+]]: vector<64xi8>, %[[B:.+]]: vector<64xi8>, %[[C:.+]]: vector<16xi16>, %[[D:.+]]: vector<16xi16>, %{{.+}}: index)
//       CHECK:   %[[R:.+]] = scf.for %{{.+}} iter_args(%[[X:.+]] = %[[ACC]]) -> (vector<16xi32>) {
//  CHECK-NEXT:     %[[Y:.+]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[X]], %[[A]], %[[B]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
//  CHECK-NEXT:     scf.yield %[[Y]] : vector<16xi32>
//       CHECK:   %[[S:.+]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[C]], %[[D]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
//  CHECK-NEXT:   return %[[R]], %[[S]] : vector<16xi32>, vector<8xi32>
//   CHECK-NOT:   qsim.x86

// LLVMIR-DAG: call <16 x i32> @llvm.x86.avx512.vpdpbusd.512(<16 x i32> %{{.+}}, <64 x i8> %{{.+}}, <64 x i8> %{{.+}})
// LLVMIR-DAG: call <8 x i32> @llvm.x86.avx2.pmadd.wd(<16 x i16> %{{.+}}, <16 x i16> %{{.+}})
// LLVMIR-DAG: declare <16 x i32> @llvm.x86.avx512.vpdpbusd.512(<16 x i32>, <64 x i8>, <64 x i8>)
// LLVMIR-DAG: declare <8 x i32> @llvm.x86.avx2.pmadd.wd(<16 x i16>, <16 x i16>)
func.func @dot_products(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>,
                        %c: vector<16xi16>, %d: vector<16xi16>, %n: index) -> (vector<16xi32>, vector<8xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %acc) -> vector<16xi32> {
    %y = qsim.x86.dot_u8s8 %x, %a, %b : vector<16xi32>, vector<64xi8>, vector<64xi8>
    scf.yield %y : vector<16xi32>
  }
  %s = qsim.x86.pair_dot_i16 %c, %d : vector<16xi16>, vector<16xi16> -> vector<8xi32>
  return %r, %s : vector<16xi32>, vector<8xi32>
}
