//===- QSimToLinalg.h - qsim to integer linalg -----------------*- C++ -*-===//
//
// The public API of the qsim-to-linalg lowering: its type converter, its
// patterns and its pass.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H
#define QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qsim {

#define GEN_PASS_DECL_CONVERTQSIMTOLINALG
#include "qsim/Conversion/Passes.h.inc"

/// Converts tensors (and scalars) of `!quant.uniform` types to the same
/// shape of their signless storage integers; every other type is legal.
class QuantStorageTypeConverter : public TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// Adds the patterns that lower every qsim op, `quant.scast` and the
/// region-free tensor ops on quantized values to linalg/arith/tensor on
/// storage integers.
void populateQSimToLinalgPatterns(const TypeConverter &typeConverter,
                                  RewritePatternSet &patterns);

/// Marks qsim ops and `quant.scast` illegal and every other op legal once
/// none of its types, nor a function's signature, is quantized.
void configureQSimToLinalgTarget(ConversionTarget &target,
                                 const TypeConverter &typeConverter);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H
