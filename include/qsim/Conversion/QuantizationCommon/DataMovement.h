//===- DataMovement.h - ops that commute with quantization ------*- C++ -*-===//
//
// Ops that only move or select elements (reshapes, transposes, max pooling)
// commute with quantization, which is elementwise and monotone: applying
// them to the quantized tensor is exactly quantizing their float result.
// This is the one list of such ops. The naming analysis looks through them
// to the value whose range they share, and the movement patterns carry a
// qsim.dequantize forward across them, so that chained layers meet on
// quantized values.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QUANTIZATIONCOMMON_DATAMOVEMENT_H
#define QSIM_CONVERSION_QUANTIZATIONCOMMON_DATAMOVEMENT_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"

#include <array>
#include <optional>

namespace mlir::qsim {

/// A linalg.pooling_nchw_max that commutes with quantization: its init is
/// filled with -inf (or the lowest float) and its input, if padded, is
/// padded with the same. Such a pooling of quantized values is exactly
/// qsim.max_pool2d with the same parameters.
struct MaxPoolPassThrough {
  Value source;
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};
};
std::optional<MaxPoolPassThrough> matchMaxPoolPassThrough(Operation *op);

/// The permutation of a linalg.generic that only transposes its one input
/// (a permuted input map, an identity output map, a body that yields the
/// input element), as front ends write transposes.
std::optional<SmallVector<int64_t>> matchTransposingGeneric(Operation *op);

/// The tensor a data-movement op reads, or null when `op` is none: a
/// tensor.collapse_shape, expand_shape or cast, a tosa.reshape, a
/// linalg.transpose, a transposing linalg.generic, a tosa.transpose, or a
/// max pooling that commutes with quantization.
Value getDataMovementSource(Operation *op);

/// Follows `value` back through data-movement ops to the value whose range
/// it shares.
Value getActivationSource(Value value);

/// Patterns that move a per-tensor qsim.dequantize forward across every
/// data-movement op: `op(dequantize(q))` becomes `dequantize(op'(q))`, with
/// `op'` the same movement on quantized values (qsim.max_pool2d for a max
/// pooling, linalg.transpose for every transpose, tensor reshapes for
/// tosa.reshape).
void populateQuantizedDataMovementPatterns(RewritePatternSet &patterns);

/// The cleanup after a conversion: a `dequantize(quantize(x))` of a float
/// `x` that no qsim op consumed is a range that was not needed; its float
/// users read `x` again, so ops that stay float compute in float.
void populateUnusedRangeCleanupPatterns(RewritePatternSet &patterns);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QUANTIZATIONCOMMON_DATAMOVEMENT_H
