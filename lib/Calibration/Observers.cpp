//===- Observers.cpp - activation-range observers for calibration ---------===//
//
// The math of every observer is documented in qsim/Calibration/Observers.h;
// this file follows it step by step. Everything is computed in double, the
// histogram counts in int64_t.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Observers.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace mlir::qsim;

std::optional<ObserverKind>
mlir::qsim::parseObserverKind(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ObserverKind>>(name)
      .Case("minmax", ObserverKind::MinMax)
      .Case("percentile", ObserverKind::Percentile)
      .Case("entropy", ObserverKind::Entropy)
      .Case("mse", ObserverKind::Mse)
      .Default(std::nullopt);
}

llvm::StringRef mlir::qsim::getObserverName(ObserverKind kind) {
  switch (kind) {
  case ObserverKind::MinMax:
    return "minmax";
  case ObserverKind::Percentile:
    return "percentile";
  case ObserverKind::Entropy:
    return "entropy";
  case ObserverKind::Mse:
    return "mse";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Histogram helpers
//===----------------------------------------------------------------------===//

/// The bin of `x` among `numBins` equal bins over [lo, hi]: floor((x - lo) *
/// numBins / (hi - lo)), clamped to the end bins (so hi lands in the last).
/// Multiplying before dividing keeps the index exact when x sits on an edge
/// with a short binary expansion, as np.histogram's edge correction does.
static unsigned getBinIndex(double x, double lo, double hi, unsigned numBins) {
  if (!(hi > lo))
    return 0;
  double f = (x - lo) * numBins / (hi - lo);
  if (!(f > 0))
    return 0;
  if (f >= numBins)
    return numBins - 1;
  return static_cast<unsigned>(f);
}

/// Edge k of `numBins` equal bins over [lo, hi], with the end edges exact.
static double getBinEdge(unsigned k, double lo, double hi, unsigned numBins) {
  if (k == 0)
    return lo;
  if (k >= numBins)
    return hi;
  return lo + (hi - lo) * k / numBins;
}

/// ONNX Runtime's smooth_distribution on counts: zeros become eps, nonzeros
/// give back eps * zeros / nonzeros each, so the total is unchanged and the
/// divergence stays finite. Fails (false) when every entry is 0 or an entry
/// would not stay positive.
static bool smoothDistribution(llvm::MutableArrayRef<double> dist) {
  constexpr double eps = 0.0001;
  size_t zeros = llvm::count(dist, 0.0);
  size_t nonzeros = dist.size() - zeros;
  if (nonzeros == 0)
    return false;
  double eps1 = eps * static_cast<double>(zeros) / nonzeros;
  for (double &v : dist) {
    v += v == 0.0 ? eps : -eps1;
    if (!(v > 0))
      return false;
  }
  return true;
}

/// KL(P || Q) after normalizing both to sum 1 (scipy.stats.entropy), in nats.
static double klDivergence(llvm::ArrayRef<double> p, llvm::ArrayRef<double> q) {
  double sumP = 0, sumQ = 0;
  for (size_t j = 0; j < p.size(); ++j) {
    sumP += p[j];
    sumQ += q[j];
  }
  double kl = 0;
  for (size_t j = 0; j < p.size(); ++j) {
    double pj = p[j] / sumP, qj = q[j] / sumQ;
    if (pj > 0)
      kl += pj * std::log(pj / qj);
  }
  return kl;
}

unsigned mlir::qsim::findEntropyThresholdBins(
    llvm::ArrayRef<int64_t> histogram, unsigned numQuantizedBins,
    llvm::SmallVectorImpl<double> *divergences) {
  unsigned numBins = histogram.size();
  numQuantizedBins = std::max(numQuantizedBins, 1u);
  if (numBins < numQuantizedBins)
    return numBins;

  int64_t total = 0;
  for (int64_t h : histogram)
    total += h;

  llvm::SmallVector<double> p(numBins), q(numBins);
  // Without a finite divergence no threshold is better than the full range.
  unsigned bestBins = numBins;
  double bestDivergence = std::numeric_limits<double>::infinity();
  // The count of the first i bins, updated as i grows.
  int64_t kept = 0;
  for (unsigned j = 0; j + 1 < numQuantizedBins; ++j)
    kept += histogram[j];
  for (unsigned i = numQuantizedBins; i <= numBins; ++i) {
    kept += histogram[i - 1];
    // Reference P: the first i bins, the outliers clipped into the last.
    for (unsigned j = 0; j < i; ++j)
      p[j] = static_cast<double>(histogram[j]);
    p[i - 1] += static_cast<double>(total - kept);

    // Candidate Q: the first i bins (without outliers) merged into
    // numQuantizedBins groups, each spread over its bins where P is nonzero.
    unsigned merged = i / numQuantizedBins;
    for (unsigned g = 0; g < numQuantizedBins; ++g) {
      unsigned start = g * merged;
      unsigned stop = g + 1 == numQuantizedBins ? i : start + merged;
      int64_t groupCount = 0;
      unsigned nonzeros = 0;
      for (unsigned j = start; j < stop; ++j) {
        groupCount += histogram[j];
        nonzeros += p[j] != 0.0;
      }
      for (unsigned j = start; j < stop; ++j)
        q[j] = p[j] != 0.0 ? static_cast<double>(groupCount) / nonzeros : 0.0;
    }

    llvm::MutableArrayRef<double> pi(p.data(), i), qi(q.data(), i);
    double divergence = std::numeric_limits<double>::infinity();
    if (smoothDistribution(pi) && smoothDistribution(qi))
      divergence = klDivergence(pi, qi);
    if (divergences)
      divergences->push_back(divergence);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = i;
    }
  }
  return bestBins;
}

double mlir::qsim::computeQuantizationError(llvm::ArrayRef<int64_t> histogram,
                                            double lo, double hi,
                                            const AffineParams &params) {
  unsigned numBins = histogram.size();
  double qmin = static_cast<double>(params.qmin);
  double qmax = static_cast<double>(params.qmax);
  double zero = static_cast<double>(params.zeroPoint);
  double error = 0;
  for (unsigned k = 0; k < numBins; ++k) {
    if (histogram[k] == 0)
      continue;
    double center = lo + (hi - lo) * (k + 0.5) / numBins;
    double quantized =
        std::clamp(std::nearbyint(center / params.scale) + zero, qmin, qmax);
    double diff = center - params.scale * (quantized - zero);
    error += static_cast<double>(histogram[k]) * diff * diff;
  }
  return error;
}

//===----------------------------------------------------------------------===//
// RangeObserver
//===----------------------------------------------------------------------===//

RangeObserver::RangeObserver(const ObserverOptions &options)
    : options(options) {
  assert(options.percentile > 0 && options.percentile <= 100 &&
         "percentile must be in (0, 100]");
}

void RangeObserver::observeRange(llvm::ArrayRef<float> values) {
  assert(histogram.empty() && "observeRange after observeHistogram");
  for (float value : values) {
    if (!std::isfinite(value)) {
      ++nonFiniteCount;
      continue;
    }
    double v = value;
    if (count == 0) {
      min = max = v;
    } else {
      min = std::min(min, v);
      max = std::max(max, v);
    }
    ++count;
  }
}

bool RangeObserver::needsHistogram() const {
  return options.kind != ObserverKind::MinMax;
}

std::pair<double, double> RangeObserver::getHistogramBounds() const {
  if (options.kind == ObserverKind::Entropy)
    return {0.0, std::max(std::fabs(min), std::fabs(max))};
  return {min, max};
}

void RangeObserver::observeHistogram(llvm::ArrayRef<float> values) {
  if (count == 0 || options.numBins == 0)
    return;
  if (histogram.empty())
    histogram.assign(options.numBins, 0);
  auto [lo, hi] = getHistogramBounds();
  bool absolute = options.kind == ObserverKind::Entropy;
  for (float value : values) {
    if (!std::isfinite(value))
      continue;
    double v = absolute ? std::fabs(static_cast<double>(value)) : value;
    ++histogram[getBinIndex(v, lo, hi, options.numBins)];
    ++histogramCount;
  }
}

double RangeObserver::getObservedMin() const { return min; }
double RangeObserver::getObservedMax() const { return max; }
int64_t RangeObserver::getCount() const { return count; }

std::pair<double, double> RangeObserver::getRange() const {
  if (count == 0)
    return {0.0, 0.0};
  if (options.kind == ObserverKind::MinMax || histogramCount == 0 || min == max)
    return {min, max};
  switch (options.kind) {
  case ObserverKind::Percentile:
    return getPercentileRange();
  case ObserverKind::Entropy:
    return getEntropyRange();
  case ObserverKind::Mse:
    return getMseRange();
  case ObserverKind::MinMax:
    break;
  }
  return {min, max};
}

std::pair<double, double> RangeObserver::getPercentileRange() const {
  unsigned numBins = histogram.size();
  // A bin count c reaches p% of N when 100 c >= p N (exact for p = 100).
  double target = options.percentile * static_cast<double>(histogramCount);
  auto reaches = [&](int64_t cumulative) {
    return 100.0 * static_cast<double>(cumulative) >= target;
  };

  double upper = max;
  int64_t cumulative = 0;
  for (unsigned k = 0; k < numBins; ++k) {
    cumulative += histogram[k];
    if (reaches(cumulative)) {
      upper = getBinEdge(k + 1, min, max, numBins);
      break;
    }
  }

  double lower = min;
  if (min < 0) {
    cumulative = 0;
    for (unsigned k = numBins; k-- > 0;) {
      cumulative += histogram[k];
      if (reaches(cumulative)) {
        lower = getBinEdge(k, min, max, numBins);
        break;
      }
    }
  }
  return {lower, upper};
}

std::pair<double, double> RangeObserver::getEntropyRange() const {
  // 2^(bits-1) quantized bins; capped so that wide formats (which have more
  // levels than bins) simply keep the whole range.
  unsigned bits = std::clamp(options.format.bits, 1u, 31u);
  unsigned numQuantizedBins = 1u << (bits - 1);
  unsigned keptBins = findEntropyThresholdBins(histogram, numQuantizedBins);
  auto [lo, hi] = getHistogramBounds();
  double threshold = getBinEdge(keptBins, lo, hi, histogram.size());
  return {std::max(min, -threshold), std::min(max, threshold)};
}

std::pair<double, double> RangeObserver::getMseRange() const {
  // alpha = k / 100 from k = 100 down: a later (smaller) alpha must be
  // strictly better to win, so ties keep the larger alpha.
  double bestAlpha = 1.0;
  double bestError = std::numeric_limits<double>::infinity();
  for (int k = 100; k >= 1; --k) {
    double alpha = k / 100.0;
    AffineParams params = computeAffineParams(
        min * alpha, max * alpha, options.format, options.symmetric);
    double error = computeQuantizationError(histogram, min, max, params);
    if (error < bestError) {
      bestError = error;
      bestAlpha = alpha;
    }
  }
  return {min * bestAlpha, max * bestAlpha};
}
