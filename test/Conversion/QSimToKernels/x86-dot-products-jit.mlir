// REQUIRES: qsim-jit, cpu-vnni, cpu-avx2
// RUN: qsim-opt %s --convert-qsim-x86-to-llvm --convert-vector-to-scf --convert-scf-to-cf \
// RUN:   --convert-vector-to-llvm --convert-to-llvm --reconcile-unrealized-casts | %qsim_runner | FileCheck %s

// Tests what the x86 dot products compute once lowered and JIT-compiled,
// against values worked out by hand.
//
// dot_u8s8 reads a as unsigned and b as signed bytes: a = 200 (the storage
// -56), b = 100, so each lane adds 4 * 200 * 100 = 80000 to its accumulator
// (with a and b swapped it would add 4 * -56 * 100 = -22400). The sum wraps
// modulo 2^32 (vpdpbusd, not the saturating vpdpbusds):
// 2147483647 + 80000 - 2^32 = -2147403649.
// CHECK: ( 80000, 80001, 79999, -2147403649, 80005, 80006, 80007, 80008, 80009, 80010, 80011, 80012, 80013, 80014, 80015, 80016 )
//
// pair_dot_i16 adds the products of each pair of i16 lanes:
//   -2 * 5 + 3 * 7 = 11; (-32768)^2 * 2 = 2^31, which wraps to -2^31;
//   32767^2 * 2 = 2147352578; -32768 * 32767 * 2 = -2147418112;
//   0 * 9 + 1 * 9 = 9; 1 * 9 + 0 * 9 = 9; -1 - 1 = -2; 100^2 - 100^2 = 0.
// CHECK-NEXT: ( 11, -2147483648, 2147352578, -2147418112, 9, 9, -2, 0 )
func.func @main() {
  %acc = arith.constant dense<[0, 1, -1, 2147483647, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]> : vector<16xi32>
  %a = arith.constant dense<-56> : vector<64xi8>
  %b = arith.constant dense<100> : vector<64xi8>
  %r = qsim.x86.dot_u8s8 %acc, %a, %b : vector<16xi32>, vector<64xi8>, vector<64xi8>
  vector.print %r : vector<16xi32>
  %c = arith.constant dense<[-2, 3, -32768, -32768, 32767, 32767, -32768, 32767, 0, 1, 1, 0, -1, -1, 100, -100]> : vector<16xi16>
  %d = arith.constant dense<[5, 7, -32768, -32768, 32767, 32767, 32767, -32768, 9, 9, 9, 9, 1, 1, 100, 100]> : vector<16xi16>
  %s = qsim.x86.pair_dot_i16 %c, %d : vector<16xi16>, vector<16xi16> -> vector<8xi32>
  vector.print %s : vector<8xi32>
  return
}
