//===- Driver.h - run a model over calibration data ------------*- C++ -*-===//
//
// Drives post-training calibration: runs a model instrumented by
// qsim-instrument over every calibration sample, feeds the activations it
// returns to range observers, and turns the ranges into the statistics
// file that qsim-quantize reads (qsim/Calibration/Statistics.h).
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CALIBRATION_DRIVER_H
#define QSIM_CALIBRATION_DRIVER_H

#include "qsim/Calibration/Observers.h"
#include "qsim/Calibration/Statistics.h"
#include "qsim/Runner/Runner.h"

#include "mlir/IR/BuiltinOps.h"

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

/// Prepares `entry` of `module` for calibration: instruments the module
/// (qsim-instrument) unless `entry` already has a `qsim.observers`
/// attribute, and returns the observer names. When there is nothing to
/// calibrate the error names every float compute op of `entry` and why no
/// pattern quantizes it.
llvm::Expected<std::vector<std::string>> prepareCalibration(ModuleOp module,
                                                            Operation *entry);

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
/// whose activations are not observed. NaN and infinite values are counted
/// and skipped; an activation without a single finite value is an error
/// naming it.
llvm::Expected<CalibrationResult> calibrate(Runner &runner,
                                            ArrayRef<std::string> observerNames,
                                            ArrayRef<NpyArray> samples,
                                            const CalibrationOptions &options);

/// The content of the statistics file for `result`: each activation's
/// calibrated and observed range, and its count of non-finite values.
CalibrationStatistics getStatistics(const CalibrationResult &result);

} // namespace mlir::qsim

#endif // QSIM_CALIBRATION_DRIVER_H
