//===- Metrics.h - error metrics between two arrays ------------*- C++ -*-===//
//
// The numbers qsim-run prints when it compares a model's outputs with
// reference outputs, and the summary it prints for each output.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_RUNNER_METRICS_H
#define QSIM_RUNNER_METRICS_H

#include "qsim/Support/Npy.h"

#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::qsim {

/// Min, max and mean of an array's elements.
struct ArraySummary {
  double min = 0;
  double max = 0;
  double mean = 0;
};

ArraySummary summarizeArray(const NpyArray &array);

/// How far `actual` is from `reference`, elementwise.
struct ComparisonMetrics {
  int64_t count = 0;
  double maxAbsError = 0;
  double meanAbsError = 0;
  /// 10 log10(sum ref^2 / sum (ref - actual)^2); +inf when equal.
  double sqnrDb = 0;
  /// Number of elements that are exactly equal.
  int64_t exactCount = 0;
  /// For a 2-D [N, classes] array with more than one class: the number of
  /// rows whose first argmax agrees.
  std::optional<int64_t> top1Agreements;
  int64_t rows = 0;
};

/// Compares two arrays of the same shape (any numeric dtypes).
llvm::Expected<ComparisonMetrics> compareArrays(const NpyArray &actual,
                                                const NpyArray &reference);

} // namespace mlir::qsim

#endif // QSIM_RUNNER_METRICS_H
