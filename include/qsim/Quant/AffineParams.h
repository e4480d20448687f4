//===- AffineParams.h - affine quantization parameters ---------*- C++ -*-===//
//
// The quantizer's math: the scale and zero point of a real range, and the
// integers of float weights and biases. It depends on LLVM Support only, so
// the dialect, the passes and the runner share it without MLIR beneath it. This
// is the C++ form of the notebook's quantizer.py, with its signed zero-point
// bug fixed (see docs/QSim.md).
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_QUANT_AFFINEPARAMS_H
#define QSIM_QUANT_AFFINEPARAMS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mlir::qsim {

/// The runtime whose quantizer a quantization run reproduces: how scales
/// and zero points are chosen from ranges, how weights and biases are
/// rounded, and how the requantization computes (docs/QSim.md, "Targets").
enum class QuantizationTarget {
  /// qsim's own formulas, in float64: the notebook's quantizer.
  NumPy,
  /// torch.ao.quantization's observers and PyTorch's quantized kernels, in
  /// float32 (MinMaxObserver, PerChannelMinMaxObserver, QNNPACK).
  PyTorch,
  /// ONNX Runtime's quantize_static (compute_scale_zp, quantize_nparray,
  /// the float32 bias) and its kernels' float32 requantization (MLAS).
  OnnxRuntime,
  /// The TOSA specification's integer arithmetic: qsim's own float64
  /// parameters, int8 activations, TOSA's RESCALE (apply_scale_32 with
  /// double rounding) and a quantization that multiplies by the float32
  /// reciprocal, as TOSA, which has no float division, computes it.
  Tosa,
  /// The TFLite converter's parameters (the nudged zero point of its
  /// quantizer, float32 scales as a .tflite stores them, symmetric weights
  /// in [-127, 127]), rounding half away from zero, and the fixed-point
  /// requantization of each of TFLite's kernels.
  Tflite,
};

/// Parses `numpy`, `pytorch`, `onnxruntime`, `tosa` or `tflite`.
std::optional<QuantizationTarget> parseQuantizationTarget(llvm::StringRef name);

/// An integer storage format: 2 to 16 bits, signed or not, optionally
/// narrow (the most negative code unused, as in [-127, 127]).
struct StorageFormat {
  unsigned bits = 8;
  bool isSigned = false;
  bool narrowRange = false;

  int64_t getMin() const;
  int64_t getMax() const;
};

/// The scale and zero point of a quantized range.
struct AffineParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = 0;
  int64_t qmax = 255;
};

/// The affine parameters of the real range [a, b] (DESIGN.md):
///   a = min(a, 0), b = max(b, 0); symmetric: a, b = -m, m, m = max |a|, |b|;
///   s = (b - a) / (qmax - qmin), or 1.0 when b == a;
///   z = clamp(round_half_even(qmin - a / s), qmin, qmax).
/// For a symmetric range z is exactly round_half_even((qmin + qmax) / 2), so
/// 0 for a signed format, computed without rounding error.
///
/// For QuantizationTarget::PyTorch, the formulas of torch.ao's
/// `_ObserverBase._calculate_qparams`, in float32 from the float32 range:
///   a = min(a, 0), b = max(b, 0), eps = FLT_EPSILON;
///   symmetric: s = max(max(-a, b) / ((qmax - qmin) / 2), eps), z = 0 for a
///              signed format, the middle code (128 for u8) otherwise;
///   otherwise: s = max((b - a) / (qmax - qmin), eps),
///              z = clamp(qmin - round_half_even(a / s), qmin, qmax).
///
/// For QuantizationTarget::OnnxRuntime, quant_utils.py's compute_scale_zp:
///   a = min(a, 0), b = max(b, 0) in float32; symmetric: a, b = -m, m;
///   s = float64(b - a) / (qmax - qmin) in float64, 1.0 (z = 0) when below
///   FLT_MIN; z = round_half_even((qmin + qmax) / 2) when symmetric, else
///   round_half_even(qmin - a / s) with the float64 s; s rounded to
///   float32 last. A signed symmetric format takes ONNX Runtime's
///   [-(2^(b-1) - 1), 2^(b-1) - 1] (get_qmin_qmax_for_qType), so s = m / 127
///   for 8 bits; with `reduceRange` (quantize_static's reduce_range, which
///   it applies to weights) a signed symmetric format takes its reduced
///   [-2^(b-2), 2^(b-2)], s = m / 64 for 8 bits. Other targets ignore
///   `reduceRange`.
///
/// For QuantizationTarget::Tflite, the MLIR quantizer's
/// `fakeQuantAttrsToType` in float64, as the TFLite converter applies it to
/// calibrated ranges: a = min(a, 0), b = max(b, 0); symmetric: a, b = -m, m
/// over [qmin, qmax] (weights take a narrow format, so s = m / 127);
/// s = (b - a) / (qmax - qmin), 1.0 when b == a; z from whichever of
/// (a, qmin) and (b, qmax) has the smaller rounding error, qmin - a / s or
/// qmax - b / s, clamped to [qmin, qmax] and rounded half away from zero;
/// s rounded to float32 last, as a .tflite file stores it.
AffineParams
computeAffineParams(double a, double b, const StorageFormat &format,
                    bool symmetric,
                    QuantizationTarget target = QuantizationTarget::NumPy,
                    bool reduceRange = false);

/// Quantizes `values` with `params` (qsim.quantize's formula).
llvm::SmallVector<int64_t> quantizeValues(llvm::ArrayRef<float> values,
                                          const AffineParams &params);

/// Quantizes one real value as `qsim.quantize` does: `x / s` in float32 with
/// `s` rounded to float32, rounded half to even, `z` added after rounding,
/// clamped to [qmin, qmax]. NaN maps to `z`. With `byReciprocal`, `x / s`
/// is `x * (1.0f / s)`, as `scaling = #qsim.scaling<reciprocal>` and
/// PyTorch compute it. With `halfAway`, ties round away from zero, as
/// `rounding = #qsim.quantize_rounding<half_away>` and TFLite do.
int64_t quantizeValue(float x, double scale, int64_t zeroPoint, int64_t qmin,
                      int64_t qmax, bool byReciprocal = false,
                      bool halfAway = false);

/// How `target` scales a real value when it quantizes: PyTorch and TOSA
/// multiply by the float32 reciprocal.
bool quantizesByReciprocal(QuantizationTarget target);

/// How `target` rounds ties when it quantizes a value, a weight or a bias:
/// TFLite away from zero (C's round), every other target to even.
bool roundsHalfAway(QuantizationTarget target);

/// The float32 requantization multiplier of the accumulator scale `inScale`
/// and the output scale `outScale`, both rounded to float32 first:
/// `in * (1.0f / out)` (PyTorch's QNNPACK, `byReciprocal`) or `in / out`
/// (ONNX Runtime's QLinearConv).
float computeFloat32Multiplier(double inScale, double outScale,
                               bool byReciprocal);

/// Returns true when `a` and `b` agree to a relative tolerance `relTol`.
bool scalesAgree(double a, double b, double relTol = 1e-6);

/// The int32 bias of a float bias at the accumulator scale:
/// round_half_even(b / accScale) in float64, saturated to int32. For
/// QuantizationTarget::PyTorch, as its kernels quantize the bias:
/// round_half_even(float(b) * (1.0f / float(accScale))) in float32; for
/// QuantizationTarget::OnnxRuntime, as quantize_bias_static_impl does:
/// round_half_even(float(b) / float(accScale)) in float32; for
/// QuantizationTarget::Tflite, round_half_away(b / accScale) in float64.
int32_t quantizeBias(double bias, double accScale,
                     QuantizationTarget target = QuantizationTarget::NumPy);

/// True when qsim accepts `scale`: a normal float32, in [FLT_MIN, FLT_MAX]
/// (1.17549435e-38 to 3.40282347e+38). !quant.uniform types take any f32
/// from the smallest subnormal up; qsim also refuses subnormals, which have
/// lost precision and whose reciprocal is not a finite float.
bool isValidScale(double scale);

/// True when quantizeBias(bias, accScale) saturates: the rounded code lies
/// outside int32 (or is NaN).
bool biasSaturates(double bias, double accScale,
                   QuantizationTarget target = QuantizationTarget::NumPy);

} // namespace mlir::qsim

#endif // QSIM_QUANT_AFFINEPARAMS_H
