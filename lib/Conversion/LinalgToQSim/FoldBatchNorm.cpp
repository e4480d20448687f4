//===- FoldBatchNorm.cpp - fold BatchNorm into conv weights ---------------===//
//
// An inference BatchNorm after a convolution is the per-channel affine map
// y = a[c] * conv(x, W)[c] + b[c], with a = gamma / sqrt(var + eps) and
// b = beta - a * mean. Since the convolution is linear in its weights,
//   a[c] * (sum W[c] * x + bias[c]) + b[c]
//     = sum (a[c] * W[c]) * x + (a[c] * bias[c] + b[c]),
// so the whole chain becomes one convolution with new constant weights and
// bias. The quantizer then sees one conv layer instead of a conv and four
// float elementwise ops. The chain is proven affine by matchChannelAffine,
// so any spelling of it (four generics, one fused generic) folds.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/LinalgToQSim/FoldBatchNorm.h"
#include "qsim/Conversion/LinalgToQSim/ElementwiseEvaluation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMFOLDBATCHNORM
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

/// The elements of a constant f32 tensor, in row-major order.
std::optional<SmallVector<float>> readF32Constant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
    return std::nullopt;
  SmallVector<float> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat()) {
      values.assign(type.getNumElements(), dense.getSplatValue<float>());
      return values;
    }
    llvm::append_range(values, dense.getValues<float>());
    return values;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != type.getNumElements())
      return std::nullopt;
    llvm::append_range(values, *data);
    return values;
  }
  return std::nullopt;
}

/// The constant weights of a conv: directly, or through the one reshape
/// (collapse_shape for depthwise, expand_shape for grouped convs) that
/// torch-mlir puts between the constant and the conv. Either way the output
/// channel is the outermost index of the flattened elements.
struct ConvWeights {
  Value constant;
  /// The reshape between the constant and the conv, or null.
  Operation *reshape = nullptr;
  SmallVector<float> values;
};

FailureOr<ConvWeights> matchWeights(Value weight) {
  ConvWeights weights;
  weights.constant = weight;
  if (Operation *op = weight.getDefiningOp();
      isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op)) {
    weights.reshape = op;
    weights.constant = op->getOperand(0);
  }
  std::optional<SmallVector<float>> values = readF32Constant(weights.constant);
  if (!values)
    return failure();
  weights.values = std::move(*values);
  return weights;
}

/// The bias the conv's init holds: a fill with a constant (a bias of that
/// value, zero for a conv without bias), or a constant `[O]` vector
/// broadcast along the channel, by `linalg.broadcast` or by the equivalent
/// `linalg.generic`.
FailureOr<SmallVector<double>> matchInitBias(Value init, int64_t channels,
                                             std::string &reason) {
  Operation *op = init.getDefiningOp();
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(op)) {
    FloatAttr value;
    if (!matchPattern(fill.getInputs()[0], m_Constant(&value))) {
      reason = "the conv's init is a fill with a non-constant value";
      return failure();
    }
    return SmallVector<double>(channels, value.getValueAsDouble());
  }
  Value bias;
  if (auto broadcast = dyn_cast_or_null<linalg::BroadcastOp>(op)) {
    if (broadcast.getDimensions() != ArrayRef<int64_t>{0, 2, 3}) {
      reason = "the conv's init broadcasts along other dimensions than "
               "[0, 2, 3]";
      return failure();
    }
    bias = broadcast.getInput();
  } else if (auto generic = dyn_cast_or_null<linalg::GenericOp>(op)) {
    MLIRContext *context = generic.getContext();
    AffineMap channelMap = AffineMap::get(4, 0, getAffineDimExpr(1, context));
    Block *body = generic.getBody();
    if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
        generic.getNumParallelLoops() != generic.getNumLoops() ||
        generic.getIndexingMapsArray() !=
            ArrayRef<AffineMap>{
                channelMap, AffineMap::getMultiDimIdentityMap(4, context)} ||
        body->getOperations().size() != 1 ||
        body->getTerminator()->getOperand(0) != body->getArgument(0)) {
      reason = "the conv's init is a generic that is not a bias broadcast "
               "along the channel";
      return failure();
    }
    bias = generic.getDpsInputOperand(0)->get();
  } else {
    reason = "the conv's init is neither a fill nor a bias broadcast";
    return failure();
  }
  std::optional<SmallVector<float>> values = readF32Constant(bias);
  if (!values || static_cast<int64_t>(values->size()) != channels) {
    reason = "the conv's bias is not a constant f32 vector of " +
             std::to_string(channels) + " elements";
    return failure();
  }
  return SmallVector<double>(values->begin(), values->end());
}

/// The sizes of a new tensor shaped like the layer's init `init`: those of
/// the `tensor.empty` it fills or broadcasts into when there is one (so that
/// the old init does not stay alive for its sizes), else `tensor.dim`s.
SmallVector<OpFoldResult> getInitSizes(OpBuilder &builder, Location loc,
                                       Value init) {
  Value source = init;
  if (auto dps = init.getDefiningOp<DestinationStyleOpInterface>();
      dps && dps.getNumDpsInits() == 1)
    source = dps.getDpsInitOperand(0)->get();
  if (auto empty = source.getDefiningOp<tensor::EmptyOp>())
    return empty.getMixedSizes();
  return tensor::getMixedSizes(builder, loc, init);
}

/// Collects after `layer`, whose result (or its NCHW collapse) is `output`
/// with `channels` channels along dimension 1, the longest chain of
/// single-use elementwise generics that is affine per channel, and checks
/// that the affine map can be folded: a finite, non-zero scale and a finite
/// shift on every channel, and not a scale of 1 everywhere.
LogicalResult matchAffineChain(Operation *layer, Value output, int64_t channels,
                               PatternRewriter &rewriter,
                               SmallVector<linalg::GenericOp> &chain,
                               ChannelAffine &affine) {
  if (channels <= 0)
    return rewriter.notifyMatchFailure(layer, "the layer has no channels");
  if (!output.hasOneUse())
    return rewriter.notifyMatchFailure(layer,
                                       "the layer's result has several users");
  FailureOr<ChannelAffine> found = failure();
  std::string chainReason = "no elementwise generic uses the layer's result";
  for (Value current = output;;) {
    if (!chain.empty() && !current.hasOneUse()) {
      chainReason = "the next value has several users";
      break;
    }
    auto next = current.hasOneUse()
                    ? dyn_cast<linalg::GenericOp>(*current.getUsers().begin())
                    : linalg::GenericOp();
    if (!next)
      break;
    SmallVector<linalg::GenericOp> longer(chain);
    longer.push_back(next);
    std::string why;
    FailureOr<ChannelAffine> longerAffine =
        matchChannelAffine(longer, output, /*channelDim=*/1, channels, why);
    if (failed(longerAffine)) {
      chainReason = why;
      break;
    }
    chain = std::move(longer);
    found = std::move(longerAffine);
    current = next->getResult(0);
  }
  if (chain.empty())
    return rewriter.notifyMatchFailure(
        layer, "no per-channel affine chain follows the layer: " + chainReason);
  if (chain.back()->getResult(0).getType() != output.getType())
    return rewriter.notifyMatchFailure(
        layer, "the chain's result type differs from the layer's");

  // A chain that only adds a bias (a == 1) is left as it is: the front end
  // reads it as the layer's bias, and folding would only reassociate sums.
  if (llvm::all_of(found->scale, [](double a) { return a == 1.0; }))
    return rewriter.notifyMatchFailure(
        layer, "the chain only adds a bias (a[c] == 1 for every channel)");
  for (int64_t c = 0; c < channels; ++c) {
    double a = found->scale[c];
    double b = found->shift[c];
    // a == 0 would erase the channel's weights (and lose NaN/inf inputs the
    // unfolded chain propagates); a non-finite a or b has no finite fold.
    if (a == 0.0 || !std::isfinite(a) || !std::isfinite(b))
      return rewriter.notifyMatchFailure(layer, [&](Diagnostic &diag) {
        diag << "channel " << c << " has a[c] = " << a << ", b[c] = " << b
             << ": no finite, non-zero scale to fold";
      });
  }

  affine = std::move(*found);
  return success();
}

/// Folds the affine chain after `conv` into it. `grouped` convs
/// (`conv_2d_ngchw_gfchw`) take their init through an expand_shape of the
/// NCHW init and give their result through a collapse_shape to NCHW; the
/// fold works on the NCHW values around them.
LogicalResult foldIntoConv(linalg::LinalgOp conv, bool grouped,
                           PatternRewriter &rewriter) {
  if (conv->getNumResults() != 1 || conv.getNumDpsInputs() != 2 ||
      conv.getNumDpsInits() != 1)
    return rewriter.notifyMatchFailure(conv, "not a conv on tensors");
  Value weight = conv.getDpsInputOperand(1)->get();
  Value init = conv.getDpsInitOperand(0)->get();

  Value output = conv->getResult(0);
  Operation *collapse = nullptr;
  Operation *initExpand = nullptr;
  Value nchwInit = init;
  if (grouped) {
    if (!output.hasOneUse() ||
        !isa<tensor::CollapseShapeOp>(*output.getUsers().begin()))
      return rewriter.notifyMatchFailure(
          conv, "the grouped conv's result is not only collapsed to NCHW");
    collapse = *output.getUsers().begin();
    output = collapse->getResult(0);
    initExpand = init.getDefiningOp<tensor::ExpandShapeOp>();
    if (!initExpand)
      return rewriter.notifyMatchFailure(
          conv, "the grouped conv's init is not an expand_shape");
    nchwInit = initExpand->getOperand(0);
  }
  auto outputType = dyn_cast<RankedTensorType>(output.getType());
  if (!outputType || outputType.getRank() != 4 ||
      !outputType.getElementType().isF32() ||
      ShapedType::isDynamic(outputType.getDimSize(1)))
    return rewriter.notifyMatchFailure(
        conv, "the conv's result is not NCHW f32 with a static channel count");
  int64_t channels = outputType.getDimSize(1);

  SmallVector<linalg::GenericOp> chain;
  ChannelAffine affine;
  if (failed(matchAffineChain(conv, output, channels, rewriter, chain, affine)))
    return failure();

  FailureOr<ConvWeights> weights = matchWeights(weight);
  if (failed(weights))
    return rewriter.notifyMatchFailure(conv, "the conv's weights are not f32 "
                                             "constants");
  std::string biasReason;
  FailureOr<SmallVector<double>> bias =
      matchInitBias(nchwInit, channels, biasReason);
  if (failed(bias))
    return rewriter.notifyMatchFailure(conv, biasReason);
  int64_t weightsPerChannel = weights->values.size() / channels;
  if (weightsPerChannel * channels !=
      static_cast<int64_t>(weights->values.size()))
    return rewriter.notifyMatchFailure(
        conv, "the weight count is not a multiple of the channel count");

  // a * W and a * bias + b in double, stored in f32.
  SmallVector<float> foldedWeights;
  for (auto [index, w] : llvm::enumerate(weights->values))
    foldedWeights.push_back(static_cast<float>(
        affine.scale[index / weightsPerChannel] * static_cast<double>(w)));
  SmallVector<float> foldedBias;
  for (int64_t c = 0; c < channels; ++c)
    foldedBias.push_back(
        static_cast<float>(affine.scale[c] * (*bias)[c] + affine.shift[c]));
  if (!llvm::all_of(foldedWeights, [](float v) { return std::isfinite(v); }) ||
      !llvm::all_of(foldedBias, [](float v) { return std::isfinite(v); }))
    return rewriter.notifyMatchFailure(conv,
                                       "a folded weight or bias overflows f32");

  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  auto weightType = cast<RankedTensorType>(weights->constant.getType());
  Value newWeight = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(weightType, ArrayRef<float>(foldedWeights)));
  IRMapping mapping;
  if (weights->reshape) {
    mapping.map(weights->constant, newWeight);
    newWeight = rewriter.clone(*weights->reshape, mapping)->getResult(0);
  }
  auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
  Value biasConstant = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(biasType, ArrayRef<float>(foldedBias)));
  Value empty = tensor::EmptyOp::create(rewriter, loc,
                                        getInitSizes(rewriter, loc, nchwInit),
                                        rewriter.getF32Type());
  Value newInit = linalg::BroadcastOp::create(rewriter, loc, biasConstant,
                                              empty, ArrayRef<int64_t>{0, 2, 3})
                      ->getResult(0);
  if (initExpand) {
    mapping.map(nchwInit, newInit);
    newInit = rewriter.clone(*initExpand, mapping)->getResult(0);
  }
  mapping.map(weight, newWeight);
  mapping.map(init, newInit);
  Operation *newConv = rewriter.clone(*conv, mapping);
  Value result = newConv->getResult(0);
  if (collapse) {
    mapping.map(conv->getResult(0), result);
    result = rewriter.clone(*collapse, mapping)->getResult(0);
  }

  rewriter.replaceOp(chain.back(), result);
  for (linalg::GenericOp op : llvm::reverse(ArrayRef(chain).drop_back()))
    rewriter.eraseOp(op);
  if (collapse)
    rewriter.eraseOp(collapse);
  rewriter.eraseOp(conv);
  return success();
}

/// Folds the affine chain after a `linalg.matmul` `[M, K] x [K, F]` into a
/// zero fill (a linear layer, whose bias add is part of the chain, as in
/// torch-mlir's addmm form) into its weights: a `[K, F]` constant, or a
/// `linalg.transpose` of an `[F, K]` constant. The folded bias is added by a
/// broadcasting generic after the new matmul, the form the front end reads
/// as a linear layer's bias.
LogicalResult foldIntoMatmul(linalg::MatmulOp matmul,
                             PatternRewriter &rewriter) {
  if (matmul.hasUserDefinedMaps())
    return rewriter.notifyMatchFailure(matmul,
                                       "the matmul has user-defined maps");
  Value output = matmul->getResult(0);
  auto outputType = dyn_cast<RankedTensorType>(output.getType());
  if (!outputType || outputType.getRank() != 2 ||
      !outputType.getElementType().isF32() ||
      ShapedType::isDynamic(outputType.getDimSize(1)))
    return rewriter.notifyMatchFailure(
        matmul, "the matmul's result is not [M, F] f32 with a static F");
  int64_t features = outputType.getDimSize(1);
  Value init = matmul.getDpsInitOperand(0)->get();
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr fillValue;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&fillValue)) ||
      !fillValue.getValue().isZero())
    return rewriter.notifyMatchFailure(matmul,
                                       "the matmul's init is not a zero fill");

  SmallVector<linalg::GenericOp> chain;
  ChannelAffine affine;
  if (failed(
          matchAffineChain(matmul, output, features, rewriter, chain, affine)))
    return failure();

  // The weights, and for each element the feature it feeds.
  Value weight = matmul.getDpsInputOperand(1)->get();
  Value constant = weight;
  auto transpose = weight.getDefiningOp<linalg::TransposeOp>();
  if (transpose) {
    if (transpose.getPermutation() != ArrayRef<int64_t>{1, 0})
      return rewriter.notifyMatchFailure(
          matmul, "the weights' transpose is not a permutation [1, 0]");
    constant = transpose.getInput();
  }
  std::optional<SmallVector<float>> values = readF32Constant(constant);
  if (!values)
    return rewriter.notifyMatchFailure(
        matmul, "the matmul's weights are not an f32 constant");
  auto constantType = cast<RankedTensorType>(constant.getType());
  // [F, K] under a transpose: row-major rows are features; [K, F]: columns.
  int64_t inner = constantType.getDimSize(1);
  SmallVector<float> foldedWeights;
  for (auto [index, w] : llvm::enumerate(*values)) {
    int64_t feature = transpose ? index / inner : index % inner;
    foldedWeights.push_back(
        static_cast<float>(affine.scale[feature] * static_cast<double>(w)));
  }
  SmallVector<float> foldedBias(affine.shift.begin(), affine.shift.end());
  if (!llvm::all_of(foldedWeights, [](float v) { return std::isfinite(v); }) ||
      !llvm::all_of(foldedBias, [](float v) { return std::isfinite(v); }))
    return rewriter.notifyMatchFailure(matmul,
                                       "a folded weight or bias overflows f32");

  Location loc = matmul.getLoc();
  rewriter.setInsertionPoint(matmul);
  Value newWeight = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(constantType, ArrayRef<float>(foldedWeights)));
  IRMapping mapping;
  if (transpose) {
    mapping.map(constant, newWeight);
    newWeight = rewriter.clone(*transpose, mapping)->getResult(0);
  }
  mapping.map(weight, newWeight);
  Value product = rewriter.clone(*matmul, mapping)->getResult(0);

  MLIRContext *context = rewriter.getContext();
  Value biasConstant = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({features}, rewriter.getF32Type()),
          ArrayRef<float>(foldedBias)));
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, getInitSizes(rewriter, loc, init), rewriter.getF32Type());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, context);
  AffineMap featureMap = AffineMap::get(2, 0, getAffineDimExpr(1, context));
  auto biasAdd = linalg::GenericOp::create(
      rewriter, loc, outputType, ValueRange{product, biasConstant},
      ValueRange{empty}, ArrayRef<AffineMap>{identity, featureMap, identity},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                    utils::IteratorType::parallel},
      [](OpBuilder &builder, Location bodyLoc, ValueRange args) {
        Value sum = arith::AddFOp::create(builder, bodyLoc, args[0], args[1]);
        linalg::YieldOp::create(builder, bodyLoc, sum);
      });

  rewriter.replaceOp(chain.back(), biasAdd->getResult(0));
  for (linalg::GenericOp op : llvm::reverse(ArrayRef(chain).drop_back()))
    rewriter.eraseOp(op);
  rewriter.eraseOp(matmul);
  return success();
}

/// Folds a BatchNorm after a `ConvOp` into its weights and bias.
template <typename ConvOp>
struct FoldBatchNormIntoConv final : OpRewritePattern<ConvOp> {
  using OpRewritePattern<ConvOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    return foldIntoConv(
        cast<linalg::LinalgOp>(conv.getOperation()),
        /*grouped=*/std::is_same_v<ConvOp, linalg::Conv2DNgchwGfchwOp>,
        rewriter);
  }
};

/// Folds a BatchNorm1d (and the bias add before it) after a linear layer
/// into its weights and bias.
struct FoldBatchNormIntoMatmul final : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp matmul,
                                PatternRewriter &rewriter) const override {
    return foldIntoMatmul(matmul, rewriter);
  }
};

struct QSimFoldBatchNormPass final
    : qsim::impl::QSimFoldBatchNormBase<QSimFoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(foldBatchNorms(getOperation())))
      return signalPassFailure();
  }
};

} // namespace

LogicalResult mlir::qsim::foldBatchNorms(Operation *root) {
  RewritePatternSet patterns(root->getContext());
  populateFoldBatchNormPatterns(patterns);
  // Only the fold itself: what it declines must stay exactly as it was,
  // so neither folding, constant CSE nor region simplification runs.
  GreedyRewriteConfig config;
  config.enableFolding(false)
      .enableConstantCSE(false)
      .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  return applyPatternsGreedily(root, std::move(patterns), config);
}

void mlir::qsim::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv<linalg::Conv2DNchwFchwOp>,
               FoldBatchNormIntoConv<linalg::DepthwiseConv2DNchwChwOp>,
               FoldBatchNormIntoConv<linalg::Conv2DNgchwGfchwOp>,
               FoldBatchNormIntoMatmul>(patterns.getContext());
}
