//===- QuantizedTosaToQSim.cpp - integer TOSA programs to qsim ------------===//
//
// An integer TOSA program carries no scales. Its layers are conv2d,
// depthwise_conv2d or matmul on i8 storage with zero-point operands, an
// int32 bias, and a RESCALE whose multipliers and shifts are the whole
// requantization. Each becomes the qsim ops that compute the same integers:
// the rescale a requantize with rounding tosa_single or tosa_double and the
// rescale's pairs. Every type the import makes has the nominal scale 1 and
// the zero point its TOSA op names; with explicit pairs no integer depends
// on a scale.
//
// Values keep their storage types between the rewritten ops: each rewrite
// reads its operands through quant.scast and casts its result back, and the
// casts (and the NCHW transposes) that meet between two layers cancel. An
// op the import cannot take stays TOSA, which the lowering computes as
// upstream's tosa-to-linalg does, so a partial import is still exact.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/QuantizedTosaToQSim/QuantizedTosaToQSim.h"
#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Dialect/QSim/IR/FixedPoint.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_CONVERTQUANTIZEDTOSATOQSIM
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

constexpr int64_t kNHWCToNCHW[] = {0, 3, 1, 2};
constexpr int64_t kNCHWToNHWC[] = {0, 2, 3, 1};

IntegerType getIntegerElementType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type ? dyn_cast<IntegerType>(type.getElementType()) : IntegerType();
}

bool hasIntegerWidth(Value value, ArrayRef<unsigned> widths) {
  IntegerType type = getIntegerElementType(value);
  return type && llvm::is_contained(widths, type.getWidth());
}

/// The values of a constant integer tensor, sign-extended, with its shape.
bool getConstantInts(Value value, SmallVectorImpl<int64_t> &values,
                     SmallVectorImpl<int64_t> &shape) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  values.clear();
  for (const APInt &element : attr.getValues<APInt>())
    values.push_back(element.getSExtValue());
  shape.assign(attr.getType().getShape().begin(),
               attr.getType().getShape().end());
  return true;
}

/// The signed storage of `width` bits that every TOSA tensor has.
StorageFormat getSignedStorage(unsigned width) {
  return StorageFormat{width, /*isSigned=*/true, /*narrowRange=*/false};
}

/// A per-tensor type of signed `width`-bit storage, scale 1 and zero point
/// `zeroPoint`.
quant::QuantizedType getNominalType(MLIRContext *ctx, unsigned width,
                                    int64_t zeroPoint) {
  StorageFormat storage = getSignedStorage(width);
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                          IntegerType::get(ctx, width),
                                          Float32Type::get(ctx), 1.0, zeroPoint,
                                          storage.getMin(), storage.getMax());
}

/// The per-axis form of getNominalType, `channels` slices of `axis`.
quant::QuantizedType getNominalPerAxisType(MLIRContext *ctx, unsigned width,
                                           int64_t zeroPoint, int32_t axis,
                                           int64_t channels) {
  StorageFormat storage = getSignedStorage(width);
  SmallVector<double> scales(channels, 1.0);
  SmallVector<int64_t> zeroPoints(channels, zeroPoint);
  return quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, width),
      Float32Type::get(ctx), scales, zeroPoints, axis, storage.getMin(),
      storage.getMax());
}

Value castToQuantized(OpBuilder &b, Location loc, Value storage,
                      quant::QuantizedType type) {
  auto tensorType = cast<RankedTensorType>(storage.getType());
  return quant::StorageCastOp::create(b, loc, tensorType.clone(type), storage);
}

Value castToStorage(OpBuilder &b, Location loc, Value quantized) {
  auto tensorType = cast<RankedTensorType>(quantized.getType());
  Type storage =
      cast<quant::QuantizedType>(tensorType.getElementType()).getStorageType();
  return quant::StorageCastOp::create(b, loc, tensorType.clone(storage),
                                      quantized);
}

/// The nominal type of the rewritten op that `storage` comes from, so that
/// the casts between the two fold; otherwise the nominal type of zero
/// point 0.
quant::UniformQuantizedType getOperandType(Value storage) {
  if (auto cast = storage.getDefiningOp<quant::StorageCastOp>())
    if (auto type = dyn_cast<quant::UniformQuantizedType>(
            getElementTypeOrSelf(cast.getInput().getType()));
        type && type.getScale() == 1.0)
      return type;
  return cast<quant::UniformQuantizedType>(getNominalType(
      storage.getContext(), getIntegerElementType(storage).getWidth(), 0));
}

/// The only user of `value`, or null.
Operation *getOnlyUser(Value value) {
  return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
}

//===----------------------------------------------------------------------===//
// What the import takes
//===----------------------------------------------------------------------===//

/// A TOSA rescale read as a qsim requantization.
struct IntegerRescale {
  RoundingMode rounding;
  SmallVector<int32_t> multipliers;
  SmallVector<int32_t> shifts;
  int64_t inputZeroPoint;
  int64_t outputZeroPoint;
  unsigned inputWidth;
  unsigned outputWidth;
};

FailureOr<IntegerRescale> readRescale(tosa::RescaleOp op, std::string &reason) {
  IntegerRescale rescale;
  if (!op.getScale32()) {
    reason = "its scale32 = false (16-bit multipliers) has no qsim form";
    return failure();
  }
  switch (op.getRoundingMode()) {
  case tosa::RoundingMode::SINGLE_ROUND:
    rescale.rounding = RoundingMode::TosaSingle;
    break;
  case tosa::RoundingMode::DOUBLE_ROUND:
    rescale.rounding = RoundingMode::TosaDouble;
    break;
  default:
    reason = "its rounding mode is neither SINGLE_ROUND nor DOUBLE_ROUND";
    return failure();
  }
  if (op.getInputUnsigned() || op.getOutputUnsigned()) {
    reason = "it reads or writes unsigned storage";
    return failure();
  }
  if (!hasIntegerWidth(op.getInput(), {8, 16, 32}) ||
      !hasIntegerWidth(op.getOutput(), {8, 16, 32})) {
    reason = "its input and result are not i8, i16 or i32 tensors";
    return failure();
  }
  rescale.inputWidth = getIntegerElementType(op.getInput()).getWidth();
  rescale.outputWidth = getIntegerElementType(op.getOutput()).getWidth();
  FailureOr<int64_t> inputZeroPoint = op.getInputZeroPoint();
  FailureOr<int64_t> outputZeroPoint = op.getOutputZeroPoint();
  if (failed(inputZeroPoint) || failed(outputZeroPoint)) {
    reason = "its zero points are not constants";
    return failure();
  }
  rescale.inputZeroPoint = *inputZeroPoint;
  rescale.outputZeroPoint = *outputZeroPoint;
  // As TOSA requires: q - z_in must be an int32.
  if (rescale.inputWidth == 32 && rescale.inputZeroPoint != 0) {
    reason = "its i32 input has a non-zero zero point";
    return failure();
  }
  SmallVector<int64_t> multipliers, shifts, shape;
  if (!getConstantInts(op.getMultiplier(), multipliers, shape) ||
      !getConstantInts(op.getShift(), shifts, shape)) {
    reason = "its multipliers and shifts are not constants";
    return failure();
  }
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  int64_t channels = 1;
  if (op.getPerChannel()) {
    if (inputType.getRank() == 0 ||
        inputType.isDynamicDim(inputType.getRank() - 1)) {
      reason = "it is per channel on a dynamic or missing last dimension";
      return failure();
    }
    channels = inputType.getShape().back();
  }
  if (channels == 0 || static_cast<int64_t>(multipliers.size()) != channels ||
      multipliers.size() != shifts.size()) {
    reason = "its multipliers and shifts do not have one entry per channel";
    return failure();
  }
  StorageFormat input = getSignedStorage(rescale.inputWidth);
  for (auto [multiplier, shift] : llvm::zip_equal(multipliers, shifts)) {
    FixedPointMultiplier pair{static_cast<int32_t>(multiplier),
                              static_cast<int32_t>(shift)};
    if (std::optional<std::string> problem =
            checkFixedPointPair(rescale.rounding, pair)) {
      reason = "its pair (" + std::to_string(multiplier) + ", " +
               std::to_string(shift) + ") is invalid: " + *problem;
      return failure();
    }
    // qsim checks apply_scale_32's input range on the types, at compile
    // time; TOSA requires it of the values, at run time.
    auto [lo, hi] = getTosaValueRange(pair.shift);
    if (input.getMin() - rescale.inputZeroPoint < lo ||
        input.getMax() - rescale.inputZeroPoint > hi) {
      reason = "its shift " + std::to_string(shift) + " takes values in [" +
               std::to_string(lo) + ", " + std::to_string(hi) +
               "] only, narrower than its input type, which qsim requires "
               "of every input value";
      return failure();
    }
    rescale.multipliers.push_back(pair.multiplier);
    rescale.shifts.push_back(pair.shift);
  }
  return rescale;
}

/// The storage bounds of an integer tosa.clamp.
FailureOr<std::pair<int64_t, int64_t>> readClamp(tosa::ClampOp op,
                                                 std::string &reason) {
  if (!hasIntegerWidth(op.getInput(), {8, 16})) {
    reason = "it clamps neither i8 nor i16 values";
    return failure();
  }
  auto lo = dyn_cast<IntegerAttr>(op.getMinValAttr());
  auto hi = dyn_cast<IntegerAttr>(op.getMaxValAttr());
  if (!lo || !hi || lo.getInt() > hi.getInt()) {
    reason = "its bounds are not integers with min <= max";
    return failure();
  }
  return std::make_pair(lo.getInt(), hi.getInt());
}

/// Whether `op` is a conv2d, depthwise_conv2d or matmul on integers.
bool isIntegerLayer(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op) &&
         getIntegerElementType(op->getOperand(0));
}

/// The input and weight zero points of an integer layer, when both are
/// constants.
std::optional<std::pair<int64_t, int64_t>> getLayerZeroPoints(Operation *op) {
  auto read = [](FailureOr<int64_t> input, FailureOr<int64_t> weight)
      -> std::optional<std::pair<int64_t, int64_t>> {
    if (failed(input) || failed(weight))
      return std::nullopt;
    return std::make_pair(*input, *weight);
  };
  return TypeSwitch<Operation *, std::optional<std::pair<int64_t, int64_t>>>(op)
      .Case([&](tosa::MatMulOp matmul) {
        return read(matmul.getAZeroPoint(), matmul.getBZeroPoint());
      })
      .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>([&](auto conv) {
        return read(conv.getInputZeroPoint(), conv.getWeightZeroPoint());
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// Why an integer layer has no qsim form, or std::nullopt.
std::optional<std::string> getLayerBlocker(Operation *op) {
  Value input = op->getOperand(0), weights = op->getOperand(1);
  if (!hasIntegerWidth(input, {8}) || !hasIntegerWidth(weights, {8}) ||
      !hasIntegerWidth(op->getResult(0), {32}))
    return std::string("it does not multiply i8 by i8 into i32 (qsim "
                       "accumulates 8-bit products in int32)");
  SmallVector<int64_t> values, shape;
  if (!getConstantInts(weights, values, shape))
    return std::string("its weights are not a constant");
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  // Only the batch may be dynamic, as in qsim.conv2d, and the rows of a
  // matmul, which become qsim.linear's batch.
  bool isMatmul = isa<tosa::MatMulOp>(op);
  for (RankedTensorType type : {inputType, resultType})
    if (llvm::any_of(type.getShape().drop_front(isMatmul ? 2 : 1),
                     ShapedType::isDynamic))
      return std::string(isMatmul ? "a size other than the rows is dynamic"
                                  : "a size other than the batch is dynamic");
  // TOSA's verifiers leave some of these to the consumer.
  int64_t inputChannels = inputType.getShape().back();
  int64_t outputChannels = resultType.getShape().back();
  bool matches =
      TypeSwitch<Operation *, bool>(op)
          .Case<tosa::Conv2DOp>([&](auto) {
            return shape[3] == inputChannels && shape[0] == outputChannels;
          })
          .Case<tosa::DepthwiseConv2DOp>([&](auto) {
            return shape[2] == inputChannels &&
                   shape[2] * shape[3] == outputChannels;
          })
          .Default([&](Operation *) {
            return shape[1] == inputChannels && shape[2] == outputChannels;
          });
  if (!matches)
    return std::string("its weights do not match its input and result "
                       "channels");
  if (isMatmul) {
    // One weight matrix for every batch.
    int64_t batches = shape[0], size = shape[1] * shape[2];
    for (int64_t b = 1; b < batches; ++b)
      if (!std::equal(values.begin(), values.begin() + size,
                      values.begin() + b * size))
        return std::string("its batches have different weight matrices");
  } else {
    Value bias = op->getOperand(2);
    SmallVector<int64_t> biasValues, biasShape;
    if (!hasIntegerWidth(bias, {32}) ||
        !getConstantInts(bias, biasValues, biasShape))
      return std::string("its bias is not a constant i32 tensor");
    int64_t channels = resultType.getShape().back();
    if (biasValues.size() != 1 &&
        static_cast<int64_t>(biasValues.size()) != channels)
      return std::string("its bias has neither one value nor one per "
                         "output channel");
  }
  if (!getLayerZeroPoints(op))
    return std::string("its zero points are not constants");
  return std::nullopt;
}

/// The constant of a tosa.add of an i32 value and a constant that varies at
/// most along the last axis: a bias added to a layer's accumulator.
bool readBiasAdd(tosa::AddOp add, Value accumulator,
                 SmallVectorImpl<int64_t> &values) {
  Value other =
      add.getInput1() == accumulator ? add.getInput2() : add.getInput1();
  SmallVector<int64_t> shape;
  if (other == accumulator || add.getType() != accumulator.getType() ||
      !getConstantInts(other, values, shape) || shape.empty())
    return false;
  auto type = cast<RankedTensorType>(accumulator.getType());
  return llvm::all_of(ArrayRef(shape).drop_back(),
                      [](int64_t size) { return size == 1; }) &&
         (shape.back() == 1 || shape.back() == type.getShape().back());
}

/// A layer with what follows it and the import takes with it: a bias add, a
/// rescale and a clamp, each the only user of the value before.
struct IntegerLayerChain {
  Operation *layer = nullptr;
  SmallVector<int64_t> addedBias;
  tosa::AddOp biasAdd;
  tosa::RescaleOp rescale;
  std::optional<IntegerRescale> requantization;
  std::optional<std::pair<int64_t, int64_t>> clampBounds;
  tosa::ClampOp clamp;

  Operation *getLast() const {
    if (clamp)
      return clamp;
    if (rescale)
      return rescale;
    if (biasAdd)
      return biasAdd;
    return layer;
  }
};

/// The clamp that alone reads `rescale`'s result, when the import takes
/// it: it becomes the requantize's clamp bounds.
void matchClampAfter(tosa::RescaleOp rescale,
                     std::optional<std::pair<int64_t, int64_t>> &bounds,
                     tosa::ClampOp &clamp) {
  auto user = dyn_cast_or_null<tosa::ClampOp>(getOnlyUser(rescale));
  if (!user)
    return;
  std::string reason;
  FailureOr<std::pair<int64_t, int64_t>> read = readClamp(user, reason);
  if (failed(read))
    return;
  clamp = user;
  bounds = *read;
}

/// Extends a chain that ends in `value` by the rescale that alone reads it
/// and the clamp after that, as far as the import takes them.
void matchRescaleAndClamp(Value value, IntegerLayerChain &chain) {
  auto user = dyn_cast_or_null<tosa::RescaleOp>(getOnlyUser(value));
  if (!user || user.getInput() != value)
    return;
  std::string reason;
  FailureOr<IntegerRescale> read = readRescale(user, reason);
  if (failed(read))
    return;
  chain.rescale = user;
  chain.requantization = std::move(*read);
  matchClampAfter(user, chain.clampBounds, chain.clamp);
}

IntegerLayerChain matchLayerChain(Operation *layer) {
  IntegerLayerChain chain;
  chain.layer = layer;
  Value accumulator = layer->getResult(0);
  if (auto add = dyn_cast_or_null<tosa::AddOp>(getOnlyUser(accumulator))) {
    if (readBiasAdd(add, accumulator, chain.addedBias)) {
      chain.biasAdd = add;
      accumulator = add.getOutput();
    }
  }
  matchRescaleAndClamp(accumulator, chain);
  return chain;
}

} // namespace

bool mlir::qsim::isQuantizedTosaImportCandidate(Operation *op) {
  if (isa<tosa::RescaleOp>(op))
    return true;
  if (isa<tosa::ClampOp, tosa::MaxPool2dOp, tosa::AvgPool2dOp>(op))
    return static_cast<bool>(getIntegerElementType(op->getOperand(0)));
  return isIntegerLayer(op);
}

/// Why qsim's pools cannot take the NHWC `input` of a TOSA pool: they pool
/// i8 or i16 with static channels and spatial sizes.
static std::optional<std::string> getPoolInputBlocker(Value input) {
  if (!hasIntegerWidth(input, {8, 16}))
    return std::string("it pools neither i8 nor i16 values");
  auto type = cast<RankedTensorType>(input.getType());
  if (llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic))
    return std::string("a size other than the batch is dynamic");
  return std::nullopt;
}

std::optional<std::string>
mlir::qsim::getQuantizedTosaImportBlocker(Operation *op) {
  std::string reason;
  return TypeSwitch<Operation *, std::optional<std::string>>(op)
      .Case<tosa::RescaleOp>(
          [&](tosa::RescaleOp rescale) -> std::optional<std::string> {
            if (failed(readRescale(rescale, reason)))
              return reason;
            return std::nullopt;
          })
      .Case<tosa::ClampOp>(
          [&](tosa::ClampOp clamp) -> std::optional<std::string> {
            if (failed(readClamp(clamp, reason)))
              return reason;
            return std::nullopt;
          })
      .Case<tosa::MaxPool2dOp>(
          [&](tosa::MaxPool2dOp pool) -> std::optional<std::string> {
            return getPoolInputBlocker(pool.getInput());
          })
      .Case<tosa::AvgPool2dOp>(
          [&](tosa::AvgPool2dOp pool) -> std::optional<std::string> {
            if (auto reason = getPoolInputBlocker(pool.getInput()))
              return reason;
            if (failed(pool.getInputZeroPoint()) ||
                failed(pool.getOutputZeroPoint()))
              return std::string("its zero points are not constants");
            // TOSA's verifier keeps each padding below the kernel, as
            // qsim's does.
            ArrayRef<int64_t> kernel = pool.getKernel();
            StorageFormat storage = getSignedStorage(
                getIntegerElementType(pool.getInput()).getWidth());
            int64_t zero = *pool.getInputZeroPoint();
            int64_t widest =
                std::max(storage.getMax() - zero, zero - storage.getMin());
            if (kernel[0] * kernel[1] >
                std::numeric_limits<int32_t>::max() / widest)
              return std::string("its window sum can pass int32, which TOSA "
                                 "requires of the values and qsim of the "
                                 "types");
            return std::nullopt;
          })
      .Default([](Operation *layer) { return getLayerBlocker(layer); });
}

namespace {

//===----------------------------------------------------------------------===//
// Rewrites
//===----------------------------------------------------------------------===//

/// The bounds of a rescale's `width`-bit result: its storage range, narrowed
/// to the clamp `bounds` after it.
std::pair<int64_t, int64_t>
getResultBounds(unsigned width,
                std::optional<std::pair<int64_t, int64_t>> bounds) {
  StorageFormat output = getSignedStorage(width);
  int64_t lo = output.getMin(), hi = output.getMax();
  if (bounds) {
    lo = std::max(lo, bounds->first);
    hi = std::min(hi, bounds->second);
  }
  return {lo, hi};
}

/// The requantize of `accumulator` that `rescale` computes, with the
/// clamp bounds after it.
Value buildRequantize(OpBuilder &b, Location loc, Value accumulator,
                      const IntegerRescale &rescale,
                      std::optional<std::pair<int64_t, int64_t>> bounds) {
  MLIRContext *ctx = b.getContext();
  StorageFormat output = getSignedStorage(rescale.outputWidth);
  auto [lo, hi] = getResultBounds(rescale.outputWidth, bounds);
  auto resultType = cast<RankedTensorType>(accumulator.getType())
                        .clone(getNominalType(ctx, rescale.outputWidth,
                                              rescale.outputZeroPoint));
  auto requantize = RequantizeOp::create(b, loc, resultType, accumulator);
  requantize.setRounding(rescale.rounding);
  requantize.setMultiplierAttr(
      DenseI32ArrayAttr::get(ctx, rescale.multipliers));
  requantize.setShiftAttr(DenseI32ArrayAttr::get(ctx, rescale.shifts));
  if (lo != output.getMin())
    requantize.setClampMinAttr(b.getI64IntegerAttr(lo));
  if (hi != output.getMax())
    requantize.setClampMaxAttr(b.getI64IntegerAttr(hi));
  return requantize.getResult();
}

/// The weights of a TOSA layer as qsim's: OIHW from conv2d's OHWI,
/// [C * M, 1, KH, KW] from depthwise_conv2d's [KH, KW, C, M] (output channel
/// c * M + m reads input channel c), [W, C] from matmul's first [C, W].
SmallVector<int8_t> permuteWeights(Operation *layer, ArrayRef<int64_t> values,
                                   ArrayRef<int64_t> shape,
                                   SmallVectorImpl<int64_t> &qsimShape) {
  SmallVector<int8_t> result;
  if (isa<tosa::Conv2DOp>(layer)) {
    int64_t o = shape[0], kh = shape[1], kw = shape[2], c = shape[3];
    qsimShape.assign({o, c, kh, kw});
    for (int64_t oo = 0; oo < o; ++oo)
      for (int64_t cc = 0; cc < c; ++cc)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x)
            result.push_back(values[((oo * kh + y) * kw + x) * c + cc]);
  } else if (isa<tosa::DepthwiseConv2DOp>(layer)) {
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    qsimShape.assign({c * m, 1, kh, kw});
    for (int64_t cc = 0; cc < c; ++cc)
      for (int64_t mm = 0; mm < m; ++mm)
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x)
            result.push_back(values[((y * kw + x) * c + cc) * m + mm]);
  } else {
    int64_t c = shape[1], w = shape[2];
    qsimShape.assign({w, c});
    for (int64_t ww = 0; ww < w; ++ww)
      for (int64_t cc = 0; cc < c; ++cc)
        result.push_back(values[cc * w + ww]);
  }
  return result;
}

/// Adds two int32 values as the accumulator does, wrapping modulo 2^32.
int64_t addWrapping(int64_t a, int64_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}

/// Rewrites an integer layer and the bias add, rescale and clamp its chain
/// takes: NHWC layers run as NCHW qsim layers between transposes, a matmul
/// as a qsim.linear of its rows.
LogicalResult rewriteLayerChain(Operation *layer, PatternRewriter &rewriter) {
  if (!isIntegerLayer(layer) || getLayerBlocker(layer))
    return failure();
  IntegerLayerChain chain = matchLayerChain(layer);
  MLIRContext *ctx = rewriter.getContext();
  Location loc = layer->getLoc();
  rewriter.setInsertionPoint(chain.getLast());

  SmallVector<int64_t> weightValues, weightShape, qsimWeightShape;
  getConstantInts(layer->getOperand(1), weightValues, weightShape);
  SmallVector<int8_t> qsimWeights =
      permuteWeights(layer, weightValues, weightShape, qsimWeightShape);
  int64_t channels = qsimWeightShape[0];
  auto [inputZeroPoint, weightZeroPoint] = *getLayerZeroPoints(layer);
  SmallVector<int64_t> bias(channels, 0);
  if (!isa<tosa::MatMulOp>(layer)) {
    SmallVector<int64_t> values, shape;
    getConstantInts(layer->getOperand(2), values, shape);
    for (int64_t o = 0; o < channels; ++o)
      bias[o] = values[values.size() == 1 ? 0 : o];
  }
  ArrayRef<int64_t> added = chain.addedBias;
  if (!added.empty())
    for (int64_t o = 0; o < channels; ++o)
      bias[o] = addWrapping(bias[o], added[added.size() == 1 ? 0 : o]);

  // A per-channel rescale needs per-axis types: scales and zero points
  // repeat the nominal ones.
  bool perChannel =
      chain.requantization && chain.requantization->multipliers.size() > 1;
  quant::QuantizedType weightType =
      perChannel ? getNominalPerAxisType(ctx, 8, weightZeroPoint, 0, channels)
                 : getNominalType(ctx, 8, weightZeroPoint);
  // The channels of NCHW and of linear's [rows, W] are both axis 1.
  quant::QuantizedType accumulatorType =
      perChannel ? getNominalPerAxisType(ctx, 32, 0, /*axis=*/1, channels)
                 : getNominalType(ctx, 32, 0);

  auto weightStorageType =
      RankedTensorType::get(qsimWeightShape, rewriter.getI8Type());
  Value weightStorage = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(weightStorageType, ArrayRef(qsimWeights)));
  Value weights = castToQuantized(rewriter, loc, weightStorage, weightType);
  Value biasValue;
  if (llvm::any_of(bias, [](int64_t v) { return v != 0; })) {
    SmallVector<int32_t> bias32(bias.begin(), bias.end());
    biasValue = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({channels}, rewriter.getI32Type()),
            ArrayRef(bias32)));
  }

  Value input = castToQuantized(rewriter, loc, layer->getOperand(0),
                                getNominalType(ctx, 8, inputZeroPoint));
  auto tosaResultType = cast<RankedTensorType>(layer->getResult(0).getType());
  ArrayRef<int64_t> outShape = tosaResultType.getShape();
  Value accumulator;
  SmallVector<int64_t> qsimShape;
  SmallVector<ReassociationIndices> foldBatch = {{0, 1}, {2}};
  if (isa<tosa::MatMulOp>(layer)) {
    // [N, H, C] -> [N * H, C]; the result [N * H, W] back to [N, H, W].
    input = tensor::CollapseShapeOp::create(rewriter, loc, input, foldBatch);
    int64_t rows = ShapedType::isDynamic(outShape[0])
                       ? ShapedType::kDynamic
                       : outShape[0] * outShape[1];
    qsimShape = {rows, outShape[2]};
    accumulator = LinearOp::create(
        rewriter, loc, RankedTensorType::get(qsimShape, accumulatorType), input,
        weights, biasValue);
  } else {
    input = transposeTensor(rewriter, loc, input, kNHWCToNCHW);
    qsimShape = {outShape[0], outShape[3], outShape[1], outShape[2]};
    ArrayRef<int64_t> pad, stride, dilation;
    TypeSwitch<Operation *>(layer)
        .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>([&](auto conv) {
          pad = conv.getPad();
          stride = conv.getStride();
          dilation = conv.getDilation();
        });
    int64_t groups = isa<tosa::DepthwiseConv2DOp>(layer) ? weightShape[2] : 1;
    // TOSA pads [top, bottom, left, right], qsim [top, left, bottom,
    // right].
    accumulator = Conv2DOp::create(
        rewriter, loc, RankedTensorType::get(qsimShape, accumulatorType), input,
        weights, biasValue, rewriter.getDenseI64ArrayAttr(stride),
        rewriter.getDenseI64ArrayAttr({pad[0], pad[2], pad[1], pad[3]}),
        rewriter.getDenseI64ArrayAttr(dilation),
        rewriter.getI64IntegerAttr(groups));
  }

  Value result = accumulator;
  if (chain.requantization)
    result = buildRequantize(rewriter, loc, accumulator, *chain.requantization,
                             chain.clampBounds);
  auto resultElement =
      cast<quant::QuantizedType>(getElementTypeOrSelf(result.getType()));
  if (isa<tosa::MatMulOp>(layer))
    result = tensor::ExpandShapeOp::create(
        rewriter, loc, tosaResultType.clone(resultElement), result, foldBatch);
  else
    result = transposeTensor(rewriter, loc, result, kNCHWToNHWC);
  result = castToStorage(rewriter, loc, result);

  Operation *last = chain.getLast();
  rewriter.replaceOp(last, result);
  for (Operation *op : {static_cast<Operation *>(chain.rescale),
                        static_cast<Operation *>(chain.biasAdd), layer})
    if (op && op != last)
      rewriter.eraseOp(op);
  return success();
}

template <typename OpTy>
struct IntegerLayerToQSim final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return rewriteLayerChain(op, rewriter);
  }
};

/// The rescale chain of TOSA's legalizations of an integer add: both
/// operands rescaled from 8 or 16 bits to i32 (output zero point 0, one
/// pair, each read by the add alone), the i32 add, and the rescale of the
/// sum (input zero point 0, one pair, the add's only user) with the clamp
/// after it, all in one rounding mode. Becomes qsim.add in that mode with
/// the three pairs; a chain whose values qsim cannot bound stays TOSA.
struct AddChainToQSim final : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasIntegerWidth(op.getOutput(), {32}))
      return failure();
    std::string reason;
    SmallVector<tosa::RescaleOp, 2> inputs;
    SmallVector<IntegerRescale, 3> rescales;
    for (Value operand : {op.getInput1(), op.getInput2()}) {
      auto rescale = operand.getDefiningOp<tosa::RescaleOp>();
      if (!rescale || !rescale->hasOneUse())
        return failure();
      FailureOr<IntegerRescale> read = readRescale(rescale, reason);
      if (failed(read) || read->outputWidth != 32 || read->inputWidth > 16 ||
          read->outputZeroPoint != 0 || read->multipliers.size() != 1)
        return failure();
      inputs.push_back(rescale);
      rescales.push_back(std::move(*read));
    }
    auto output = dyn_cast_or_null<tosa::RescaleOp>(getOnlyUser(op));
    if (!output)
      return failure();
    FailureOr<IntegerRescale> read = readRescale(output, reason);
    if (failed(read) || read->outputWidth > 16 || read->inputZeroPoint != 0 ||
        read->multipliers.size() != 1)
      return failure();
    rescales.push_back(std::move(*read));
    RoundingMode mode = rescales[0].rounding;
    if (rescales[1].rounding != mode || rescales[2].rounding != mode)
      return failure();
    SmallVector<FixedPointMultiplier, 3> pairs;
    for (const IntegerRescale &rescale : rescales)
      pairs.push_back({rescale.multipliers[0], rescale.shifts[0]});
    auto getRange = [](const IntegerRescale &rescale) {
      StorageFormat storage = getSignedStorage(rescale.inputWidth);
      return AddOperandRange{storage.getMin(), storage.getMax(),
                             rescale.inputZeroPoint};
    };
    if (checkTosaAddPairs(mode, getRange(rescales[0]), getRange(rescales[1]),
                          pairs))
      return failure();

    std::optional<std::pair<int64_t, int64_t>> bounds;
    tosa::ClampOp clamp;
    matchClampAfter(output, bounds, clamp);
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(clamp ? clamp.getOperation()
                                     : output.getOperation());
    SmallVector<Value, 2> operands;
    for (auto [rescale, read] : llvm::zip(inputs, rescales))
      operands.push_back(castToQuantized(
          rewriter, loc, rescale.getInput(),
          getNominalType(ctx, read.inputWidth, read.inputZeroPoint)));
    const IntegerRescale &result = rescales[2];
    StorageFormat storage = getSignedStorage(result.outputWidth);
    auto [lo, hi] = getResultBounds(result.outputWidth, bounds);
    auto resultType = cast<RankedTensorType>(output.getType())
                          .clone(getNominalType(ctx, result.outputWidth,
                                                result.outputZeroPoint));
    SmallVector<int32_t> multipliers, shifts;
    for (FixedPointMultiplier pair : pairs) {
      multipliers.push_back(pair.multiplier);
      shifts.push_back(pair.shift);
    }
    auto add = AddOp::create(
        rewriter, loc, resultType, operands[0], operands[1], mode,
        lo != storage.getMin() ? rewriter.getI64IntegerAttr(lo) : nullptr,
        hi != storage.getMax() ? rewriter.getI64IntegerAttr(hi) : nullptr,
        rewriter.getDenseI32ArrayAttr(multipliers),
        rewriter.getDenseI32ArrayAttr(shifts), /*left_shift=*/nullptr,
        /*float_multiplier=*/nullptr, /*float_offset=*/nullptr);
    Value replacement = castToStorage(rewriter, loc, add);
    rewriter.replaceOp(clamp ? clamp.getOperation() : output.getOperation(),
                       replacement);
    if (clamp)
      rewriter.eraseOp(output);
    rewriter.eraseOp(op);
    for (tosa::RescaleOp rescale : inputs)
      rewriter.eraseOp(rescale);
    return success();
  }
};

/// A rescale that no layer takes, with the clamp after it.
struct RescaleToQSim final : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::RescaleOp op,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<IntegerRescale> rescale = readRescale(op, reason);
    if (failed(rescale))
      return failure();
    std::optional<std::pair<int64_t, int64_t>> bounds;
    tosa::ClampOp clamp;
    matchClampAfter(op, bounds, clamp);
    MLIRContext *ctx = rewriter.getContext();
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(clamp ? clamp.getOperation() : op);
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    quant::QuantizedType type =
        rescale->multipliers.size() > 1
            ? getNominalPerAxisType(
                  ctx, rescale->inputWidth, rescale->inputZeroPoint,
                  inputType.getRank() - 1, rescale->multipliers.size())
            : getNominalType(ctx, rescale->inputWidth, rescale->inputZeroPoint);
    Value input = castToQuantized(rewriter, loc, op.getInput(), type);
    Value result = castToStorage(
        rewriter, loc, buildRequantize(rewriter, loc, input, *rescale, bounds));
    if (clamp) {
      rewriter.replaceOp(clamp, result);
      rewriter.eraseOp(op);
    } else {
      rewriter.replaceOp(op, result);
    }
    return success();
  }
};

/// A clamp that no rescale takes: qsim.clamp in the type of the rewritten op
/// it reads (or of zero point 0), with the real bounds of its storage
/// bounds.
struct ClampToQSim final : OpRewritePattern<tosa::ClampOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ClampOp op,
                                PatternRewriter &rewriter) const override {
    std::string reason;
    FailureOr<std::pair<int64_t, int64_t>> bounds = readClamp(op, reason);
    if (failed(bounds))
      return failure();
    Location loc = op.getLoc();
    quant::UniformQuantizedType type = getOperandType(op.getInput());
    Value input = castToQuantized(rewriter, loc, op.getInput(), type);
    // The real bounds quantize back to the storage bounds exactly: they are
    // integers, and the scale is 1.
    auto toReal = [&](int64_t bound) {
      return rewriter.getF64FloatAttr(
          static_cast<double>(bound - type.getZeroPoint()));
    };
    Value clamped = ClampOp::create(rewriter, loc, input, toReal(bounds->first),
                                    toReal(bounds->second));
    rewriter.replaceOp(op, castToStorage(rewriter, loc, clamped));
    return success();
  }
};

/// An integer max pool, NCHW between transposes; padded taps hold the
/// storage minimum in both.
struct MaxPool2dToQSim final : OpRewritePattern<tosa::MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MaxPool2dOp op,
                                PatternRewriter &rewriter) const override {
    if (getQuantizedTosaImportBlocker(op))
      return failure();
    Location loc = op.getLoc();
    quant::QuantizedType type = getOperandType(op.getInput());
    Value input = transposeTensor(
        rewriter, loc, castToQuantized(rewriter, loc, op.getInput(), type),
        kNHWCToNCHW);
    ArrayRef<int64_t> out = cast<RankedTensorType>(op.getType()).getShape();
    ArrayRef<int64_t> pad = op.getPad();
    Value pooled = MaxPool2DOp::create(
        rewriter, loc,
        RankedTensorType::get({out[0], out[3], out[1], out[2]}, type), input,
        rewriter.getDenseI64ArrayAttr(op.getKernel()),
        rewriter.getDenseI64ArrayAttr(op.getStride()),
        rewriter.getDenseI64ArrayAttr({pad[0], pad[2], pad[1], pad[3]}),
        rewriter.getDenseI64ArrayAttr({1, 1}));
    Value result = transposeTensor(rewriter, loc, pooled, kNCHWToNHWC);
    rewriter.replaceOp(op, castToStorage(rewriter, loc, result));
    return success();
  }
};

/// An integer average pool: qsim.avg_pool2d with tosa_single (TOSA's
/// reciprocal_scale division, padding not counted), NCHW between
/// transposes, in nominal types of one scale and the pool's zero points.
struct AvgPool2dToQSim final : OpRewritePattern<tosa::AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AvgPool2dOp op,
                                PatternRewriter &rewriter) const override {
    if (getQuantizedTosaImportBlocker(op))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    unsigned width = getIntegerElementType(op.getInput()).getWidth();
    quant::QuantizedType inputType =
        getNominalType(ctx, width, *op.getInputZeroPoint());
    quant::QuantizedType outputType =
        getNominalType(ctx, width, *op.getOutputZeroPoint());
    Value input = transposeTensor(
        rewriter, loc, castToQuantized(rewriter, loc, op.getInput(), inputType),
        kNHWCToNCHW);
    ArrayRef<int64_t> out = cast<RankedTensorType>(op.getType()).getShape();
    ArrayRef<int64_t> pad = op.getPad();
    auto pool = AvgPool2DOp::create(
        rewriter, loc,
        RankedTensorType::get({out[0], out[3], out[1], out[2]}, outputType),
        input, rewriter.getDenseI64ArrayAttr(op.getKernel()),
        rewriter.getDenseI64ArrayAttr(op.getStride()),
        rewriter.getDenseI64ArrayAttr({pad[0], pad[2], pad[1], pad[3]}),
        /*count_include_pad=*/false, RoundingMode::TosaSingle);
    Value result = transposeTensor(rewriter, loc, pool, kNCHWToNHWC);
    rewriter.replaceOp(op, castToStorage(rewriter, loc, result));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQuantizedTosaToQSimPass final
    : qsim::impl::ConvertQuantizedTosaToQSimBase<
          ConvertQuantizedTosaToQSimPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Each op that stays TOSA says why, once.
    module.walk([](Operation *op) {
      if (!isQuantizedTosaImportCandidate(op))
        return;
      if (std::optional<std::string> reason = getQuantizedTosaImportBlocker(op))
        op->emitRemark() << "stays TOSA: " << *reason;
    });
    MLIRContext *ctx = &getContext();
    // Only the patterns rewrite: the TOSA that stays is left as it is.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    for (unsigned phase = 0; phase < kNumQuantizedTosaImportPhases; ++phase) {
      RewritePatternSet patterns(ctx);
      populateQuantizedTosaToQSimPatterns(patterns, phase);
      if (failed(applyPatternsGreedily(module, std::move(patterns), config))) {
        module.emitError("convert-quantized-tosa-to-qsim: the rewrite did "
                         "not converge");
        return signalPassFailure();
      }
    }
    // Between two rewritten ops, the casts to storage and back fold and
    // the transposes to NHWC and back cancel; the transposes' sizes and
    // inits go with them.
    SmallVector<Operation *> casts;
    module.walk([&](Operation *op) {
      if (isa<quant::StorageCastOp, linalg::TransposeOp, tensor::EmptyOp,
              tensor::DimOp, arith::ConstantIndexOp>(op))
        casts.push_back(op);
    });
    RewritePatternSet cleanup(ctx);
    linalg::TransposeOp::getCanonicalizationPatterns(cleanup, ctx);
    GreedyRewriteConfig cleanupConfig;
    cleanupConfig.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(casts, std::move(cleanup), cleanupConfig);
  }
};

} // namespace

void mlir::qsim::populateQuantizedTosaToQSimPatterns(
    RewritePatternSet &patterns, unsigned phase) {
  MLIRContext *ctx = patterns.getContext();
  switch (phase) {
  case 0:
    patterns.add<IntegerLayerToQSim<tosa::Conv2DOp>,
                 IntegerLayerToQSim<tosa::DepthwiseConv2DOp>,
                 IntegerLayerToQSim<tosa::MatMulOp>, AddChainToQSim>(ctx);
    break;
  case 1:
    patterns.add<RescaleToQSim>(ctx);
    break;
  default:
    patterns.add<ClampToQSim, MaxPool2dToQSim, AvgPool2dToQSim>(ctx);
    break;
  }
}
