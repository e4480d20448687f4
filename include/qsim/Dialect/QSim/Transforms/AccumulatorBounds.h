//===- AccumulatorBounds.h - static INT32 accumulator bounds ----*- C++ -*-===//
//
// The analysis behind qsim-check-accumulators: for each qsim.conv2d and
// qsim.linear it bounds the absolute value of every output channel's INT32
// accumulator over every input the input type can hold,
//
//   bound[c] = |bias[c]| + sum_k |w[c, k] - z_w[c]| * max |x - z_x|,
//
// from the actual constant weights and bias where they are constants. A
// bound of at most INT32_MAX proves that no partial sum of that channel
// wraps; a larger one means some input may make it wrap. The quantizer, and
// any report of what a quantized model computes, call it on their result.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_ACCUMULATORBOUNDS_H
#define QSIM_DIALECT_QSIM_TRANSFORMS_ACCUMULATORBOUNDS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace mlir::qsim {

/// The bit width of the bounds: exact for every verifier-valid conv/linear
/// (16-bit storage, any static shape); anything wider saturates.
constexpr unsigned kAccumulatorBoundWidth = 128;

/// The accumulator bound of one qsim.conv2d or qsim.linear.
struct AccumulatorBound {
  /// The qsim.conv2d or qsim.linear op.
  Operation *op = nullptr;
  /// max |x - z_x| over every code of the input's storage integer type.
  uint64_t maxInputDeviation = 0;
  /// The bound of each output channel, unsigned, `kAccumulatorBoundWidth`
  /// bits wide.
  SmallVector<llvm::APInt> channelBounds;
  /// False when the weights are not an arith.constant reinterpreted by
  /// quant.scast: then every weight is bounded by its storage integer range.
  bool constantWeights = true;
  /// False when the bias is not an arith.constant: then |bias| <= 2^31.
  bool constantBias = true;
  /// True when a bound reached 2^128 - 1 and is only a lower bound of the
  /// exact one (possible only with zero points far outside the storage).
  bool saturated = false;

  /// The channel with the largest bound (the first one on ties), or -1 when
  /// the op has no output channel.
  int64_t getWorstChannel() const;
  /// Number of channels whose bound exceeds INT32_MAX.
  int64_t getNumOverflowingChannels() const;
  /// True when some channel's accumulator may wrap.
  bool mayOverflow() const { return getNumOverflowingChannels() > 0; }
};

/// Bounds the accumulator of `op`, a verified qsim.conv2d or qsim.linear.
/// Fails, without a diagnostic, for any other op.
FailureOr<AccumulatorBound> computeAccumulatorBound(Operation *op);

/// How checkAccumulators reports.
struct AccumulatorCheckOptions {
  /// Report each overflow as a warning, and succeed.
  bool warnOnly = false;
  /// Put in front of every message, such as "qsim-quantize: ".
  std::string prefix;
  /// Appended to every message, such as how to turn the error off.
  std::string hint;
};

/// Bounds every qsim.conv2d and qsim.linear nested in `root` and reports
/// each one that may overflow at its location, with its worst channel, that
/// channel's bound and how many channels exceed INT32_MAX. Fails when an
/// error was reported.
LogicalResult checkAccumulators(Operation *root,
                                const AccumulatorCheckOptions &options = {});

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_ACCUMULATORBOUNDS_H
