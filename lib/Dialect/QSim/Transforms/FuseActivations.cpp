//===- FuseActivations.cpp - fold ReLU/clamp into requantize --------------===//
//
// Conv+ReLU (and Linear+ReLU, +ReLU6, +clamp) fusion: an activation that
// follows a requantize only tightens the requantize's clamp bounds, so the
// two ops become one and the activation costs nothing at run time.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMFUSEACTIVATIONS
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

/// Replaces `activation` by `requantize` with the clamp bounds [lo, hi],
/// or fails when that range is empty: an activation whose range misses the
/// requantize's range entirely maps everything to one bound, which a
/// clamp_min <= clamp_max requantize cannot express.
static LogicalResult fuseBounds(PatternRewriter &rewriter,
                                Operation *activation, RequantizeOp requantize,
                                int64_t lo, int64_t hi) {
  if (lo > hi)
    return rewriter.notifyMatchFailure(
        activation, "the activation range does not meet the requantize range");
  quant::QuantizedType outType =
      getUniformQuantElementType(requantize.getOutput().getType());
  IntegerAttr clampMin, clampMax;
  if (lo != outType.getStorageTypeMin())
    clampMin = rewriter.getI64IntegerAttr(lo);
  if (hi != outType.getStorageTypeMax())
    clampMax = rewriter.getI64IntegerAttr(hi);
  rewriter.replaceOpWithNewOp<RequantizeOp>(
      activation, requantize.getOutput().getType(), requantize.getInput(),
      requantize.getRoundingAttr(), clampMin, clampMax,
      requantize.getMultiplierAttr(), requantize.getShiftAttr(),
      requantize.getFloatMultiplierAttr());
  return success();
}

/// Returns the producing requantize of an activation's input when it can
/// absorb the activation: it has no other user and its result type has one
/// scale and one zero point.
static FailureOr<RequantizeOp> getFusableRequantize(PatternRewriter &rewriter,
                                                    Operation *activation,
                                                    Value input) {
  auto requantize = input.getDefiningOp<RequantizeOp>();
  if (!requantize)
    return rewriter.notifyMatchFailure(activation,
                                       "input is not a qsim.requantize");
  if (!requantize->hasOneUse())
    return rewriter.notifyMatchFailure(activation,
                                       "the requantize result has other users");
  UniformQuantParams params = getUniformQuantParams(
      getUniformQuantElementType(requantize.getOutput().getType()));
  if (!params.hasUniformZeroPoint() || !llvm::all_equal(params.scales))
    return rewriter.notifyMatchFailure(
        activation, "per-axis result with differing scales or zero points");
  return requantize;
}

/// relu(requantize(x)) -> requantize(x) with lo = max(lo, z_y).
struct FuseReluIntoRequantize final : OpRewritePattern<ReluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReluOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RequantizeOp> requantize =
        getFusableRequantize(rewriter, op, op.getInput());
    if (failed(requantize))
      return failure();
    UniformQuantParams params =
        getUniformQuantParams(getUniformQuantElementType(op.getType()));
    int64_t lo = std::max(requantize->getLowerBound(), params.zeroPoints[0]);
    return fuseBounds(rewriter, op, *requantize, lo,
                      requantize->getUpperBound());
  }
};

/// clamp(requantize(x), min, max) -> requantize(x) with
/// lo = max(lo, quantize(min)), hi = min(hi, quantize(max)).
struct FuseClampIntoRequantize final : OpRewritePattern<ClampOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ClampOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<RequantizeOp> requantize =
        getFusableRequantize(rewriter, op, op.getInput());
    if (failed(requantize))
      return failure();
    UniformQuantParams params =
        getUniformQuantParams(getUniformQuantElementType(op.getType()));
    auto quantizeBound = [&](APFloat bound) {
      return quantizeValue(static_cast<float>(bound.convertToDouble()),
                           params.scales[0], params.zeroPoints[0],
                           params.storageMin, params.storageMax);
    };
    int64_t lo =
        std::max(requantize->getLowerBound(), quantizeBound(op.getMin()));
    int64_t hi =
        std::min(requantize->getUpperBound(), quantizeBound(op.getMax()));
    return fuseBounds(rewriter, op, *requantize, lo, hi);
  }
};

struct QSimFuseActivationsPass final
    : qsim::impl::QSimFuseActivationsBase<QSimFuseActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void mlir::qsim::populateFuseActivationsPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseReluIntoRequantize, FuseClampIntoRequantize>(
      patterns.getContext());
}
