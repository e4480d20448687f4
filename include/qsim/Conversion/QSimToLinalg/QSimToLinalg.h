//===- QSimToLinalg.h - qsim to integer linalg -----------------*- C++ -*-===//
//
// The public API of the qsim-to-linalg lowering: its type converter, its
// patterns and its pass.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H
#define QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H

#include "qsim/Dialect/QSim/IR/QSimOps.h"

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

/// The per-channel constants of qsim.requantize's arithmetic for the first
/// `numChannels` channels (one for per-tensor types): M = s_in / s_y in
/// f64, the clamp bounds shifted by -z_y, and both zero points.
struct RequantizeConstants {
  SmallVector<double> multipliers;
  SmallVector<double> lows;
  SmallVector<double> highs;
  SmallVector<double> inZeros;
  SmallVector<int64_t> outZeros;
};
RequantizeConstants getRequantizeConstants(RequantizeOp op, size_t numChannels);

/// qsim.requantize's arithmetic on `q`, a scalar or a vector of storage
/// integers: to f64 (zero-extended unless `isSigned`), minus `inZero` (none
/// when null), times `multiplier`, rounded half to even, clamped to
/// [`low`, `high`], converted to the type of `outZero`, plus `outZero`, and
/// truncated to `storageType`. The constants have the shape of `q`.
Value buildRequantizeArithmetic(OpBuilder &b, Location loc, Value q,
                                bool isSigned, Value inZero, Value multiplier,
                                Value low, Value high, Value outZero,
                                Type storageType);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QSIMTOLINALG_QSIMTOLINALG_H
