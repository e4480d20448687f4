//===- LinalgToQSim.cpp - float linalg layers to qsim ---------------------===//
//
// Matching is structural and conservative: a layer is recognized only when
// every piece (init, constant weights, bias, ReLU or clamp body) has exactly
// a form a front end emits; anything else stays float, with the reason.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/LinalgToQSim/LinalgToQSim.h"
#include "qsim/Conversion/LinalgToQSim/ElementwiseEvaluation.h"
#include "qsim/Conversion/QuantizationCommon/DataMovement.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QSimTable.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>
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
  // The add, the yield and one multiply per operand that is not an input.
  size_t allowedOps = 2 + (add.getLhs() != a && add.getLhs() != b) +
                      (add.getRhs() != a && add.getRhs() != b);
  if (!combines || body.getOperations().size() > allowedOps)
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
  // The operand range is a temporary: keep it alive over the loop.
  SmallVector<Value> inputs = generic.getDpsInputs();
  for (Value other : llvm::drop_begin(inputs))
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
      // `x pred c`, or `c pred x` read as `x swapped(pred) c`.
      arith::CmpFPredicate predicate = cmp.getPredicate();
      std::optional<double> c;
      if (cmp.getLhs() == current) {
        c = getBodyConstant(generic, cmp.getRhs());
      } else if (cmp.getRhs() == current) {
        c = getBodyConstant(generic, cmp.getLhs());
        // Swapping the operands mirrors the predicate: c < x is x > c.
        switch (cmp.getPredicate()) {
        case arith::CmpFPredicate::OLT:
          predicate = arith::CmpFPredicate::OGT;
          break;
        case arith::CmpFPredicate::ULT:
          predicate = arith::CmpFPredicate::UGT;
          break;
        case arith::CmpFPredicate::OGT:
          predicate = arith::CmpFPredicate::OLT;
          break;
        case arith::CmpFPredicate::UGT:
          predicate = arith::CmpFPredicate::ULT;
          break;
        case arith::CmpFPredicate::OLE:
          predicate = arith::CmpFPredicate::OGE;
          break;
        case arith::CmpFPredicate::ULE:
          predicate = arith::CmpFPredicate::UGE;
          break;
        case arith::CmpFPredicate::OGE:
          predicate = arith::CmpFPredicate::OLE;
          break;
        case arith::CmpFPredicate::UGE:
          predicate = arith::CmpFPredicate::ULE;
          break;
        default:
          return {};
        }
      }
      if (!c)
        return {};
      comparisons[cmp.getResult()] = {predicate, *c};
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
  if (failed(layer) || failed(checkFloatLayer(*layer, reason)))
    return failure();
  return layer;
}

//===----------------------------------------------------------------------===//
// Elementwise sums and products, average pooling, concatenation
//===----------------------------------------------------------------------===//

/// A linalg integer op, with the function a table computes.
struct LinalgIntegerOp : FloatIntegerOp {
  std::optional<UnaryElementwiseFunction> function;
};

/// True when `map` reads an operand of `shape` broadcast as NumPy does to a
/// result of the generic's loops: each result is either its own loop
/// dimension, or the constant 0 on a dimension of size 1.
static bool isNumpyBroadcastMap(AffineMap map, ArrayRef<int64_t> shape) {
  if (map.getNumResults() != map.getNumDims() ||
      shape.size() != map.getNumResults())
    return false;
  for (auto [index, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      if (dim.getPosition() != index)
        return false;
      continue;
    }
    auto constant = dyn_cast<AffineConstantExpr>(expr);
    if (!constant || constant.getValue() != 0 || shape[index] != 1)
      return false;
  }
  return true;
}

/// Takes the ReLU/clamp generics after `current` into `op`.
static void matchIntegerOpActivation(FloatIntegerOp &op, Value current) {
  double lo = op.lo, hi = op.hi;
  SmallVector<Operation *> activations;
  Value next = current;
  while (linalg::GenericOp activation = matchActivationGeneric(next, lo, hi)) {
    activations.push_back(activation);
    next = activation.getResult(0);
  }
  if (lo <= hi) {
    op.lo = lo;
    op.hi = hi;
    op.epilogue.append(activations.begin(), activations.end());
    current = next;
  }
  op.output = current;
}

/// An elementwise add or multiply of two tensors (torch's add.Tensor with
/// alpha 1, mul.Tensor, sub.Tensor of a constant), each operand read with
/// NumPy broadcasting.
static FailureOr<LinalgIntegerOp> matchBinaryGeneric(linalg::GenericOp generic,
                                                     std::string &reason) {
  if (generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[2].isIdentity())
    return failure();
  SmallVector<Value> inputs = generic.getDpsInputs();
  for (auto [input, map] : llvm::zip(inputs, maps)) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.getElementType().isF32() ||
        !isNumpyBroadcastMap(map, type.getShape()))
      return failure();
  }
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues().size() != 1)
    return failure();
  Operation *combine = yield.getValues()[0].getDefiningOp();
  if (!combine || combine->getBlock() != &body ||
      !isa<arith::AddFOp, arith::MulFOp, arith::SubFOp>(combine))
    return failure();
  Value a = body.getArgument(0), b = body.getArgument(1);
  Value lhs = combine->getOperand(0), rhs = combine->getOperand(1);
  bool straight =
      isValueTimesOne(generic, lhs, a) && isValueTimesOne(generic, rhs, b);
  bool swapped =
      isValueTimesOne(generic, lhs, b) && isValueTimesOne(generic, rhs, a);
  // Nothing else may be computed: a product by 1.0 per operand at most.
  size_t extra = (lhs != a && lhs != b) + (rhs != a && rhs != b);
  if ((!straight && !swapped) || body.getOperations().size() != 2 + extra)
    return failure();
  LinalgIntegerOp op;
  op.anchor = generic;
  op.kind = isa<arith::MulFOp>(combine) ? FloatIntegerOp::Kind::Mul
                                        : FloatIntegerOp::Kind::Add;
  op.operands = {generic.getDpsInputs()[0], generic.getDpsInputs()[1]};
  bool constantA = readConstantFloats(op.operands[0]).has_value();
  bool constantB = readConstantFloats(op.operands[1]).has_value();
  if (constantA && constantB) {
    reason = "both its operands are constants";
    return failure();
  }
  if (isa<arith::SubFOp>(combine)) {
    // a - c is a + (-c); a difference of two activations has no qsim op.
    Value subtrahend = swapped ? op.operands[0] : op.operands[1];
    if (!readConstantFloats(subtrahend)) {
      reason = "it subtracts a value that is not a constant";
      return failure();
    }
    op.negateConstant = true;
  }
  matchIntegerOpActivation(op, generic.getResult(0));
  return op;
}

/// The divide by `count` that makes a sum pooling an average: a generic
/// dividing by the constant count, or multiplying by its reciprocal.
static linalg::GenericOp matchDivideByCount(Value sum, int64_t count) {
  linalg::GenericOp generic = getElementwiseUser(sum);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return {};
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2)
    return {};
  Operation &op = body.front();
  if (op.getNumOperands() != 2 || op.getOperand(0) != body.getArgument(0) ||
      cast<linalg::YieldOp>(body.getTerminator()).getValues() !=
          ValueRange{op.getResult(0)})
    return {};
  std::optional<double> c = getBodyConstant(generic, op.getOperand(1));
  if (!c)
    return {};
  if (isa<arith::DivFOp>(op) && *c == static_cast<double>(count))
    return generic;
  if (isa<arith::MulFOp>(op) &&
      static_cast<float>(*c) == static_cast<float>(1.0 / count))
    return generic;
  return {};
}

/// torch's avg_pool2d (count_include_pad) and adaptive average pooling:
/// linalg.pooling_nchw_sum into a zero fill, of an input padded with zero,
/// then a divide by the window size.
static FailureOr<LinalgIntegerOp> matchSumPool(linalg::PoolingNchwSumOp pool,
                                               std::string &reason) {
  if (pool->getNumResults() != 1)
    return failure();
  LinalgIntegerOp op;
  op.kind = FloatIntegerOp::Kind::AvgPool;
  op.anchor = pool;
  auto fill = pool.getOutputs()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !isFloatConstant(fill.getInputs()[0], 0.0)) {
    reason = "its init is not a zero fill";
    return failure();
  }
  auto window = dyn_cast<RankedTensorType>(pool.getInputs()[1].getType());
  auto dilations = pool.getDilations().getValues<int64_t>();
  if (!window || window.getRank() != 2 || !window.hasStaticShape() ||
      dilations[0] != 1 || dilations[1] != 1) {
    reason = "its window is not static or it is dilated";
    return failure();
  }
  op.kernel = {window.getDimSize(0), window.getDimSize(1)};
  auto strides = pool.getStrides().getValues<int64_t>();
  op.strides = {strides[0], strides[1]};
  FloatLayer padding;
  Value input = foldZeroPadding(pool.getInputs()[0], padding);
  op.padding = padding.padding;
  op.operands = {input};
  linalg::GenericOp divide =
      matchDivideByCount(pool.getResult(0), op.kernel[0] * op.kernel[1]);
  if (!divide) {
    reason = "its sum is not divided by the window size";
    return failure();
  }
  op.epilogue.push_back(divide);
  matchIntegerOpActivation(op, divide.getResult(0));
  return op;
}

/// torch's mean over [H, W] (aten.mean.dim, adaptive pooling to 1x1): a
/// reduction generic summing an [N, C, H, W] input into a zero-filled
/// [N, C, 1, 1] or [N, C], then a divide by H * W.
static FailureOr<LinalgIntegerOp> matchMeanGeneric(linalg::GenericOp generic,
                                                   std::string &reason) {
  if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumLoops() != 4 || generic.getNumReductionLoops() != 2)
    return failure();
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel)
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  MLIRContext *ctx = generic.getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  AffineMap keepDims = AffineMap::get(4, 0, {d0, d1, zero, zero}, ctx);
  AffineMap dropDims = AffineMap::get(4, 0, {d0, d1}, ctx);
  if (!maps[0].isIdentity() || (maps[1] != keepDims && maps[1] != dropDims))
    return failure();
  Block &body = generic.getRegion().front();
  auto add = dyn_cast<arith::AddFOp>(body.front());
  if (body.getOperations().size() != 2 || !add ||
      !((add.getLhs() == body.getArgument(0) &&
         add.getRhs() == body.getArgument(1)) ||
        (add.getLhs() == body.getArgument(1) &&
         add.getRhs() == body.getArgument(0))))
    return failure();
  auto inputType =
      dyn_cast<RankedTensorType>(generic.getDpsInputs()[0].getType());
  auto fill = generic.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!inputType || !fill || !isFloatConstant(fill.getInputs()[0], 0.0) ||
      !inputType.getElementType().isF32() ||
      ShapedType::isDynamic(inputType.getDimSize(2)) ||
      ShapedType::isDynamic(inputType.getDimSize(3))) {
    reason = "it is a sum over [H, W] without a zero init or static H, W";
    return failure();
  }
  LinalgIntegerOp op;
  op.kind = FloatIntegerOp::Kind::AvgPool;
  op.anchor = generic;
  op.meanResult = true;
  op.kernel = {inputType.getDimSize(2), inputType.getDimSize(3)};
  op.strides = op.kernel;
  op.operands = {generic.getDpsInputs()[0]};
  linalg::GenericOp divide =
      matchDivideByCount(generic.getResult(0), op.kernel[0] * op.kernel[1]);
  if (!divide) {
    reason = "its sum over [H, W] is not divided by H * W";
    return failure();
  }
  op.epilogue.push_back(divide);
  matchIntegerOpActivation(op, divide.getResult(0));
  return op;
}

/// tensor.concat of float activations.
static FailureOr<LinalgIntegerOp> matchConcat(tensor::ConcatOp concat,
                                              std::string &reason) {
  auto type = cast<RankedTensorType>(concat.getType());
  if (!type.getElementType().isF32())
    return failure();
  LinalgIntegerOp op;
  op.kind = FloatIntegerOp::Kind::Concat;
  op.anchor = concat;
  op.concatAxis = concat.getDim();
  op.operands.assign(concat.getInputs().begin(), concat.getInputs().end());
  if (llvm::any_of(op.operands,
                   [](Value v) { return readConstantFloats(v).has_value(); })) {
    reason = "it concatenates a constant";
    return failure();
  }
  op.output = concat.getResult();
  return op;
}

/// An elementwise function of one activation that the evaluator can compute
/// on constants (sigmoid, tanh, hardswish, GELU, ...): a lookup table of
/// every input code.
static FailureOr<LinalgIntegerOp> matchTableGeneric(linalg::GenericOp generic,
                                                    std::string &reason) {
  if (generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return failure();
  std::string why;
  FailureOr<UnaryElementwiseFunction> function =
      UnaryElementwiseFunction::get(generic, why);
  if (failed(function)) {
    reason = "an elementwise function qsim cannot evaluate for a table: " + why;
    return failure();
  }
  LinalgIntegerOp op;
  op.kind = FloatIntegerOp::Kind::Table;
  op.anchor = generic;
  op.operands = {function->getInput()};
  op.function = *function;
  op.output = generic.getResult(0);
  return op;
}

static FailureOr<LinalgIntegerOp> matchFloatIntegerOp(Operation *op,
                                                      std::string &reason) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
    // A generic on memrefs has no result to quantize.
    if (generic.getNumResults() != 1)
      return failure();
    FailureOr<LinalgIntegerOp> binary = matchBinaryGeneric(generic, reason);
    if (succeeded(binary) || !reason.empty())
      return binary;
    FailureOr<LinalgIntegerOp> mean = matchMeanGeneric(generic, reason);
    if (succeeded(mean) || !reason.empty())
      return mean;
    // Only elementwise generics of f32 tensors are functions to tabulate.
    auto type = dyn_cast<RankedTensorType>(generic.getResult(0).getType());
    if (generic.getNumResults() != 1 || !type || !type.getElementType().isF32())
      return failure();
    return matchTableGeneric(generic, reason);
  }
  if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
    return matchSumPool(pool, reason);
  if (auto concat = dyn_cast<tensor::ConcatOp>(op))
    return matchConcat(concat, reason);
  return failure();
}

FailureOr<QuantizableOp>
mlir::qsim::matchLinalgQuantizableOp(Operation *op, std::string &reason) {
  FailureOr<FloatLayer> layer = matchLinalgLayer(op, reason);
  if (succeeded(layer))
    return describeLayer(*layer);
  if (!reason.empty())
    return failure();
  FailureOr<LinalgIntegerOp> integerOp = matchFloatIntegerOp(op, reason);
  if (failed(integerOp))
    return failure();
  return describeIntegerOp(*integerOp);
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
    FailureOr<LayerBetweenRanges> match =
        matchLayerBetweenRanges(rewriter, op, matchLinalgLayer, state);
    if (failed(match))
      return failure();
    FloatLayer *layer = &match->layer;
    Value *input = &match->quantizedInput;
    QuantizeOp outputQuantize = match->outputQuantize;
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
    replaceBetweenRanges(rewriter, outputQuantize, *result, layer->epilogue,
                         op);
    return success();
  }

  QuantizationState &state;
};

/// Quantizes a constant operand of an integer op at compile time, per
/// tensor, with its own range, in the activation format.
static FailureOr<Value>
quantizeConstantOperand(PatternRewriter &rewriter, Location loc, Value constant,
                        bool negate, const QuantizationState &state) {
  SmallVector<float> values;
  SmallVector<int64_t> shape;
  if (!getConstantFloats(constant, values, shape))
    return failure();
  if (negate)
    for (float &v : values)
      v = -v;
  if (llvm::any_of(values, [](float v) { return !std::isfinite(v); }))
    return failure();
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const StorageFormat &format = state.activationFormat;
  AffineParams params = computeAffineParams(*lo, *hi, format,
                                            /*symmetric=*/false);
  if (!isValidScale(params.scale))
    return failure();
  MLIRContext *ctx = rewriter.getContext();
  quant::UniformQuantizedType type = makeQuantizedType(ctx, format, params);
  SmallVector<APInt> codes;
  for (float v : values)
    codes.push_back(APInt(format.bits,
                          quantizeValue(v, params.scale, params.zeroPoint,
                                        params.qmin, params.qmax),
                          /*isSigned=*/true));
  auto storageType =
      RankedTensorType::get(shape, IntegerType::get(ctx, format.bits));
  Value raw = arith::ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(storageType, codes));
  return quant::StorageCastOp::create(rewriter, loc, storageType.clone(type),
                                      raw)
      .getResult();
}

/// Rewrites a float add, multiply, average pooling or concatenation between
/// its ranges into its qsim op.
template <typename AnchorOp>
struct LinalgIntegerOpToQSim final : OpRewritePattern<AnchorOp> {
  LinalgIntegerOpToQSim(MLIRContext *ctx, QuantizationState &state)
      : OpRewritePattern<AnchorOp>(ctx, /*benefit=*/0), state(state) {}

  LogicalResult matchAndRewrite(AnchorOp anchor,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<LinalgIntegerOp> op = matchFloatIntegerOp(anchor, reason);
    if (failed(op)) {
      // A generic that is neither form may be another pattern's business.
      if (reason.empty())
        return rewriter.notifyMatchFailure(anchor, "no integer op form");
      return declineMatch(rewriter, anchor, state, reason);
    }
    QuantizeOp outputQuantize = getOutputQuantize(op->output);
    if (!outputQuantize)
      return declineMatch(rewriter, anchor, state,
                          "its output has no calibrated range");
    Location loc = anchor.getLoc();
    rewriter.setInsertionPoint(outputQuantize);
    SmallVector<Value> operands;
    for (Value operand : op->operands) {
      if (readConstantFloats(operand)) {
        FailureOr<Value> constant = quantizeConstantOperand(
            rewriter, loc, operand, op->negateConstant, state);
        if (failed(constant))
          return declineMatch(rewriter, anchor, state,
                              "its constant operand cannot be quantized "
                              "(not finite, or its scale is not a normal "
                              "f32)");
        operands.push_back(*constant);
        continue;
      }
      FailureOr<Value> quantized = getQuantizedActivation(operand);
      if (failed(quantized))
        return declineMatch(rewriter, anchor, state,
                            describeUnquantizedInput(operand));
      operands.push_back(*quantized);
    }
    quant::QuantizedType outputType =
        getUniformQuantElementType(outputQuantize.getType());
    auto outputFloatType = cast<RankedTensorType>(op->output.getType());
    bool hasClamp = op->hasClamp();
    Value result;
    switch (op->kind) {
    case FloatIntegerOp::Kind::Add:
    case FloatIntegerOp::Kind::Mul:
      result =
          buildAddOrMul(rewriter, loc, *op, operands, outputType, state.target);
      break;
    case FloatIntegerOp::Kind::Concat:
      if (hasClamp)
        return declineMatch(rewriter, anchor, state,
                            "a clamp after a concatenation");
      result =
          ConcatOp::create(rewriter, loc, outputFloatType.clone(outputType),
                           operands, static_cast<uint64_t>(op->concatAxis));
      break;
    case FloatIntegerOp::Kind::Table: {
      auto inputType = cast<quant::UniformQuantizedType>(
          cast<RankedTensorType>(operands[0].getType()).getElementType());
      if (inputType.getStorageTypeIntegralWidth() > 8)
        return declineMatch(rewriter, anchor, state,
                            "a lookup table needs an input of at most 8 "
                            "bits");
      const UnaryElementwiseFunction &function = *op->function;
      FailureOr<DenseIntElementsAttr> table = buildTable(
          inputType, cast<quant::UniformQuantizedType>(outputType),
          [&](float x) -> FailureOr<float> { return function.evaluate(x); });
      if (failed(table))
        return declineMatch(rewriter, anchor, state,
                            "its lookup table cannot be built");
      result = TableOp::create(rewriter, loc, outputFloatType.clone(outputType),
                               operands[0], *table);
      break;
    }
    case FloatIntegerOp::Kind::AvgPool: {
      if (hasClamp)
        return declineMatch(rewriter, anchor, state,
                            "a clamp after an average pooling");
      auto inputType = cast<RankedTensorType>(operands[0].getType());
      auto poolType = RankedTensorType::get(
          {inputType.getDimSize(0), inputType.getDimSize(1),
           (inputType.getDimSize(2) + op->padding[0] + op->padding[2] -
            op->kernel[0]) /
                   op->strides[0] +
               1,
           (inputType.getDimSize(3) + op->padding[1] + op->padding[3] -
            op->kernel[1]) /
                   op->strides[1] +
               1},
          outputType);
      result = buildAvgPool2D(rewriter, loc, poolType, operands[0], op->kernel,
                              op->strides, op->padding,
                              /*countIncludePad=*/true, state.target);
      if (poolType.getShape() != outputFloatType.getShape()) {
        if (!op->meanResult || outputFloatType.getRank() != 2)
          return declineMatch(rewriter, anchor, state,
                              "its result shape is not the pooled shape");
        SmallVector<ReassociationIndices> dropUnitDims = {{0}, {1, 2, 3}};
        result = tensor::CollapseShapeOp::create(
            rewriter, loc, outputFloatType.clone(outputType), result,
            dropUnitDims);
      }
      break;
    }
    }
    replaceBetweenRanges(rewriter, outputQuantize, result, op->epilogue,
                         anchor);
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
               LinalgLayerToQSim<linalg::MatmulOp>,
               LinalgIntegerOpToQSim<linalg::GenericOp>,
               LinalgIntegerOpToQSim<linalg::PoolingNchwSumOp>,
               LinalgIntegerOpToQSim<tensor::ConcatOp>>(ctx, state);
}
