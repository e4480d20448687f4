//===- Calibration.h - run a model over calibration data -------*- C++ -*-===//
//
// Drives post-training calibration: runs a model instrumented by
// qsim-instrument over every calibration sample, feeds the activations it
// returns to range observers, and writes the ranges as JSON for
// qsim-quantize.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_RUNNER_CALIBRATION_H
#define QSIM_RUNNER_CALIBRATION_H

#include "qsim/Calibration/Observers.h"
#include "qsim/Runner/Runner.h"

#include <string>
#include <vector>

namespace mlir::qsim {

struct CalibrationOptions {
  ObserverOptions observer;
  /// Samples per call; 0 takes the model's static batch size, or 32 when
  /// the batch dimension is dynamic. A dynamic batch never exceeds the
  /// sample count; a negative value is an error.
  int64_t batchSize = 0;
  /// Draw a progress bar on stderr.
  bool showProgress = false;
};

/// The calibrated ranges of every observed activation.
struct CalibrationResult {
  std::string observer;
  int64_t samples = 0;
  std::vector<std::string> names;
  std::vector<RangeObserver> observers;
};

/// Runs `runner`'s entry over `samples` (one array per argument, the leading
/// dimension counting samples) and observes its last `observerNames.size()`
/// results. A final partial batch is padded with copies of its last sample,
/// whose activations are not observed.
llvm::Expected<CalibrationResult> calibrate(Runner &runner,
                                            ArrayRef<std::string> observerNames,
                                            ArrayRef<NpyArray> samples,
                                            const CalibrationOptions &options);

/// The statistics file qsim-quantize reads, pretty-printed:
/// {"observer": ..., "samples": N, "activations": {"<name>": {"min": m,
/// "max": M, "observed_min": ..., "observed_max": ...}}}.
std::string formatStatistics(const CalibrationResult &result);

} // namespace mlir::qsim

#endif // QSIM_RUNNER_CALIBRATION_H
