//===- QSimToTosa.h - export qsim programs as TOSA --------------*- C++ -*-===//
//
// The TOSA export: every qsim op of a program quantized with target=tosa
// becomes the TOSA ops that compute the same integers.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QSIMTOTOSA_QSIMTOTOSA_H
#define QSIM_CONVERSION_QSIMTOTOSA_QSIMTOTOSA_H

#include "mlir/IR/Operation.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>
#include <string>

namespace mlir::qsim {

#define GEN_PASS_DECL_CONVERTQSIMTOTOSA
#include "qsim/Conversion/Passes.h.inc"

/// Why `op` has no TOSA form that computes qsim's integers exactly, or
/// std::nullopt when the export handles it. Ops that neither are qsim ops
/// nor touch quantized values always have one: they are left as they are.
std::optional<std::string> getTosaExportBlocker(Operation *op);

/// The patterns that rewrite qsim ops, quant.scast and the data movement of
/// quantized values into TOSA on the storage integers of `typeConverter`.
void populateQSimToTosaPatterns(const TypeConverter &typeConverter,
                                RewritePatternSet &patterns);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QSIMTOTOSA_QSIMTOTOSA_H
