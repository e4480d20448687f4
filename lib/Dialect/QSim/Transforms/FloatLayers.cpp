//===- FloatLayers.cpp - find quantizable layers in a float model ---------===//
//
// Matching is structural and conservative: a layer is recognized only when
// every piece (zero-filled init, constant weights, broadcast bias, ReLU or
// clamp body) has exactly the form expected; anything else stays float.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/FloatLayers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

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
// Constants
//===----------------------------------------------------------------------===//

/// The f32 contents of a constant tensor (arith.constant or tosa.const,
/// dense or dense_resource), without copying them: a splat value, or the
/// row-major elements in the attribute's own storage.
struct ConstantFloats {
  std::optional<float> splat;
  ArrayRef<float> data;
  SmallVector<int64_t> shape;
  int64_t count = 0;
};

static std::optional<ConstantFloats> readConstantFloats(Value value) {
  Attribute attr;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    attr = constant.getValue();
  else if (auto constant = value.getDefiningOp<tosa::ConstOp>())
    attr = constant.getValuesAttr();
  if (!attr)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  ConstantFloats result;
  result.shape.assign(type.getShape().begin(), type.getShape().end());
  result.count = type.getNumElements();
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
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

/// Reads the f32 elements and shape of a small constant tensor (a bias).
static bool getConstantFloats(Value value, SmallVector<float> &values,
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

/// Reads constant weights in place; `shape` receives the constant's own
/// shape, and `permutation` maps it to qsim's layout (see LayerWeights).
static bool getConstantWeights(Value value, LayerWeights &weights,
                               SmallVector<int64_t> &shape,
                               ArrayRef<int64_t> permutation = {}) {
  std::optional<ConstantFloats> constant = readConstantFloats(value);
  if (!constant ||
      (!permutation.empty() && permutation.size() != constant->shape.size()))
    return false;
  shape = constant->shape;
  if (constant->splat)
    weights = LayerWeights::getSplat(*constant->splat, constant->count);
  else
    weights = LayerWeights::getDense(constant->data, shape, permutation);
  return true;
}

/// True when `value` is a constant float scalar equal to `expected`.
static bool isFloatConstant(Value value, double expected) {
  FloatAttr attr;
  return matchPattern(value, m_Constant(&attr)) &&
         attr.getValueAsDouble() == expected;
}

/// Reads a constant float scalar.
static std::optional<double> getFloatConstant(Value value) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return attr.getValueAsDouble();
}

/// True when `init` is a linalg.fill of 0.0, so the op it feeds starts from
/// zero rather than accumulating into existing values.
static bool isZeroFilled(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  return fill && isFloatConstant(fill.getInputs()[0], 0.0);
}

//===----------------------------------------------------------------------===//
// Elementwise epilogues
//===----------------------------------------------------------------------===//

/// Returns the single linalg.generic that uses `value` as its only input
/// (with an identity map) when it is elementwise with one output, or null.
static linalg::GenericOp getElementwiseUser(Value value, unsigned numInputs) {
  if (!value.hasOneUse())
    return {};
  auto generic = dyn_cast<linalg::GenericOp>(*value.getUsers().begin());
  if (!generic || generic.getNumDpsInputs() != numInputs ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return {};
  // `value` must be read as an input: as the init it would be overwritten
  // (or accumulated into), which is not this layer's epilogue.
  if (generic.getDpsInits()[0] == value)
    return {};
  return generic;
}

/// Matches a named `linalg.add` of `value` and a `linalg.broadcast` of a
/// constant 1-D bias that keeps only dimension `channelDim`.
static bool matchNamedBias(Value value, unsigned channelDim, int64_t channels,
                           SmallVector<float> &bias, Value &result) {
  if (!value.hasOneUse())
    return false;
  auto add = dyn_cast<linalg::AddOp>(*value.getUsers().begin());
  if (!add || add.getInputs().size() != 2 || add.getOutputs()[0] == value)
    return false;
  Value other =
      add.getInputs()[0] == value ? add.getInputs()[1] : add.getInputs()[0];
  auto broadcast = other.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast)
    return false;
  auto rank = cast<RankedTensorType>(value.getType()).getRank();
  // The broadcast adds every dimension but the channel one.
  SmallVector<int64_t> added;
  for (int64_t d = 0; d < rank; ++d)
    if (d != channelDim)
      added.push_back(d);
  SmallVector<int64_t> shape;
  if (broadcast.getDimensions() != ArrayRef<int64_t>(added) ||
      !getConstantFloats(broadcast.getInput(), bias, shape) ||
      shape.size() != 1 || shape[0] != channels)
    return false;
  result = add.getResult(0);
  return true;
}

/// Matches `out = in + bias[channel]`: a generic adding `value` (identity
/// map) and a constant 1-D bias indexed by loop `channelDim`, or the named
/// form (see matchNamedBias).
static bool matchBias(Value value, unsigned channelDim, int64_t channels,
                      SmallVector<float> &bias, Value &result) {
  if (matchNamedBias(value, channelDim, channels, bias, result))
    return true;
  linalg::GenericOp generic = getElementwiseUser(value, 2);
  if (!generic)
    return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return false;
  auto add = dyn_cast<arith::AddFOp>(body.front());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!add || yield.getValues().size() != 1 ||
      yield.getValues()[0] != add.getResult())
    return false;
  unsigned valueIndex = generic.getDpsInputs()[0] == value ? 0 : 1;
  Value biasValue = generic.getDpsInputs()[1 - valueIndex];
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[valueIndex].isIdentity() || !maps[2].isIdentity())
    return false;
  AffineMap biasMap = maps[1 - valueIndex];
  if (biasMap.getNumResults() != 1 ||
      biasMap.getResult(0) != getAffineDimExpr(channelDim, value.getContext()))
    return false;
  // The add must combine exactly the two inputs.
  Value a = body.getArgument(0), b = body.getArgument(1);
  if (!((add.getLhs() == a && add.getRhs() == b) ||
        (add.getLhs() == b && add.getRhs() == a)))
    return false;
  SmallVector<int64_t> shape;
  if (!getConstantFloats(biasValue, bias, shape) || shape.size() != 1 ||
      shape[0] != channels)
    return false;
  result = generic.getResult(0);
  return true;
}

/// Matches an elementwise ReLU or clamp: a chain of max/min with constants
/// (arith.maximumf/maxnumf/minimumf/minnumf), or cmpf + select against 0.
static bool matchActivation(Value value, FloatLayer &layer, Value &result) {
  linalg::GenericOp generic = getElementwiseUser(value, 1);
  // Identity maps on both sides: anything else also moves elements.
  if (!generic || !llvm::all_of(generic.getIndexingMapsArray(),
                                [](AffineMap map) { return map.isIdentity(); }))
    return false;
  Block &body = generic.getRegion().front();
  Value current = body.getArgument(0);
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  arith::CmpFOp reluCondition;
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    auto operandIs = [&](Operation &o, Value v) {
      return o.getNumOperands() == 2 &&
             (o.getOperand(0) == v || o.getOperand(1) == v);
    };
    auto otherConstant = [&](Operation &o) -> std::optional<double> {
      Value other =
          o.getOperand(0) == current ? o.getOperand(1) : o.getOperand(0);
      return getFloatConstant(other);
    };
    if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op) &&
        operandIs(op, current)) {
      std::optional<double> c = otherConstant(op);
      if (!c)
        return false;
      lo = std::max(lo, *c);
      current = op.getResult(0);
      continue;
    }
    if (isa<arith::MinimumFOp, arith::MinNumFOp>(op) &&
        operandIs(op, current)) {
      std::optional<double> c = otherConstant(op);
      if (!c)
        return false;
      hi = std::min(hi, *c);
      current = op.getResult(0);
      continue;
    }
    // ReLU as select(x > 0, x, 0), the comparison of the current value
    // made just before in this body.
    if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
      if (cmp.getLhs() != current || !isFloatConstant(cmp.getRhs(), 0.0) ||
          (cmp.getPredicate() != arith::CmpFPredicate::OGT &&
           cmp.getPredicate() != arith::CmpFPredicate::UGT))
        return false;
      reluCondition = cmp;
      continue;
    }
    if (auto select = dyn_cast<arith::SelectOp>(op)) {
      if (!reluCondition || select.getCondition() != reluCondition ||
          reluCondition.getLhs() != current ||
          select.getTrueValue() != current ||
          !isFloatConstant(select.getFalseValue(), 0.0))
        return false;
      lo = std::max(lo, 0.0);
      current = select.getResult();
      continue;
    }
    return false;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 || yield.getValues()[0] != current ||
      current == body.getArgument(0))
    return false;
  if (lo == 0.0 && hi == std::numeric_limits<double>::infinity()) {
    layer.activation = ActivationKind::Relu;
  } else {
    if (!(lo <= hi))
      return false;
    layer.activation = ActivationKind::Clamp;
    layer.clampMin = lo;
    layer.clampMax = hi;
  }
  result = generic.getResult(0);
  return true;
}

/// Extends a layer with the bias and activation that follow its anchor.
static void matchEpilogue(FloatLayer &layer, unsigned channelDim) {
  Value current = layer.anchor->getResult(0);
  Value next;
  if (matchBias(current, channelDim, layer.getNumOutputChannels(), layer.bias,
                next))
    current = next;
  if (matchActivation(current, layer, next))
    current = next;
  layer.output = current;
}

//===----------------------------------------------------------------------===//
// Anchors
//===----------------------------------------------------------------------===//

/// Folds a zero tensor.pad of the spatial dimensions into the layer.
static Value foldZeroPadding(Value input, FloatLayer &layer) {
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (!pad)
    return input;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !isFloatConstant(padValue, 0.0))
    return input;
  ArrayRef<int64_t> low = pad.getStaticLow();
  ArrayRef<int64_t> high = pad.getStaticHigh();
  if (low.size() != 4 || ShapedType::isDynamicShape(low) ||
      ShapedType::isDynamicShape(high) || low[0] || low[1] || high[0] ||
      high[1])
    return input;
  layer.padding = {low[2], low[3], high[2], high[3]};
  return pad.getSource();
}

static bool readStridesAndDilations(DenseIntElementsAttr strides,
                                    DenseIntElementsAttr dilations,
                                    FloatLayer &layer) {
  if (!strides || !dilations || strides.getNumElements() != 2 ||
      dilations.getNumElements() != 2)
    return false;
  auto s = strides.getValues<int64_t>();
  auto d = dilations.getValues<int64_t>();
  layer.strides = {s[0], s[1]};
  layer.dilations = {d[0], d[1]};
  return true;
}

static std::optional<FloatLayer> matchConv(linalg::Conv2DNchwFchwOp conv) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  if (!isZeroFilled(conv.getOutputs()[0]) ||
      !getConstantWeights(conv.getInputs()[1], layer.weights,
                          layer.weightShape) ||
      !readStridesAndDilations(conv.getStrides(), conv.getDilations(), layer))
    return std::nullopt;
  layer.input = foldZeroPadding(conv.getInputs()[0], layer);
  matchEpilogue(layer, /*channelDim=*/1);
  return layer;
}

static std::optional<FloatLayer>
matchDepthwise(linalg::DepthwiseConv2DNchwChwOp conv) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  SmallVector<int64_t> shape;
  if (!isZeroFilled(conv.getOutputs()[0]) ||
      !getConstantWeights(conv.getInputs()[1], layer.weights, shape) ||
      shape.size() != 3 ||
      !readStridesAndDilations(conv.getStrides(), conv.getDilations(), layer))
    return std::nullopt;
  // [C, KH, KW] is OIHW with one input channel per group.
  layer.weightShape = {shape[0], 1, shape[1], shape[2]};
  layer.groups = shape[0];
  layer.input = foldZeroPadding(conv.getInputs()[0], layer);
  matchEpilogue(layer, /*channelDim=*/1);
  return layer;
}

static std::optional<FloatLayer> matchMatmul(linalg::MatmulOp matmul) {
  FloatLayer layer;
  layer.kind = LayerKind::Linear;
  layer.anchor = matmul;
  if (!isZeroFilled(matmul.getOutputs()[0]))
    return std::nullopt;
  Value weights = matmul.getInputs()[1];
  SmallVector<int64_t> shape;
  if (matmul.hasUserDefinedMaps()) {
    // Only the transposed-B form: (m, n, k) -> (m, k), (n, k), (m, n), whose
    // B is the [F, K] constant itself.
    MLIRContext *ctx = matmul.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    SmallVector<AffineMap> transposedB = {AffineMap::get(3, 0, {m, k}, ctx),
                                          AffineMap::get(3, 0, {n, k}, ctx),
                                          AffineMap::get(3, 0, {m, n}, ctx)};
    if (matmul.getIndexingMapsArray() != transposedB ||
        !getConstantWeights(weights, layer.weights, layer.weightShape) ||
        layer.weightShape.size() != 2)
      return std::nullopt;
  } else if (auto transpose = weights.getDefiningOp<linalg::TransposeOp>()) {
    // PyTorch stores [F, K] and transposes: the constant is already [F, K].
    if (transpose.getPermutation() != ArrayRef<int64_t>{1, 0} ||
        !getConstantWeights(transpose.getInput(), layer.weights,
                            layer.weightShape))
      return std::nullopt;
  } else if (getConstantWeights(weights, layer.weights, shape,
                                /*permutation=*/{1, 0})) {
    // A [K, F] constant, read transposed.
    layer.weightShape = {shape[1], shape[0]};
  } else {
    return std::nullopt;
  }
  layer.input = matmul.getInputs()[0];
  matchEpilogue(layer, /*channelDim=*/1);
  return layer;
}

//===----------------------------------------------------------------------===//
// TOSA anchors
//===----------------------------------------------------------------------===//

/// Matches a tosa.clamp after a TOSA layer as its ReLU (max at or above the
/// float maximum) or clamp, starting at `current` (the anchor's result by
/// default).
static void matchTosaEpilogue(FloatLayer &layer, Value current = {}) {
  if (!current)
    current = layer.anchor->getResult(0);
  if (current.hasOneUse()) {
    if (auto clamp = dyn_cast<tosa::ClampOp>(*current.getUsers().begin())) {
      auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
      auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
      if (lo && hi && lo.getValueAsDouble() <= hi.getValueAsDouble()) {
        double max = hi.getValueAsDouble();
        if (lo.getValueAsDouble() == 0.0 &&
            max >= std::numeric_limits<float>::max()) {
          layer.activation = ActivationKind::Relu;
        } else {
          layer.activation = ActivationKind::Clamp;
          layer.clampMin = lo.getValueAsDouble();
          layer.clampMax = max;
        }
        current = clamp.getResult();
      }
    }
  }
  layer.output = current;
}

/// Reads a TOSA bias of O values, or of one value broadcast to O.
static bool readTosaBias(Value bias, int64_t channels, FloatLayer &layer) {
  SmallVector<int64_t> shape;
  SmallVector<float> values;
  if (!getConstantFloats(bias, values, shape) || shape.size() != 1)
    return false;
  if (shape[0] == 1)
    values.assign(channels, values.front());
  else if (shape[0] != channels)
    return false;
  // An all-zero bias is no bias.
  if (llvm::any_of(values, [](float v) { return v != 0.0f; }))
    layer.bias = std::move(values);
  return true;
}

/// Reads the TOSA pad [top, bottom, left, right], stride and dilation.
static bool readTosaWindow(ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                           ArrayRef<int64_t> dilation, FloatLayer &layer) {
  if (pad.size() != 4 || stride.size() != 2 || dilation.size() != 2)
    return false;
  layer.padding = {pad[0], pad[2], pad[1], pad[3]};
  layer.strides = {stride[0], stride[1]};
  layer.dilations = {dilation[0], dilation[1]};
  return true;
}

template <typename OpTy>
static bool hasZeroPoints(OpTy op) {
  FailureOr<int64_t> input = op.getInputZeroPoint();
  FailureOr<int64_t> weight = op.getWeightZeroPoint();
  return succeeded(input) && succeeded(weight) && *input == 0 && *weight == 0;
}

static std::optional<FloatLayer> matchTosaConv(tosa::Conv2DOp conv) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  layer.channelsLast = true;
  SmallVector<int64_t> shape;
  // OHWI read as OIHW.
  if (!hasZeroPoints(conv) ||
      !getConstantWeights(conv.getWeight(), layer.weights, shape,
                          /*permutation=*/{0, 3, 1, 2}) ||
      !readTosaWindow(conv.getPadAttr(), conv.getStrideAttr(),
                      conv.getDilationAttr(), layer))
    return std::nullopt;
  int64_t o = shape[0], kh = shape[1], kw = shape[2], c = shape[3];
  layer.weightShape = {o, c, kh, kw};
  if (!readTosaBias(conv.getBias(), o, layer))
    return std::nullopt;
  layer.input = conv.getInput();
  matchTosaEpilogue(layer);
  return layer;
}

static std::optional<FloatLayer>
matchTosaDepthwise(tosa::DepthwiseConv2DOp conv) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  layer.channelsLast = true;
  SmallVector<int64_t> shape;
  // [KH, KW, C, M] read as [C, M, KH, KW], that is [C * M, 1, KH, KW]:
  // output channel c * M + m reads input channel c.
  if (!hasZeroPoints(conv) ||
      !getConstantWeights(conv.getWeight(), layer.weights, shape,
                          /*permutation=*/{2, 3, 0, 1}) ||
      !readTosaWindow(conv.getPadAttr(), conv.getStrideAttr(),
                      conv.getDilationAttr(), layer))
    return std::nullopt;
  int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
  layer.weightShape = {c * m, 1, kh, kw};
  layer.groups = c;
  if (!readTosaBias(conv.getBias(), c * m, layer))
    return std::nullopt;
  layer.input = conv.getInput();
  matchTosaEpilogue(layer);
  return layer;
}

/// tosa.matmul [1, N, K] x [1, K, F] with constant B, then an optional
/// tosa.add of a constant [1, 1, F] bias and a tosa.clamp.
static std::optional<FloatLayer> matchTosaMatmul(tosa::MatMulOp matmul) {
  FloatLayer layer;
  layer.kind = LayerKind::Linear;
  layer.anchor = matmul;
  layer.batchOfOne = true;
  FailureOr<int64_t> aZero = matmul.getAZeroPoint();
  FailureOr<int64_t> bZero = matmul.getBZeroPoint();
  SmallVector<int64_t> shape;
  // [1, K, F] read as [1, F, K], that is [F, K].
  if (failed(aZero) || failed(bZero) || *aZero != 0 || *bZero != 0 ||
      !getConstantWeights(matmul.getB(), layer.weights, shape,
                          /*permutation=*/{0, 2, 1}) ||
      shape[0] != 1)
    return std::nullopt;
  auto aType = cast<RankedTensorType>(matmul.getA().getType());
  if (aType.getRank() != 3 || aType.getDimSize(0) != 1)
    return std::nullopt;
  int64_t k = shape[1], f = shape[2];
  layer.weightShape = {f, k};
  layer.input = matmul.getA();
  Value current = matmul.getResult();
  if (current.hasOneUse()) {
    if (auto add = dyn_cast<tosa::AddOp>(*current.getUsers().begin())) {
      Value other =
          add.getInput1() == current ? add.getInput2() : add.getInput1();
      SmallVector<int64_t> biasShape;
      SmallVector<float> bias;
      if (getConstantFloats(other, bias, biasShape) && biasShape.size() == 3 &&
          biasShape[0] == 1 && biasShape[1] == 1 && biasShape[2] == f) {
        layer.bias = std::move(bias);
        current = add.getResult();
      }
    }
  }
  matchTosaEpilogue(layer, current);
  return layer;
}

/// The name a front end gave `op` (a NameLoc, possibly fused), if any.
static std::optional<std::string> getLocName(Operation *op) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  return std::nullopt;
}

bool mlir::qsim::isCalibratableFunction(func::FuncOp func,
                                        Operation *symbolTable) {
  // The instrumented function returns its activations: it needs one return
  // (one block), and its results can grow only when nothing calls it.
  return !func.isExternal() && func.getBody().hasOneBlock() &&
         SymbolTable::symbolKnownUseEmpty(func, symbolTable);
}

/// Gives every layer a distinct name: a base name (the NameLoc, else kind and
/// ordinal among the function's layers), and for a base name an earlier
/// layer already holds, the first `<base>_<n>` (n = 2, 3, ...) that is no
/// layer's base name and not yet given. Layers keep their order under
/// rewrites such as canonicalization, so the names are stable.
static void assignLayerNames(std::vector<FloatLayer> &layers,
                             ArrayRef<std::string> baseNames) {
  llvm::StringSet<> reserved;
  for (const std::string &base : baseNames)
    reserved.insert(base);
  llvm::StringSet<> given;
  for (auto [layer, base] : llvm::zip_equal(layers, baseNames)) {
    std::string name = base;
    for (int64_t n = 2;
         given.contains(name) || (name != base && reserved.contains(name)); ++n)
      name = base + "_" + std::to_string(n);
    given.insert(name);
    layer.name = std::move(name);
  }
}

std::vector<FloatLayer> mlir::qsim::findFloatLayers(func::FuncOp func) {
  std::vector<FloatLayer> layers;
  SmallVector<std::string> baseNames;
  // Only ops of the function body itself: a layer inside a loop or another
  // region has no single range per activation, and its values cannot be
  // returned.
  for (Operation &operation : func.getBody().front()) {
    Operation *op = &operation;
    std::optional<FloatLayer> layer;
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
      layer = matchConv(conv);
    else if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
      layer = matchDepthwise(depthwise);
    else if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
      layer = matchMatmul(matmul);
    else if (auto tosaConv = dyn_cast<tosa::Conv2DOp>(op))
      layer = matchTosaConv(tosaConv);
    else if (auto tosaDepthwise = dyn_cast<tosa::DepthwiseConv2DOp>(op))
      layer = matchTosaDepthwise(tosaDepthwise);
    else if (auto tosaMatmul = dyn_cast<tosa::MatMulOp>(op))
      layer = matchTosaMatmul(tosaMatmul);
    if (!layer || !isa<RankedTensorType>(layer->input.getType()) ||
        !cast<RankedTensorType>(layer->input.getType())
             .getElementType()
             .isF32() ||
        layer->weights.empty())
      continue;
    std::string kind = layer->kind == LayerKind::Conv2D ? "conv" : "linear";
    baseNames.push_back(
        getLocName(op).value_or(kind + std::to_string(layers.size())));
    layers.push_back(std::move(*layer));
  }
  assignLayerNames(layers, baseNames);
  return layers;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

/// True when `value` is a constant at or below the lowest finite float.
static bool isMinusInfinity(Value value) {
  std::optional<double> constant = getFloatConstant(value);
  return constant && *constant <= -std::numeric_limits<float>::max();
}

std::optional<MaxPoolPassThrough>
mlir::qsim::matchMaxPoolPassThrough(Operation *op) {
  auto pool = dyn_cast_or_null<linalg::PoolingNchwMaxOp>(op);
  if (!pool)
    return std::nullopt;
  auto fill = pool.getOutputs()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !isMinusInfinity(fill.getInputs()[0]))
    return std::nullopt;
  MaxPoolPassThrough result;
  auto window = dyn_cast<RankedTensorType>(pool.getInputs()[1].getType());
  if (!window || window.getRank() != 2 || !window.hasStaticShape())
    return std::nullopt;
  result.kernel = {window.getDimSize(0), window.getDimSize(1)};
  auto strides = pool.getStrides().getValues<int64_t>();
  auto dilations = pool.getDilations().getValues<int64_t>();
  result.strides = {strides[0], strides[1]};
  result.dilations = {dilations[0], dilations[1]};
  result.source = pool.getInputs()[0];
  if (auto pad = result.source.getDefiningOp<tensor::PadOp>()) {
    Value padValue = pad.getConstantPaddingValue();
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (padValue && isMinusInfinity(padValue) && low.size() == 4 &&
        !ShapedType::isDynamicShape(low) && !ShapedType::isDynamicShape(high) &&
        !low[0] && !low[1] && !high[0] && !high[1]) {
      result.padding = {low[2], low[3], high[2], high[3]};
      result.source = pad.getSource();
    }
  }
  // A window made only of padding would have no real element to select.
  for (int i = 0; i < 2; ++i) {
    int64_t extent = result.dilations[i] * (result.kernel[i] - 1) + 1;
    if (result.padding[i] >= extent || result.padding[i + 2] >= extent)
      return std::nullopt;
  }
  return result;
}

Value mlir::qsim::getActivationSource(Value value) {
  while (Operation *op = value.getDefiningOp()) {
    if (std::optional<MaxPoolPassThrough> pool = matchMaxPoolPassThrough(op)) {
      value = pool->source;
      continue;
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
      value = collapse.getSrc();
    else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
      value = expand.getSrc();
    else if (auto cast = dyn_cast<tensor::CastOp>(op))
      value = cast.getSource();
    else if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
      value = transpose.getInput();
    else
      break;
  }
  return value;
}

ActivationNames::ActivationNames(func::FuncOp func, ArrayRef<FloatLayer> layers)
    : prefix(func.getSymName().str() + "/") {
  for (const FloatLayer &layer : layers)
    layerOutputs[layer.output] = layer.name + ".output";
  // A source that is neither an argument nor a layer output is named after
  // the first layer (in program order) that reads it.
  for (const FloatLayer &layer : layers) {
    Value source = getActivationSource(layer.input);
    if (!isa<BlockArgument>(source) && !layerOutputs.count(source))
      layerInputs.try_emplace(source, layer.name + ".input");
  }
}

std::string ActivationNames::getName(Value value) const {
  value = getActivationSource(value);
  if (auto arg = dyn_cast<BlockArgument>(value))
    return prefix + "arg" + std::to_string(arg.getArgNumber());
  auto it = layerOutputs.find(value);
  if (it != layerOutputs.end())
    return prefix + it->second;
  it = layerInputs.find(value);
  if (it != layerInputs.end())
    return prefix + it->second;
  return {};
}
