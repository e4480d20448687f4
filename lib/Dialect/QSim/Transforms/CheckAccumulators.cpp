//===- CheckAccumulators.cpp - prove INT32 accumulators do not wrap -------===//
//
// Bounds the INT32 accumulator of every qsim.conv2d and qsim.linear from its
// constant weights and bias and the storage range of its input, and reports
// the ops whose bound exceeds INT32_MAX. Every term of the sum is bounded by
// its absolute value, so the bound holds for each partial sum in any
// summation order; padded taps hold z_x and add 0. The bounds are exact
// unsigned 128-bit integers: 16-bit storage with a large K overflows 64 bits.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Dialect/QSim/Transforms/AccumulatorBounds.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <limits>

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMCHECKACCUMULATORS
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;
using llvm::APInt;

namespace {

constexpr uint64_t kInt32Max = std::numeric_limits<int32_t>::max();
/// The largest |bias| an unknown i32 bias can have: |INT32_MIN|.
constexpr uint64_t kUnknownBiasBound = uint64_t{1} << 31;

/// |a - b| for any two int64 values; exact, since it is below 2^64.
uint64_t absDiff(int64_t a, int64_t b) {
  return a >= b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
}

/// An exact sum of uint64 terms in 128 bits: the high word counts carries,
/// so it cannot overflow before 2^64 terms.
class WideSum {
public:
  void add(uint64_t term) {
    low += term;
    if (low < term)
      ++high;
  }
  APInt get() const { return APInt(kAccumulatorBoundWidth, {low, high}); }

private:
  uint64_t low = 0;
  uint64_t high = 0;
};

/// Saturating unsigned arithmetic at kAccumulatorBoundWidth bits; sets
/// `saturated` when a result was clipped.
APInt mulSat(const APInt &a, const APInt &b, bool &saturated) {
  bool overflow = false;
  APInt product = a.umul_ov(b, overflow);
  if (!overflow)
    return product;
  saturated = true;
  return APInt::getMaxValue(kAccumulatorBoundWidth);
}

APInt addSat(const APInt &a, const APInt &b, bool &saturated) {
  bool overflow = false;
  APInt sum = a.uadd_ov(b, overflow);
  if (!overflow)
    return sum;
  saturated = true;
  return APInt::getMaxValue(kAccumulatorBoundWidth);
}

APInt wide(uint64_t value) { return APInt(kAccumulatorBoundWidth, value); }

/// max |q - z| over every code of the storage integer (all 2^b bit patterns,
/// not only a narrow range: quant.scast does not check that storage values
/// lie in the narrow range).
uint64_t maxDeviation(const UniformQuantParams &params, int64_t zeroPoint) {
  int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(
      params.isSigned, params.storageWidth);
  int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(
      params.isSigned, params.storageWidth);
  return std::max(absDiff(hi, zeroPoint), absDiff(lo, zeroPoint));
}

/// The storage integers of weights reinterpreted from a constant by
/// quant.scast, or null.
DenseIntElementsAttr getConstantWeights(Value weights) {
  auto storageCast = weights.getDefiningOp<quant::StorageCastOp>();
  DenseIntElementsAttr values;
  if (!storageCast ||
      !matchPattern(storageCast.getInput(), m_Constant(&values)))
    return {};
  return values;
}

int64_t toStorageValue(const APInt &bits, bool isSigned) {
  return isSigned ? bits.getSExtValue()
                  : static_cast<int64_t>(bits.getZExtValue());
}

/// Returns sum_k |w[c, k] - z_w[c]| for each output channel c.
SmallVector<APInt> sumWeightDeviations(AccumulatorBound &result, Value weights,
                                       RankedTensorType type,
                                       const UniformQuantParams &params) {
  int64_t numChannels = type.getDimSize(0);
  // K, the weights per output channel, from the type: a static shape may
  // have more elements than any int64.
  APInt perChannel = wide(1);
  for (int64_t dim : type.getShape().drop_front())
    perChannel = mulSat(perChannel, wide(dim), result.saturated);

  SmallVector<APInt> sums;
  sums.reserve(numChannels);
  DenseIntElementsAttr values = getConstantWeights(weights);
  result.constantWeights = static_cast<bool>(values);
  if (numChannels == 0)
    return sums;
  if (perChannel.isZero()) {
    sums.assign(numChannels, wide(0));
    return sums;
  }
  if (!values || values.isSplat()) {
    // Every weight is the splat value, or may be any storage code.
    std::optional<int64_t> splat;
    if (values)
      splat = toStorageValue(values.getSplatValue<APInt>(), params.isSigned);
    for (int64_t channel = 0; channel < numChannels; ++channel) {
      int64_t zeroPoint = params.getZeroPoint(channel);
      uint64_t deviation =
          splat ? absDiff(*splat, zeroPoint) : maxDeviation(params, zeroPoint);
      sums.push_back(mulSat(perChannel, wide(deviation), result.saturated));
    }
    return sums;
  }

  // A dense constant has a static shape that fits in memory, so K is an
  // int64 and the elements come channel by channel.
  int64_t numPerChannel = perChannel.getZExtValue();
  SmallVector<WideSum> channelSums(numChannels);
  auto addAll = [&](auto storageValues) {
    int64_t channel = 0;
    int64_t inChannel = 0;
    int64_t zeroPoint = params.getZeroPoint(0);
    for (int64_t value : storageValues) {
      channelSums[channel].add(absDiff(value, zeroPoint));
      if (++inChannel == numPerChannel && channel + 1 < numChannels) {
        inChannel = 0;
        zeroPoint = params.getZeroPoint(++channel);
      }
    }
  };
  // 8- and 16-bit storage is read in place; other widths through APInt.
  unsigned width = values.getElementType().getIntOrFloatBitWidth();
  if (width == 8 && params.isSigned)
    addAll(values.getValues<int8_t>());
  else if (width == 8)
    addAll(values.getValues<uint8_t>());
  else if (width == 16 && params.isSigned)
    addAll(values.getValues<int16_t>());
  else if (width == 16)
    addAll(values.getValues<uint16_t>());
  else
    addAll(llvm::map_range(values.getValues<APInt>(), [&](const APInt &bits) {
      return toStorageValue(bits, params.isSigned);
    }));
  for (const WideSum &sum : channelSums)
    sums.push_back(sum.get());
  return sums;
}

/// Returns |bias[c]| for each output channel c: the constant's values, 2^31
/// for a bias that is not a constant, 0 without a bias.
SmallVector<uint64_t> getBiasMagnitudes(AccumulatorBound &result, Value bias,
                                        int64_t numChannels) {
  SmallVector<uint64_t> magnitudes(numChannels, 0);
  if (!bias)
    return magnitudes;
  DenseIntElementsAttr values;
  if (!matchPattern(bias, m_Constant(&values))) {
    result.constantBias = false;
    std::fill(magnitudes.begin(), magnitudes.end(), kUnknownBiasBound);
    return magnitudes;
  }
  int64_t channel = 0;
  for (const APInt &value : values.getValues<APInt>()) {
    if (channel == numChannels)
      break;
    magnitudes[channel++] = absDiff(value.getSExtValue(), 0);
  }
  return magnitudes;
}

} // namespace

int64_t AccumulatorBound::getWorstChannel() const {
  int64_t worst = -1;
  for (auto [channel, bound] : llvm::enumerate(channelBounds))
    if (worst < 0 || bound.ugt(channelBounds[worst]))
      worst = channel;
  return worst;
}

int64_t AccumulatorBound::getNumOverflowingChannels() const {
  return llvm::count_if(
      channelBounds, [](const APInt &bound) { return bound.ugt(kInt32Max); });
}

FailureOr<AccumulatorBound> mlir::qsim::computeAccumulatorBound(Operation *op) {
  Value input, weights, bias;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    input = conv.getInput();
    weights = conv.getWeights();
    bias = conv.getBias();
  } else if (auto linear = dyn_cast<LinearOp>(op)) {
    input = linear.getInput();
    weights = linear.getWeights();
    bias = linear.getBias();
  } else {
    return failure();
  }
  auto weightType = cast<RankedTensorType>(weights.getType());
  if (!weightType.hasStaticShape() || weightType.getRank() < 1)
    return failure();
  UniformQuantParams inputParams =
      getUniformQuantParams(getUniformQuantElementType(input.getType()));
  UniformQuantParams weightParams =
      getUniformQuantParams(getUniformQuantElementType(weightType));

  AccumulatorBound result;
  result.op = op;
  result.maxInputDeviation =
      maxDeviation(inputParams, inputParams.getZeroPoint(0));
  int64_t numChannels = weightType.getDimSize(0);
  SmallVector<APInt> weightSums =
      sumWeightDeviations(result, weights, weightType, weightParams);
  SmallVector<uint64_t> biasMagnitudes =
      getBiasMagnitudes(result, bias, numChannels);
  APInt inputDeviation = wide(result.maxInputDeviation);
  result.channelBounds.reserve(numChannels);
  for (int64_t channel = 0; channel < numChannels; ++channel)
    result.channelBounds.push_back(
        addSat(wide(biasMagnitudes[channel]),
               mulSat(weightSums[channel], inputDeviation, result.saturated),
               result.saturated));
  return result;
}

LogicalResult
mlir::qsim::checkAccumulators(Operation *root,
                              const AccumulatorCheckOptions &options) {
  bool reportedError = false;
  root->walk([&](Operation *op) {
    if (!isa<Conv2DOp, LinearOp>(op))
      return;
    auto report = [&]() {
      reportedError |= !options.warnOnly;
      InFlightDiagnostic diag =
          options.warnOnly ? op->emitWarning() : op->emitError();
      diag << options.prefix << "'" << op->getName() << "' ";
      return diag;
    };
    FailureOr<AccumulatorBound> bound = computeAccumulatorBound(op);
    if (failed(bound)) {
      // Only an unverified op lacks static weights; it proves nothing.
      report() << "accumulator cannot be bounded: its weights have no "
                  "static shape"
               << options.hint;
      return;
    }
    if (!bound->mayOverflow())
      return;
    int64_t worst = bound->getWorstChannel();
    InFlightDiagnostic diag = report();
    diag << "accumulator may overflow int32: bound "
         << (bound->saturated ? "at least " : "")
         << llvm::toString(bound->channelBounds[worst], 10, /*Signed=*/false)
         << " > " << kInt32Max << " in output channel " << worst << ", "
         << bound->getNumOverflowingChannels() << " of "
         << bound->channelBounds.size() << " channels exceed it";
    if (!bound->constantWeights)
      diag << "; weights not constant, bounded by their storage range";
    if (!bound->constantBias)
      diag << "; bias not constant, bounded by 2^31";
    diag << options.hint;
  });
  return failure(reportedError);
}

namespace {

/// Reports every conv/linear accumulator that may exceed INT32_MAX.
struct QSimCheckAccumulatorsPass final
    : qsim::impl::QSimCheckAccumulatorsBase<QSimCheckAccumulatorsPass> {
  using Base::Base;

  void runOnOperation() override {
    AccumulatorCheckOptions options;
    options.warnOnly = warnOnly;
    if (failed(checkAccumulators(getOperation(), options)))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
