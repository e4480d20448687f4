//===- Metrics.cpp - error metrics between two arrays ---------------------===//
//
// Accumulations are in double (long double for the energies, which may sum
// many squares) so the metrics do not add error of their own.
//
//===----------------------------------------------------------------------===//

#include "qsim/Runner/Metrics.h"

#include <cmath>
#include <limits>

using namespace mlir::qsim;

ArraySummary mlir::qsim::summarizeArray(const NpyArray &array) {
  ArraySummary summary;
  int64_t count = array.getNumElements();
  if (count == 0)
    return summary;
  summary.min = std::numeric_limits<double>::infinity();
  summary.max = -std::numeric_limits<double>::infinity();
  long double sum = 0;
  for (int64_t i = 0; i < count; ++i) {
    double value = array.getAsDouble(i);
    summary.min = std::min(summary.min, value);
    summary.max = std::max(summary.max, value);
    sum += value;
  }
  summary.mean = static_cast<double>(sum / count);
  return summary;
}

/// Returns the index of the first largest element of row `row`.
static int64_t argmaxOfRow(const NpyArray &array, int64_t row) {
  int64_t columns = array.shape[1];
  int64_t best = 0;
  double bestValue = array.getAsDouble(row * columns);
  for (int64_t c = 1; c < columns; ++c) {
    double value = array.getAsDouble(row * columns + c);
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

llvm::Expected<ComparisonMetrics>
mlir::qsim::compareArrays(const NpyArray &actual, const NpyArray &reference) {
  if (actual.shape != reference.shape)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "shape " + actual.getShapeString() +
                                       " differs from the reference's " +
                                       reference.getShapeString());
  ComparisonMetrics metrics;
  metrics.count = actual.getNumElements();
  long double absSum = 0, signal = 0, noise = 0;
  for (int64_t i = 0; i < metrics.count; ++i) {
    double a = actual.getAsDouble(i), r = reference.getAsDouble(i);
    double error = std::fabs(a - r);
    if (std::isnan(error))
      error = std::numeric_limits<double>::infinity();
    metrics.maxAbsError = std::max(metrics.maxAbsError, error);
    absSum += error;
    signal += static_cast<long double>(r) * r;
    noise += static_cast<long double>(error) * error;
    if (a == r)
      ++metrics.exactCount;
  }
  if (metrics.count > 0)
    metrics.meanAbsError = static_cast<double>(absSum / metrics.count);
  if (noise == 0)
    metrics.sqnrDb = std::numeric_limits<double>::infinity();
  else
    metrics.sqnrDb = static_cast<double>(10 * std::log10(signal / noise));
  if (actual.shape.size() == 2 && actual.shape[1] > 1) {
    metrics.rows = actual.shape[0];
    int64_t agreements = 0;
    for (int64_t row = 0; row < metrics.rows; ++row)
      agreements += argmaxOfRow(actual, row) == argmaxOfRow(reference, row);
    metrics.top1Agreements = agreements;
  }
  return metrics;
}
