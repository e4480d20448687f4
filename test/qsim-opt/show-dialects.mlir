// RUN: qsim-opt --show-dialects | FileCheck %s
// RUN: qsim-opt --help | FileCheck %s --check-prefix=PASSES

// Tests that qsim-opt registers qsim next to the upstream dialects.
// CHECK: Available Dialects:
// CHECK-SAME: linalg
// CHECK-SAME: qsim
// CHECK-SAME: quant
// CHECK-SAME: tosa

// Tests that the qsim passes and pipelines are registered.
// PASSES-DAG: --convert-qsim-to-linalg
// PASSES-DAG: --qsim-fuse-activations
// PASSES-DAG: --qsim-lower-to-llvm
// PASSES-DAG: fuse-activations
