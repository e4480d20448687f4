//===- LinalgToQSim.cpp - float linalg layers to qsim ---------------------===//
//
// Matching is structural and conservative: a layer is recognized only when
// every piece (init, constant weights, bias, ReLU or clamp body) has exactly
// a form a front end emits; anything else stays float, with the reason.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/LinalgToQSim/LinalgToQSim.h"
#include "qsim/Conversion/QuantizationCommon/DataMovement.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <limits>

using namespace mlir;
using namespace mlir::qsim;

//===----------------------------------------------------------------------===//
// Inits and biases
//===----------------------------------------------------------------------===//

/// True when `value` is a constant float scalar equal to `expected`.
static bool isFloatConstant(Value value, double expected) {
  std::optional<double> constant = getFloatConstant(value);
  return constant && *constant == expected;
}

/// Reads the 1-D constant bias of `channels` values that `input` holds.
static bool readChannelBias(Value input, int64_t channels,
                            SmallVector<float> &bias) {
  SmallVector<int64_t> shape;
  return getConstantFloats(input, bias, shape) && shape.size() == 1 &&
         shape[0] == channels;
}

/// Reads a conv/matmul init: a zero fill (no bias), or a constant bias of
/// `channels` values broadcast along `channelDim` (torch-mlir's form, with
/// `linalg.broadcast` or the equivalent `linalg.generic`). `init` may go
/// through a group expand_shape first.
static LogicalResult readInit(Value init, unsigned channelDim, int64_t channels,
                              FloatLayer &layer, std::string &reason) {
  if (auto expand = init.getDefiningOp<tensor::ExpandShapeOp>())
    init = expand.getSrc();
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    if (isFloatConstant(fill.getInputs()[0], 0.0))
      return success();
    reason = "its init is filled with a value other than 0";
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  if (auto broadcast = init.getDefiningOp<linalg::BroadcastOp>()) {
    SmallVector<int64_t> added;
    for (int64_t d = 0; d < rank; ++d)
      if (d != channelDim)
        added.push_back(d);
    if (broadcast.getDimensions() == ArrayRef<int64_t>(added) &&
        readChannelBias(broadcast.getInput(), channels, layer.bias))
      return success();
    reason = "its init broadcasts something other than a constant "
             "per-channel bias";
    return failure();
  }
  if (auto generic = init.getDefiningOp<linalg::GenericOp>()) {
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    Block &body = generic.getRegion().front();
    if (generic.getNumDpsInputs() == 1 && maps[1].isIdentity() &&
        maps[0].getNumResults() == 1 &&
        maps[0].getResult(0) ==
            getAffineDimExpr(channelDim, generic.getContext()) &&
        body.getOperations().size() == 1 &&
        cast<linalg::YieldOp>(body.getTerminator()).getValues() ==
            ValueRange{body.getArgument(0)} &&
        readChannelBias(generic.getDpsInputs()[0], channels, layer.bias))
      return success();
    reason = "its init is a linalg.generic that is not a constant "
             "per-channel bias broadcast";
    return failure();
  }
  reason = "its init is neither a zero fill nor a broadcast constant bias";
  return failure();
}

//===----------------------------------------------------------------------===//
// Elementwise epilogues
//===----------------------------------------------------------------------===//

/// Returns the single elementwise linalg.generic with one output that reads
/// `value` as an input, or null.
static linalg::GenericOp getElementwiseUser(Value value) {
  if (!value.hasOneUse())
    return {};
  auto generic = dyn_cast<linalg::GenericOp>(*value.getUsers().begin());
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return {};
  // `value` must be read as an input: as the init it would be overwritten
  // (or accumulated into), which is not this layer's epilogue.
  if (generic.getDpsInits()[0] == value)
    return {};
  return generic;
}

/// The value `v` has in a body, when it is a block argument of a constant
/// scalar input (a rank-0 or splat tensor, or a splat read with a constant
/// map) or a constant.
static std::optional<double> getBodyConstant(linalg::GenericOp generic,
                                             Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (arg.getOwner() != &generic.getRegion().front() ||
        arg.getArgNumber() >= generic.getNumDpsInputs())
      return std::nullopt;
    return getFloatConstant(generic.getDpsInputs()[arg.getArgNumber()]);
  }
  return getFloatConstant(v);
}

/// True when `v` is `x`, or `x * 1.0` (the alpha of torch's add/sub).
static bool isValueTimesOne(linalg::GenericOp generic, Value v, Value x) {
  if (v == x)
    return true;
  auto mul = v.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  auto isOne = [&](Value c) {
    std::optional<double> value = getBodyConstant(generic, c);
    return value && *value == 1.0;
  };
  return (mul.getLhs() == x && isOne(mul.getRhs())) ||
         (mul.getRhs() == x && isOne(mul.getLhs()));
}

/// Matches a named `linalg.add` of `value` and a `linalg.broadcast` of a
/// constant 1-D bias that keeps only dimension `channelDim`.
static linalg::AddOp matchNamedBias(Value value, unsigned channelDim,
                                    int64_t channels,
                                    SmallVector<float> &bias) {
  if (!value.hasOneUse())
    return {};
  auto add = dyn_cast<linalg::AddOp>(*value.getUsers().begin());
  if (!add || add.getInputs().size() != 2 || add.getOutputs()[0] == value)
    return {};
  Value other =
      add.getInputs()[0] == value ? add.getInputs()[1] : add.getInputs()[0];
  auto broadcast = other.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast)
    return {};
  auto rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<int64_t> added;
  for (int64_t d = 0; d < rank; ++d)
    if (d != channelDim)
      added.push_back(d);
  if (broadcast.getDimensions() != ArrayRef<int64_t>(added) ||
      !readChannelBias(broadcast.getInput(), channels, bias))
    return {};
  return add;
}

/// Matches `out = in + bias[channel]`: a generic adding `value` (identity
/// map) and a constant 1-D bias indexed by loop `channelDim` (either
/// operand possibly times an alpha of 1, as torch writes add), or the named
/// form (see matchNamedBias).
static Operation *matchBias(Value value, unsigned channelDim, int64_t channels,
                            SmallVector<float> &bias) {
  if (linalg::AddOp add = matchNamedBias(value, channelDim, channels, bias))
    return add;
  linalg::GenericOp generic = getElementwiseUser(value);
  if (!generic || generic.getNumDpsInputs() != 2)
    return nullptr;
  unsigned valueIndex = generic.getDpsInputs()[0] == value ? 0 : 1;
  Value biasValue = generic.getDpsInputs()[1 - valueIndex];
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[valueIndex].isIdentity() || !maps[2].isIdentity())
    return nullptr;
  AffineMap biasMap = maps[1 - valueIndex];
  if (biasMap.getNumResults() != 1 ||
      biasMap.getResult(0) != getAffineDimExpr(channelDim, value.getContext()))
    return nullptr;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1)
    return nullptr;
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add)
    return nullptr;
  // The add must combine exactly the two inputs (each possibly times 1.0),
  // and the body hold nothing else.
  Value a = body.getArgument(0), b = body.getArgument(1);
  bool combines = (isValueTimesOne(generic, add.getLhs(), a) &&
                   isValueTimesOne(generic, add.getRhs(), b)) ||
                  (isValueTimesOne(generic, add.getLhs(), b) &&
                   isValueTimesOne(generic, add.getRhs(), a));
  if (!combines || body.getOperations().size() >
                       2 + (add.getLhs() != a && add.getLhs() != b) +
                           (add.getRhs() != a && add.getRhs() != b))
    return nullptr;
  if (!readChannelBias(biasValue, channels, bias))
    return nullptr;
  return generic;
}

/// Matches one elementwise ReLU or clamp generic after `value`: a chain of
/// max/min with constants (arith.maximumf/maxnumf/minimumf/minnumf), or
/// cmpf + select pairs (torch-mlir's ReLU and clamp), where a constant may
/// also come from a rank-0 or splat input (torch's minimum with 6.0).
/// Tightens [lo, hi].
static linalg::GenericOp matchActivationGeneric(Value value, double &lo,
                                                double &hi) {
  linalg::GenericOp generic = getElementwiseUser(value);
  if (!generic || generic.getDpsInputs()[0] != value)
    return {};
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[0].isIdentity() || !maps.back().isIdentity())
    return {};
  // Other inputs must be constant scalars.
  for (Value other : llvm::drop_begin(generic.getDpsInputs()))
    if (!getFloatConstant(other))
      return {};
  Block &body = generic.getRegion().front();
  Value current = body.getArgument(0);
  double newLo = lo, newHi = hi;
  DenseMap<Value, std::pair<arith::CmpFPredicate, double>> comparisons;
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    auto otherConstant = [&](Operation &o) -> std::optional<double> {
      if (o.getNumOperands() != 2)
        return std::nullopt;
      if (o.getOperand(0) == current)
        return getBodyConstant(generic, o.getOperand(1));
      if (o.getOperand(1) == current)
        return getBodyConstant(generic, o.getOperand(0));
      return std::nullopt;
    };
    if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op)) {
      std::optional<double> c = otherConstant(op);
      if (!c)
        return {};
      newLo = std::max(newLo, *c);
      current = op.getResult(0);
      continue;
    }
    if (isa<arith::MinimumFOp, arith::MinNumFOp>(op)) {
      std::optional<double> c = otherConstant(op);
      if (!c)
        return {};
      newHi = std::min(newHi, *c);
      current = op.getResult(0);
      continue;
    }
    if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
      std::optional<double> c = getBodyConstant(generic, cmp.getRhs());
      if (cmp.getLhs() != current || !c)
        return {};
      comparisons[cmp.getResult()] = {cmp.getPredicate(), *c};
      continue;
    }
    if (auto select = dyn_cast<arith::SelectOp>(op)) {
      auto it = comparisons.find(select.getCondition());
      if (it == comparisons.end())
        return {};
      auto [predicate, c] = it->second;
      std::optional<double> t = getBodyConstant(generic, select.getTrueValue());
      std::optional<double> f =
          getBodyConstant(generic, select.getFalseValue());
      bool greater = predicate == arith::CmpFPredicate::OGT ||
                     predicate == arith::CmpFPredicate::UGT ||
                     predicate == arith::CmpFPredicate::OGE ||
                     predicate == arith::CmpFPredicate::UGE;
      bool less = predicate == arith::CmpFPredicate::OLT ||
                  predicate == arith::CmpFPredicate::ULT ||
                  predicate == arith::CmpFPredicate::OLE ||
                  predicate == arith::CmpFPredicate::ULE;
      bool keepsOnTrue =
          select.getTrueValue() == current && f && *f == c; // x>c ? x : c
      bool keepsOnFalse =
          select.getFalseValue() == current && t && *t == c; // x<c ? c : x
      if (greater && keepsOnTrue)
        newLo = std::max(newLo, c);
      else if (less && keepsOnFalse)
        newLo = std::max(newLo, c);
      else if (greater && keepsOnFalse)
        newHi = std::min(newHi, c);
      else if (less && keepsOnTrue)
        newHi = std::min(newHi, c);
      else
        return {};
      current = select.getResult();
      continue;
    }
    return {};
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1 || yield.getValues()[0] != current ||
      current == body.getArgument(0))
    return {};
  lo = newLo;
  hi = newHi;
  return generic;
}

/// Extends a layer with the bias and the activations that follow `current`
/// (the anchor's result, or the collapse of a grouped conv's result).
static void matchEpilogue(FloatLayer &layer, Value current,
                          unsigned channelDim) {
  if (layer.bias.empty()) {
    if (Operation *bias = matchBias(current, channelDim,
                                    layer.getNumOutputChannels(), layer.bias)) {
      layer.epilogue.push_back(bias);
      current = bias->getResult(0);
    }
  }
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  size_t beforeActivations = layer.epilogue.size();
  Value beforeActivation = current;
  // ReLU6 comes as a ReLU and then a minimum: take every activation generic.
  while (linalg::GenericOp activation =
             matchActivationGeneric(current, lo, hi)) {
    layer.epilogue.push_back(activation);
    current = activation.getResult(0);
  }
  if (!(lo <= hi)) {
    // An empty range is no clamp qsim.clamp accepts: the activations stay
    // float, after the layer.
    layer.epilogue.truncate(beforeActivations);
    current = beforeActivation;
  } else if (lo == 0.0 && hi == std::numeric_limits<double>::infinity()) {
    layer.activation = ActivationKind::Relu;
  } else if (current != beforeActivation) {
    layer.activation = ActivationKind::Clamp;
    layer.clampMin = lo;
    layer.clampMax = hi;
  }
  layer.output = current;
}

//===----------------------------------------------------------------------===//
// Anchors
//===----------------------------------------------------------------------===//

/// Folds a zero tensor.pad of the spatial dimensions into the layer (one of
/// rank 4 for NCHW, or of rank 5 for a grouped input).
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

static LogicalResult readStridesAndDilations(DenseIntElementsAttr strides,
                                             DenseIntElementsAttr dilations,
                                             FloatLayer &layer,
                                             std::string &reason) {
  if (!strides || !dilations || strides.getNumElements() != 2 ||
      dilations.getNumElements() != 2) {
    reason = "its strides or dilations are not two values";
    return failure();
  }
  auto s = strides.getValues<int64_t>();
  auto d = dilations.getValues<int64_t>();
  layer.strides = {s[0], s[1]};
  layer.dilations = {d[0], d[1]};
  return success();
}

static FailureOr<FloatLayer> matchConv(linalg::Conv2DNchwFchwOp conv,
                                       std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  if (!getConstantWeights(conv.getInputs()[1], layer.weights,
                          layer.weightShape)) {
    reason = "its weights are not a constant f32 tensor";
    return failure();
  }
  if (failed(readInit(conv.getOutputs()[0], 1, layer.weightShape[0], layer,
                      reason)) ||
      failed(readStridesAndDilations(conv.getStrides(), conv.getDilations(),
                                     layer, reason)))
    return failure();
  layer.input = foldZeroPadding(conv.getInputs()[0], layer);
  matchEpilogue(layer, conv.getResult(0), /*channelDim=*/1);
  return layer;
}

static FailureOr<FloatLayer>
matchDepthwise(linalg::DepthwiseConv2DNchwChwOp conv, std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  SmallVector<int64_t> shape;
  // torch-mlir collapses [C, 1, KH, KW] weights to [C, KH, KW]; the reshape
  // keeps the order, so both read the same.
  if (!getConstantWeights(conv.getInputs()[1], layer.weights, shape) ||
      shape.size() != 3) {
    reason = "its weights are not a constant f32 tensor";
    return failure();
  }
  if (failed(readInit(conv.getOutputs()[0], 1, shape[0], layer, reason)) ||
      failed(readStridesAndDilations(conv.getStrides(), conv.getDilations(),
                                     layer, reason)))
    return failure();
  // [C, KH, KW] is OIHW with one input channel per group.
  layer.weightShape = {shape[0], 1, shape[1], shape[2]};
  layer.groups = shape[0];
  layer.input = foldZeroPadding(conv.getInputs()[0], layer);
  matchEpilogue(layer, conv.getResult(0), /*channelDim=*/1);
  return layer;
}

/// linalg.conv_2d_ngchw_gfchw between torch-mlir's group expansions of the
/// input, weights and init, and the collapse of its result.
static FailureOr<FloatLayer> matchGroupedConv(linalg::Conv2DNgchwGfchwOp conv,
                                              std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  SmallVector<int64_t> shape;
  if (!getConstantWeights(conv.getInputs()[1], layer.weights, shape) ||
      shape.size() != 5) {
    reason = "its weights are not a constant f32 tensor";
    return failure();
  }
  // [G, O/G, C/G, KH, KW] in row-major order is OIHW.
  int64_t groups = shape[0];
  layer.groups = groups;
  layer.weightShape = {shape[0] * shape[1], shape[2], shape[3], shape[4]};
  Value result = conv.getResult(0);
  auto collapse =
      result.hasOneUse()
          ? dyn_cast<tensor::CollapseShapeOp>(*result.getUsers().begin())
          : nullptr;
  SmallVector<ReassociationIndices> groupDims = {{0}, {1, 2}, {3}, {4}};
  if (!collapse || collapse.getReassociationIndices() != groupDims) {
    reason = "its result is not collapsed back to [N, O, H, W]";
    return failure();
  }
  Value init = conv.getOutputs()[0];
  auto initExpand = init.getDefiningOp<tensor::ExpandShapeOp>();
  if (!initExpand || initExpand.getReassociationIndices() != groupDims) {
    reason = "its init is not a group expansion of an [N, O, H, W] init";
    return failure();
  }
  if (failed(readInit(initExpand.getSrc(), 1, layer.weightShape[0], layer,
                      reason)) ||
      failed(readStridesAndDilations(conv.getStrides(), conv.getDilations(),
                                     layer, reason)))
    return failure();
  Value input = conv.getInputs()[0];
  if (auto expand = input.getDefiningOp<tensor::ExpandShapeOp>()) {
    if (expand.getReassociationIndices() != groupDims) {
      reason = "its input is not a group expansion of an [N, C, H, W] value";
      return failure();
    }
    layer.input = foldZeroPadding(expand.getSrc(), layer);
  } else {
    // The expansion already moved onto quantized values.
    layer.input = input;
    layer.groupedInput = true;
  }
  layer.epilogue.push_back(collapse);
  matchEpilogue(layer, collapse.getResult(), /*channelDim=*/1);
  return layer;
}

/// The [F, K] constant weights of a matmul's B operand: a [K, F] constant,
/// a linalg.transpose or transposing generic of an [F, K] constant, or the
/// transposed-B indexing maps on an [F, K] constant.
static FailureOr<FloatLayer> matchMatmul(linalg::MatmulOp matmul,
                                         std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Linear;
  layer.anchor = matmul;
  Value weights = matmul.getInputs()[1];
  SmallVector<int64_t> shape;
  bool read = false;
  if (matmul.hasUserDefinedMaps()) {
    MLIRContext *ctx = matmul.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    SmallVector<AffineMap> transposedB = {AffineMap::get(3, 0, {m, k}, ctx),
                                          AffineMap::get(3, 0, {n, k}, ctx),
                                          AffineMap::get(3, 0, {m, n}, ctx)};
    if (matmul.getIndexingMapsArray() != transposedB) {
      reason = "its indexing maps are neither the default nor transposed B";
      return failure();
    }
    read = getConstantWeights(weights, layer.weights, layer.weightShape);
  } else if (auto transpose = weights.getDefiningOp<linalg::TransposeOp>()) {
    // PyTorch stores [F, K] and transposes: the constant is already [F, K].
    read = transpose.getPermutation() == ArrayRef<int64_t>{1, 0} &&
           getConstantWeights(transpose.getInput(), layer.weights,
                              layer.weightShape);
  } else if (std::optional<SmallVector<int64_t>> permutation =
                 matchTransposingGeneric(weights.getDefiningOp())) {
    read = *permutation == ArrayRef<int64_t>{1, 0} &&
           getConstantWeights(weights.getDefiningOp()->getOperand(0),
                              layer.weights, layer.weightShape);
  } else if (getConstantWeights(weights, layer.weights, shape,
                                /*permutation=*/{1, 0})) {
    // A [K, F] constant, read transposed.
    layer.weightShape = {shape[1], shape[0]};
    read = true;
  }
  if (!read || layer.weightShape.size() != 2) {
    reason = "its weights are not a constant f32 matrix";
    return failure();
  }
  if (failed(readInit(matmul.getOutputs()[0], 1, layer.weightShape[0], layer,
                      reason)))
    return failure();
  layer.input = matmul.getInputs()[0];
  matchEpilogue(layer, matmul.getResult(0), /*channelDim=*/1);
  return layer;
}

FailureOr<FloatLayer> mlir::qsim::matchLinalgLayer(Operation *op,
                                                   std::string &reason) {
  FailureOr<FloatLayer> layer = failure();
  if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
    layer = matchConv(conv, reason);
  else if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
    layer = matchDepthwise(depthwise, reason);
  else if (auto grouped = dyn_cast<linalg::Conv2DNgchwGfchwOp>(op))
    layer = matchGroupedConv(grouped, reason);
  else if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    layer = matchMatmul(matmul, reason);
  else
    return failure();
  if (failed(layer))
    return failure();
  auto inputType = dyn_cast<RankedTensorType>(layer->input.getType());
  if (!inputType || !inputType.getElementType().isF32()) {
    reason = "its input is not an f32 tensor";
    return failure();
  }
  if (layer->weights.empty()) {
    reason = "it has no weights";
    return failure();
  }
  return layer;
}

FailureOr<QuantizableOp>
mlir::qsim::matchLinalgQuantizableOp(Operation *op, std::string &reason) {
  FailureOr<FloatLayer> layer = matchLinalgLayer(op, reason);
  if (failed(layer))
    return failure();
  QuantizableOp result;
  result.anchor = op;
  result.kind = layer->kind == LayerKind::Conv2D ? "conv" : "linear";
  result.inputs.push_back(layer->input);
  result.output = layer->output;
  return result;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Rewrites one family of float linalg layers, rooted at its anchor op.
template <typename AnchorOp>
struct LinalgLayerToQSim final : OpRewritePattern<AnchorOp> {
  LinalgLayerToQSim(MLIRContext *ctx, QuantizationState &state)
      : OpRewritePattern<AnchorOp>(ctx), state(state) {}

  LogicalResult matchAndRewrite(AnchorOp op,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<FloatLayer> layer = matchLinalgLayer(op, reason);
    if (failed(layer))
      return declineMatch(rewriter, op, state, reason);
    FailureOr<Value> input = getQuantizedActivation(layer->input);
    if (failed(input))
      return declineMatch(rewriter, op, state,
                          describeUnquantizedInput(layer->input));
    QuantizeOp outputQuantize = getOutputQuantize(layer->output);
    if (!outputQuantize)
      return declineMatch(rewriter, op, state,
                          "its output has no calibrated range");
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(outputQuantize);
    Value layerInput = *input;
    if (layer->groupedInput) {
      SmallVector<ReassociationIndices> groupDims = {{0}, {1, 2}, {3}, {4}};
      layerInput =
          tensor::CollapseShapeOp::create(rewriter, loc, layerInput, groupDims);
    }
    auto resultShape = cast<RankedTensorType>(layer->output.getType());
    FailureOr<Value> result = buildQuantizedLayer(
        rewriter, *layer,
        state.getName(op, layer->kind == LayerKind::Conv2D ? "conv" : "linear"),
        layerInput, getUniformQuantElementType(outputQuantize.getType()),
        resultShape, state);
    if (failed(result)) {
      state.hadError = true;
      return failure();
    }
    rewriter.replaceOp(outputQuantize, *result);
    SmallVector<Operation *> dead(llvm::reverse(layer->epilogue));
    dead.push_back(op);
    eraseDeadChain(rewriter, dead);
    return success();
  }

  QuantizationState &state;
};

} // namespace

void mlir::qsim::populateLinalgToQSimPatterns(RewritePatternSet &patterns,
                                              QuantizationState &state) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LinalgLayerToQSim<linalg::Conv2DNchwFchwOp>,
               LinalgLayerToQSim<linalg::DepthwiseConv2DNchwChwOp>,
               LinalgLayerToQSim<linalg::Conv2DNgchwGfchwOp>,
               LinalgLayerToQSim<linalg::MatmulOp>>(ctx, state);
}
