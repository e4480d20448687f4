//===- TosaToQSim.cpp - float TOSA layers to qsim -------------------------===//
//
// TOSA layers are channels-last: the rewrite transposes the quantized input
// to NCHW, builds the NCHW qsim layer and transposes its result back, all on
// quantized values (transposes only move elements, so this is exact).
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/TosaToQSim/TosaToQSim.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qsim;

/// Matches a tosa.clamp after a TOSA layer as its ReLU (max at or above the
/// float maximum) or clamp.
static void matchTosaEpilogue(FloatLayer &layer, Value current) {
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
        layer.epilogue.push_back(clamp);
        current = clamp.getResult();
      }
    }
  }
  layer.output = current;
}

/// Reads a TOSA bias of O values, or of one value broadcast to O.
static LogicalResult readTosaBias(Value bias, int64_t channels,
                                  FloatLayer &layer, std::string &reason) {
  SmallVector<int64_t> shape;
  SmallVector<float> values;
  if (!getConstantFloats(bias, values, shape) || shape.size() != 1 ||
      (shape[0] != 1 && shape[0] != channels)) {
    reason = "its bias is not a constant f32 tensor of one value per "
             "output channel";
    return failure();
  }
  if (shape[0] == 1)
    values.assign(channels, values.front());
  // An all-zero bias is no bias.
  if (llvm::any_of(values, [](float v) { return v != 0.0f; }))
    layer.bias = std::move(values);
  return success();
}

/// Reads the TOSA pad [top, bottom, left, right], stride and dilation.
static void readTosaWindow(ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                           ArrayRef<int64_t> dilation, FloatLayer &layer) {
  layer.padding = {pad[0], pad[2], pad[1], pad[3]};
  layer.strides = {stride[0], stride[1]};
  layer.dilations = {dilation[0], dilation[1]};
}

template <typename OpTy>
static LogicalResult checkZeroPoints(OpTy op, std::string &reason) {
  FailureOr<int64_t> input = op.getInputZeroPoint();
  FailureOr<int64_t> weight = op.getWeightZeroPoint();
  if (succeeded(input) && succeeded(weight) && *input == 0 && *weight == 0)
    return success();
  reason = "its zero-point operands are not constant zeros";
  return failure();
}

static FailureOr<FloatLayer> matchTosaConv(tosa::Conv2DOp conv,
                                           std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  layer.channelsLast = true;
  SmallVector<int64_t> shape;
  if (failed(checkZeroPoints(conv, reason)))
    return failure();
  // OHWI read as OIHW.
  if (!getConstantWeights(conv.getWeight(), layer.weights, shape,
                          /*permutation=*/{0, 3, 1, 2})) {
    reason = "its weights are not a constant f32 tensor";
    return failure();
  }
  readTosaWindow(conv.getPadAttr(), conv.getStrideAttr(),
                 conv.getDilationAttr(), layer);
  int64_t o = shape[0], kh = shape[1], kw = shape[2], c = shape[3];
  layer.weightShape = {o, c, kh, kw};
  if (failed(readTosaBias(conv.getBias(), o, layer, reason)))
    return failure();
  layer.input = conv.getInput();
  matchTosaEpilogue(layer, conv.getResult());
  return layer;
}

static FailureOr<FloatLayer> matchTosaDepthwise(tosa::DepthwiseConv2DOp conv,
                                                std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Conv2D;
  layer.anchor = conv;
  layer.channelsLast = true;
  SmallVector<int64_t> shape;
  if (failed(checkZeroPoints(conv, reason)))
    return failure();
  // [KH, KW, C, M] read as [C, M, KH, KW], that is [C * M, 1, KH, KW]:
  // output channel c * M + m reads input channel c.
  if (!getConstantWeights(conv.getWeight(), layer.weights, shape,
                          /*permutation=*/{2, 3, 0, 1})) {
    reason = "its weights are not a constant f32 tensor";
    return failure();
  }
  readTosaWindow(conv.getPadAttr(), conv.getStrideAttr(),
                 conv.getDilationAttr(), layer);
  int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
  layer.weightShape = {c * m, 1, kh, kw};
  layer.groups = c;
  if (failed(readTosaBias(conv.getBias(), c * m, layer, reason)))
    return failure();
  layer.input = conv.getInput();
  matchTosaEpilogue(layer, conv.getResult());
  return layer;
}

/// tosa.matmul [B, N, K] x [B, K, F] with a constant B whose batches are
/// one matrix, then an optional tosa.add of a constant [1, 1, F] bias and a
/// tosa.clamp.
static FailureOr<FloatLayer> matchTosaMatmul(tosa::MatMulOp matmul,
                                             std::string &reason) {
  FloatLayer layer;
  layer.kind = LayerKind::Linear;
  layer.anchor = matmul;
  layer.batchedMatmul = true;
  FailureOr<int64_t> aZero = matmul.getAZeroPoint();
  FailureOr<int64_t> bZero = matmul.getBZeroPoint();
  if (failed(aZero) || failed(bZero) || *aZero != 0 || *bZero != 0) {
    reason = "its zero-point operands are not constant zeros";
    return failure();
  }
  std::optional<ConstantFloats> b = readConstantFloats(matmul.getB());
  if (!b || b->shape.size() != 3) {
    reason = "its B operand is not a constant f32 tensor";
    return failure();
  }
  int64_t batches = b->shape[0], k = b->shape[1], f = b->shape[2];
  // Every batch must hold the same matrix: qsim.linear has one.
  if (!b->splat) {
    ArrayRef<float> first = b->data.take_front(k * f);
    for (int64_t i = 1; i < batches; ++i)
      if (b->data.slice(i * k * f, k * f) != first) {
        reason = "its B operand holds a different matrix for each batch";
        return failure();
      }
  }
  // [K, F] of the first batch, read as [F, K].
  if (b->splat)
    layer.weights = LayerWeights::getSplat(*b->splat, k * f);
  else
    layer.weights = LayerWeights::getDense(b->data.take_front(k * f), {k, f},
                                           /*permutation=*/{1, 0});
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
        layer.epilogue.push_back(add);
        current = add.getResult();
      }
    }
  }
  matchTosaEpilogue(layer, current);
  return layer;
}

FailureOr<FloatLayer> mlir::qsim::matchTosaLayer(Operation *op,
                                                 std::string &reason) {
  FailureOr<FloatLayer> layer = failure();
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    layer = matchTosaConv(conv, reason);
  else if (auto depthwise = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    layer = matchTosaDepthwise(depthwise, reason);
  else if (auto matmul = dyn_cast<tosa::MatMulOp>(op))
    layer = matchTosaMatmul(matmul, reason);
  else
    return failure();
  if (failed(layer) || failed(checkFloatLayer(*layer, reason)))
    return failure();
  return layer;
}

//===----------------------------------------------------------------------===//
// tosa.add, tosa.avg_pool2d, tosa.concat
//===----------------------------------------------------------------------===//

/// Takes a tosa.clamp after `current` as the op's clamp.
static void matchTosaClamp(FloatIntegerOp &op, Value current) {
  if (current.hasOneUse()) {
    if (auto clamp = dyn_cast<tosa::ClampOp>(*current.getUsers().begin())) {
      auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
      auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
      if (lo && hi && lo.getValueAsDouble() <= hi.getValueAsDouble()) {
        op.lo = lo.getValueAsDouble();
        op.hi = hi.getValueAsDouble();
        if (op.hi >= std::numeric_limits<float>::max())
          op.hi = std::numeric_limits<double>::infinity();
        op.epilogue.push_back(clamp);
        current = clamp.getResult();
      }
    }
  }
  op.output = current;
}

static FailureOr<FloatIntegerOp> matchTosaIntegerOp(Operation *anchor,
                                                    std::string &reason) {
  auto isFloatTensor = [](Value v) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && type.getElementType().isF32();
  };
  auto isConstant = [](Value v) { return readConstantFloats(v).has_value(); };
  FloatIntegerOp op;
  op.anchor = anchor;
  if (auto add = dyn_cast<tosa::AddOp>(anchor)) {
    if (!isFloatTensor(add.getOutput()))
      return failure();
    op.kind = FloatIntegerOp::Kind::Add;
    op.operands = {add.getInput1(), add.getInput2()};
    if (llvm::any_of(op.operands, isConstant)) {
      // A constant operand is a bias, which belongs to the layer before.
      reason = "it adds a constant";
      return failure();
    }
    matchTosaClamp(op, add.getOutput());
    return op;
  }
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(anchor)) {
    if (!isFloatTensor(pool.getOutput()))
      return failure();
    FailureOr<int64_t> inputZero = pool.getInputZeroPoint();
    FailureOr<int64_t> outputZero = pool.getOutputZeroPoint();
    if (failed(inputZero) || failed(outputZero) || *inputZero != 0 ||
        *outputZero != 0) {
      reason = "its zero-point operands are not constant zeros";
      return failure();
    }
    op.kind = FloatIntegerOp::Kind::AvgPool;
    ArrayRef<int64_t> kernel = pool.getKernel(), stride = pool.getStride(),
                      pad = pool.getPad();
    op.kernel = {kernel[0], kernel[1]};
    op.strides = {stride[0], stride[1]};
    op.padding = {pad[0], pad[2], pad[1], pad[3]};
    op.operands = {pool.getInput()};
    matchTosaClamp(op, pool.getOutput());
    return op;
  }
  if (auto concat = dyn_cast<tosa::ConcatOp>(anchor)) {
    if (!isFloatTensor(concat.getOutput()))
      return failure();
    op.kind = FloatIntegerOp::Kind::Concat;
    op.concatAxis = concat.getAxis();
    op.operands.assign(concat.getInput1().begin(), concat.getInput1().end());
    if (llvm::any_of(op.operands, isConstant)) {
      reason = "it concatenates a constant";
      return failure();
    }
    matchTosaClamp(op, concat.getOutput());
    return op;
  }
  return failure();
}

FailureOr<QuantizableOp>
mlir::qsim::matchTosaQuantizableOp(Operation *op, std::string &reason) {
  FailureOr<FloatLayer> layer = matchTosaLayer(op, reason);
  if (succeeded(layer))
    return describeLayer(*layer);
  if (!reason.empty())
    return failure();
  FailureOr<FloatIntegerOp> integerOp = matchTosaIntegerOp(op, reason);
  if (failed(integerOp))
    return failure();
  return describeIntegerOp(*integerOp);
}

namespace {

template <typename AnchorOp>
struct TosaLayerToQSim final : OpRewritePattern<AnchorOp> {
  TosaLayerToQSim(MLIRContext *ctx, QuantizationState &state)
      : OpRewritePattern<AnchorOp>(ctx), state(state) {}

  LogicalResult matchAndRewrite(AnchorOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<LayerBetweenRanges> match =
        matchLayerBetweenRanges(rewriter, op, matchTosaLayer, state);
    if (failed(match))
      return failure();
    FloatLayer *layer = &match->layer;
    Value *input = &match->quantizedInput;
    QuantizeOp outputQuantize = match->outputQuantize;
    auto outputFloatType = cast<RankedTensorType>(layer->output.getType());
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(outputQuantize);
    Value layerInput = *input;
    RankedTensorType resultShape = outputFloatType;
    SmallVector<int64_t> toNCHW = {0, 3, 1, 2}, toNHWC = {0, 2, 3, 1};
    SmallVector<ReassociationIndices> foldBatch = {{0, 1}, {2}};
    if (layer->channelsLast) {
      layerInput = transposeTensor(rewriter, loc, layerInput, toNCHW);
      ArrayRef<int64_t> nhwc = outputFloatType.getShape();
      resultShape = RankedTensorType::get({nhwc[0], nhwc[3], nhwc[1], nhwc[2]},
                                          outputFloatType.getElementType());
    }
    if (layer->batchedMatmul) {
      // [B, N, K] -> [B * N, K], and the result back to [B, N, F].
      layerInput =
          tensor::CollapseShapeOp::create(rewriter, loc, layerInput, foldBatch);
      ArrayRef<int64_t> bnf = outputFloatType.getShape();
      int64_t rows =
          ShapedType::isDynamic(bnf[0]) || ShapedType::isDynamic(bnf[1])
              ? ShapedType::kDynamic
              : bnf[0] * bnf[1];
      resultShape = RankedTensorType::get({rows, bnf[2]},
                                          outputFloatType.getElementType());
    }
    quant::QuantizedType outputType =
        getUniformQuantElementType(outputQuantize.getType());
    FailureOr<Value> result = buildQuantizedLayer(
        rewriter, *layer,
        state.getName(op, layer->kind == LayerKind::Conv2D ? "conv" : "linear"),
        layerInput, outputType, resultShape, state);
    if (failed(result)) {
      state.hadError = true;
      return failure();
    }
    Value replacement = *result;
    if (layer->channelsLast)
      replacement = transposeTensor(rewriter, loc, replacement, toNHWC);
    if (layer->batchedMatmul)
      replacement = tensor::ExpandShapeOp::create(
          rewriter, loc, outputFloatType.clone(outputType), replacement,
          foldBatch);
    replaceBetweenRanges(rewriter, outputQuantize, replacement, layer->epilogue,
                         op);
    return success();
  }

  QuantizationState &state;
};

template <typename AnchorOp>
struct TosaIntegerOpToQSim final : OpRewritePattern<AnchorOp> {
  TosaIntegerOpToQSim(MLIRContext *ctx, QuantizationState &state)
      : OpRewritePattern<AnchorOp>(ctx), state(state) {}

  LogicalResult matchAndRewrite(AnchorOp anchor,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<FloatIntegerOp> op = matchTosaIntegerOp(anchor, reason);
    if (failed(op))
      return declineMatch(rewriter, anchor, state,
                          reason.empty() ? "not a float op" : reason);
    QuantizeOp outputQuantize = getOutputQuantize(op->output);
    if (!outputQuantize)
      return declineMatch(rewriter, anchor, state,
                          "its output has no calibrated range");
    SmallVector<Value> operands;
    for (Value operand : op->operands) {
      FailureOr<Value> quantized = getQuantizedActivation(operand);
      if (failed(quantized))
        return declineMatch(rewriter, anchor, state,
                            describeUnquantizedInput(operand));
      operands.push_back(*quantized);
    }
    Location loc = anchor.getLoc();
    rewriter.setInsertionPoint(outputQuantize);
    quant::QuantizedType outputType =
        getUniformQuantElementType(outputQuantize.getType());
    auto outputFloatType = cast<RankedTensorType>(op->output.getType());
    bool hasClamp = op->hasClamp();
    Value result;
    switch (op->kind) {
    case FloatIntegerOp::Kind::Add:
      result =
          buildAddOrMul(rewriter, loc, *op, operands, outputType, state.target);
      break;
    case FloatIntegerOp::Kind::Mul:
    case FloatIntegerOp::Kind::Table:
      llvm_unreachable("matchTosaIntegerOp makes no mul or table");
    case FloatIntegerOp::Kind::Concat:
      result =
          ConcatOp::create(rewriter, loc, outputFloatType.clone(outputType),
                           operands, static_cast<uint64_t>(op->concatAxis));
      if (hasClamp)
        result = ClampOp::create(rewriter, loc, result,
                                 rewriter.getF64FloatAttr(op->lo),
                                 rewriter.getF64FloatAttr(op->hi));
      break;
    case FloatIntegerOp::Kind::AvgPool: {
      // NHWC: transposed to NCHW and back, on quantized values. TOSA
      // divides by the taps inside the input: count_include_pad is off.
      SmallVector<int64_t> toNCHW = {0, 3, 1, 2}, toNHWC = {0, 2, 3, 1};
      Value nchw = transposeTensor(rewriter, loc, operands[0], toNCHW);
      ArrayRef<int64_t> nhwc = outputFloatType.getShape();
      auto poolType = RankedTensorType::get(
          {nhwc[0], nhwc[3], nhwc[1], nhwc[2]}, outputType);
      result = buildAvgPool2D(rewriter, loc, poolType, nchw, op->kernel,
                              op->strides, op->padding,
                              /*countIncludePad=*/false, state.target);
      if (hasClamp)
        result = ClampOp::create(rewriter, loc, result,
                                 rewriter.getF64FloatAttr(op->lo),
                                 rewriter.getF64FloatAttr(op->hi));
      result = transposeTensor(rewriter, loc, result, toNHWC);
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

void mlir::qsim::populateTosaToQSimPatterns(RewritePatternSet &patterns,
                                            QuantizationState &state) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      TosaLayerToQSim<tosa::Conv2DOp>, TosaLayerToQSim<tosa::DepthwiseConv2DOp>,
      TosaLayerToQSim<tosa::MatMulOp>, TosaIntegerOpToQSim<tosa::AddOp>,
      TosaIntegerOpToQSim<tosa::AvgPool2dOp>,
      TosaIntegerOpToQSim<tosa::ConcatOp>>(ctx, state);
}
