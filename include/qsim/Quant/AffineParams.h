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

#include <cstdint>

namespace mlir::qsim {

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
AffineParams computeAffineParams(double a, double b,
                                 const StorageFormat &format, bool symmetric);

/// Quantizes `values` with `params` (qsim.quantize's formula).
llvm::SmallVector<int64_t> quantizeValues(llvm::ArrayRef<float> values,
                                          const AffineParams &params);

/// Quantizes one real value as `qsim.quantize` does: `x / s` in float32 with
/// `s` rounded to float32, rounded half to even, `z` added after rounding,
/// clamped to [qmin, qmax]. NaN maps to `z`.
int64_t quantizeValue(float x, double scale, int64_t zeroPoint, int64_t qmin,
                      int64_t qmax);

/// Returns true when `a` and `b` agree to a relative tolerance `relTol`.
bool scalesAgree(double a, double b, double relTol = 1e-6);

/// The int32 bias of a float bias at the accumulator scale:
/// round_half_even(b / accScale) in float64, saturated to int32.
int32_t quantizeBias(double bias, double accScale);

/// True when qsim accepts `scale`: a normal float32, in [FLT_MIN, FLT_MAX]
/// (1.17549435e-38 to 3.40282347e+38). !quant.uniform types take any f32
/// from the smallest subnormal up; qsim also refuses subnormals, which have
/// lost precision and whose reciprocal is not a finite float.
bool isValidScale(double scale);

/// True when quantizeBias(bias, accScale) saturates: the rounded code lies
/// outside int32 (or is NaN).
bool biasSaturates(double bias, double accScale);

} // namespace mlir::qsim

#endif // QSIM_QUANT_AFFINEPARAMS_H
