// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// Tests that the x86 dot products reject scalable vectors, which are not the
// fixed 512-bit registers of vpdpbusd (nor the 256-bit ones of vpmaddwd):
// accepted, they reach LLVM IR translation as an intrinsic call whose
// <vscale x 16 x i32> does not match the intrinsic's <16 x i32>.

func.func @dot_u8s8_scalable(%acc: vector<[16]xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<[16]xi32> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op operand #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 16, but got 'vector<[16]xi32>'}}
  %0 = qsim.x86.dot_u8s8 %acc, %a, %b : vector<[16]xi32>, vector<64xi8>, vector<64xi8>
  return %0 : vector<[16]xi32>
}

// -----

func.func @pair_dot_scalable(%a: vector<[16]xi16>, %b: vector<16xi16>) -> vector<8xi32> {
  // expected-error-re @+1 {{'qsim.x86.pair_dot_i16' op operand #0 must be {{(fixed-length )?}}vector of 16-bit signless integer values of length 16, but got 'vector<[16]xi16>'}}
  %0 = qsim.x86.pair_dot_i16 %a, %b : vector<[16]xi16>, vector<16xi16> -> vector<8xi32>
  return %0 : vector<8xi32>
}
