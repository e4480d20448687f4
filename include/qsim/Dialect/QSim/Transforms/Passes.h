//===- Passes.h - qsim dialect transformations -----------------*- C++ -*-===//
//
// Declares the passes and pattern sets that rewrite qsim ops into qsim ops.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_H
#define QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace qsim {

#define GEN_PASS_DECL
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"

/// Adds the patterns that fold qsim.relu and qsim.clamp into the clamp
/// bounds of a preceding single-use qsim.requantize.
void populateFuseActivationsPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"

} // namespace qsim
} // namespace mlir

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_H
