//===- FloatToQSim.h - post-training quantization of float models -*- C++
//-*-===//
//
// The driver of the float-to-qsim rewrite: the recognizers of every front
// end, the ranges taken from calibration statistics, the conversion, and the
// report of what stayed float. The passes qsim-instrument,
// qsim-attach-ranges, convert-linalg-to-qsim, convert-tosa-to-qsim and
// qsim-quantize are thin wrappers around these calls.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_FLOATTOQSIM_FLOATTOQSIM_H
#define QSIM_CONVERSION_FLOATTOQSIM_FLOATTOQSIM_H

#include "qsim/Calibration/Statistics.h"
#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Conversion/QuantizationCommon/QuantizableOp.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::qsim {

/// The recognizers of every float front end qsim converts: linalg and TOSA.
ArrayRef<QuantizableOpMatcher> getFloatToQSimMatchers();

/// Reads the weight options of a conversion pass; emits an error at `loc`
/// and fails on a bad value.
FailureOr<WeightQuantizationOptions>
parseWeightOptions(Location loc, StringRef prefix, StringRef granularity,
                   StringRef scheme, unsigned bits, bool narrowRange);

/// Reads the activation options (`u8`/`i8`, 2 to 16 bits); an empty `type`
/// is `target`'s own: i8 for TOSA and TFLite, u8 otherwise.
FailureOr<StorageFormat> parseActivationOptions(Location loc, StringRef prefix,
                                                StringRef type, unsigned bits,
                                                QuantizationTarget target);

/// Checks that `reduce-range` leaves the activations at least 2 bits.
LogicalResult checkReduceRange(Location loc, StringRef prefix,
                               const StorageFormat &format, bool reduceRange);

/// Reads the `target` option (`numpy`, `pytorch`, `onnxruntime`, `tosa` or
/// `tflite`).
FailureOr<QuantizationTarget> parseTargetOption(Location loc, StringRef prefix,
                                                StringRef name);

/// Reads the `tflite-rounding` option into `state` (`runtime`, the default:
/// each kernel's own; `double`; `single`) and applies what `state.target`
/// fixes of the weights: TFLite's are narrow, in [-127, 127]. Any value but
/// `runtime` needs target=tflite.
LogicalResult applyTargetOptions(Location loc, StringRef prefix,
                                 StringRef tfliteRounding,
                                 QuantizationState &state);

/// Replaces every activation of every calibratable function of `module`
/// that the naming analysis names by dequantize(quantize(x)) at its
/// calibrated range, read from the statistics file `statsPath` (the only
/// reader of that file). Records the names of the quantizable ops in
/// `state`; `state.target` chooses the parameters' formulas and the
/// quantizations' scaling. Emits an error naming the file or entry, and
/// fails, on a bad file, a missing entry or an invalid scale.
LogicalResult attachRanges(ModuleOp module, StringRef statsPath,
                           const StorageFormat &activationFormat,
                           QuantizationState &state, StringRef prefix);

/// Which conversions convertFloatToQSim applies.
struct FloatToQSimConversions {
  bool linalg = true;
  bool tosa = true;
};

/// Applies the conversion patterns and the data-movement patterns to
/// `module`, then removes the ranges no qsim op consumed. Fails when a
/// pattern emitted an error.
LogicalResult convertFloatToQSim(ModuleOp module, QuantizationState &state,
                                 FloatToQSimConversions conversions = {});

/// A float op left after the conversion, and why.
struct FloatOpRecord {
  Operation *op = nullptr;
  std::string reason;
};

/// Every op of `module` that still computes on float tensors (linalg and
/// TOSA ops other than fills, broadcasts, constants and data movement; and
/// arith/math ops on f32 tensors), with the reason `state` recorded for it,
/// or a generic one.
std::vector<FloatOpRecord> findFloatOps(ModuleOp module,
                                        const QuantizationState &state);

/// The same for one function not yet rewritten: why each of its compute
/// ops is no quantizable op (for `qsim-run --calibrate` on a model with
/// nothing to calibrate).
std::vector<FloatOpRecord> explainUnquantizableOps(func::FuncOp func);

/// Writes `records` as a JSON list of {"op", "location", "reason"} to
/// `path`.
LogicalResult writeFloatReport(ArrayRef<FloatOpRecord> records, StringRef path,
                               Location loc, StringRef prefix);

/// Prints an op's location as text (for reports).
std::string formatLocation(Location loc);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_FLOATTOQSIM_FLOATTOQSIM_H
