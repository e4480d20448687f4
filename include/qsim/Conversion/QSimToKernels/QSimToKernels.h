//===- QSimToKernels.h - packed vector kernels of qsim layers ---*- C++ -*-===//
//
// What the packed kernels of convert-qsim-to-kernels need from the CPU.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QSIMTOKERNELS_QSIMTOKERNELS_H
#define QSIM_CONVERSION_QSIMTOKERNELS_QSIMTOKERNELS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::qsim {

/// The kernels (values of the `kernel` option) that the host CPU runs, the
/// fastest first: `vnni` (AVX-512 VNNI), `avx2`, `generic`.
SmallVector<StringRef> getHostKernels();

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QSIMTOKERNELS_QSIMTOKERNELS_H
