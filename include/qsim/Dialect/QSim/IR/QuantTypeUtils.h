//===- QuantTypeUtils.h - reading !quant.uniform parameters ----*- C++ -*-===//
//
// Helpers that read the scales, zero points and storage bounds of the
// upstream quant dialect's uniform types in one shape, per-tensor and
// per-axis alike, so verifiers, rewrites and lowerings share one reading of
// the types and one implementation of the scalar quantization formula.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H
#define QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::qsim {

/// The parameters of a uniform quantized type. Per-tensor types have one
/// scale and one zero point; per-axis types one of each per slice of
/// `axis`.
struct UniformQuantParams {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  /// The quantized dimension of a per-axis type; empty for per-tensor.
  std::optional<int32_t> axis;
  int64_t storageMin = 0;
  int64_t storageMax = 0;
  unsigned storageWidth = 0;
  bool isSigned = false;

  bool isPerAxis() const { return axis.has_value(); }
  /// The scale of `channel`, or the single scale of a per-tensor type.
  double getScale(int64_t channel) const {
    return scales.size() == 1 ? scales.front() : scales[channel];
  }
  /// The zero point of `channel`, or the single zero point.
  int64_t getZeroPoint(int64_t channel) const {
    return zeroPoints.size() == 1 ? zeroPoints.front() : zeroPoints[channel];
  }
  /// True when every slice shares one zero point.
  bool hasUniformZeroPoint() const;
};

/// Returns the uniform (per-tensor or per-axis) quantized element type of a
/// shaped type, or null when `type` has none.
quant::QuantizedType getUniformQuantElementType(Type type);

/// Reads the parameters of a `!quant.uniform` type (per-tensor or per-axis).
UniformQuantParams getUniformQuantParams(quant::QuantizedType type);

/// Quantizes one real value as `qsim.quantize` does: `x / s` in float32 with
/// `s` rounded to float32, rounded half to even, `z` added after rounding,
/// clamped to [qmin, qmax]. NaN maps to `z`.
int64_t quantizeValue(float x, double scale, int64_t zeroPoint, int64_t qmin,
                      int64_t qmax);

/// Returns true when `a` and `b` agree to a relative tolerance `relTol`.
bool scalesAgree(double a, double b, double relTol = 1e-6);

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H
