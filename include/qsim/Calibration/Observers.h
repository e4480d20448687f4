//===- Observers.h - activation-range observers for calibration -*- C++ -*-===//
//
// Post-training calibration runs the float model on a few batches and gives
// every activation a real range [a, b], which computeAffineParams (see
// qsim/Quant/AffineParams.h) turns into a scale and a zero point. The
// observers here decide that range from the values seen: the plain min/max,
// or a clipped range that trades the few outliers' clipping error for a finer
// scale on the bulk of the values (percentile, entropy, mse).
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CALIBRATION_OBSERVERS_H
#define QSIM_CALIBRATION_OBSERVERS_H

#include "qsim/Quant/AffineParams.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace mlir::qsim {

/// How an observer turns the values it saw into a range.
enum class ObserverKind { MinMax, Percentile, Entropy, Mse };

/// Parses "minmax", "percentile", "entropy" or "mse"; std::nullopt otherwise.
std::optional<ObserverKind> parseObserverKind(llvm::StringRef name);

/// The name parseObserverKind accepts for `kind`.
llvm::StringRef getObserverName(ObserverKind kind);

struct ObserverOptions {
  ObserverKind kind = ObserverKind::MinMax;
  /// Percentile only: the share of the values, in (0, 100], kept inside the
  /// range on each side (values below 50 make no sense).
  double percentile = 99.99;
  /// Histogram bins for Percentile, Entropy and Mse. The histogram's
  /// resolution bounds theirs: a range is only ever chosen at a bin edge.
  unsigned numBins = 2048;
  /// The activation's storage (default u8) and scheme. Entropy takes its
  /// number of quantized bins from format.bits; Mse quantizes with both.
  StorageFormat format;
  bool symmetric = false;
};

/// Observes one activation over every calibration batch. Calibration runs the
/// model twice: first every batch goes through observeRange(); then, only if
/// needsHistogram(), every batch again through observeHistogram(), whose bins
/// span the range found in the first pass (two passes keep the bins fixed, so
/// the histogram is exact, with no re-binning between batches). getRange()
/// gives the calibrated [min, max] that the quantizer turns into affine
/// parameters.
///
/// Only finite values count: NaN and +-inf are skipped by both passes (an
/// infinite value cannot be represented by any affine range and would make
/// every scale infinite), and the first pass counts them, so that
/// calibration can report them. An observer that never saw a finite value
/// has count 0 and range [0, 0], which calibration refuses.
///
/// The histogram has `numBins` equal bins over [lo, hi] (np.histogram's
/// convention): a value x falls in bin floor((x - lo) * numBins / (hi - lo)),
/// the last bin closed on the right so that hi itself lands in it; values
/// outside [lo, hi] (a second pass that saw different data) are clamped into
/// the end bins. Bin k spans the edges e_k = lo + (hi - lo) * k / numBins,
/// with e_0 = lo and e_numBins = hi exactly.
///
/// The ranges (N = number of finite values, h_k = count of bin k):
///
/// * minmax: [observed min, observed max].
///
/// * percentile p: histogram over [min, max]. The upper bound is e_{k+1},
///   the upper edge of the first bin k (from the bottom) at which the
///   cumulative count h_0 + ... + h_k reaches p% of N. The lower bound is the
///   mirror image: e_k, the lower edge of the first bin k from the top at
///   which h_k + ... + h_last reaches p% of N. So at most (100 - p)% of the
///   values lie above the range and at most (100 - p)% below it; p = 100
///   gives exactly [min, max]. When min >= 0 the lower bound is min: the low
///   side of a ReLU output is never clipped (the quantizer widens it to 0
///   anyway).
///
/// * entropy (KL divergence, the TensorRT / MXNet / ONNX Runtime entropy
///   calibrator): histogram of |x| over [0, M], M = max(|min|, |max|); the
///   threshold is T = e_i for the number of kept bins i chosen by
///   findEntropyThresholdBins(), with 2^(bits-1) quantized bins (128 for 8
///   bits, whatever the signedness, as ONNX Runtime's default). The range is
///   [max(min, -T), min(max, T)], so a non-negative activation gives
///   [min, min(max, T)].
///
/// * mse: histogram over [min, max]; the candidates are [min * alpha,
///   max * alpha] for alpha = k / 100, k = 1..100 (alpha = 1 is the min/max
///   range). Each candidate's affine parameters come from computeAffineParams
///   with the activation's format and scheme, and its cost is
///   computeQuantizationError() over the histogram. The cheapest candidate
///   wins; on a tie the larger alpha (the less clipping).
///
/// A histogram kind that never got its histogram pass falls back to [min,
/// max]; so does a constant activation (min == max).
class RangeObserver {
public:
  explicit RangeObserver(const ObserverOptions &options);

  /// First pass: widens the observed [min, max] by the finite `values`.
  void observeRange(llvm::ArrayRef<float> values);

  /// Whether the kind needs the second pass (every kind but minmax).
  bool needsHistogram() const;

  /// Second pass: adds the finite `values` to the histogram, whose bounds are
  /// fixed by the first pass. Must not be followed by observeRange().
  void observeHistogram(llvm::ArrayRef<float> values);

  /// The extremes of the finite values of the first pass (0 when none).
  double getObservedMin() const;
  double getObservedMax() const;
  /// The number of finite values of the first pass.
  int64_t getCount() const;
  /// The number of NaN and infinite values the first pass skipped.
  int64_t getNonFiniteCount() const { return nonFiniteCount; }

  /// The histogram of the second pass (empty before it), with its bounds:
  /// [min, max], or [0, max |x|] for entropy.
  llvm::ArrayRef<int64_t> getHistogram() const { return histogram; }
  std::pair<double, double> getHistogramBounds() const;

  /// The calibrated range: for minmax the observed one, for the other kinds
  /// the clipped range described above. It need not contain 0; the quantizer
  /// (computeAffineParams) widens it to hold 0.
  std::pair<double, double> getRange() const;

private:
  std::pair<double, double> getPercentileRange() const;
  std::pair<double, double> getEntropyRange() const;
  std::pair<double, double> getMseRange() const;

  ObserverOptions options;
  double min = 0.0, max = 0.0;
  int64_t count = 0;
  int64_t nonFiniteCount = 0;
  llvm::SmallVector<int64_t> histogram;
  int64_t histogramCount = 0;
};

/// The entropy calibrator's threshold search on a histogram of |x| (bin 0
/// starts at 0). Returns the number of bins i kept below the threshold, so
/// the threshold is the upper edge of bin i - 1; the candidates are
/// i = numQuantizedBins .. histogram.size(). For each i, as MXNet's
/// _get_optimal_threshold (which ONNX Runtime's entropy calibrator was
/// ported from):
///   - the reference P is h_0 .. h_{i-1} with the clipped outliers'
///     mass h_i + ... added to its last bin, P_{i-1}: clipping keeps them,
///     at the threshold;
///   - the candidate Q models quantization: h_0 .. h_{i-1} (without the
///     outliers) merged into numQuantizedBins groups of floor(i /
///     numQuantizedBins) bins, the last group also taking the remainder
///     bins; each group's count is spread evenly over the bins of the group
///     where P is nonzero (and Q is 0 where P is 0);
///   - both are smoothed as ONNX Runtime's smooth_distribution (eps =
///     0.0001, on the counts): zero entries get eps and the nonzero entries
///     give it back, eps * zeros / nonzeros each; a distribution with no
///     nonzero entry, or with an entry no longer positive after smoothing,
///     makes the candidate's divergence +inf;
///   - KL(P || Q) = sum P_j ln(P_j / Q_j) after normalizing both to sum 1
///     (scipy.stats.entropy).
/// The i of least divergence wins, the smallest i on a tie (np.argmin). With
/// no candidate (fewer bins than numQuantizedBins) it returns
/// histogram.size(): no clipping. If `divergences` is given it receives the
/// divergence of every candidate, i = numQuantizedBins first.
unsigned
findEntropyThresholdBins(llvm::ArrayRef<int64_t> histogram,
                         unsigned numQuantizedBins,
                         llvm::SmallVectorImpl<double> *divergences = nullptr);

/// The squared quantization error of a histogram over [lo, hi] under
/// `params`: the sum over bins of h_k * (c_k - dequantize(quantize(c_k)))^2,
/// c_k the bin's center, quantize(x) = clamp(round_half_even(x / s) + z,
/// qmin, qmax) and dequantize(q) = s * (q - z), in double. Every value of a
/// bin is taken at its center: the clipping error of the values beyond the
/// range and the rounding error of those inside it, in one sum.
double computeQuantizationError(llvm::ArrayRef<int64_t> histogram, double lo,
                                double hi, const AffineParams &params);

} // namespace mlir::qsim

#endif // QSIM_CALIBRATION_OBSERVERS_H
