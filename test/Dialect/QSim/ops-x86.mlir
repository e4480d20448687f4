// RUN: qsim-opt %s | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | qsim-opt | FileCheck %s
// RUN: qsim-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: qsim-opt %s --canonicalize | FileCheck %s --check-prefix=DEAD

// Tests that the x86 dot products round-trip in their custom and generic
// forms: dot_u8s8 names the types of acc, a and b (the result is acc's),
// pair_dot_i16 those of a and b and of the result.
// CHECK-LABEL: func.func @dot_products
//  CHECK-SAME:     (%[[ACC:.+]]: vector<16xi32>, %[[A:.+]]: vector<64xi8>, %[[B:.+]]: vector<64xi8>, %[[C:.+]]: vector<16xi16>, %[[D:.+]]: vector<16xi16>)
//       CHECK:   %[[R:.+]] = qsim.x86.dot_u8s8 %[[ACC]], %[[A]], %[[B]] : vector<16xi32>, vector<64xi8>, vector<64xi8>
//       CHECK:   %[[S:.+]] = qsim.x86.pair_dot_i16 %[[C]], %[[D]] : vector<16xi16>, vector<16xi16> -> vector<8xi32>
//       CHECK:   return %[[R]], %[[S]] : vector<16xi32>, vector<8xi32>
// GENERIC-LABEL: sym_name = "dot_products"
//       GENERIC:   "qsim.x86.dot_u8s8"(%{{.+}}, %{{.+}}, %{{.+}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
//       GENERIC:   "qsim.x86.pair_dot_i16"(%{{.+}}, %{{.+}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
func.func @dot_products(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>,
                        %c: vector<16xi16>, %d: vector<16xi16>) -> (vector<16xi32>, vector<8xi32>) {
  %r = qsim.x86.dot_u8s8 %acc, %a, %b : vector<16xi32>, vector<64xi8>, vector<64xi8>
  %s = qsim.x86.pair_dot_i16 %c, %d : vector<16xi16>, vector<16xi16> -> vector<8xi32>
  return %r, %s : vector<16xi32>, vector<8xi32>
}

// Tests that the ops have no side effects, as the packed kernels need for
// bufferization and buffer deallocation to see through them: unused, they
// are erased.
// DEAD-LABEL: func.func @unused
//   DEAD-NOT:   qsim.x86
//       DEAD:   return
func.func @unused(%acc: vector<16xi32>, %a: vector<64xi8>, %c: vector<16xi16>) -> vector<16xi32> {
  %r = qsim.x86.dot_u8s8 %acc, %a, %a : vector<16xi32>, vector<64xi8>, vector<64xi8>
  %s = qsim.x86.pair_dot_i16 %c, %c : vector<16xi16>, vector<16xi16> -> vector<8xi32>
  return %acc : vector<16xi32>
}
