// Tests that qsim-opt reports an output it cannot write (/dev/full behaves
// as a full disk) as one line that names it, with exit status 1, whether the
// output is -o FILE, standard output or a listing, and that -o FILE still
// writes the module.

// RUN: not qsim-opt %s -o /dev/full 2> %t.err
// RUN: FileCheck %s --check-prefix=FILE < %t.err
// RUN: count 1 < %t.err
// FILE: qsim-opt: error: cannot write '/dev/full': No space left on device

// RUN: not qsim-opt %s > /dev/full 2> %t.err
// RUN: FileCheck %s --check-prefix=STDOUT < %t.err
// RUN: count 1 < %t.err
// STDOUT: qsim-opt: error: cannot write standard output: No space left on device

// RUN: not qsim-opt --show-dialects > /dev/full 2> %t.err
// RUN: FileCheck %s --check-prefix=STDOUT < %t.err
// RUN: count 1 < %t.err

// RUN: qsim-opt %s -o %t.mlir
// RUN: FileCheck %s --check-prefix=WRITTEN < %t.mlir
// WRITTEN-LABEL: func.func @identity
// WRITTEN-NEXT:    return %{{.+}} : tensor<2xf32>

func.func @identity(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
