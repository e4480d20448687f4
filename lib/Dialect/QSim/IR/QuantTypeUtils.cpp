//===- QuantTypeUtils.cpp - reading !quant.uniform parameters -------------===//
//
// One reading of the upstream uniform quantized types for the whole of qsim.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "llvm/ADT/STLExtras.h"

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

UniformQuantParams mlir::qsim::getUniformQuantParams(Value quantized) {
  return getUniformQuantParams(getUniformQuantElementType(quantized.getType()));
}
