//===- Statistics.h - the calibration statistics file ----------*- C++ -*-===//
//
// The statistics file carries the calibrated range of every observed
// activation from qsim-run --calibrate to qsim-quantize. This header owns
// its format: the type below is the file's content, and the functions here
// are its only reader and writer.
//
// The file is one JSON object:
//
//   {"observer": "minmax", "samples": 203,
//    "activations": {"main/arg0": {"min": -1.0, "max": 1.0,
//                                  "observed_min": -1.0,
//                                  "observed_max": 1.0,
//                                  "non_finite": 0}, ...}}
//
// "activations" is required, "observer" and "samples" are optional. In each
// entry "min" and "max" are required, the rest optional. The reader rejects
// anything else: an unknown or duplicate key at any level, a duplicate
// activation name, a value of the wrong type, a non-finite number, an
// inverted range, a negative count. It never recurses and never builds a
// JSON tree, so its memory is about the size of the result, and nesting
// deeper than the schema fails at the first level too deep.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CALIBRATION_STATISTICS_H
#define QSIM_CALIBRATION_STATISTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir::qsim {

/// What calibration found for one activation.
struct ActivationStatistics {
  /// The observer name from the model's qsim.observers attribute.
  std::string name;
  /// The calibrated range the quantizer uses: finite, min <= max.
  double min = 0.0;
  double max = 0.0;
  /// The extremes of the finite values calibration saw (the range before an
  /// observer clipped it); absent in hand-written files.
  std::optional<double> observedMin;
  std::optional<double> observedMax;
  /// How many NaN and infinite values calibration skipped; 0 when absent.
  int64_t nonFinite = 0;

  bool operator==(const ActivationStatistics &other) const;
  bool operator!=(const ActivationStatistics &other) const {
    return !(*this == other);
  }
};

/// The content of a statistics file.
struct CalibrationStatistics {
  /// The observer that chose the ranges ("minmax", "percentile", ...).
  std::optional<std::string> observer;
  /// How many calibration samples the model ran on.
  std::optional<int64_t> samples;
  /// One entry per activation, in file order; names are unique.
  std::vector<ActivationStatistics> activations;

  bool operator==(const CalibrationStatistics &other) const;
  bool operator!=(const CalibrationStatistics &other) const {
    return !(*this == other);
  }
};

/// Parses the text of a statistics file. The error is one line, without the
/// file name, such as `entry 'main/arg0' has an invalid range [2.0, 1.0]`
/// or `not valid JSON: ... (line 3, column 7)`.
llvm::Expected<CalibrationStatistics> parseStatistics(llvm::StringRef text);

/// Reads and parses the statistics file at `path`; a file that cannot be
/// read fails with `cannot read it: <reason>`.
llvm::Expected<CalibrationStatistics> readStatisticsFile(llvm::StringRef path);

/// Writes `statistics` as pretty-printed JSON to `os`. Every number is
/// written with enough digits that parseStatistics gives back the same
/// double. The names must be valid UTF-8 (every name parseStatistics
/// returns is).
void writeStatistics(llvm::raw_ostream &os,
                     const CalibrationStatistics &statistics);

/// Writes `statistics` to the file at `path` (created or truncated),
/// streaming it. Fails with `cannot write '<path>': <reason>` when the file
/// cannot be opened or a write fails (a full disk).
llvm::Error writeStatisticsFile(llvm::StringRef path,
                                const CalibrationStatistics &statistics);

} // namespace mlir::qsim

#endif // QSIM_CALIBRATION_STATISTICS_H
