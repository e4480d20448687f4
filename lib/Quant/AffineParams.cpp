//===- AffineParams.cpp - affine quantization parameters ------------------===//
//
// Rounding is round half to even (std::nearbyint in the default rounding
// mode), as NumPy's np.round is, except where a target rounds half away
// from zero (std::round), as TFLite does.
//
//===----------------------------------------------------------------------===//

#include "qsim/Quant/AffineParams.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace mlir::qsim;

std::optional<QuantizationTarget>
mlir::qsim::parseQuantizationTarget(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<QuantizationTarget>>(name)
      .Case("numpy", QuantizationTarget::NumPy)
      .Case("pytorch", QuantizationTarget::PyTorch)
      .Case("onnxruntime", QuantizationTarget::OnnxRuntime)
      .Case("tosa", QuantizationTarget::Tosa)
      .Case("tflite", QuantizationTarget::Tflite)
      .Default(std::nullopt);
}

bool mlir::qsim::roundsHalfAway(QuantizationTarget target) {
  return target == QuantizationTarget::Tflite;
}

bool mlir::qsim::quantizesByReciprocal(QuantizationTarget target) {
  return target == QuantizationTarget::PyTorch ||
         target == QuantizationTarget::Tosa;
}

int64_t StorageFormat::getMin() const {
  if (!isSigned)
    return 0;
  int64_t min = -(int64_t(1) << (bits - 1));
  return narrowRange ? min + 1 : min;
}

int64_t StorageFormat::getMax() const {
  return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
}

/// Parameters with `format`'s storage bounds, to be filled in.
static AffineParams withStorageBounds(const StorageFormat &format) {
  AffineParams params;
  params.qmin = format.getMin();
  params.qmax = format.getMax();
  return params;
}

/// torch.ao's `_calculate_qparams` for a per-tensor or per-channel range,
/// every step in float32 as its tensors compute it.
static AffineParams computePyTorchParams(float a, float b,
                                         const StorageFormat &format,
                                         bool symmetric) {
  AffineParams params = withStorageBounds(format);
  a = std::min(a, 0.0f);
  b = std::max(b, 0.0f);
  auto steps = static_cast<float>(params.qmax - params.qmin);
  float scale;
  if (symmetric) {
    scale = std::max(-a, b) / (steps / 2);
    params.zeroPoint =
        format.isSigned ? 0 : (params.qmin + params.qmax + 1) / 2;
  } else {
    scale = (b - a) / steps;
  }
  scale = std::max(scale, FLT_EPSILON);
  params.scale = scale;
  if (!symmetric) {
    float zero = static_cast<float>(params.qmin) - std::nearbyint(a / scale);
    params.zeroPoint =
        static_cast<int64_t>(std::clamp(zero, static_cast<float>(params.qmin),
                                        static_cast<float>(params.qmax)));
  }
  return params;
}

/// ONNX Runtime's `compute_scale_zp`: the range in float32, the scale and
/// zero point in float64, the scale rounded to float32 last.
static AffineParams computeOnnxRuntimeParams(float a, float b,
                                             const StorageFormat &format,
                                             bool symmetric, bool reduceRange) {
  AffineParams params = withStorageBounds(format);
  // get_qmin_qmax_for_qType: symmetric signed types leave out the most
  // negative code, reduced ones take [-2^(b-2), 2^(b-2)]; the storage keeps
  // its bounds.
  int64_t qmin = symmetric && format.isSigned && !format.narrowRange
                     ? params.qmin + 1
                     : params.qmin;
  int64_t qmax = params.qmax;
  if (reduceRange && symmetric && format.isSigned) {
    qmax = int64_t{1} << (format.bits - 2);
    qmin = -qmax;
  }
  a = std::min(a, 0.0f);
  b = std::max(b, 0.0f);
  if (symmetric) {
    float m = std::max(std::fabs(a), std::fabs(b));
    a = -m;
    b = m;
  }
  double scale = static_cast<double>(b - a) /
                 (static_cast<double>(qmax) - static_cast<double>(qmin));
  if (scale < static_cast<double>(std::numeric_limits<float>::min())) {
    params.scale = 1.0;
    params.zeroPoint = 0;
    return params;
  }
  double zero =
      symmetric ? static_cast<double>(qmin + qmax) / 2.0
                : static_cast<double>(qmin) - static_cast<double>(a) / scale;
  params.zeroPoint = static_cast<int64_t>(std::nearbyint(zero));
  params.scale = static_cast<float>(scale);
  return params;
}

/// Widens [a, b] to hold 0 (so that 0, the padding and ReLU's bound, is
/// exact), and to [-m, m] when `symmetric`.
static void widenRange(double &a, double &b, bool symmetric) {
  a = std::min(a, 0.0);
  b = std::max(b, 0.0);
  if (symmetric) {
    double m = std::max(std::fabs(a), std::fabs(b));
    a = -m;
    b = m;
  }
}

/// The MLIR quantizer's `fakeQuantAttrsToType` (TFLite's converter): the
/// zero point from the bound whose term has the smaller rounding error,
/// nudged into [qmin, qmax] and rounded half away from zero; the scale
/// stored as float32.
static AffineParams computeTfliteParams(double a, double b,
                                        const StorageFormat &format,
                                        bool symmetric) {
  AffineParams params = withStorageBounds(format);
  widenRange(a, b, symmetric);
  auto qmin = static_cast<double>(params.qmin);
  auto qmax = static_cast<double>(params.qmax);
  double scale = (b - a) / (qmax - qmin);
  if (!(b > a) || !std::isfinite(scale) || scale == 0) {
    params.scale = 1.0;
    params.zeroPoint = symmetric ? 0 : params.qmin;
    return params;
  }
  double fromMin = qmin - a / scale;
  double fromMax = qmax - b / scale;
  bool minIsExacter = std::fabs(qmin) + std::fabs(a / scale) <
                      std::fabs(qmax) + std::fabs(b / scale);
  double zero = std::clamp(minIsExacter ? fromMin : fromMax, qmin, qmax);
  params.zeroPoint = static_cast<int64_t>(std::round(zero));
  params.scale = static_cast<float>(scale);
  return params;
}

AffineParams mlir::qsim::computeAffineParams(double a, double b,
                                             const StorageFormat &format,
                                             bool symmetric,
                                             QuantizationTarget target,
                                             bool reduceRange) {
  if (target == QuantizationTarget::PyTorch)
    return computePyTorchParams(static_cast<float>(a), static_cast<float>(b),
                                format, symmetric);
  if (target == QuantizationTarget::OnnxRuntime)
    return computeOnnxRuntimeParams(static_cast<float>(a),
                                    static_cast<float>(b), format, symmetric,
                                    reduceRange);
  if (target == QuantizationTarget::Tflite)
    return computeTfliteParams(a, b, format, symmetric);
  AffineParams params = withStorageBounds(format);
  widenRange(a, b, symmetric);
  auto steps = static_cast<double>(params.qmax - params.qmin);
  params.scale = b > a ? (b - a) / steps : 1.0;
  if (params.scale == 0 || !std::isfinite(params.scale))
    params.scale = 1.0;
  double zero;
  if (symmetric)
    zero = std::nearbyint(static_cast<double>(params.qmin + params.qmax) / 2);
  else
    zero = std::nearbyint(static_cast<double>(params.qmin) - a / params.scale);
  params.zeroPoint =
      static_cast<int64_t>(std::clamp(zero, static_cast<double>(params.qmin),
                                      static_cast<double>(params.qmax)));
  return params;
}

llvm::SmallVector<int64_t>
mlir::qsim::quantizeValues(llvm::ArrayRef<float> values,
                           const AffineParams &params) {
  llvm::SmallVector<int64_t> result;
  result.reserve(values.size());
  for (float value : values)
    result.push_back(quantizeValue(value, params.scale, params.zeroPoint,
                                   params.qmin, params.qmax));
  return result;
}

int64_t mlir::qsim::quantizeValue(float x, double scale, int64_t zeroPoint,
                                  int64_t qmin, int64_t qmax, bool byReciprocal,
                                  bool halfAway) {
  if (std::isnan(x))
    return std::clamp(zeroPoint, qmin, qmax);
  // The division is float32 on purpose: it is what QuantizeLinear computes.
  float scaled = byReciprocal ? x * (1.0f / static_cast<float>(scale))
                              : x / static_cast<float>(scale);
  // rint rounds half to even in the default floating-point environment;
  // round, half away from zero.
  double rounded = halfAway ? std::round(static_cast<double>(scaled))
                            : std::rint(static_cast<double>(scaled));
  double shifted = rounded + static_cast<double>(zeroPoint);
  double clamped =
      std::clamp(shifted, static_cast<double>(qmin), static_cast<double>(qmax));
  return static_cast<int64_t>(clamped);
}

bool mlir::qsim::scalesAgree(double a, double b, double relTol) {
  return std::fabs(a - b) <= relTol * std::max(std::fabs(a), std::fabs(b));
}

float mlir::qsim::computeFloat32Multiplier(double inScale, double outScale,
                                           bool byReciprocal) {
  auto in = static_cast<float>(inScale);
  auto out = static_cast<float>(outScale);
  return byReciprocal ? in * (1.0f / out) : in / out;
}

/// The bias code before saturation, as `target` rounds it.
static double roundBias(double bias, double accScale,
                        QuantizationTarget target) {
  if (target == QuantizationTarget::PyTorch)
    return std::nearbyint(static_cast<float>(bias) *
                          (1.0f / static_cast<float>(accScale)));
  if (target == QuantizationTarget::OnnxRuntime)
    return std::nearbyint(static_cast<float>(bias) /
                          static_cast<float>(accScale));
  if (target == QuantizationTarget::Tflite)
    return std::round(bias / accScale);
  return std::nearbyint(bias / accScale);
}

int32_t mlir::qsim::quantizeBias(double bias, double accScale,
                                 QuantizationTarget target) {
  double rounded = roundBias(bias, accScale, target);
  if (std::isnan(rounded))
    return 0;
  return static_cast<int32_t>(std::clamp(
      rounded, static_cast<double>(std::numeric_limits<int32_t>::min()),
      static_cast<double>(std::numeric_limits<int32_t>::max())));
}

bool mlir::qsim::isValidScale(double scale) {
  return scale >= static_cast<double>(std::numeric_limits<float>::min()) &&
         scale <= static_cast<double>(std::numeric_limits<float>::max());
}

bool mlir::qsim::biasSaturates(double bias, double accScale,
                               QuantizationTarget target) {
  double rounded = roundBias(bias, accScale, target);
  return !(rounded >= std::numeric_limits<int32_t>::min() &&
           rounded <= std::numeric_limits<int32_t>::max());
}
