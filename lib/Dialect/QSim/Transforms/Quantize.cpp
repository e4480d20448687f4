//===- Quantize.cpp - post-training quantization of float layers ----------===//
//
// Rewrites the layers found by FloatLayers into qsim ops. The rewrite keeps
// a map from float values to their quantized counterparts: a layer whose
// input is another layer's output (possibly through reshapes) consumes the
// quantized value directly, so no dequantize/quantize pair separates two
// quantized layers; every float use of a layer's output reads a
// qsim.dequantize of it instead, so float consumers keep working.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Statistics.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Dialect/QSim/Transforms/AccumulatorBounds.h"
#include "qsim/Dialect/QSim/Transforms/FloatLayers.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMQUANTIZE
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

/// The calibrated [min, max] of each named activation.
using RangeTable = llvm::StringMap<std::pair<double, double>>;

/// Reads the statistics file written by qsim-run --calibrate (its format is
/// owned by qsim/Calibration/Statistics.h) into the ranges by name.
FailureOr<RangeTable> readRanges(StringRef path, Operation *anchor) {
  auto fail = [&](const Twine &message) -> FailureOr<RangeTable> {
    // At the module's location, not on the module: one line, without the
    // whole module as a note.
    mlir::emitError(anchor->getLoc(), "qsim-quantize: statistics file '")
        << path << "': " << message;
    return failure();
  };
  if (path.empty())
    return fail("no file given; pass stats=FILE");
  llvm::Expected<CalibrationStatistics> statistics = readStatisticsFile(path);
  if (!statistics)
    return fail(llvm::toString(statistics.takeError()));
  RangeTable table;
  for (const ActivationStatistics &entry : statistics->activations)
    table[entry.name] = {entry.min, entry.max};
  return table;
}

struct QSimQuantizePass final : qsim::impl::QSimQuantizeBase<QSimQuantizePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult parseOptions();
  LogicalResult quantizeFunction(func::FuncOp func, const RangeTable &ranges);

  StorageFormat weightFormat;
  StorageFormat activationFormat;
  bool perChannel = true;
  bool symmetricWeights = true;
};

LogicalResult QSimQuantizePass::parseOptions() {
  // A bad option is one line: emitting on the module op would attach the
  // whole module as a "see current operation" note.
  auto emitError = [&](const Twine &message) {
    return mlir::emitError(getOperation().getLoc(), message);
  };
  if (weightGranularity != "per-channel" && weightGranularity != "per-tensor")
    return emitError("qsim-quantize: weight-granularity must be "
                     "per-channel or per-tensor, got '")
           << weightGranularity << "'";
  if (weightScheme != "symmetric" && weightScheme != "asymmetric")
    return emitError("qsim-quantize: weight-scheme must be symmetric "
                     "or asymmetric, got '")
           << weightScheme << "'";
  if (activationType != "u8" && activationType != "i8")
    return emitError("qsim-quantize: activation-type must be u8 or "
                     "i8, got '")
           << activationType << "'";
  if (weightBits < 2 || weightBits > 16)
    return emitError("qsim-quantize: weight-bits must be 2 to 16, got ")
           << static_cast<unsigned>(weightBits);
  if (activationBits < 2 || activationBits > 16)
    return emitError("qsim-quantize: activation-bits must be 2 to 16, got ")
           << static_cast<unsigned>(activationBits);
  perChannel = weightGranularity == "per-channel";
  symmetricWeights = weightScheme == "symmetric";
  weightFormat = StorageFormat{weightBits, /*isSigned=*/true, narrowRange};
  activationFormat = StorageFormat{activationBits, activationType == "i8",
                                   /*narrowRange=*/false};
  return success();
}

void QSimQuantizePass::runOnOperation() {
  if (failed(parseOptions()))
    return signalPassFailure();
  FailureOr<RangeTable> ranges = readRanges(statsFile, getOperation());
  if (failed(ranges))
    return signalPassFailure();
  ModuleOp module = getOperation();
  for (auto func : module.getOps<func::FuncOp>()) {
    // A function calibration cannot instrument has no ranges: it stays
    // float.
    if (!isCalibratableFunction(func, module))
      continue;
    if (failed(quantizeFunction(func, *ranges)))
      return signalPassFailure();
  }
  // Wide weight and activation storage can make an accumulator wrap.
  AccumulatorCheckOptions check;
  check.warnOnly = allowAccumulatorOverflow;
  check.prefix = "qsim-quantize: ";
  if (!allowAccumulatorOverflow)
    check.hint = " (allow-accumulator-overflow makes this a warning)";
  if (failed(checkAccumulators(module, check)))
    return signalPassFailure();
}

/// Builds a uniform quantized type from affine parameters.
quant::QuantizedType makeType(MLIRContext *ctx, const StorageFormat &format,
                              const AffineParams &params) {
  unsigned flags = format.isSigned ? quant::QuantizationFlags::Signed : 0;
  return quant::UniformQuantizedType::get(
      flags, IntegerType::get(ctx, format.bits), Float32Type::get(ctx),
      params.scale, params.zeroPoint, params.qmin, params.qmax);
}

/// The rewrite of one function.
class FunctionQuantizer {
public:
  FunctionQuantizer(func::FuncOp func, const RangeTable &ranges,
                    ArrayRef<FloatLayer> layers, const ActivationNames &names,
                    const StorageFormat &weightFormat,
                    const StorageFormat &activationFormat, bool perChannel,
                    bool symmetricWeights)
      : func(func), ranges(ranges), layers(layers), names(names),
        weightFormat(weightFormat), activationFormat(activationFormat),
        perChannel(perChannel), symmetricWeights(symmetricWeights),
        ctx(func.getContext()) {}

  LogicalResult run();

private:
  FailureOr<quant::QuantizedType> getActivationType(Value value,
                                                    Operation *user);
  FailureOr<Value> getOrCreateQuantized(Value value, Operation *user);
  Value replayOnQuantized(Operation *op, Value quantizedSource);
  Value transposeQuantized(OpBuilder &b, Location loc, Value value,
                           ArrayRef<int64_t> permutation);
  LogicalResult rewriteLayer(const FloatLayer &layer);

  func::FuncOp func;
  const RangeTable &ranges;
  ArrayRef<FloatLayer> layers;
  const ActivationNames &names;
  StorageFormat weightFormat;
  StorageFormat activationFormat;
  bool perChannel;
  bool symmetricWeights;
  MLIRContext *ctx;
  /// Float value -> the quantized value that stands for it.
  DenseMap<Value, Value> quantized;
};

/// The range qsim accepts for a scale (see isValidScale), for diagnostics.
static std::string validScaleRange() {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "the normal f32 range [" << std::numeric_limits<float>::min() << ", "
     << std::numeric_limits<float>::max() << "]";
  return text;
}

FailureOr<quant::QuantizedType>
FunctionQuantizer::getActivationType(Value value, Operation *user) {
  std::string name = names.getName(value);
  auto it = ranges.find(name);
  if (it == ranges.end())
    return mlir::emitError(user->getLoc(),
                           "qsim-quantize: no range for activation '")
           << name << "' in the statistics file";
  auto [min, max] = it->second;
  AffineParams params =
      computeAffineParams(min, max, activationFormat, /*symmetric=*/false);
  if (!isValidScale(params.scale))
    return mlir::emitError(user->getLoc(), "qsim-quantize: statistics entry '")
           << name << "': range [" << min << ", " << max << "] gives scale "
           << params.scale << ", outside " << validScaleRange();
  return makeType(ctx, activationFormat, params);
}

/// Applies a data-movement op (reshape, cast, transpose) or a max pooling to
/// the quantized counterpart of its float source: moving and selecting
/// elements commute with (monotone) quantization, so this is exact.
Value FunctionQuantizer::replayOnQuantized(Operation *op,
                                           Value quantizedSource) {
  OpBuilder b(op->getContext());
  b.setInsertionPointAfter(op);
  Location loc = op->getLoc();
  Type element =
      cast<RankedTensorType>(quantizedSource.getType()).getElementType();
  auto retype = [&](Value floatValue) {
    return cast<RankedTensorType>(floatValue.getType()).clone(element);
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return tensor::CollapseShapeOp::create(b, loc, retype(collapse.getResult()),
                                           quantizedSource,
                                           collapse.getReassociationIndices());
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return tensor::ExpandShapeOp::create(
        b, loc, retype(expand.getResult()), quantizedSource,
        expand.getReassociationIndices(), expand.getMixedOutputShape());
  if (std::optional<MaxPoolPassThrough> pool = matchMaxPoolPassThrough(op))
    return MaxPool2DOp::create(b, loc, retype(op->getResult(0)),
                               quantizedSource,
                               b.getDenseI64ArrayAttr(pool->kernel),
                               b.getDenseI64ArrayAttr(pool->strides),
                               b.getDenseI64ArrayAttr(pool->padding),
                               b.getDenseI64ArrayAttr(pool->dilations));
  if (auto castOp = dyn_cast<tensor::CastOp>(op))
    return tensor::CastOp::create(b, loc, retype(castOp.getResult()),
                                  quantizedSource);
  return transposeQuantized(b, loc, quantizedSource,
                            cast<linalg::TransposeOp>(op).getPermutation());
}

/// Transposes a quantized tensor with linalg.transpose (exact: it only moves
/// elements).
Value FunctionQuantizer::transposeQuantized(OpBuilder &b, Location loc,
                                            Value value,
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

/// Returns the quantized counterpart of `value`: an existing one, a
/// data-movement op replayed on the quantized counterpart of its source, the
/// input of a qsim.dequantize, or a new qsim.quantize of `value`.
FailureOr<Value> FunctionQuantizer::getOrCreateQuantized(Value value,
                                                         Operation *user) {
  // Walk back through data movement to something already quantized.
  SmallVector<Operation *> chain;
  Value source = value;
  Value quantizedSource;
  while (true) {
    if (Value known = quantized.lookup(source)) {
      quantizedSource = known;
      break;
    }
    // A layer input must be per-tensor and at most 16 bits wide: reuse a
    // dequantized value only when it is, and quantize afresh otherwise.
    if (auto dequantize = source.getDefiningOp<DequantizeOp>()) {
      quant::QuantizedType type =
          getUniformQuantElementType(dequantize.getInput().getType());
      if (isa<quant::UniformQuantizedType>(type) &&
          type.getStorageTypeIntegralWidth() <= 16) {
        quantizedSource = dequantize.getInput();
        break;
      }
    }
    Operation *op = source.getDefiningOp();
    if (std::optional<MaxPoolPassThrough> pool = matchMaxPoolPassThrough(op)) {
      chain.push_back(op);
      source = pool->source;
      continue;
    }
    if (!op || !isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp,
                    tensor::CastOp, linalg::TransposeOp>(op))
      break;
    chain.push_back(op);
    source = op->getOperand(0);
  }
  if (quantizedSource) {
    for (Operation *op : llvm::reverse(chain))
      quantizedSource = replayOnQuantized(op, quantizedSource);
    quantized[value] = quantizedSource;
    return quantizedSource;
  }

  FailureOr<quant::QuantizedType> type = getActivationType(value, user);
  if (failed(type))
    return failure();
  OpBuilder b(ctx);
  if (Operation *def = value.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
  auto floatType = cast<RankedTensorType>(value.getType());
  Value result =
      QuantizeOp::create(b, value.getLoc(), floatType.clone(*type), value);
  quantized[value] = result;
  return result;
}

LogicalResult FunctionQuantizer::rewriteLayer(const FloatLayer &layer) {
  Operation *anchor = layer.anchor;
  FailureOr<Value> input = getOrCreateQuantized(layer.input, anchor);
  if (failed(input))
    return failure();
  FailureOr<quant::QuantizedType> outputType =
      getActivationType(layer.output, anchor);
  if (failed(outputType))
    return failure();
  auto inputType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(input->getType()).getElementType());
  double inputScale = inputType.getScale();

  auto layerError = [&]() {
    return mlir::emitError(anchor->getLoc(), "qsim-quantize: layer '")
           << layer.name << "': ";
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
  if (nonFinite)
    return layerError() << "weight " << nonFinite->first % perChannelCount
                        << " of output channel "
                        << nonFinite->first / perChannelCount << " is "
                        << nonFinite->second << "; weights must be finite";

  // Weights: one set of parameters per output channel, or one for all.
  if (!perChannel) {
    channelMin.assign(1, *llvm::min_element(channelMin));
    channelMax.assign(1, *llvm::max_element(channelMax));
  }
  SmallVector<AffineParams> weightParams;
  for (auto [lo, hi] : llvm::zip_equal(channelMin, channelMax))
    weightParams.push_back(
        computeAffineParams(lo, hi, weightFormat, symmetricWeights));
  SmallVector<double> weightScales, accScales;
  SmallVector<int64_t> weightZeros, accZeros;
  for (auto [c, p] : llvm::enumerate(weightParams)) {
    std::string which =
        perChannel ? " of output channel " + std::to_string(c) : "";
    // The bias is quantized at the accumulator scale: checking it checks the
    // bias scale too.
    double accScale = inputScale * p.scale;
    if (!isValidScale(p.scale))
      return layerError() << "weight scale " << p.scale << which
                          << " (weights in [" << channelMin[c] << ", "
                          << channelMax[c] << "]) is outside "
                          << validScaleRange();
    if (!isValidScale(accScale))
      return layerError() << "accumulator scale " << accScale << which
                          << " (input scale " << inputScale
                          << " x weight scale " << p.scale << ") is outside "
                          << validScaleRange();
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
  auto quantizeWeight = [](float value, const AffineParams &p) {
    return quantizeValue(value, p.scale, p.zeroPoint, p.qmin, p.qmax);
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
        signedFlag, weightStorage, f32, weightScales, weightZeros,
        /*quantizedDimension=*/0, weightParams[0].qmin, weightParams[0].qmax);
    accType = quant::UniformQuantizedPerAxisType::get(
        signedFlag, i32, f32, accScales, accZeros, /*quantizedDimension=*/1,
        i32Min, i32Max);
  } else {
    weightType = makeType(ctx, weightFormat, weightParams[0]);
    accType = quant::UniformQuantizedType::get(signedFlag, i32, f32,
                                               accScales[0], 0, i32Min, i32Max);
  }

  // A bias that is not finite is an error; one beyond int32 at the
  // accumulator scale is saturated, with a warning.
  SmallVector<int32_t> biasInts;
  for (auto [c, value] : llvm::enumerate(layer.bias)) {
    double accScale = accScales[perChannel ? c : 0];
    if (!std::isfinite(value))
      return layerError() << "bias " << value << " of output channel " << c
                          << " is not finite";
    if (biasSaturates(value, accScale))
      mlir::emitWarning(anchor->getLoc(), "qsim-quantize: layer '")
          << layer.name << "': bias " << value << " of output channel " << c
          << " saturates int32 at accumulator scale " << accScale;
    biasInts.push_back(quantizeBias(value, accScale));
  }

  OpBuilder b(anchor);
  // Everything the layer needs must dominate the new ops: put them after
  // the last of the anchor and the quantized input.
  b.setInsertionPointAfter(layer.output.getDefiningOp());
  Location loc = anchor->getLoc();
  Value rawWeights = arith::ConstantOp::create(b, loc, weightAttr);
  Value weights = quant::StorageCastOp::create(
      b, loc, rawWeightType.clone(weightType), rawWeights);
  Value bias;
  if (!biasInts.empty()) {
    auto biasType = RankedTensorType::get({channels}, i32);
    bias = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(biasType, ArrayRef<int32_t>(biasInts)));
  }

  auto outputFloatType = cast<RankedTensorType>(layer.output.getType());
  // qsim.conv2d is NCHW: a channels-last (TOSA) layer is transposed in and
  // out, on quantized values.
  SmallVector<int64_t> toNCHW = {0, 3, 1, 2}, toNHWC = {0, 2, 3, 1};
  Value layerInput = *input;
  RankedTensorType resultShapeType = outputFloatType;
  if (layer.channelsLast) {
    layerInput = transposeQuantized(b, loc, layerInput, toNCHW);
    ArrayRef<int64_t> nhwc = outputFloatType.getShape();
    resultShapeType = RankedTensorType::get(
        {nhwc[0], nhwc[3], nhwc[1], nhwc[2]}, outputFloatType.getElementType());
  }
  // tosa.matmul works on a batch of one: [1, N, K] -> [N, K] and back.
  SmallVector<ReassociationIndices> dropBatch = {{0, 1}, {2}};
  if (layer.batchOfOne) {
    layerInput = tensor::CollapseShapeOp::create(b, loc, layerInput, dropBatch);
    resultShapeType =
        RankedTensorType::get(outputFloatType.getShape().drop_front(),
                              outputFloatType.getElementType());
  }
  auto accTensorType = resultShapeType.clone(accType);
  Value acc;
  if (layer.kind == LayerKind::Conv2D) {
    acc = Conv2DOp::create(b, loc, accTensorType, layerInput, weights, bias,
                           b.getDenseI64ArrayAttr(layer.strides),
                           b.getDenseI64ArrayAttr(layer.padding),
                           b.getDenseI64ArrayAttr(layer.dilations),
                           b.getI64IntegerAttr(layer.groups));
  } else {
    acc = LinearOp::create(b, loc, accTensorType, layerInput, weights, bias);
  }
  auto outputTensorType = resultShapeType.clone(*outputType);
  Value result = RequantizeOp::create(b, loc, outputTensorType, acc);
  if (layer.activation == ActivationKind::Relu)
    result = ReluOp::create(b, loc, result);
  else if (layer.activation == ActivationKind::Clamp)
    result = ClampOp::create(b, loc, result, b.getF64FloatAttr(layer.clampMin),
                             b.getF64FloatAttr(layer.clampMax));
  if (layer.channelsLast)
    result = transposeQuantized(b, loc, result, toNHWC);
  if (layer.batchOfOne)
    result = tensor::ExpandShapeOp::create(
        b, loc, outputFloatType.clone(*outputType), result, dropBatch);

  // Float users read the dequantized output; quantized users find `result`.
  Value dequantized = DequantizeOp::create(b, loc, outputFloatType, result);
  Value floatOutput = layer.output;
  floatOutput.replaceAllUsesWith(dequantized);
  quantized[layer.output] = result;
  return success();
}

LogicalResult FunctionQuantizer::run() {
  for (const FloatLayer &layer : layers)
    if (failed(rewriteLayer(layer)))
      return failure();
  // The float layers are now dead; erase them (users before producers).
  IRRewriter rewriter(ctx);
  (void)runRegionDCE(rewriter, func.getBody());
  return success();
}

LogicalResult QSimQuantizePass::quantizeFunction(func::FuncOp func,
                                                 const RangeTable &ranges) {
  std::vector<FloatLayer> layers = findFloatLayers(func);
  if (layers.empty())
    return success();
  ActivationNames names(func, layers);
  FunctionQuantizer quantizer(func, ranges, layers, names, weightFormat,
                              activationFormat, perChannel, symmetricWeights);
  return quantizer.run();
}

} // namespace
