//===- Passes.h - qsim conversion passes -----------------------*- C++ -*-===//
//
// Declares every conversion pass of qsim and their registration.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_PASSES_H
#define QSIM_CONVERSION_PASSES_H

#include "qsim/Conversion/LinalgToQSim/FoldBatchNorm.h"
#include "qsim/Conversion/QSimToLinalg/QSimToLinalg.h"

#include "mlir/Pass/Pass.h"

namespace mlir::qsim {

#define GEN_PASS_REGISTRATION
#include "qsim/Conversion/Passes.h.inc"

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_PASSES_H
