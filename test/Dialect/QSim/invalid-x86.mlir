// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// The operand types of the x86 dot products are those of the intrinsics they
// become: vpdpbusd.512 (<16 x i32>, <64 x i8>, <64 x i8>) and pmadd.wd
// (<16 x i16>, <16 x i16>) -> <8 x i32>. The messages allow the
// "fixed-length" of FixedVectorOfLengthAndType.

// Tests that dot_u8s8 takes 16 i32 accumulators...
func.func @dot_u8s8_acc_lanes(%acc: vector<8xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<8xi32> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op operand #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 16, but got 'vector<8xi32>'}}
  %0 = qsim.x86.dot_u8s8 %acc, %a, %b : vector<8xi32>, vector<64xi8>, vector<64xi8>
  return %0 : vector<8xi32>
}

// -----

func.func @dot_u8s8_acc_type(%acc: vector<16xi64>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<16xi64> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op operand #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 16, but got 'vector<16xi64>'}}
  %0 = qsim.x86.dot_u8s8 %acc, %a, %b : vector<16xi64>, vector<64xi8>, vector<64xi8>
  return %0 : vector<16xi64>
}

// -----

// ... and 64 bytes on each side.
func.func @dot_u8s8_a_lanes(%acc: vector<16xi32>, %a: vector<32xi8>, %b: vector<64xi8>) -> vector<16xi32> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op operand #1 must be {{(fixed-length )?}}vector of 8-bit signless integer values of length 64, but got 'vector<32xi8>'}}
  %0 = qsim.x86.dot_u8s8 %acc, %a, %b : vector<16xi32>, vector<32xi8>, vector<64xi8>
  return %0 : vector<16xi32>
}

// -----

func.func @dot_u8s8_b_type(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi16>) -> vector<16xi32> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op operand #2 must be {{(fixed-length )?}}vector of 8-bit signless integer values of length 64, but got 'vector<64xi16>'}}
  %0 = qsim.x86.dot_u8s8 %acc, %a, %b : vector<16xi32>, vector<64xi8>, vector<64xi16>
  return %0 : vector<16xi32>
}

// -----

// Tests that the result of dot_u8s8 is its accumulator's type.
func.func @dot_u8s8_result(%acc: vector<16xi32>, %a: vector<64xi8>, %b: vector<64xi8>) -> vector<8xi32> {
  // expected-error-re @+1 {{'qsim.x86.dot_u8s8' op result #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 16, but got 'vector<8xi32>'}}
  %0 = "qsim.x86.dot_u8s8"(%acc, %a, %b) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<8xi32>
  return %0 : vector<8xi32>
}

// -----

// Tests that pair_dot_i16 takes 16 i16 lanes on each side...
func.func @pair_dot_a_lanes(%a: vector<8xi16>, %b: vector<16xi16>) -> vector<8xi32> {
  // expected-error-re @+1 {{'qsim.x86.pair_dot_i16' op operand #0 must be {{(fixed-length )?}}vector of 16-bit signless integer values of length 16, but got 'vector<8xi16>'}}
  %0 = qsim.x86.pair_dot_i16 %a, %b : vector<8xi16>, vector<16xi16> -> vector<8xi32>
  return %0 : vector<8xi32>
}

// -----

func.func @pair_dot_b_type(%a: vector<16xi16>, %b: vector<16xi8>) -> vector<8xi32> {
  // expected-error-re @+1 {{'qsim.x86.pair_dot_i16' op operand #1 must be {{(fixed-length )?}}vector of 16-bit signless integer values of length 16, but got 'vector<16xi8>'}}
  %0 = qsim.x86.pair_dot_i16 %a, %b : vector<16xi16>, vector<16xi8> -> vector<8xi32>
  return %0 : vector<8xi32>
}

// -----

// ... and gives 8 i32 pair sums.
func.func @pair_dot_result_lanes(%a: vector<16xi16>, %b: vector<16xi16>) -> vector<16xi32> {
  // expected-error-re @+1 {{'qsim.x86.pair_dot_i16' op result #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 8, but got 'vector<16xi32>'}}
  %0 = qsim.x86.pair_dot_i16 %a, %b : vector<16xi16>, vector<16xi16> -> vector<16xi32>
  return %0 : vector<16xi32>
}

// -----

func.func @pair_dot_result_type(%a: vector<16xi16>, %b: vector<16xi16>) -> vector<8xi64> {
  // expected-error-re @+1 {{'qsim.x86.pair_dot_i16' op result #0 must be {{(fixed-length )?}}vector of 32-bit signless integer values of length 8, but got 'vector<8xi64>'}}
  %0 = qsim.x86.pair_dot_i16 %a, %b : vector<16xi16>, vector<16xi16> -> vector<8xi64>
  return %0 : vector<8xi64>
}
