//===- DataMovement.cpp - ops that commute with quantization --------------===//

#include "qsim/Conversion/QuantizationCommon/DataMovement.h"
#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qsim;

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

std::optional<SmallVector<int64_t>>
mlir::qsim::matchTransposingGeneric(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[0].isPermutation() || !maps[1].isIdentity() || maps[0].isIdentity())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 1 ||
      cast<linalg::YieldOp>(body.getTerminator()).getValues() !=
          ValueRange{body.getArgument(0)})
    return std::nullopt;
  // result[d0..] = input[map(d)]: the transpose permutation is the inverse.
  AffineMap inverse = inversePermutation(maps[0]);
  SmallVector<int64_t> permutation;
  for (AffineExpr expr : inverse.getResults())
    permutation.push_back(cast<AffineDimExpr>(expr).getPosition());
  return permutation;
}

Value mlir::qsim::getDataMovementSource(Operation *op) {
  // Only ops from one ranked tensor to another (a linalg op on memrefs has
  // no result).
  if (!op || op->getNumResults() != 1 || op->getNumOperands() == 0 ||
      !isa<RankedTensorType>(op->getResult(0).getType()) ||
      !isa<RankedTensorType>(op->getOperand(0).getType()))
    return {};
  if (std::optional<MaxPoolPassThrough> pool = matchMaxPoolPassThrough(op))
    return pool->source;
  if (matchTransposingGeneric(op))
    return op->getOperand(0);
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::CastOp,
          linalg::TransposeOp, tosa::ReshapeOp, tosa::TransposeOp>(op))
    return op->getOperand(0);
  return {};
}

Value mlir::qsim::getActivationSource(Value value) {
  while (Value source = getDataMovementSource(value.getDefiningOp()))
    value = source;
  return value;
}

namespace {

/// `op(dequantize(q))` -> `dequantize(op'(q))` for every data-movement op.
struct MoveDequantizeForward final : RewritePattern {
  MoveDequantizeForward(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    Value source = getDataMovementSource(op);
    if (!source)
      return rewriter.notifyMatchFailure(op, "not a data-movement op");
    auto dequantize = source.getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "its input is not dequantized");
    Value quantized = dequantize.getInput();
    auto quantizedType = cast<RankedTensorType>(quantized.getType());
    // A per-axis type names a dimension that a reshape or transpose moves.
    if (!isa<quant::UniformQuantizedType>(quantizedType.getElementType()))
      return rewriter.notifyMatchFailure(op, "per-axis quantized input");
    Type element = quantizedType.getElementType();
    auto floatResult = cast<RankedTensorType>(op->getResult(0).getType());
    RankedTensorType resultType = floatResult.clone(element);
    Location loc = op->getLoc();
    Value moved;
    if (std::optional<MaxPoolPassThrough> pool = matchMaxPoolPassThrough(op)) {
      moved =
          MaxPool2DOp::create(rewriter, loc, resultType, quantized,
                              rewriter.getDenseI64ArrayAttr(pool->kernel),
                              rewriter.getDenseI64ArrayAttr(pool->strides),
                              rewriter.getDenseI64ArrayAttr(pool->padding),
                              rewriter.getDenseI64ArrayAttr(pool->dilations));
    } else if (std::optional<SmallVector<int64_t>> permutation =
                   matchTransposingGeneric(op)) {
      moved = transposeTensor(rewriter, loc, quantized, *permutation);
    } else if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
      moved =
          transposeTensor(rewriter, loc, quantized, transpose.getPermutation());
    } else if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
      SmallVector<int64_t> permutation;
      for (int32_t dim : transpose.getPerms())
        permutation.push_back(dim);
      moved = transposeTensor(rewriter, loc, quantized, permutation);
    } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      moved =
          tensor::CollapseShapeOp::create(rewriter, loc, resultType, quantized,
                                          collapse.getReassociationIndices());
    } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      moved = tensor::ExpandShapeOp::create(
          rewriter, loc, resultType, quantized,
          expand.getReassociationIndices(), expand.getMixedOutputShape());
    } else if (isa<tensor::CastOp>(op)) {
      moved = tensor::CastOp::create(rewriter, loc, resultType, quantized);
    } else {
      // tosa.reshape of static shapes: a collapse to one dimension and an
      // expand to the result, which only reinterpret the row-major order.
      if (!quantizedType.hasStaticShape() || !resultType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic tosa.reshape");
      auto flatType =
          RankedTensorType::get({quantizedType.getNumElements()}, element);
      ReassociationIndices all;
      for (int64_t d = 0; d < quantizedType.getRank(); ++d)
        all.push_back(d);
      Value flat = quantized;
      if (quantizedType.getRank() != 1)
        flat = tensor::CollapseShapeOp::create(
            rewriter, loc, flatType, quantized,
            ArrayRef<ReassociationIndices>{all});
      ReassociationIndices allResult;
      for (int64_t d = 0; d < resultType.getRank(); ++d)
        allResult.push_back(d);
      moved = flat;
      if (resultType.getRank() != 1)
        moved = tensor::ExpandShapeOp::create(
            rewriter, loc, resultType, flat,
            ArrayRef<ReassociationIndices>{allResult});
    }
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, floatResult, moved);
    return success();
  }
};

/// `dequantize(quantize(x))` -> `x`, for float users only (the cleanup).
struct DropUnusedRange final : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto quantize = op.getInput().getDefiningOp<QuantizeOp>();
    if (!quantize)
      return rewriter.notifyMatchFailure(op, "not a range of a float value");
    rewriter.replaceOp(op, quantize.getInput());
    return success();
  }
};

} // namespace

void mlir::qsim::populateQuantizedDataMovementPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MoveDequantizeForward>(patterns.getContext());
}

void mlir::qsim::populateUnusedRangeCleanupPatterns(
    RewritePatternSet &patterns) {
  patterns.add<DropUnusedRange>(patterns.getContext());
}
