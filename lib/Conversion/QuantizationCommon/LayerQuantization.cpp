//===- LayerQuantization.cpp - shared pieces of the float-to-qsim rewrite -===//
//
// The integer form of a conv/linear layer is the same whichever dialect the
// float layer came from: weights quantized at compile time (per output
// channel or per tensor), the bias at the accumulator scale, the typed
// accumulator, requantization to the output range and the fused activation.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Dialect/QSim/IR/FixedPoint.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qsim;

//===----------------------------------------------------------------------===//
// LayerWeights
//===----------------------------------------------------------------------===//

LayerWeights LayerWeights::getSplat(float value, int64_t count) {
  LayerWeights weights;
  weights.count = count;
  weights.splat = value;
  return weights;
}

LayerWeights LayerWeights::getDense(ArrayRef<float> data,
                                    ArrayRef<int64_t> sourceShape,
                                    ArrayRef<int64_t> permutation) {
  LayerWeights weights;
  weights.count = data.size();
  weights.data = data;
  weights.sourceShape.assign(sourceShape.begin(), sourceShape.end());
  // An identity permutation reads the data in order.
  bool identity = true;
  for (auto [index, dim] : llvm::enumerate(permutation))
    identity &= static_cast<int64_t>(index) == dim;
  if (!identity)
    weights.permutation.assign(permutation.begin(), permutation.end());
  return weights;
}

void LayerWeights::forEach(llvm::function_ref<void(float)> fn) const {
  if (splat) {
    for (int64_t i = 0; i < count; ++i)
      fn(*splat);
    return;
  }
  if (permutation.empty()) {
    for (float value : data)
      fn(value);
    return;
  }
  // Walk the permuted shape like an odometer, keeping the source offset.
  size_t rank = permutation.size();
  SmallVector<int64_t> sourceStrides(rank, 1);
  for (size_t d = rank - 1; d > 0; --d)
    sourceStrides[d - 1] = sourceStrides[d] * sourceShape[d];
  SmallVector<int64_t> sizes, strides, index(rank, 0);
  for (int64_t dim : permutation) {
    sizes.push_back(sourceShape[dim]);
    strides.push_back(sourceStrides[dim]);
  }
  int64_t offset = 0;
  for (int64_t n = 0; n < count; ++n) {
    fn(data[offset]);
    for (size_t d = rank; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < sizes[d])
        break;
      offset -= strides[d] * sizes[d];
      index[d] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Descriptions for the analyses
//===----------------------------------------------------------------------===//

StringRef FloatIntegerOp::getKindName() const {
  switch (kind) {
  case Kind::Add:
    return "add";
  case Kind::Mul:
    return "mul";
  case Kind::AvgPool:
    return "avgpool";
  case Kind::Concat:
    return "concat";
  case Kind::Table:
    return "table";
  }
  llvm_unreachable("unknown kind");
}

QuantizableOp mlir::qsim::describeLayer(const FloatLayer &layer) {
  QuantizableOp result;
  result.anchor = layer.anchor;
  result.kind = layer.kind == LayerKind::Conv2D ? "conv" : "linear";
  result.inputs.push_back(layer.input);
  result.output = layer.output;
  result.absorbed = layer.epilogue;
  return result;
}

QuantizableOp mlir::qsim::describeIntegerOp(const FloatIntegerOp &op) {
  QuantizableOp result;
  result.anchor = op.anchor;
  result.kind = op.getKindName().str();
  for (Value operand : op.operands)
    if (!readConstantFloats(operand))
      result.inputs.push_back(operand);
  result.output = op.output;
  result.absorbed = op.epilogue;
  return result;
}

//===----------------------------------------------------------------------===//
// QuantizationState
//===----------------------------------------------------------------------===//

std::string QuantizationState::getName(Operation *anchor,
                                       StringRef kind) const {
  auto it = names.find(anchor);
  if (it != names.end())
    return it->second;
  return getLocName(anchor).value_or(kind.str());
}

void QuantizationState::decline(Operation *op, const Twine &reason) {
  declined[op] = reason.str();
}

std::optional<std::string>
QuantizationState::getDeclineReason(Operation *op) const {
  auto it = declined.find(op);
  if (it == declined.end())
    return std::nullopt;
  return it->second;
}

LogicalResult mlir::qsim::declineMatch(PatternRewriter &rewriter, Operation *op,
                                       QuantizationState &state,
                                       const Twine &reason) {
  std::string text = reason.str();
  state.decline(op, text);
  return rewriter.notifyMatchFailure(op, text);
}

//===----------------------------------------------------------------------===//
// Float constants
//===----------------------------------------------------------------------===//

std::optional<ConstantFloats> mlir::qsim::readConstantFloats(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  // Reshapes keep the row-major order of the elements.
  Value source = value;
  while (Operation *op = source.getDefiningOp()) {
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
             tosa::ReshapeOp>(op))
      break;
    source = op->getOperand(0);
  }
  Attribute attr;
  if (auto constant = source.getDefiningOp<arith::ConstantOp>())
    attr = constant.getValue();
  else if (auto constant = source.getDefiningOp<tosa::ConstOp>())
    attr = constant.getValuesAttr();
  if (!attr)
    return std::nullopt;
  ConstantFloats result;
  result.shape.assign(type.getShape().begin(), type.getShape().end());
  result.count = type.getNumElements();
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    if (dense.isSplat()) {
      result.splat = dense.getSplatValue<float>();
      return result;
    }
    // Non-splat f32 elements are stored as a contiguous float array.
    ArrayRef<char> raw = dense.getRawData();
    result.data = ArrayRef<float>(reinterpret_cast<const float *>(raw.data()),
                                  raw.size() / sizeof(float));
  } else if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    result.data = *data;
  } else {
    return std::nullopt;
  }
  if (static_cast<int64_t>(result.data.size()) != result.count)
    return std::nullopt;
  return result;
}

bool mlir::qsim::getConstantFloats(Value value, SmallVector<float> &values,
                                   SmallVector<int64_t> &shape) {
  std::optional<ConstantFloats> constant = readConstantFloats(value);
  if (!constant)
    return false;
  shape = constant->shape;
  if (constant->splat)
    values.assign(constant->count, *constant->splat);
  else
    values.assign(constant->data.begin(), constant->data.end());
  return true;
}

bool mlir::qsim::getConstantWeights(Value value, LayerWeights &weights,
                                    SmallVector<int64_t> &shape,
                                    ArrayRef<int64_t> permutation) {
  std::optional<ConstantFloats> constant = readConstantFloats(value);
  if (!constant ||
      (!permutation.empty() && permutation.size() != constant->shape.size()))
    return false;
  shape = constant->shape;
  if (constant->splat)
    weights = LayerWeights::getSplat(*constant->splat, constant->count);
  else
    weights = LayerWeights::getDense(constant->data, shape, permutation);
  // An imported QDQ model's weights keep the model's own quantization when
  // its axis is the layer's output channel, which qsim's layout puts first.
  Value source = value;
  while (Operation *op = source.getDefiningOp()) {
    if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp>(
            op))
      break;
    source = op->getOperand(0);
  }
  if (Operation *op = source.getDefiningOp()) {
    auto given = op->getAttrOfType<TypeAttr>(kQuantizedAsAttrName);
    auto type = given ? dyn_cast<quant::QuantizedType>(given.getValue())
                      : quant::QuantizedType();
    int64_t outputDim = permutation.empty() ? 0 : permutation.front();
    if (auto perAxis =
            dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(type)) {
      if (perAxis.getQuantizedDimension() == outputDim && source == value)
        weights.setQuantizedAs(perAxis);
    } else if (isa_and_nonnull<quant::UniformQuantizedType>(type)) {
      weights.setQuantizedAs(type);
    }
  }
  return true;
}

std::optional<double> mlir::qsim::getFloatConstant(Value value) {
  FloatAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr.getValueAsDouble();
  std::optional<ConstantFloats> constant = readConstantFloats(value);
  if (constant && constant->splat)
    return *constant->splat;
  if (constant && constant->count == 1)
    return constant->data.front();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The quantized values around a float op
//===----------------------------------------------------------------------===//

FailureOr<Value> mlir::qsim::getQuantizedActivation(Value value) {
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return failure();
  quant::QuantizedType type =
      getUniformQuantElementType(dequantize.getInput().getType());
  if (!isa_and_nonnull<quant::UniformQuantizedType>(type) ||
      type.getStorageTypeIntegralWidth() > 16)
    return failure();
  return dequantize.getInput();
}

std::string mlir::qsim::describeUnquantizedInput(Value value) {
  if (auto dequantize = value.getDefiningOp<DequantizeOp>())
    return "its input is a per-axis or wider than 16-bit quantized value";
  return "its input has no calibrated range (not a function argument, "
         "a quantized op's output, or a range the statistics give)";
}

QuantizeOp mlir::qsim::getOutputQuantize(Value output) {
  if (!output.hasOneUse())
    return {};
  return dyn_cast<QuantizeOp>(*output.getUsers().begin());
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

quant::UniformQuantizedType
mlir::qsim::makeQuantizedType(MLIRContext *ctx, const StorageFormat &format,
                              const AffineParams &params) {
  unsigned flags = format.isSigned ? quant::QuantizationFlags::Signed : 0;
  return quant::UniformQuantizedType::get(
      flags, IntegerType::get(ctx, format.bits), Float32Type::get(ctx),
      params.scale, params.zeroPoint, params.qmin, params.qmax);
}

/// How TFLite's optimized kernels requantize `layer`: CONV_2D and
/// FULLY_CONNECTED run through ruy, which rounds once; DEPTHWISE_CONV_2D
/// through gemmlowp's two roundings.
static RoundingMode getTfliteRuntimeRounding(const FloatLayer &layer) {
  bool depthwise = layer.kind == LayerKind::Conv2D && layer.groups > 1 &&
                   layer.weightShape[1] == 1;
  return depthwise ? RoundingMode::TfliteDouble : RoundingMode::TfliteSingle;
}

std::string mlir::qsim::describeValidScaleRange() {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "the normal f32 range [" << std::numeric_limits<float>::min() << ", "
     << std::numeric_limits<float>::max() << "]";
  return text;
}

Value mlir::qsim::transposeTensor(OpBuilder &b, Location loc, Value value,
                                  ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  SmallVector<OpFoldResult> permuted;
  for (int64_t dim : permutation)
    permuted.push_back(sizes[dim]);
  Value init = tensor::EmptyOp::create(b, loc, permuted, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, permutation)
      .getResult()[0];
}

FailureOr<LayerBetweenRanges> mlir::qsim::matchLayerBetweenRanges(
    PatternRewriter &rewriter, Operation *anchor,
    FailureOr<FloatLayer> (*matchLayer)(Operation *, std::string &),
    QuantizationState &state) {
  std::string reason;
  FailureOr<FloatLayer> layer = matchLayer(anchor, reason);
  if (failed(layer))
    return declineMatch(rewriter, anchor, state, reason);
  FailureOr<Value> input = getQuantizedActivation(layer->input);
  if (failed(input))
    return declineMatch(rewriter, anchor, state,
                        describeUnquantizedInput(layer->input));
  QuantizeOp outputQuantize = getOutputQuantize(layer->output);
  if (!outputQuantize)
    return declineMatch(rewriter, anchor, state,
                        "its output has no calibrated range");
  return LayerBetweenRanges{std::move(*layer), *input, outputQuantize};
}

void mlir::qsim::replaceBetweenRanges(PatternRewriter &rewriter,
                                      QuantizeOp outputQuantize, Value result,
                                      ArrayRef<Operation *> epilogue,
                                      Operation *anchor) {
  rewriter.replaceOp(outputQuantize, result);
  // Users before producers: the last epilogue op first, the anchor last.
  SmallVector<Operation *> chain(llvm::reverse(epilogue));
  chain.push_back(anchor);
  for (Operation *op : chain)
    if (op->use_empty())
      rewriter.eraseOp(op);
}

LogicalResult mlir::qsim::checkFloatLayer(const FloatLayer &layer,
                                          std::string &reason) {
  auto inputType = dyn_cast<RankedTensorType>(layer.input.getType());
  if (!inputType || !inputType.getElementType().isF32()) {
    reason = "its input is not an f32 tensor";
    return failure();
  }
  if (layer.weights.empty()) {
    reason = "it has no weights";
    return failure();
  }
  return success();
}

std::pair<IntegerAttr, IntegerAttr>
mlir::qsim::getStorageClampBounds(Builder &builder, quant::QuantizedType type,
                                  double lo, double hi, bool halfAway) {
  auto uniform = cast<quant::UniformQuantizedType>(type);
  int64_t qmin = uniform.getStorageTypeMin();
  int64_t qmax = uniform.getStorageTypeMax();
  auto bound = [&](double real, int64_t storageBound) -> IntegerAttr {
    if (!std::isfinite(real))
      return {};
    int64_t code = quantizeValue(static_cast<float>(real), uniform.getScale(),
                                 uniform.getZeroPoint(), qmin, qmax,
                                 /*byReciprocal=*/false, halfAway);
    return code == storageBound ? IntegerAttr()
                                : builder.getI64IntegerAttr(code);
  };
  return {bound(lo, qmin), bound(hi, qmax)};
}

Value mlir::qsim::buildAvgPool2D(PatternRewriter &rewriter, Location loc,
                                 RankedTensorType poolType, Value input,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> padding,
                                 bool countIncludePad,
                                 QuantizationTarget target) {
  auto buildPool = [&](RankedTensorType type) {
    return AvgPool2DOp::create(rewriter, loc, type, input, kernel, strides,
                               padding, countIncludePad);
  };
  if (target == QuantizationTarget::Tosa) {
    quant::QuantizedType inputType =
        getUniformQuantElementType(input.getType());
    quant::QuantizedType outputType = getUniformQuantElementType(poolType);
    UniformQuantParams in = getUniformQuantParams(inputType);
    double ratio =
        in.getScale(0) / getUniformQuantParams(outputType).getScale(0);
    llvm::Expected<FixedPointMultiplier> pair =
        encodeMultiplier(RoundingMode::TosaDouble, ratio);
    // The requantize's verifier requires apply_scale_32 to take every
    // q - z of its input with the pair's shift.
    bool encodable = false;
    if (pair) {
      auto [lo, hi] = getTosaValueRange(pair->shift);
      encodable = in.storageMin - in.getZeroPoint(0) >= lo &&
                  in.storageMax - in.getZeroPoint(0) <= hi;
    } else {
      llvm::consumeError(pair.takeError());
    }
    if (encodable) {
      AvgPool2DOp pool = buildPool(poolType.clone(inputType));
      if (pool.hasTosaAvgPoolForm()) {
        pool.setRounding(RoundingMode::TosaSingle);
        if (inputType == outputType)
          return pool;
        auto requantize =
            RequantizeOp::create(rewriter, loc, poolType, pool.getResult());
        (void)requantize.setFixedPointRounding(RoundingMode::TosaDouble);
        return requantize;
      }
      rewriter.eraseOp(pool);
    }
  }
  return buildPool(poolType);
}

Value mlir::qsim::buildAddOrMul(PatternRewriter &rewriter, Location loc,
                                const FloatIntegerOp &op,
                                ArrayRef<Value> operands,
                                quant::QuantizedType outputType,
                                QuantizationTarget target) {
  auto resultType =
      cast<RankedTensorType>(op.output.getType()).clone(outputType);
  auto [clampMin, clampMax] = getStorageClampBounds(
      rewriter, outputType, op.lo, op.hi, roundsHalfAway(target));
  if (op.kind == FloatIntegerOp::Kind::Mul) {
    auto mul = MulOp::create(rewriter, loc, resultType, operands[0],
                             operands[1], RoundingMode::HalfEven, clampMin,
                             clampMax, /*multiplier=*/nullptr,
                             /*shift=*/nullptr);
    // TOSA's rescale, mul, rescale chain; other products keep qsim's
    // float64 rounding.
    if (target == QuantizationTarget::Tosa &&
        mul.hasTosaMulForm(RoundingMode::TosaDouble))
      (void)mul.setTosaRounding(RoundingMode::TosaDouble);
    return mul;
  }
  auto add = AddOp::create(rewriter, loc, resultType, operands[0], operands[1],
                           RoundingMode::HalfEven, clampMin, clampMax,
                           /*multiplier=*/nullptr, /*shift=*/nullptr,
                           /*left_shift=*/nullptr,
                           /*float_multiplier=*/nullptr,
                           /*float_offset=*/nullptr);
  // TFLite's, ONNX Runtime's and QNNPACK's add kernels and TOSA's rescale
  // chain; the adds they do not compute keep qsim's float64 rounding.
  if (target == QuantizationTarget::Tosa &&
      add.hasTosaAddForm(RoundingMode::TosaDouble))
    (void)add.setTosaRounding(RoundingMode::TosaDouble);
  if (add.hasEightBitStorage()) {
    if (target == QuantizationTarget::Tflite)
      (void)add.setTfliteRounding();
    else if (target == QuantizationTarget::OnnxRuntime)
      (void)add.setFloat32Rounding();
  }
  if (target == QuantizationTarget::PyTorch && add.hasQnnpackAddForm())
    (void)add.setQnnpackRounding();
  return add;
}

FailureOr<Value> mlir::qsim::buildQuantizedLayer(
    PatternRewriter &rewriter, const FloatLayer &layer, StringRef name,
    Value input, quant::QuantizedType outputType, RankedTensorType resultShape,
    const QuantizationState &state) {
  MLIRContext *ctx = rewriter.getContext();
  Operation *anchor = layer.anchor;
  Location loc = anchor->getLoc();
  const WeightQuantizationOptions &options = state.weights;
  StorageFormat weightFormat = options.format;
  bool perChannel = options.perChannel;
  auto inputType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  double inputScale = inputType.getScale();
  auto layerError = [&]() {
    return mlir::emitError(loc, state.diagnosticPrefix)
           << "layer '" << name << "': ";
  };

  // The range of each output channel's weights, read in one pass.
  int64_t channels = layer.getNumOutputChannels();
  int64_t perChannelCount = layer.weights.size() / channels;
  std::optional<float> splat = layer.weights.getSplatValue();
  SmallVector<float> channelMin(
      channels, splat.value_or(std::numeric_limits<float>::infinity()));
  SmallVector<float> channelMax(
      channels, splat.value_or(-std::numeric_limits<float>::infinity()));
  std::optional<std::pair<int64_t, float>> nonFinite;
  if (splat) {
    if (!std::isfinite(*splat))
      nonFinite = {0, *splat};
  } else {
    int64_t index = 0;
    layer.weights.forEach([&](float value) {
      int64_t channel = index / perChannelCount;
      if (!std::isfinite(value)) {
        if (!nonFinite)
          nonFinite = {index, value};
      } else {
        channelMin[channel] = std::min(channelMin[channel], value);
        channelMax[channel] = std::max(channelMax[channel], value);
      }
      ++index;
    });
  }
  if (nonFinite) {
    layerError() << "weight " << nonFinite->first % perChannelCount
                 << " of output channel " << nonFinite->first / perChannelCount
                 << " is " << nonFinite->second << "; weights must be finite";
    return failure();
  }

  // Weights: one set of parameters per output channel, or one for all; an
  // imported QDQ model's own, or the quantizer's.
  SmallVector<AffineParams> weightParams;
  if (quant::QuantizedType given = layer.weights.getQuantizedAs()) {
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(given);
    perChannel = static_cast<bool>(perAxis);
    weightFormat.bits = given.getStorageTypeIntegralWidth();
    weightFormat.isSigned = given.isSigned();
    auto addParams = [&](double scale, int64_t zeroPoint) {
      AffineParams p;
      p.scale = scale;
      p.zeroPoint = zeroPoint;
      p.qmin = given.getStorageTypeMin();
      p.qmax = given.getStorageTypeMax();
      weightParams.push_back(p);
    };
    if (perAxis)
      for (auto [scale, zero] :
           llvm::zip_equal(perAxis.getScales(), perAxis.getZeroPoints()))
        addParams(scale, zero);
    else
      addParams(cast<quant::UniformQuantizedType>(given).getScale(),
                cast<quant::UniformQuantizedType>(given).getZeroPoint());
  } else {
    if (!perChannel) {
      channelMin.assign(1, *llvm::min_element(channelMin));
      channelMax.assign(1, *llvm::max_element(channelMax));
    }
    for (auto [lo, hi] : llvm::zip_equal(channelMin, channelMax))
      weightParams.push_back(
          computeAffineParams(lo, hi, weightFormat, options.symmetric,
                              state.target, state.reduceRange));
  }
  if (weightParams.size() == 1) {
    channelMin.assign(1, *llvm::min_element(channelMin));
    channelMax.assign(1, *llvm::max_element(channelMax));
  }
  SmallVector<double> weightScales, accScales;
  SmallVector<int64_t> weightZeros, accZeros;
  for (auto [c, p] : llvm::enumerate(weightParams)) {
    std::string which =
        perChannel ? " of output channel " + std::to_string(c) : "";
    // The bias is quantized at the accumulator scale: checking it checks the
    // bias scale too. TFLite forms a per-tensor layer's product in float32
    // (GetQuantizedConvolutionMultipler); its float32 scales multiply
    // exactly in float64.
    double accScale = inputScale * p.scale;
    if (state.target == QuantizationTarget::Tflite && !perChannel)
      accScale = static_cast<float>(static_cast<float>(inputScale) *
                                    static_cast<float>(p.scale));
    if (!isValidScale(p.scale)) {
      layerError() << "weight scale " << p.scale << which << " (weights in ["
                   << channelMin[c] << ", " << channelMax[c] << "]) is outside "
                   << describeValidScaleRange();
      return failure();
    }
    if (!isValidScale(accScale)) {
      layerError() << "accumulator scale " << accScale << which
                   << " (input scale " << inputScale << " x weight scale "
                   << p.scale << ") is outside " << describeValidScaleRange();
      return failure();
    }
    weightScales.push_back(p.scale);
    weightZeros.push_back(p.zeroPoint);
    accScales.push_back(accScale);
    accZeros.push_back(0);
  }

  // The integer weights, built in their storage type: a splat stays a splat
  // (every channel then has the same parameters), other weights go through
  // one buffer of 1 or 2 bytes per weight.
  auto weightStorage = IntegerType::get(ctx, weightFormat.bits);
  auto rawWeightType = RankedTensorType::get(layer.weightShape, weightStorage);
  bool byReciprocal = quantizesByReciprocal(state.target);
  bool halfAway = roundsHalfAway(state.target);
  auto quantizeWeight = [&](float value, const AffineParams &p) {
    return quantizeValue(value, p.scale, p.zeroPoint, p.qmin, p.qmax,
                         byReciprocal, halfAway);
  };
  DenseElementsAttr weightAttr;
  if (splat) {
    int64_t q = quantizeWeight(*splat, weightParams[0]);
    weightAttr = DenseElementsAttr::get(
        rawWeightType, APInt(weightFormat.bits, q, /*isSigned=*/true));
  } else {
    // Integer elements of up to 8 bits take a byte, up to 16 bits two;
    // the bits above the width stay zero, as DenseElementsAttr writes them.
    size_t bytes = weightFormat.bits <= 8 ? 1 : 2;
    uint64_t mask = (uint64_t(1) << weightFormat.bits) - 1;
    std::vector<char> buffer(layer.weights.size() * bytes);
    int64_t index = 0;
    layer.weights.forEach([&](float value) {
      const AffineParams &p =
          weightParams[perChannel ? index / perChannelCount : 0];
      auto code = static_cast<uint16_t>(
          static_cast<uint64_t>(quantizeWeight(value, p)) & mask);
      if (bytes == 1)
        buffer[index] = static_cast<char>(code);
      else
        std::memcpy(&buffer[index * 2], &code, 2);
      ++index;
    });
    weightAttr = DenseElementsAttr::getFromRawBuffer(rawWeightType, buffer);
  }

  unsigned signedFlag = quant::QuantizationFlags::Signed;
  Type f32 = Float32Type::get(ctx);
  quant::QuantizedType weightType, accType;
  auto i32 = IntegerType::get(ctx, 32);
  int64_t i32Min = std::numeric_limits<int32_t>::min();
  int64_t i32Max = std::numeric_limits<int32_t>::max();
  if (perChannel) {
    weightType = quant::UniformQuantizedPerAxisType::get(
        weightFormat.isSigned ? signedFlag : 0, weightStorage, f32,
        weightScales, weightZeros,
        /*quantizedDimension=*/0, weightParams[0].qmin, weightParams[0].qmax);
    accType = quant::UniformQuantizedPerAxisType::get(
        signedFlag, i32, f32, accScales, accZeros, /*quantizedDimension=*/1,
        i32Min, i32Max);
  } else {
    weightType = makeQuantizedType(ctx, weightFormat, weightParams[0]);
    accType = quant::UniformQuantizedType::get(signedFlag, i32, f32,
                                               accScales[0], 0, i32Min, i32Max);
  }

  // A bias that is not finite is an error; one beyond int32 at the
  // accumulator scale is saturated, with a warning.
  SmallVector<int32_t> biasInts;
  for (auto [c, value] : llvm::enumerate(layer.bias)) {
    double accScale = accScales[perChannel ? c : 0];
    if (!std::isfinite(value)) {
      layerError() << "bias " << value << " of output channel " << c
                   << " is not finite";
      return failure();
    }
    if (biasSaturates(value, accScale, state.target))
      mlir::emitWarning(loc, state.diagnosticPrefix)
          << "layer '" << name << "': bias " << value << " of output channel "
          << c << " saturates int32 at accumulator scale " << accScale;
    biasInts.push_back(quantizeBias(value, accScale, state.target));
  }

  // TOSA's apply_scale_32 takes every int32 value only with a shift of 32
  // or more, that is a multiplier below 0.5: check before any op is built.
  if (state.target == QuantizationTarget::Tosa) {
    double outScale = getUniformQuantParams(outputType).getScale(0);
    for (auto [c, accScale] : llvm::enumerate(accScales)) {
      double ratio = accScale / outScale;
      llvm::Expected<FixedPointMultiplier> pair =
          encodeMultiplier(RoundingMode::TosaDouble, ratio);
      if (!pair) {
        layerError() << "target=tosa cannot encode the multiplier " << ratio
                     << " of output channel " << c << ": "
                     << llvm::toString(pair.takeError());
        return failure();
      }
      // The verifier's own bound: the accumulator's int32 range against
      // the values apply_scale_32 takes with this shift.
      if (getTosaValueRange(pair->shift) != std::make_pair(i32Min, i32Max)) {
        layerError() << "target=tosa needs a requantization multiplier "
                        "below 0.5 for an int32 accumulator (TOSA's "
                        "apply_scale_32 with shift >= 32), but output "
                        "channel "
                     << c << " has " << ratio
                     << ": the output range is narrow for the input and "
                        "weight scales";
        return failure();
      }
    }
  }

  Value rawWeights = arith::ConstantOp::create(rewriter, loc, weightAttr);
  Value weights = quant::StorageCastOp::create(
      rewriter, loc, rawWeightType.clone(weightType), rawWeights);
  Value bias;
  if (!biasInts.empty()) {
    auto biasType = RankedTensorType::get({channels}, i32);
    bias = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(biasType, ArrayRef<int32_t>(biasInts)));
  }
  auto accTensorType = resultShape.clone(accType);
  Value acc;
  if (layer.kind == LayerKind::Conv2D) {
    acc = Conv2DOp::create(rewriter, loc, accTensorType, input, weights, bias,
                           rewriter.getDenseI64ArrayAttr(layer.strides),
                           rewriter.getDenseI64ArrayAttr(layer.padding),
                           rewriter.getDenseI64ArrayAttr(layer.dilations),
                           rewriter.getI64IntegerAttr(layer.groups));
  } else {
    acc = LinearOp::create(rewriter, loc, accTensorType, input, weights, bias);
  }
  auto requantize =
      RequantizeOp::create(rewriter, loc, resultShape.clone(outputType), acc);
  // QNNPACK's and MLAS's requantization: float(acc) * m in float32, with
  // each runtime's own order of forming m. TOSA's RESCALE with double
  // rounding, as the TFLite and torch-mlir legalizations emit it.
  if (state.target == QuantizationTarget::Tosa) {
    if (failed(requantize.setFixedPointRounding(RoundingMode::TosaDouble)))
      return failure();
  } else if (state.target == QuantizationTarget::Tflite) {
    if (failed(requantize.setFixedPointRounding(
            state.tfliteRounding.value_or(getTfliteRuntimeRounding(layer)))))
      return failure();
  } else if (state.target != QuantizationTarget::NumPy) {
    requantize.setFloat32Rounding(quantizesByReciprocal(state.target));
  }
  Value result = requantize;
  if (layer.activation == ActivationKind::Relu) {
    result = ReluOp::create(rewriter, loc, result);
  } else if (layer.activation == ActivationKind::Clamp &&
             roundsHalfAway(state.target)) {
    // qsim.clamp rounds its bounds' ties to even; TFLite's fused activation
    // range (CalculateActivationRangeQuantized) rounds them away from zero.
    auto [low, high] = getStorageClampBounds(rewriter, outputType,
                                             layer.clampMin, layer.clampMax,
                                             /*halfAway=*/true);
    if (low)
      requantize.setClampMinAttr(low);
    if (high)
      requantize.setClampMaxAttr(high);
  } else if (layer.activation == ActivationKind::Clamp) {
    result = ClampOp::create(rewriter, loc, result,
                             rewriter.getF64FloatAttr(layer.clampMin),
                             rewriter.getF64FloatAttr(layer.clampMax));
  }
  return result;
}
