//===- QuantTypeUtils.cpp - reading !quant.uniform parameters -------------===//
//
// One reading of the upstream uniform quantized types for the whole of qsim,
// and the scalar quantization formula that compile-time code (clamp bounds,
// activation fusion) shares with the generated code.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qsim;

bool UniformQuantParams::hasUniformZeroPoint() const {
  return llvm::all_equal(zeroPoints);
}

quant::QuantizedType mlir::qsim::getUniformQuantElementType(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  Type element = shaped ? shaped.getElementType() : type;
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          element))
    return {};
  return cast<quant::QuantizedType>(element);
}

UniformQuantParams
mlir::qsim::getUniformQuantParams(quant::QuantizedType type) {
  UniformQuantParams params;
  params.storageMin = type.getStorageTypeMin();
  params.storageMax = type.getStorageTypeMax();
  params.storageWidth = type.getStorageTypeIntegralWidth();
  params.isSigned = type.isSigned();
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(type)) {
    params.scales.push_back(perTensor.getScale());
    params.zeroPoints.push_back(perTensor.getZeroPoint());
    return params;
  }
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(type);
  params.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                           perAxis.getZeroPoints().end());
  params.axis = perAxis.getQuantizedDimension();
  return params;
}

int64_t mlir::qsim::quantizeValue(float x, double scale, int64_t zeroPoint,
                                  int64_t qmin, int64_t qmax) {
  if (std::isnan(x))
    return std::clamp(zeroPoint, qmin, qmax);
  // The division is float32 on purpose: it is what QuantizeLinear computes.
  float scaled = x / static_cast<float>(scale);
  // rint rounds half to even in the default floating-point environment.
  double rounded = std::rint(static_cast<double>(scaled));
  double shifted = rounded + static_cast<double>(zeroPoint);
  double clamped =
      std::clamp(shifted, static_cast<double>(qmin), static_cast<double>(qmax));
  return static_cast<int64_t>(clamped);
}

bool mlir::qsim::scalesAgree(double a, double b, double relTol) {
  return std::fabs(a - b) <= relTol * std::max(std::fabs(a), std::fabs(b));
}
