//===- FixedPoint.cpp - fixed-point requantization modes ------------------===//

#include "qsim/Dialect/QSim/IR/FixedPoint.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsim;

bool mlir::qsim::isFixedPointRounding(RoundingMode mode) {
  return mode == RoundingMode::TfliteDouble ||
         mode == RoundingMode::TfliteSingle ||
         mode == RoundingMode::TosaSingle || mode == RoundingMode::TosaDouble;
}

static bool isTflite(RoundingMode mode) {
  return mode == RoundingMode::TfliteDouble ||
         mode == RoundingMode::TfliteSingle;
}

llvm::Expected<FixedPointMultiplier>
mlir::qsim::encodeMultiplier(RoundingMode mode, double multiplier) {
  if (!isFixedPointRounding(mode))
    return llvm::createStringError("half_even has no fixed-point multiplier");
  if (!std::isfinite(multiplier) || multiplier <= 0)
    return llvm::createStringError(llvm::formatv(
        "the multiplier {0:e} is not finite and positive", multiplier));
  // M = mantissa * 2^exponent with the mantissa in [0.5, 1), rounded to Q31
  // half away from zero (std::round), as both converters do.
  int exponent = 0;
  double mantissa = std::frexp(multiplier, &exponent);
  int64_t q31 = static_cast<int64_t>(std::round(mantissa * (1ll << 31)));
  if (q31 == (1ll << 31)) {
    q31 /= 2;
    ++exponent;
  }
  if (isTflite(mode)) {
    // TFLite's QuantizeMultiplier: below 2^-31 the multiplier is flushed
    // to 0; the single-rounding kernels take no exponent above 30, so a
    // larger one saturates (both kinds share the encoding).
    if (exponent < -31)
      return FixedPointMultiplier{0, 0};
    if (exponent > 30)
      return FixedPointMultiplier{INT32_MAX, 30};
    return FixedPointMultiplier{static_cast<int32_t>(q31), exponent};
  }
  // TOSA scale32: a right shift of 31 - exponent, at most 62 (a larger one
  // moves into the multiplier) and at least 2 (a smaller one takes bits
  // from the multiplier).
  int64_t shift = 31 - static_cast<int64_t>(exponent);
  if (shift < 0)
    return llvm::createStringError(llvm::formatv(
        "the multiplier {0:e} is too large for TOSA's 32-bit rescale (at most "
        "2^31)",
        multiplier));
  if (shift > 62) {
    q31 >>= std::min<int64_t>(31, shift - 62);
    shift = 62;
  } else if (shift < 2) {
    q31 >>= 2 - shift;
    shift = 2;
  }
  return FixedPointMultiplier{static_cast<int32_t>(q31),
                              static_cast<int32_t>(shift)};
}

std::optional<std::string>
mlir::qsim::checkFixedPointPair(RoundingMode mode, FixedPointMultiplier pair) {
  if (pair.multiplier < 0)
    return llvm::formatv("multiplier {0} is negative", pair.multiplier).str();
  if (isTflite(mode)) {
    if (pair.shift < -31 || pair.shift > 30)
      return llvm::formatv("shift {0} is outside TFLite's [-31, 30]",
                           pair.shift)
          .str();
    return std::nullopt;
  }
  if (pair.shift < 2 || pair.shift > 62)
    return llvm::formatv("shift {0} is outside TOSA's [2, 62]", pair.shift)
        .str();
  return std::nullopt;
}

std::pair<int64_t, int64_t> mlir::qsim::getTosaValueRange(int32_t shift) {
  if (shift > 32)
    return {INT32_MIN, INT32_MAX};
  int64_t half = int64_t(1) << (shift - 1);
  return {-half, half - 1};
}

int64_t mlir::qsim::applyTosaScale32(int64_t value, FixedPointMultiplier pair,
                                     bool doubleRound) {
  int64_t round = int64_t(1) << (pair.shift - 1);
  if (doubleRound && pair.shift > 31)
    round += value >= 0 ? int64_t(1) << 30 : -(int64_t(1) << 30);
  // |value| < 2^(shift - 1) and multiplier < 2^31 keep the product in i64.
  return (value * pair.multiplier + round) >> pair.shift;
}

std::optional<std::string>
mlir::qsim::checkTosaAddPairs(RoundingMode mode, AddOperandRange lhs,
                              AddOperandRange rhs,
                              ArrayRef<FixedPointMultiplier> pairs) {
  for (auto [index, pair] : llvm::enumerate(pairs))
    if (std::optional<std::string> reason = checkFixedPointPair(mode, pair))
      return llvm::formatv("pair {0}: {1}", index, *reason).str();
  bool doubleRound = mode == RoundingMode::TosaDouble;
  int64_t sumMin = 0, sumMax = 0;
  AddOperandRange operands[] = {lhs, rhs};
  for (auto [index, operand] : llvm::enumerate(operands)) {
    int64_t valueMin = operand.storageMin - operand.zeroPoint;
    int64_t valueMax = operand.storageMax - operand.zeroPoint;
    auto [lo, hi] = getTosaValueRange(pairs[index].shift);
    if (valueMin < lo || valueMax > hi)
      return llvm::formatv("{0} values in [{1}, {2}] are outside the [{3}, "
                           "{4}] that TOSA's apply_scale_32 takes with shift "
                           "{5}",
                           index == 0 ? "lhs" : "rhs", valueMin, valueMax, lo,
                           hi, pairs[index].shift)
          .str();
    // apply_scale_32 is monotone in the value: m >= 0.
    sumMin += applyTosaScale32(valueMin, pairs[index], doubleRound);
    sumMax += applyTosaScale32(valueMax, pairs[index], doubleRound);
  }
  auto [lo, hi] = getTosaValueRange(pairs[2].shift);
  if (sumMin < lo || sumMax > hi)
    return llvm::formatv("the rescaled sum in [{0}, {1}] is outside the [{2}, "
                         "{3}] that TOSA's apply_scale_32 takes with shift {4}",
                         sumMin, sumMax, lo, hi, pairs[2].shift)
        .str();
  return std::nullopt;
}
