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

// The float-to-qsim passes; ConvertQSimToLinalg is declared with its
// patterns in QSimToLinalg.h.
#define GEN_PASS_DECL_QSIMINSTRUMENT
#define GEN_PASS_DECL_QSIMATTACHRANGES
#define GEN_PASS_DECL_CONVERTLINALGTOQSIM
#define GEN_PASS_DECL_CONVERTTOSATOQSIM
#define GEN_PASS_DECL_QSIMQUANTIZE
#define GEN_PASS_DECL_CONVERTQSIMTOKERNELS
#define GEN_PASS_DECL_CONVERTQSIMX86TOLLVM
#define GEN_PASS_DECL_CONVERTLINALGTOKERNELS
#define GEN_PASS_DECL_CONVERTQSIMTOTOSA
#define GEN_PASS_DECL_CONVERTQUANTIZEDTOSATOQSIM
#include "qsim/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qsim/Conversion/Passes.h.inc"

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_PASSES_H
