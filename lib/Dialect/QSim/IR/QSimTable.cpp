//===- QSimTable.cpp - building qsim.table entries ------------------------===//
//
// Evaluates an elementwise real function at every code of an 8-bit (or
// narrower) quantized type and quantizes the results: the entries of a
// qsim.table.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimTable.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

using namespace mlir;
using namespace mlir::qsim;

FailureOr<DenseIntElementsAttr>
mlir::qsim::buildTable(quant::UniformQuantizedType in,
                       quant::UniformQuantizedType out,
                       llvm::function_ref<FailureOr<float>(float)> fn) {
  unsigned width = in.getStorageTypeIntegralWidth();
  if (width > 8 || out.getStorageTypeIntegralWidth() > 16)
    return failure();
  // Every code of the storage type, not only of a narrow range: quant.scast
  // does not check the range, so the table covers whatever the input holds.
  int64_t first =
      quant::QuantizedType::getDefaultMinimumForInteger(in.isSigned(), width);
  int64_t size = int64_t(1) << width;
  float inScale = static_cast<float>(in.getScale());
  int64_t inZero = in.getZeroPoint();
  SmallVector<int32_t> entries;
  entries.reserve(size);
  for (int64_t q = first; q < first + size; ++q) {
    // qsim.dequantize's float32 arithmetic: the integer q - z is exact in
    // float32 for at most 9 bits.
    float real = static_cast<float>(q - inZero) * inScale;
    FailureOr<float> mapped = fn(real);
    if (failed(mapped))
      return failure();
    entries.push_back(static_cast<int32_t>(
        quantizeValue(*mapped, out.getScale(), out.getZeroPoint(),
                      out.getStorageTypeMin(), out.getStorageTypeMax())));
  }
  auto type =
      RankedTensorType::get({size}, IntegerType::get(in.getContext(), 32));
  return DenseIntElementsAttr::get(type, ArrayRef<int32_t>(entries));
}
