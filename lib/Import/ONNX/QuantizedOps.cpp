//===- QuantizedOps.cpp - ONNX QuantizeLinear and DequantizeLinear --------===//
//
// An already-quantized (QDQ) model keeps its own numbers: QuantizeLinear
// with constant scales and zero points becomes qsim.quantize to the
// !quant.uniform type they define (per tensor, or per axis), and
// DequantizeLinear qsim.dequantize. The front end then rewrites each float
// op between such pairs into integer qsim ops, as it does after
// calibration. A DequantizeLinear of constant integers (the weights and
// biases quantize_static writes) is folded to the float values
// s * (q - z), marked with the type they came from (qsim.quantized_as), so
// that the front end quantizes them back to the same integers.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "qsim/Dialect/QSim/IR/QSimOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qsim::onnx_import;

/// The quantized element type that `scale`, `zeroPoint` and `axis` of a
/// QuantizeLinear or DequantizeLinear over `shape` define, or an error.
/// Without a zero point, QuantizeLinear produces uint8 (and
/// DequantizeLinear takes `storage`, the integer type of its input).
static FailureOr<quant::QuantizedType>
getQuantizedType(Importer &importer, const onnx::NodeProto &node,
                 ArrayRef<int64_t> shape, Type storage) {
  FailureOr<Value> scaleInput = importer.input(node, 1);
  FailureOr<Value> zeroPointInput = importer.input(node, 2, /*optional=*/true);
  if (failed(scaleInput) || failed(zeroPointInput))
    return failure();
  FailureOr<SmallVector<double>> scales = importer.getConstantFloats(
      *scaleInput, "the scale (qsim needs the scales of a quantized model at "
                   "compile time)");
  if (failed(scales))
    return failure();
  SmallVector<int64_t> zeroPoints;
  if (*zeroPointInput) {
    auto zeroType = dyn_cast<RankedTensorType>(zeroPointInput->getType());
    if (zeroType)
      storage = zeroType.getElementType();
    FailureOr<SmallVector<int64_t>> values = importer.getConstantInts(
        *zeroPointInput, "the zero point (qsim needs it at compile time)");
    if (failed(values))
      return failure();
    zeroPoints = *values;
    // getConstantInts reads uint8 as signed: undo that.
    if (storage.isUnsignedInteger(8))
      for (int64_t &zero : zeroPoints)
        zero &= 0xff;
  }
  if (!storage)
    storage = importer.builder().getIntegerType(8, /*isSigned=*/false);
  auto integer = dyn_cast<IntegerType>(storage);
  bool isSigned = integer && !integer.isUnsigned();
  unsigned width = integer ? integer.getWidth() : 0;
  if (!integer || !(width == 8 || (width == 32 && isSigned)))
    return importer.fail("only uint8, int8 and (for DequantizeLinear) int32 "
                         "quantized values are supported");
  if (!*zeroPointInput)
    zeroPoints.assign(scales->size(), 0);
  if (zeroPoints.size() != scales->size())
    return importer.fail("the scale and the zero point differ in size");
  for (double scale : *scales)
    if (!(scale > 0) || !std::isfinite(scale))
      return importer.fail("a scale is not a positive finite number");

  int64_t storageMin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t storageMax = isSigned ? (int64_t(1) << (width - 1)) - 1
                                : (int64_t(1) << width) - 1;
  for (int64_t zero : zeroPoints)
    if (zero < storageMin || zero > storageMax)
      return importer.fail("a zero point is outside the storage range");
  MLIRContext *context = importer.builder().getContext();
  auto storageType = IntegerType::get(context, width);
  Type expressed = Float32Type::get(context);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto scaleType = cast<RankedTensorType>(scaleInput->getType());
  if (scaleType.getRank() == 0 ||
      (scaleType.getRank() == 1 && scaleType.getNumElements() == 1 &&
       !importer.findAttribute(node, "axis")))
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, storageType, expressed, scales->front(), zeroPoints.front(),
        storageMin, storageMax));
  if (scaleType.getRank() != 1)
    return importer.fail("blocked quantization (a scale of rank > 1) is not "
                         "supported");
  FailureOr<int64_t> axis = importer.getInt(node, "axis", 1);
  if (failed(axis))
    return failure();
  int64_t rank = shape.size();
  if (*axis < -rank || *axis >= rank)
    return importer.fail("axis " + Twine(*axis) + " is out of range for rank " +
                         Twine(rank));
  int64_t dim = *axis < 0 ? *axis + rank : *axis;
  if (shape[dim] != static_cast<int64_t>(scales->size()))
    return importer.fail("the scale has " + Twine(scales->size()) +
                         " values, but dimension " + Twine(dim) + " has " +
                         Twine(shape[dim]));
  return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
      flags, storageType, expressed, *scales, zeroPoints, dim, storageMin,
      storageMax));
}

LogicalResult Importer::importQuantizeLinear(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getStaticType(*x, "input x");
  if (failed(type))
    return failure();
  if (!type->getElementType().isF32())
    return fail("x must be a float32 tensor");
  if (findAttribute(node, "block_size"))
    return fail("blocked quantization is not supported");
  FailureOr<int64_t> saturate = getInt(node, "saturate", 1);
  if (failed(saturate))
    return failure();
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(*this, node, type->getShape(), Type());
  if (failed(quantized))
    return failure();
  auto resultType = RankedTensorType::get(type->getShape(), *quantized);
  setOutput(node, 0, qsim::QuantizeOp::create(b, resultType, *x));
  return success();
}

LogicalResult Importer::importDequantizeLinear(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getStaticType(*x, "input x");
  if (failed(type))
    return failure();
  if (findAttribute(node, "block_size"))
    return fail("blocked quantization is not supported");
  Type element = type->getElementType();
  auto inputQuantized = dyn_cast<quant::QuantizedType>(element);
  Type storage = element;
  if (inputQuantized)
    storage = IntegerType::get(&context,
                               inputQuantized.getStorageTypeIntegralWidth(),
                               inputQuantized.isSigned()
                                   ? IntegerType::Signless
                                   : IntegerType::Unsigned);
  else if (element.isSignlessInteger(8) || element.isSignlessInteger(32))
    storage = element;
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(*this, node, type->getShape(), storage);
  if (failed(quantized))
    return failure();
  auto floatType = RankedTensorType::get(type->getShape(), b.getF32Type());
  auto quantizedType = RankedTensorType::get(type->getShape(), *quantized);

  if (inputQuantized) {
    if (inputQuantized != *quantized)
      return fail("x was quantized with another scale or zero point than "
                  "this DequantizeLinear's; requantizing between them is not "
                  "supported");
    setOutput(node, 0, qsim::DequantizeOp::create(b, floatType, *x));
    return success();
  }
  // Constant integers: fold to their float values s * (q - z).
  if (DenseElementsAttr elements = getConstant(*x)) {
    auto uniform = dyn_cast<quant::UniformQuantizedType>(*quantized);
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(*quantized);
    bool isUnsigned = element.isUnsignedInteger();
    ArrayRef<int64_t> shape = type->getShape();
    int64_t inner = 1;
    if (perAxis)
      for (size_t dim = perAxis.getQuantizedDimension() + 1; dim < shape.size();
           ++dim)
        inner *= shape[dim];
    SmallVector<float> values;
    int64_t index = 0;
    for (const APInt &value : elements.getValues<APInt>()) {
      int64_t q = isUnsigned ? value.getZExtValue() : value.getSExtValue();
      double scale;
      int64_t zero;
      if (uniform) {
        scale = uniform.getScale();
        zero = uniform.getZeroPoint();
      } else {
        int64_t channel =
            (index / inner) % shape[perAxis.getQuantizedDimension()];
        scale = perAxis.getScales()[channel];
        zero = perAxis.getZeroPoints()[channel];
      }
      // As ONNX: (q - z) in integers, times the float32 scale in float32.
      values.push_back(static_cast<float>(q - zero) *
                       static_cast<float>(scale));
      ++index;
    }
    Value weights =
        createConstant(DenseElementsAttr::get(floatType, ArrayRef(values)));
    // The front end quantizes these back with the model's own scales and
    // zero points (an int32 bias comes back from the layer's scales).
    if (quantized->getStorageTypeIntegralWidth() == 8)
      weights.getDefiningOp()->setAttr(qsim::kQuantizedAsAttrName,
                                       TypeAttr::get(*quantized));
    setOutput(node, 0, weights);
    return success();
  }
  // Integers computed at run time (a graph input): reinterpret them as the
  // quantized type's storage, then dequantize.
  Value storageValue = *x;
  if (element.isUnsignedInteger())
    storageValue = tensor::BitcastOp::create(
        b, RankedTensorType::get(type->getShape(),
                                 IntegerType::get(&context,
                                                  element.getIntOrFloatBitWidth())),
        storageValue);
  Value cast = quant::StorageCastOp::create(b, quantizedType, storageValue);
  setOutput(node, 0, qsim::DequantizeOp::create(b, floatType, cast));
  return success();
}
