//===- QSimFolds.cpp - qsim op folders ------------------------------------===//
//
// Folds that are exact in the integer semantics of the ops. The reverse
// round trip, dequantize(quantize(x)), loses information and never folds.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::qsim;

/// True when s * (q - z) computed in float32 and divided by s again (or
/// multiplied by its float32 reciprocal, as `scaling = reciprocal` does)
/// rounds back to q - z for every storage value: the scale must be a normal
/// float32 whose product with the largest |q - z| stays finite. The relative
/// error of the two float32 roundings is then far below 0.5 / 2^16.
static bool roundTripsExactly(const UniformQuantParams &params) {
  double maxSteps = static_cast<double>(params.storageMax - params.storageMin);
  if (maxSteps > 65535.0)
    return false;
  return llvm::all_of(params.scales, [&](double scale) {
    float s = static_cast<float>(scale);
    return std::isnormal(s) && static_cast<double>(s) * maxSteps < FLT_MAX;
  });
}

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  auto dequantize = getInput().getDefiningOp<DequantizeOp>();
  // quantize(dequantize(q)) is exactly q when the types match and the float32
  // round trip is exact; the reverse direction is lossy.
  if (!dequantize || dequantize.getInput().getType() != getType())
    return {};
  if (!roundTripsExactly(
          getUniformQuantParams(getUniformQuantElementType(getType()))))
    return {};
  return dequantize.getInput();
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // max(max(q, z), z) = max(q, z).
  if (auto inner = getInput().getDefiningOp<ReluOp>())
    return inner.getResult();
  return {};
}
