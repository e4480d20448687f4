//===- FixedPoint.h - fixed-point requantization modes ---------*- C++ -*-===//
//
// The integer requantization of the runtimes qsim reproduces: how each one
// encodes a real multiplier as a 32-bit multiplier and a shift, and what it
// requires of the pair. The verifier and `--qsim-set-rounding` share these
// definitions (the lowering of `qsim.requantize` applies the pairs);
// docs/QSim.md gives their sources.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_FIXEDPOINT_H
#define QSIM_DIALECT_QSIM_IR_FIXEDPOINT_H

#include "qsim/Dialect/QSim/IR/QSimOps.h"

#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::qsim {

/// A real multiplier as a runtime encodes it. TFLite: M = multiplier *
/// 2^(shift - 31) (shift is an exponent). TOSA: M = multiplier * 2^-shift
/// (shift is a right shift).
struct FixedPointMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// Whether `mode` is one of the integer fixed-point modes.
bool isFixedPointRounding(RoundingMode mode);

/// Encodes M > 0 as `mode`'s runtime does: TFLite's QuantizeMultiplier
/// (frexp, the mantissa rounded half away from zero to Q31; a multiplier
/// below 2^-31 flushed to 0, one of 2^30 or more saturated to the largest
/// pair), or the TOSA scale32 encoding (the same Q31 mantissa, shift = 31 -
/// exponent, a shift beyond 62 moved into the multiplier, one below 2 taken
/// from it). Fails, with the reason, when M is not finite and positive or
/// the encoding cannot hold it.
llvm::Expected<FixedPointMultiplier> encodeMultiplier(RoundingMode mode,
                                                      double multiplier);

/// The reason `pair` breaks `mode`'s requirements (TFLite: multiplier in
/// [0, 2^31 - 1], shift in [-31, 30]; TOSA: multiplier >= 0, shift in
/// [2, 62]), or std::nullopt when it meets them.
std::optional<std::string> checkFixedPointPair(RoundingMode mode,
                                               FixedPointMultiplier pair);

/// The smallest and largest int32 value TOSA's apply_scale_32 accepts with
/// `shift`: -2^(shift - 1) and 2^(shift - 1) - 1, within int32.
std::pair<int64_t, int64_t> getTosaValueRange(int32_t shift);

/// TOSA's apply_scale_32 of `value` with `pair` (tosa_single or, with
/// `doubleRound`, tosa_double), for a value within getTosaValueRange: the
/// compile-time bounds of a chain of rescales.
int64_t applyTosaScale32(int64_t value, FixedPointMultiplier pair,
                         bool doubleRound);

/// The values one operand of an integer add takes: q - z for every q of
/// its storage range.
struct AddOperandRange {
  int64_t storageMin;
  int64_t storageMax;
  int64_t zeroPoint;
};

/// Why TOSA's rescale chain (tosa_single or tosa_double) cannot add
/// operands of `lhs` and `rhs` with `pairs` (lhs, rhs, result), or
/// std::nullopt: each pair within TOSA's bounds, each q - z and every sum
/// of the two rescaled values within what apply_scale_32 takes with its
/// shift.
std::optional<std::string>
checkTosaAddPairs(RoundingMode mode, AddOperandRange lhs, AddOperandRange rhs,
                  ArrayRef<FixedPointMultiplier> pairs);

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_IR_FIXEDPOINT_H
