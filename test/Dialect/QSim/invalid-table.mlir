// RUN: qsim-opt %s -split-input-file -verify-diagnostics

// Tests that table keeps the shape.
func.func @shape(%x: tensor<4x!quant.uniform<u4:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects identical input and result shapes, got 'tensor<4x!quant.uniform<u4:f32, 1.000000e-01>>' and 'tensor<3x!quant.uniform<u8:f32, 1.000000e-01>>'}}
  %0 = qsim.table %x {table = dense<0> : tensor<16xi32>} : tensor<4x!quant.uniform<u4:f32, 0.1>> -> tensor<3x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that per-axis types are rejected.
func.func @per_axis(%x: tensor<2x!quant.uniform<u4:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{'qsim.table' op expects per-tensor input and result types, got '!quant.uniform<u4:f32:0, {1.000000e-01,2.000000e-01}>' and '!quant.uniform<u8:f32, 1.000000e-01>'}}
  %0 = qsim.table %x {table = dense<0> : tensor<16xi32>} : tensor<2x!quant.uniform<u4:f32:0, {0.1, 0.2}>> -> tensor<2x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that inputs have at most 8 bits.
func.func @wide_input(%x: tensor<4x!quant.uniform<i16:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects input storage of at most 8 bits, got 16}}
  %0 = qsim.table %x {table = dense<0> : tensor<65536xi32>} : tensor<4x!quant.uniform<i16:f32, 0.1>> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that results have at most 16 bits.
func.func @wide_result(%x: tensor<4x!quant.uniform<u4:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects result storage of at most 16 bits, got 32}}
  %0 = qsim.table %x {table = dense<0> : tensor<16xi32>} : tensor<4x!quant.uniform<u4:f32, 0.1>> -> tensor<4x!quant.uniform<i32:f32, 0.1>>
  return
}

// -----

// Tests that an i8 input needs 2^8 entries, a narrow range included.
func.func @table_size(%x: tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects a table of 256 entries (2^8 for the input storage), got 'tensor<255xi32>'}}
  %0 = qsim.table %x {table = dense<0> : tensor<255xi32>} : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that the table is rank 1.
func.func @table_rank(%x: tensor<4x!quant.uniform<u4:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects a table of 16 entries (2^4 for the input storage), got 'tensor<4x4xi32>'}}
  %0 = qsim.table %x {table = dense<0> : tensor<4x4xi32>} : tensor<4x!quant.uniform<u4:f32, 0.1>> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that every entry is a code of the result type: 256 is not a u8.
func.func @entry_too_large(%x: tensor<4x!quant.uniform<u2:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects table entries within the result storage range [0, 255], got 256 at index 2}}
  %0 = qsim.table %x {table = dense<[0, 255, 256, 300]> : tensor<4xi32>} : tensor<4x!quant.uniform<u2:f32, 0.1>> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}

// -----

// Tests that a narrow result range bounds the entries: -128 is not in
// i8<-127:127>.
func.func @entry_too_small(%x: tensor<4x!quant.uniform<u2:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op expects table entries within the result storage range [-127, 127], got -128 at index 1}}
  %0 = qsim.table %x {table = dense<[0, -128, 5, -129]> : tensor<4xi32>} : tensor<4x!quant.uniform<u2:f32, 0.1>> -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.1>>
  return
}

// -----

// Tests that the table holds i32 entries.
func.func @entry_type(%x: tensor<4x!quant.uniform<u2:f32, 0.1>>) {
  // expected-error @+1 {{'qsim.table' op attribute 'table' failed to satisfy constraint: 32-bit signless integer elements attribute}}
  %0 = qsim.table %x {table = dense<0> : tensor<4xi8>} : tensor<4x!quant.uniform<u2:f32, 0.1>> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  return
}
