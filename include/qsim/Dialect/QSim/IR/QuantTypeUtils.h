//===- QuantTypeUtils.h - reading !quant.uniform parameters ----*- C++ -*-===//
//
// Helpers that read the scales, zero points and storage bounds of the
// upstream quant dialect's uniform types in one shape, per-tensor and
// per-axis alike, so verifiers, rewrites and lowerings share one reading of
// the types. The scalar quantization formula they apply to those parameters,
// quantizeValue, lives in qsim/Quant/AffineParams.h, included here.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H
#define QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H

#include "qsim/Quant/AffineParams.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
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

/// Reads the parameters of the `!quant.uniform` element type of a quantized
/// tensor value.
UniformQuantParams getUniformQuantParams(Value quantized);

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_IR_QUANTTYPEUTILS_H
