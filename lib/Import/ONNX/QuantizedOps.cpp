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

/// A uniform type on the full range of `storage`, expressed in f32: per
/// tensor when `axis` is empty, else with one scale and zero point per slice
/// of `axis`.
static quant::QuantizedType makeUniformType(IntegerType storage,
                                            ArrayRef<double> scales,
                                            ArrayRef<int64_t> zeroPoints,
                                            std::optional<int32_t> axis) {
  MLIRContext *context = storage.getContext();
  bool isSigned = !storage.isUnsigned();
  unsigned width = storage.getWidth();
  int64_t storageMin =
      quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
  int64_t storageMax =
      quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto storageType = IntegerType::get(context, width);
  Type f32 = Float32Type::get(context);
  if (!axis)
    return quant::UniformQuantizedType::get(flags, storageType, f32,
                                            scales.front(), zeroPoints.front(),
                                            storageMin, storageMax);
  return quant::UniformQuantizedPerAxisType::get(flags, storageType, f32,
                                                 scales, zeroPoints, *axis,
                                                 storageMin, storageMax);
}

/// The quantized element type that `scale`, `zeroPoint` and `axis` of a
/// QuantizeLinear or DequantizeLinear over `shape` define, or an error.
/// Without a zero point, QuantizeLinear produces uint8 (and
/// DequantizeLinear takes `storage`, the integer type of its input).
static FailureOr<quant::QuantizedType>
getQuantizedType(Importer &importer, const onnx::NodeProto &node,
                 ArrayRef<int64_t> shape, Type storage, int scaleIndex = 1,
                 std::optional<int64_t> fixedAxis = std::nullopt) {
  FailureOr<Value> scaleInput = importer.input(node, scaleIndex);
  FailureOr<Value> zeroPointInput =
      importer.input(node, scaleIndex + 1, /*optional=*/true);
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

  for (int64_t zero : zeroPoints)
    if (zero < quant::QuantizedType::getDefaultMinimumForInteger(isSigned,
                                                                 width) ||
        zero >
            quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width))
      return importer.fail("a zero point is outside the storage range");
  auto scaleType = cast<RankedTensorType>(scaleInput->getType());
  bool hasAxis = fixedAxis || importer.findAttribute(node, "axis");
  if (scaleType.getRank() == 0 ||
      (scaleType.getRank() == 1 && scaleType.getNumElements() == 1 &&
       !hasAxis) ||
      (fixedAxis && scaleType.getNumElements() == 1))
    return makeUniformType(integer, *scales, zeroPoints, std::nullopt);
  if (scaleType.getRank() != 1)
    return importer.fail("blocked quantization (a scale of rank > 1) is not "
                         "supported");
  FailureOr<int64_t> axis = fixedAxis ? FailureOr<int64_t>(*fixedAxis)
                                      : importer.getInt(node, "axis", 1);
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
  return makeUniformType(integer, *scales, zeroPoints, dim);
}

LogicalResult Importer::importQuantizeLinear(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input x");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  if (!type.getElementType().isF32())
    return fail("x must be a float32 tensor");
  if (findAttribute(node, "block_size"))
    return fail("blocked quantization is not supported");
  FailureOr<int64_t> saturate = getInt(node, "saturate", 1);
  if (failed(saturate))
    return failure();
  FailureOr<quant::QuantizedType> quantized =
      getQuantizedType(*this, node, type.getShape(), Type());
  if (failed(quantized))
    return failure();
  auto resultType = RankedTensorType::get(type.getShape(), *quantized);
  setOutput(node, 0, qsim::QuantizeOp::create(b, resultType, *x));
  return success();
}

/// DequantizeLinear of `x` with the scale and zero point at `scaleIndex`
/// and `scaleIndex + 1` of `node` (per `fixedAxis` when given, else per the
/// node's axis attribute).
static FailureOr<Value> dequantize(Importer &importer,
                                   const onnx::NodeProto &node, Value x,
                                   int scaleIndex,
                                   std::optional<int64_t> fixedAxis) {
  ImplicitLocOpBuilder &b = importer.builder();
  MLIRContext *context = b.getContext();
  FailureOr<RankedTensorType> type = importer.getStaticType(x, "input x");
  if (failed(type))
    return failure();
  Type element = type->getElementType();
  auto inputQuantized = dyn_cast<quant::QuantizedType>(element);
  Type storage = element;
  if (inputQuantized)
    storage =
        IntegerType::get(context, inputQuantized.getStorageTypeIntegralWidth(),
                         inputQuantized.isSigned() ? IntegerType::Signless
                                                   : IntegerType::Unsigned);
  FailureOr<quant::QuantizedType> quantized = getQuantizedType(
      importer, node, type->getShape(), storage, scaleIndex, fixedAxis);
  if (failed(quantized))
    return failure();
  auto floatType = RankedTensorType::get(type->getShape(), b.getF32Type());
  auto quantizedType = RankedTensorType::get(type->getShape(), *quantized);

  if (inputQuantized) {
    if (inputQuantized != *quantized)
      return importer.fail(
          "x was quantized with another scale or zero point than this "
          "dequantization's; requantizing between them is not supported");
    return Value(qsim::DequantizeOp::create(b, floatType, x));
  }
  // Constant integers: fold to their float values s * (q - z).
  if (DenseElementsAttr elements = importer.getConstant(x)) {
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
    Value weights = importer.createConstant(
        DenseElementsAttr::get(floatType, ArrayRef(values)));
    // The front end quantizes these back with the model's own scales and
    // zero points (an int32 bias comes back from the layer's scales).
    if (quantized->getStorageTypeIntegralWidth() == 8)
      weights.getDefiningOp()->setAttr(qsim::kQuantizedAsAttrName,
                                       TypeAttr::get(*quantized));
    return weights;
  }
  // Integers given at run time: a graph input becomes an argument of the
  // quantized type itself, whose storage integers qsim-run reads.
  auto argument = dyn_cast<BlockArgument>(x);
  if (!argument || !isa<func::FuncOp>(argument.getOwner()->getParentOp()))
    return importer.fail("x must be a graph input, a constant, or the "
                         "output of a QuantizeLinear");
  if (!argument.use_empty())
    return importer.fail("a graph input read as integers elsewhere cannot "
                         "be dequantized too");
  argument.setType(quantizedType);
  return Value(qsim::DequantizeOp::create(b, floatType, argument));
}

LogicalResult Importer::importDequantizeLinear(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  if (findAttribute(node, "block_size"))
    return fail("blocked quantization is not supported");
  FailureOr<Value> result = dequantize(*this, node, *x, 1, std::nullopt);
  if (failed(result))
    return failure();
  setOutput(node, 0, *result);
  return success();
}

/// Imports `opType` on `inputs` with the attributes of `node`, through a
/// node of its own, and returns its output.
static FailureOr<Value> importAs(Importer &importer,
                                 const onnx::NodeProto &node, StringRef opType,
                                 ArrayRef<Value> inputs) {
  onnx::NodeProto inner;
  inner.set_op_type(opType.str());
  inner.set_name(node.name());
  *inner.mutable_attribute() = node.attribute();
  for (auto [index, value] : llvm::enumerate(inputs)) {
    std::string name =
        value ? "\x01" + node.name() + "." + std::to_string(index) : "";
    inner.add_input(name);
    if (value)
      importer.bindValue(name, value);
  }
  std::string output = "\x01" + node.name() + ".output";
  inner.add_output(output);
  if (failed(opType == "Conv" ? importer.importConv(inner)
                              : importer.importMatMul(inner)))
    return failure();
  return importer.lookupValue(output);
}

/// QLinearConv and QLinearMatMul: dequantize the operands with their
/// scales and zero points, compute in float, quantize the result. The front
/// end then rewrites the float op between the pairs into the integer op
/// with the file's integers, as for a QDQ model.
static LogicalResult importQLinear(Importer &importer,
                                   const onnx::NodeProto &node,
                                   StringRef opType) {
  ImplicitLocOpBuilder &b = importer.builder();
  FailureOr<Value> x = importer.input(node, 0), w = importer.input(node, 3);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<RankedTensorType> wType = importer.getStaticType(*w, "weights");
  if (failed(wType))
    return failure();
  // A conv's weights are per output channel (axis 0), a matmul's per column.
  std::optional<int64_t> weightAxis =
      opType == "Conv" ? 0 : std::max<int64_t>(wType->getRank() - 1, 0);
  FailureOr<Value> dx = dequantize(importer, node, *x, 1, std::nullopt);
  if (failed(dx))
    return failure();
  FailureOr<Value> dw = dequantize(importer, node, *w, 4, weightAxis);
  if (failed(dw))
    return failure();
  SmallVector<Value> operands = {*dx, *dw};
  if (opType == "Conv") {
    FailureOr<Value> bias = importer.input(node, 8, /*optional=*/true);
    if (failed(bias))
      return failure();
    if (*bias) {
      // The int32 bias is at the scale s_x * s_w of each output channel.
      FailureOr<SmallVector<int64_t>> values =
          importer.getConstantInts(*bias, "the bias");
      FailureOr<SmallVector<double>> xScale =
          importer.getConstantFloats(*importer.input(node, 1), "x_scale");
      FailureOr<SmallVector<double>> wScale =
          importer.getConstantFloats(*importer.input(node, 4), "w_scale");
      if (failed(values) || failed(xScale) || failed(wScale))
        return failure();
      if (xScale->size() != 1 ||
          (wScale->size() != 1 && wScale->size() != values->size()))
        return importer.fail("the bias does not match the scales");
      SmallVector<float> floats;
      for (auto [channel, value] : llvm::enumerate(*values)) {
        float scale =
            static_cast<float>(xScale->front()) *
            static_cast<float>((*wScale)[wScale->size() == 1 ? 0 : channel]);
        floats.push_back(static_cast<float>(value) * scale);
      }
      auto biasType =
          RankedTensorType::get({int64_t(floats.size())}, b.getF32Type());
      operands.push_back(importer.createConstant(
          DenseElementsAttr::get(biasType, ArrayRef(floats))));
    }
  }
  FailureOr<Value> result = importAs(importer, node, opType, operands);
  if (failed(result))
    return failure();
  auto resultType = cast<RankedTensorType>(result->getType());
  FailureOr<quant::QuantizedType> outputType =
      getQuantizedType(importer, node, resultType.getShape(), Type(), 6);
  if (failed(outputType))
    return failure();
  importer.setOutput(
      node, 0,
      qsim::QuantizeOp::create(b, resultType.clone(*outputType), *result));
  return success();
}

LogicalResult Importer::importQLinearConv(const onnx::NodeProto &node) {
  return importQLinear(*this, node, "Conv");
}

LogicalResult Importer::importQLinearMatMul(const onnx::NodeProto &node) {
  return importQLinear(*this, node, "MatMul");
}

//===----------------------------------------------------------------------===//
// ConvInteger, MatMulInteger
//===----------------------------------------------------------------------===//

/// Operand `index` of an integer op (u8 or i8) as a tensor of the type that
/// reads it with scale 1 and the zero point at `zeroIndex` (one value, or
/// one per slice of `axis` when `allowPerAxis`): a graph input becomes an
/// argument of that type, a constant its storage cast.
static FailureOr<Value> getIntegerOperand(Importer &importer,
                                          const onnx::NodeProto &node,
                                          int index, int zeroIndex,
                                          int32_t axis, bool allowPerAxis) {
  ImplicitLocOpBuilder &b = importer.builder();
  FailureOr<TypedValue<RankedTensorType>> value =
      importer.staticInput(node, index, "an integer operand");
  FailureOr<Value> zeroInput =
      importer.input(node, zeroIndex, /*optional=*/true);
  if (failed(value) || failed(zeroInput))
    return failure();
  RankedTensorType type = value->getType();
  auto storage = dyn_cast<IntegerType>(type.getElementType());
  if (!storage || storage.getWidth() != 8)
    return importer.fail("the operands must be uint8 or int8 tensors");
  SmallVector<int64_t> zeroPoints = {0};
  if (*zeroInput) {
    FailureOr<SmallVector<int64_t>> values = importer.getConstantInts(
        *zeroInput, "the zero point (qsim needs it at compile time)");
    if (failed(values))
      return failure();
    zeroPoints = *values;
    auto zeroType = cast<RankedTensorType>(zeroInput->getType());
    if (zeroType.getElementType() != storage)
      return importer.fail("a zero point's type differs from its operand's");
    if (storage.isUnsigned())
      for (int64_t &zero : zeroPoints)
        zero &= 0xff;
  }
  if (zeroPoints.size() != 1 &&
      (!allowPerAxis ||
       static_cast<int64_t>(zeroPoints.size()) != type.getDimSize(axis)))
    return importer.fail("a zero point must be one value (or one per output "
                         "channel of the weights)");
  // Scale 1: the quantized type only carries the zero points.
  SmallVector<double> scales(zeroPoints.size(), 1.0);
  quant::QuantizedType quantized = makeUniformType(
      storage, scales, zeroPoints,
      zeroPoints.size() == 1 ? std::nullopt : std::optional<int32_t>(axis));
  auto quantizedType = RankedTensorType::get(type.getShape(), quantized);
  if (DenseElementsAttr elements = importer.getConstant(*value)) {
    // quant.scast reads signless storage: a uint8 constant is recast.
    Value raw = *value;
    if (storage.isUnsigned())
      raw = importer.createConstant(
          elements.bitcast(IntegerType::get(b.getContext(), 8)));
    return Value(quant::StorageCastOp::create(b, quantizedType, raw));
  }

  auto argument = dyn_cast<BlockArgument>(Value(*value));
  if (!argument || !argument.use_empty())
    return importer.fail("an integer operand must be a constant or a graph "
                         "input read only by this op");
  argument.setType(quantizedType);
  return Value(argument);
}

/// The int32 accumulator type of an integer op: scale 1 (per output channel
/// on `axis` when the weights have several zero points).
static Type getAccumulatorType(MLIRContext *context, Type weights,
                               int32_t axis) {
  auto i32 = IntegerType::get(context, 32);
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(weights);
  size_t channels = perAxis ? perAxis.getScales().size() : 1;
  SmallVector<double> scales(channels, 1.0);
  SmallVector<int64_t> zeros(channels, 0);
  return makeUniformType(i32, scales, zeros,
                         perAxis ? std::optional<int32_t>(axis) : std::nullopt);
}

LogicalResult Importer::importConvInteger(const onnx::NodeProto &node) {
  FailureOr<Value> x = getIntegerOperand(*this, node, 0, 2, 0, false);
  if (failed(x))
    return failure();
  FailureOr<Value> w = getIntegerOperand(*this, node, 1, 3, 0, true);
  if (failed(w))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  auto wType = cast<RankedTensorType>(w->getType());
  if (xType.getRank() != 4 || wType.getRank() != 4)
    return fail("only 2-D (NCHW) ConvInteger is supported");
  FailureOr<int64_t> groups = getInt(node, "group", 1);
  if (failed(groups))
    return failure();
  int64_t channels = xType.getDimSize(1), filters = wType.getDimSize(0);
  if (*groups < 1 || channels % *groups || filters % *groups ||
      wType.getDimSize(1) * *groups != channels)
    return fail("w's shape does not match x's " + Twine(channels) +
                " channels in " + Twine(*groups) + " groups");
  FailureOr<Window> window =
      readWindow(*this, node, xType.getShape(), wType.getShape().drop_front(2),
                 /*allowCeilMode=*/false);
  if (failed(window))
    return failure();
  SmallVector<int64_t> shape = {xType.getDimSize(0), filters,
                                window->outputSizes[0], window->outputSizes[1]};
  Type accType = getAccumulatorType(&context, wType.getElementType(), 1);
  Value acc = qsim::Conv2DOp::create(
      b, RankedTensorType::get(shape, accType), *x, *w, Value(),
      window->strides,
      {window->low[0], window->low[1], window->high[0], window->high[1]},
      window->dilations, *groups);
  setOutput(node, 0,
            quant::StorageCastOp::create(
                b, RankedTensorType::get(shape, b.getI32Type()), acc));
  return success();
}

LogicalResult Importer::importMatMulInteger(const onnx::NodeProto &node) {
  FailureOr<Value> a = getIntegerOperand(*this, node, 0, 2, 0, false);
  if (failed(a))
    return failure();
  // B is [K, N]; qsim.linear reads weights as [N, K], so a constant B with a
  // zero point per column is transposed here, any other B as quantized
  // values.
  FailureOr<TypedValue<RankedTensorType>> bInput =
      staticInput(node, 1, "input B");
  if (failed(bInput))
    return failure();
  auto aType = cast<RankedTensorType>(a->getType());
  RankedTensorType bType = bInput->getType();
  if (aType.getRank() != 2 || bType.getRank() != 2 ||
      aType.getDimSize(1) != bType.getDimSize(0))
    return fail("only 2-D MatMulInteger of [M, K] by [K, N] is supported");
  Value weights;
  if (DenseElementsAttr elements = getConstant(*bInput)) {
    // Transpose the constant's elements, then read them as [N, K].
    int64_t rows = bType.getDimSize(0), columns = bType.getDimSize(1);
    SmallVector<APInt> values = llvm::to_vector(elements.getValues<APInt>());
    SmallVector<APInt> transposed;
    for (int64_t n = 0; n < columns; ++n)
      for (int64_t k = 0; k < rows; ++k)
        transposed.push_back(values[k * columns + n]);
    auto transposedType =
        RankedTensorType::get({columns, rows}, bType.getElementType());
    bindValue(
        "\x01" + node.name() + ".weights",
        createConstant(DenseElementsAttr::get(transposedType, transposed)));
    onnx::NodeProto inner = node;
    inner.set_input(1, "\x01" + node.name() + ".weights");
    FailureOr<Value> w = getIntegerOperand(*this, inner, 1, 3, 0, true);
    if (failed(w))
      return failure();
    weights = *w;
  } else {
    FailureOr<Value> w = getIntegerOperand(*this, node, 1, 3, 1, false);
    if (failed(w))
      return failure();
    weights = createTranspose(*w, {1, 0});
  }
  auto weightType = cast<RankedTensorType>(weights.getType());
  SmallVector<int64_t> shape = {aType.getDimSize(0), weightType.getDimSize(0)};
  Type accType = getAccumulatorType(&context, weightType.getElementType(), 1);
  Value acc = qsim::LinearOp::create(b, RankedTensorType::get(shape, accType),
                                     *a, weights, Value());
  setOutput(node, 0,
            quant::StorageCastOp::create(
                b, RankedTensorType::get(shape, b.getI32Type()), acc));
  return success();
}
