//===- QSimToTosa.cpp - export qsim programs as TOSA ----------------------===//
//
// Each qsim op becomes TOSA ops whose integer semantics (the specification's,
// as upstream's tosa-to-linalg implements them) equal the op's formula for
// every input. Nothing is approximated: an op that TOSA cannot compute
// exactly is reported before the rewrite starts, so an export either
// succeeds whole or changes nothing.
//
// TOSA is channels-last; qsim's NCHW layers are wrapped in transposes, which
// only move elements, and transposes that meet cancel in the clean-up.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/QSimToTosa/QSimToTosa.h"
#include "qsim/Conversion/QSimToLinalg/QSimToLinalg.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace mlir::qsim {
#define GEN_PASS_DEF_CONVERTQSIMTOTOSA
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

constexpr int32_t kNCHWToNHWC[] = {0, 2, 3, 1};
constexpr int32_t kNHWCToNCHW[] = {0, 3, 1, 2};

/// Whether `params` are those of a storage type TOSA has: signed 8, 16 or
/// 32 bits.
bool hasTosaStorage(const UniformQuantParams &params) {
  return params.isSigned &&
         (params.storageWidth == 8 || params.storageWidth == 16 ||
          params.storageWidth == 32);
}

//===----------------------------------------------------------------------===//
// What cannot be exported
//===----------------------------------------------------------------------===//

std::optional<std::string> checkStorage(Value value, StringRef role) {
  UniformQuantParams params = getUniformQuantParams(value);
  if (!hasTosaStorage(params))
    return ("the " + role + " type has " + (params.isSigned ? "i" : "u") +
            Twine(params.storageWidth) +
            " storage; TOSA tensors are signed i8, i16 or i32 (quantize "
            "with target=tosa)")
        .str();
  return std::nullopt;
}

std::optional<std::string> checkUniformZeroPoint(Value value, StringRef role) {
  if (!getUniformQuantParams(value).hasUniformZeroPoint())
    return ("the " + role +
            " type has one zero point per channel; TOSA has one per tensor")
        .str();
  return std::nullopt;
}

std::optional<std::string> checkLayerOperands(Value input, Value weights) {
  if (auto reason = checkStorage(input, "input"))
    return reason;
  if (getUniformQuantParams(input).storageWidth != 8 ||
      getUniformQuantParams(weights).storageWidth != 8)
    return std::string("TOSA accumulates in i32 only from i8 inputs and "
                       "weights");
  if (auto reason = checkStorage(weights, "weights"))
    return reason;
  return checkUniformZeroPoint(weights, "weights");
}

/// Why TOSA cannot broadcast an operand of the binary `op`: TOSA's
/// elementwise ops take operands of the result's rank, and RESHAPE infers
/// at most one dynamic size.
std::optional<std::string> getLowerRankBlocker(Operation *op) {
  int64_t rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
  for (Value operand : op->getOperands()) {
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getRank() < rank && type.getNumDynamicDims() > 1)
      return std::string("an operand of lower rank with more than one "
                         "dynamic size, which TOSA's RESHAPE cannot give the "
                         "result's rank");
  }
  return std::nullopt;
}

/// The reason TOSA cannot compute `op` as qsim does; nullopt when it can.
std::optional<std::string> getQSimOpBlocker(Operation *op) {
  return TypeSwitch<Operation *, std::optional<std::string>>(op)
      .Case([](QuantizeOp quantize) -> std::optional<std::string> {
        if (quantize.getScaling() != QuantizeScaling::Reciprocal)
          return std::string(
              "it divides by the scale and TOSA has no division (quantize "
              "with target=tosa, which multiplies by the float32 "
              "reciprocal)");
        if (quantize.getRounding() != QuantizeRounding::HalfEven)
          return std::string("it rounds ties away from zero and TOSA's CAST "
                             "rounds them to even");
        if (auto reason = checkStorage(quantize.getOutput(), "result"))
          return reason;
        return checkUniformZeroPoint(quantize.getOutput(), "result");
      })
      .Case([](DequantizeOp dequantize) -> std::optional<std::string> {
        UniformQuantParams params =
            getUniformQuantParams(dequantize.getInput());
        if (auto reason = checkStorage(dequantize.getInput(), "input"))
          return reason;
        if (params.storageWidth == 32 &&
            llvm::any_of(params.zeroPoints, [](int64_t z) { return z != 0; }))
          return std::string("an i32 input needs a zero point of 0: TOSA "
                             "subtracts it in i32");
        return checkUniformZeroPoint(dequantize.getInput(), "input");
      })
      .Case([](RequantizeOp requantize) -> std::optional<std::string> {
        RoundingMode mode = requantize.getRounding();
        if (mode != RoundingMode::TosaSingle &&
            mode != RoundingMode::TosaDouble)
          return ("its rounding is " + stringifyRoundingMode(mode) +
                  "; TOSA's RESCALE rounds as tosa_single or tosa_double "
                  "(quantize with target=tosa, or run "
                  "--qsim-set-rounding=mode=tosa_double)")
              .str();
        for (auto [value, role] :
             {std::pair{requantize.getInput(), "input"},
              std::pair{requantize.getOutput(), "result"}}) {
          if (auto reason = checkStorage(value, role))
            return reason;
          if (auto reason = checkUniformZeroPoint(value, role))
            return reason;
        }
        UniformQuantParams in = getUniformQuantParams(requantize.getInput());
        UniformQuantParams out = getUniformQuantParams(requantize.getOutput());
        if (in.storageWidth != 8 && in.getZeroPoint(0) != 0)
          return std::string("TOSA's RESCALE only takes an input zero point "
                             "on i8 inputs");
        if (out.storageWidth != 8 && out.getZeroPoint(0) != 0)
          return std::string("TOSA's RESCALE only adds an output zero point "
                             "on i8 results");
        return std::nullopt;
      })
      .Case([](Conv2DOp conv) -> std::optional<std::string> {
        if (auto reason =
                checkLayerOperands(conv.getInput(), conv.getWeights()))
          return reason;
        auto weightsType = cast<RankedTensorType>(conv.getWeights().getType());
        int64_t channels =
            cast<RankedTensorType>(conv.getInput().getType()).getDimSize(1);
        bool depthwise = static_cast<int64_t>(conv.getGroups()) == channels &&
                         weightsType.getDimSize(1) == 1 && channels > 1;
        if (conv.getGroups() != 1 && !depthwise)
          return std::string("TOSA has no grouped convolution other than "
                             "depthwise (groups = input channels)");
        return std::nullopt;
      })
      .Case([](LinearOp linear) -> std::optional<std::string> {
        return checkLayerOperands(linear.getInput(), linear.getWeights());
      })
      .Case<ReluOp, ClampOp, MaxPool2DOp>(
          [](Operation *op) -> std::optional<std::string> {
            Value input = op->getOperand(0);
            if (auto reason = checkStorage(input, "input"))
              return reason;
            if (auto reason = checkUniformZeroPoint(input, "input"))
              return reason;
            if (auto clamp = dyn_cast<ClampOp>(op)) {
              if (!llvm::all_equal(getUniformQuantParams(input).scales))
                return std::string("its bounds differ per channel; TOSA's "
                                   "CLAMP has one pair per tensor");
            }
            if (auto pool = dyn_cast<MaxPool2DOp>(op)) {
              if (llvm::any_of(pool.getDilations(),
                               [](int64_t d) { return d != 1; }))
                return std::string("TOSA's MAX_POOL2D has no dilation");
            }
            return std::nullopt;
          })
      .Case([](ConcatOp concat) -> std::optional<std::string> {
        Type resultType = getElementTypeOrSelf(concat.getType());
        for (Value input : concat.getInputs())
          if (getElementTypeOrSelf(input.getType()) != resultType)
            return std::string(
                "it requantizes an input in float64; TOSA's CONCAT only "
                "joins tensors of one type (requantize the inputs first)");
        return checkStorage(concat.getOutput(), "result");
      })
      .Case([](TableOp table) -> std::optional<std::string> {
        UniformQuantParams in = getUniformQuantParams(table.getInput());
        UniformQuantParams out = getUniformQuantParams(table.getOutput());
        if (!in.isSigned || in.storageWidth != 8 || !out.isSigned ||
            out.storageWidth != 8)
          return std::string("TOSA's TABLE looks up exactly only from i8 "
                             "to i8 (its i16 form interpolates)");
        return std::nullopt;
      })
      .Case([](AddOp add) -> std::optional<std::string> {
        RoundingMode mode = add.getRounding();
        if (mode != RoundingMode::TosaSingle &&
            mode != RoundingMode::TosaDouble)
          return ("its rounding is " + stringifyRoundingMode(mode) +
                  "; TOSA adds with rescales that round as tosa_single or "
                  "tosa_double (quantize with target=tosa, or run "
                  "--qsim-set-rounding=mode=tosa_double)")
              .str();
        for (auto [value, role] :
             {std::pair{add.getLhs(), "lhs"}, std::pair{add.getRhs(), "rhs"},
              std::pair{add.getOutput(), "result"}}) {
          if (auto reason = checkStorage(value, role))
            return reason;
          UniformQuantParams params = getUniformQuantParams(value);
          if (params.storageWidth != 8 && params.getZeroPoint(0) != 0)
            return ("the " + Twine(role) + " has a zero point on " +
                    Twine(params.storageWidth) +
                    "-bit storage; TOSA's RESCALE takes zero points only on "
                    "i8 values")
                .str();
        }
        return getLowerRankBlocker(add);
      })
      .Case([](AvgPool2DOp pool) -> std::optional<std::string> {
        if (pool.getRounding() != RoundingMode::TosaSingle)
          return std::string(
              "it rounds its mean in float64, and TOSA's AVG_POOL2D divides "
              "with reciprocal_scale (tosa_single: quantize with "
              "target=tosa, or run --qsim-set-rounding=mode=tosa_double)");
        UniformQuantParams in = getUniformQuantParams(pool.getInput());
        UniformQuantParams out = getUniformQuantParams(pool.getOutput());
        if (auto reason = checkStorage(pool.getInput(), "input"))
          return reason;
        if (auto reason = checkStorage(pool.getOutput(), "result"))
          return reason;
        if (in.storageWidth != out.storageWidth)
          return std::string("TOSA's AVG_POOL2D keeps the storage type");
        if (in.storageWidth != 8 &&
            (in.getZeroPoint(0) != 0 || out.getZeroPoint(0) != 0))
          return std::string("TOSA's AVG_POOL2D takes zero points only on "
                             "i8 values");
        return std::nullopt;
      })
      .Case([](MulOp mul) -> std::optional<std::string> {
        RoundingMode mode = mul.getRounding();
        if (mode != RoundingMode::TosaSingle &&
            mode != RoundingMode::TosaDouble)
          return ("its rounding is " + stringifyRoundingMode(mode) +
                  "; TOSA multiplies with rescales that round as "
                  "tosa_single or tosa_double (quantize with target=tosa, "
                  "or run --qsim-set-rounding=mode=tosa_double)")
              .str();
        for (auto [value, role] :
             {std::pair{mul.getLhs(), "lhs"}, std::pair{mul.getRhs(), "rhs"},
              std::pair{mul.getOutput(), "result"}})
          if (auto reason = checkStorage(value, role))
            return reason;
        return getLowerRankBlocker(mul);
      })
      .Default([](Operation *op) -> std::optional<std::string> {
        return ("TOSA has no form of '" + op->getName().getStringRef() + "'")
            .str();
      });
}

bool touchesQuantizedValues(Operation *op) {
  auto isQuantized = [](Type type) {
    return getUniformQuantElementType(type) != nullptr;
  };
  if (llvm::any_of(op->getOperandTypes(), isQuantized) ||
      llvm::any_of(op->getResultTypes(), isQuantized))
    return true;
  if (auto func = dyn_cast<FunctionOpInterface>(op))
    return llvm::any_of(func.getArgumentTypes(), isQuantized) ||
           llvm::any_of(func.getResultTypes(), isQuantized);
  return false;
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

Value createConst(OpBuilder &b, Location loc, DenseElementsAttr values) {
  return tosa::ConstOp::create(b, loc, values.getType(), values);
}

/// A constant of `rank` dimensions that broadcasts `values` along `axis`
/// (one per slice), or a single value everywhere.
Value createBroadcastConst(OpBuilder &b, Location loc, Type elementType,
                           ArrayRef<Attribute> values, int64_t rank,
                           std::optional<int32_t> axis) {
  SmallVector<int64_t> shape(rank, 1);
  if (values.size() > 1)
    shape[*axis] = static_cast<int64_t>(values.size());
  auto type = RankedTensorType::get(shape, elementType);
  return createConst(b, loc, DenseElementsAttr::get(type, values));
}

/// The rank-1 tensor of one value that TOSA takes as a zero point or shift.
Value createScalarTensor(OpBuilder &b, Location loc, Type elementType,
                         int64_t value) {
  auto type = RankedTensorType::get({1}, elementType);
  return createConst(
      b, loc,
      DenseElementsAttr::get(type, b.getIntegerAttr(elementType, value)));
}

/// The operand as a TOSA value: integer constants become tosa.const.
Value asTosaOperand(OpBuilder &b, Value value) {
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (auto values = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return createConst(b, value.getLoc(), values);
  return value;
}

/// `type` with its dimensions in the order `perms` names them.
RankedTensorType permuteType(RankedTensorType type, ArrayRef<int32_t> perms) {
  SmallVector<int64_t> shape;
  for (int32_t dim : perms)
    shape.push_back(type.getDimSize(dim));
  return type.clone(shape);
}

Value createTranspose(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int32_t> perms) {
  auto type = permuteType(cast<RankedTensorType>(input.getType()), perms);
  return tosa::TransposeOp::create(b, loc, type, input, perms);
}

Value createReshape(PatternRewriter &rewriter, Location loc, Value input,
                    ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType()).clone(shape);
  Value shapeValue =
      tosa::getTosaConstShape(rewriter, loc, tosa::convertFromMlirShape(shape));
  return tosa::ReshapeOp::create(rewriter, loc, type, input, shapeValue);
}

Value createClamp(OpBuilder &b, Location loc, Value input, Attribute low,
                  Attribute high) {
  return tosa::ClampOp::create(b, loc, input.getType(), input, low, high);
}

/// TOSA wants a window to end exactly on the padded input, where qsim's
/// sizes round down: the `excess` rows (or columns) after the last window
/// are never read. Drops them from the end padding first; returns how many
/// input rows must still be sliced off.
int64_t dropUnreadRows(int64_t size, int64_t padBegin, int64_t &padEnd,
                       int64_t window, int64_t stride) {
  int64_t excess = (size + padBegin + padEnd - window) % stride;
  int64_t fromPadding = std::min(excess, padEnd);
  padEnd -= fromPadding;
  return excess - fromPadding;
}

/// The TOSA padding [top, bottom, left, right] of a window over the NHWC
/// `input`, from qsim's [top, left, bottom, right], with the rows and
/// columns no window reads removed (see dropUnreadRows).
std::array<int64_t, 4> fitWindowToInput(PatternRewriter &rewriter, Location loc,
                                        Value &input, ArrayRef<int64_t> padding,
                                        ArrayRef<int64_t> windows,
                                        ArrayRef<int64_t> strides) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t bottom = padding[2], right = padding[3];
  int64_t rows = dropUnreadRows(type.getDimSize(1), padding[0], bottom,
                                windows[0], strides[0]);
  int64_t columns = dropUnreadRows(type.getDimSize(2), padding[1], right,
                                   windows[1], strides[1]);
  if (rows != 0 || columns != 0) {
    SmallVector<int64_t> size(type.getShape());
    size[1] -= rows;
    size[2] -= columns;
    Value start = tosa::getTosaConstShape(rewriter, loc, {0, 0, 0, 0});
    Value sizeValue = tosa::getTosaConstShape(rewriter, loc,
                                              tosa::convertFromMlirShape(size));
    input = tosa::SliceOp::create(rewriter, loc, type.clone(size), input, start,
                                  sizeValue);
  }
  return {padding[0], bottom, padding[1], right};
}

//===----------------------------------------------------------------------===//
// quantize / dequantize
//===----------------------------------------------------------------------===//

/// q = clamp(round_half_to_even(x * r) + z, qmin, qmax) with r = 1.0f / s,
/// NaN to z. Clamping x * r to [qmin - z, qmax - z] before the rounding
/// gives the same integers, since the bounds are integers and rounding is
/// monotone; TOSA's CAST to i32 rounds half to even.
struct QuantizeOpExport final : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto floatType = cast<RankedTensorType>(x.getType());
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    UniformQuantParams params = getUniformQuantParams(op.getOutput());
    int64_t rank = floatType.getRank();
    int64_t zeroPoint = params.getZeroPoint(0);
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();

    SmallVector<Attribute> reciprocals;
    for (double scale : params.scales)
      reciprocals.push_back(
          rewriter.getF32FloatAttr(1.0f / static_cast<float>(scale)));
    Value reciprocal = createBroadcastConst(rewriter, loc, f32, reciprocals,
                                            rank, params.axis);
    Value noShift = createScalarTensor(rewriter, loc, rewriter.getI8Type(), 0);
    Value scaled =
        tosa::MulOp::create(rewriter, loc, floatType, x, reciprocal, noShift);
    Value isNumber = tosa::EqualOp::create(
        rewriter, loc, floatType.clone(rewriter.getI1Type()), x, x);
    Value zero = createBroadcastConst(
        rewriter, loc, f32, {rewriter.getF32FloatAttr(0)}, rank, std::nullopt);
    Value finite = tosa::SelectOp::create(rewriter, loc, floatType, isNumber,
                                          scaled, zero);
    Value clamped =
        createClamp(rewriter, loc, finite,
                    rewriter.getF32FloatAttr(params.storageMin - zeroPoint),
                    rewriter.getF32FloatAttr(params.storageMax - zeroPoint));
    Value rounded =
        tosa::CastOp::create(rewriter, loc, floatType.clone(i32), clamped);
    Value zeroPointTensor = createBroadcastConst(
        rewriter, loc, i32, {rewriter.getI32IntegerAttr(zeroPoint)}, rank,
        std::nullopt);
    Value shifted = tosa::AddOp::create(rewriter, loc, floatType.clone(i32),
                                        rounded, zeroPointTensor);
    if (resultType.getElementType() != i32)
      shifted = tosa::CastOp::create(rewriter, loc, resultType, shifted);
    rewriter.replaceOp(op, shifted);
    return success();
  }
};

/// x = s * (q - z): q - z in i32 (exact), then its f32 value times s.
struct DequantizeOpExport final : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value q = adaptor.getInput();
    auto storageType = cast<RankedTensorType>(q.getType());
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    int64_t rank = storageType.getRank();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    auto wideType = storageType.clone(i32);
    Value wide = storageType.getElementType() == i32
                     ? q
                     : tosa::CastOp::create(rewriter, loc, wideType, q);
    Value zeroPoint = createBroadcastConst(
        rewriter, loc, i32,
        {rewriter.getI32IntegerAttr(params.getZeroPoint(0))}, rank,
        std::nullopt);
    Value centered =
        tosa::SubOp::create(rewriter, loc, wideType, wide, zeroPoint);
    Value real =
        tosa::CastOp::create(rewriter, loc, storageType.clone(f32), centered);
    SmallVector<Attribute> scales;
    for (double scale : params.scales)
      scales.push_back(rewriter.getF32FloatAttr(static_cast<float>(scale)));
    Value scale =
        createBroadcastConst(rewriter, loc, f32, scales, rank, params.axis);
    Value noShift = createScalarTensor(rewriter, loc, rewriter.getI8Type(), 0);
    rewriter.replaceOpWithNewOp<tosa::MulOp>(op, real.getType(), real, scale,
                                             noShift);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// requantize and add
//===----------------------------------------------------------------------===//

/// tosa.rescale of `input` to `outStorage` with scale32 `multipliers` and
/// `shifts` (one per channel of the last dimension when there are several)
/// in `mode`'s rounding, subtracting `inZero` and adding `outZero`.
Value createRescale(OpBuilder &b, Location loc, Value input, Type outStorage,
                    ArrayRef<int32_t> multipliers, ArrayRef<int32_t> shifts,
                    int64_t inZero, int64_t outZero, RoundingMode mode) {
  auto channels = static_cast<int64_t>(multipliers.size());
  Value multiplier = createConst(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({channels}, b.getI32Type()),
                             multipliers));
  SmallVector<int8_t> shiftValues(shifts.begin(), shifts.end());
  Value shift = createConst(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({channels}, b.getI8Type()),
                             ArrayRef<int8_t>(shiftValues)));
  Type inStorage = getElementTypeOrSelf(input.getType());
  Value inZeroTensor = createScalarTensor(b, loc, inStorage, inZero);
  Value outZeroTensor = createScalarTensor(b, loc, outStorage, outZero);
  auto rounding = mode == RoundingMode::TosaDouble
                      ? tosa::RoundingMode::DOUBLE_ROUND
                      : tosa::RoundingMode::SINGLE_ROUND;
  auto rescaledType = cast<RankedTensorType>(input.getType()).clone(outStorage);
  return tosa::RescaleOp::create(
      b, loc, rescaledType, input, multiplier, shift, inZeroTensor,
      outZeroTensor, /*scale32=*/true, rounding,
      /*per_channel=*/channels > 1, /*input_unsigned=*/false,
      /*output_unsigned=*/false);
}

/// RESCALE saturates to the storage type; a fused activation or a narrow
/// range clamps `result` further, to [lo, hi].
Value clampToBounds(OpBuilder &b, Location loc, Value result,
                    const UniformQuantParams &out, int64_t lo, int64_t hi) {
  StorageFormat storage{out.storageWidth, /*isSigned=*/true,
                        /*narrowRange=*/false};
  if (lo == storage.getMin() && hi == storage.getMax())
    return result;
  Type outStorage = getElementTypeOrSelf(result.getType());
  return createClamp(b, loc, result, b.getIntegerAttr(outStorage, lo),
                     b.getIntegerAttr(outStorage, hi));
}

/// tosa.rescale with the op's own multipliers and shifts; RESCALE applies
/// per-channel pairs along the last dimension, so another channel axis is
/// transposed there and back.
struct RequantizeOpExport final : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    UniformQuantParams in = getUniformQuantParams(op.getInput());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    ArrayRef<int32_t> multipliers = *op.getMultiplier();
    ArrayRef<int32_t> shifts = *op.getShift();
    bool perChannel = multipliers.size() > 1;
    int64_t rank = resultType.getRank();

    SmallVector<int32_t> toLast, fromLast;
    int32_t axis = in.axis ? *in.axis : out.axis.value_or(rank - 1);
    if (perChannel && axis != rank - 1) {
      for (int32_t dim = 0; dim < rank; ++dim)
        if (dim != axis)
          toLast.push_back(dim);
      toLast.push_back(axis);
      fromLast.assign(rank, 0);
      for (int32_t dim = 0; dim < rank; ++dim)
        fromLast[toLast[dim]] = dim;
      input = createTranspose(rewriter, loc, input, toLast);
    }

    Type outStorage = resultType.getElementType();
    Value result = createRescale(rewriter, loc, input, outStorage, multipliers,
                                 shifts, in.getZeroPoint(0),
                                 out.getZeroPoint(0), op.getRounding());
    result = clampToBounds(rewriter, loc, result, out, op.getLowerBound(),
                           op.getUpperBound());
    if (!toLast.empty())
      result = createTranspose(rewriter, loc, result, fromLast);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `storage` with leading dimensions of size 1 up to `rank`: TOSA's
/// elementwise ops broadcast only dimensions of size 1.
Value reshapeToRank(PatternRewriter &rewriter, Location loc, Value storage,
                    int64_t rank) {
  auto type = cast<RankedTensorType>(storage.getType());
  if (type.getRank() == rank)
    return storage;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return createReshape(rewriter, loc, storage, shape);
}

/// The rescale chain of TOSA's legalizations: each input rescaled to i32
/// by its pair (a lower-rank operand reshaped to the result's rank first,
/// as TOSA's ADD broadcasts only dimensions of size 1), the i32 tosa.add,
/// the sum rescaled to the result by the third pair.
struct AddOpExport final : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = resultType.getRank();
    ArrayRef<int32_t> multipliers = *op.getMultiplier();
    ArrayRef<int32_t> shifts = *op.getShift();
    Type i32 = rewriter.getI32Type();
    SmallVector<Value, 2> rescaled;
    for (auto [index, operands] : llvm::enumerate(
             llvm::zip_equal(op->getOperands(), adaptor.getOperands()))) {
      auto [quantized, storage] = operands;
      rescaled.push_back(createRescale(
          rewriter, loc, reshapeToRank(rewriter, loc, storage, rank), i32,
          multipliers[index], shifts[index],
          getUniformQuantParams(quantized).getZeroPoint(0), 0,
          op.getRounding()));
    }
    Value sum = tosa::AddOp::create(rewriter, loc, resultType.clone(i32),
                                    rescaled[0], rescaled[1]);
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    Value result = createRescale(
        rewriter, loc, sum, resultType.getElementType(), multipliers[2],
        shifts[2], 0, out.getZeroPoint(0), op.getRounding());
    rewriter.replaceOp(op,
                       clampToBounds(rewriter, loc, result, out,
                                     op.getLowerBound(), op.getUpperBound()));
    return success();
  }
};

/// The product chain of TOSA's legalizations: each input rescaled to i32
/// by 1 (2^30 * 2^-30, which only subtracts its zero point), the i32
/// tosa.mul with shift 0, the product rescaled to the result by the op's
/// pair.
struct MulOpExport final : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t rank = resultType.getRank();
    Type i32 = rewriter.getI32Type();
    constexpr int32_t kOne = int32_t(1) << 30, kOneShift = 30;
    SmallVector<Value, 2> widened;
    for (auto [quantized, storage] :
         llvm::zip_equal(op->getOperands(), adaptor.getOperands()))
      widened.push_back(createRescale(
          rewriter, loc, reshapeToRank(rewriter, loc, storage, rank), i32, kOne,
          kOneShift, getUniformQuantParams(quantized).getZeroPoint(0), 0,
          RoundingMode::TosaSingle));
    Value noShift = createScalarTensor(rewriter, loc, rewriter.getI8Type(), 0);
    Value product = tosa::MulOp::create(rewriter, loc, resultType.clone(i32),
                                        widened[0], widened[1], noShift);
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    Value result =
        createRescale(rewriter, loc, product, resultType.getElementType(),
                      op.getMultiplier()->front(), op.getShift()->front(), 0,
                      out.getZeroPoint(0), op.getRounding());
    rewriter.replaceOp(op,
                       clampToBounds(rewriter, loc, result, out,
                                     op.getLowerBound(), op.getUpperBound()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// relu / clamp
//===----------------------------------------------------------------------===//

/// Both clamp the storage integers to constant bounds: [z, qmax] for relu,
/// qsim.clamp's quantized real bounds otherwise.
template <typename OpTy>
struct StorageClampExport final : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    int64_t low = params.getZeroPoint(0), high = params.storageMax;
    if constexpr (std::is_same_v<OpTy, ClampOp>) {
      double scale = params.getScale(0);
      auto quantizeBound = [&](APFloat bound) {
        return quantizeValue(static_cast<float>(bound.convertToDouble()), scale,
                             params.getZeroPoint(0), params.storageMin,
                             params.storageMax);
      };
      low = quantizeBound(op.getMin());
      high = quantizeBound(op.getMax());
    }
    Value input = adaptor.getInput();
    Type storage = getElementTypeOrSelf(input.getType());
    rewriter.replaceOp(op, createClamp(rewriter, op.getLoc(), input,
                                       rewriter.getIntegerAttr(storage, low),
                                       rewriter.getIntegerAttr(storage, high)));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// conv2d / linear
//===----------------------------------------------------------------------===//

/// NCHW/OIHW qsim.conv2d as an NHWC tosa.conv2d over OHWI weights, or a
/// tosa.depthwise_conv2d over [KH, KW, C, M] weights: qsim's output channel
/// c * M + m of a depthwise layer is TOSA's (c, m).
struct Conv2DOpExport final : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto weightsType = cast<RankedTensorType>(adaptor.getWeights().getType());
    auto accType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    int64_t outChannels = weightsType.getDimSize(0);
    int64_t channels =
        cast<RankedTensorType>(adaptor.getInput().getType()).getDimSize(1);
    bool depthwise = op.getGroups() != 1;

    Value input =
        createTranspose(rewriter, loc, adaptor.getInput(), kNCHWToNHWC);
    Value weights = asTosaOperand(rewriter, adaptor.getWeights());
    int64_t kh = weightsType.getDimSize(2), kw = weightsType.getDimSize(3);
    if (depthwise) {
      weights = createTranspose(rewriter, loc, weights, {2, 3, 1, 0});
      weights = createReshape(rewriter, loc, weights,
                              {kh, kw, channels, outChannels / channels});
    } else {
      weights = createTranspose(rewriter, loc, weights, kNCHWToNHWC);
    }
    Type i32 = rewriter.getI32Type();
    Value bias = adaptor.getBias();
    bias = bias ? asTosaOperand(rewriter, bias)
                : createConst(rewriter, loc,
                              DenseElementsAttr::get(
                                  RankedTensorType::get({outChannels}, i32),
                                  rewriter.getI32IntegerAttr(0)));
    Type storage = weightsType.getElementType();
    Value inputZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getInput()).getZeroPoint(0));
    Value weightZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getWeights()).getZeroPoint(0));

    ArrayRef<int64_t> dilations = op.getDilations();
    SmallVector<int64_t> windows = {(kh - 1) * dilations[0] + 1,
                                    (kw - 1) * dilations[1] + 1};
    std::array<int64_t, 4> pad = fitWindowToInput(
        rewriter, loc, input, op.getPadding(), windows, op.getStrides());
    RankedTensorType nhwcType = permuteType(accType, kNCHWToNHWC);
    Value conv;
    if (depthwise)
      conv = tosa::DepthwiseConv2DOp::create(
          rewriter, loc, nhwcType, input, weights, bias, inputZero, weightZero,
          pad, op.getStrides(), dilations, i32);
    else
      conv = tosa::Conv2DOp::create(rewriter, loc, nhwcType, input, weights,
                                    bias, inputZero, weightZero, pad,
                                    op.getStrides(), dilations, i32);
    rewriter.replaceOp(op, createTranspose(rewriter, loc, conv, kNHWCToNCHW));
    return success();
  }
};

/// acc = x * W^T + b as tosa.matmul of [1, N, K] by [1, K, F], whose batch
/// of 1 lets the weights stay one constant for every row.
struct LinearOpExport final : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto weightsType = cast<RankedTensorType>(adaptor.getWeights().getType());
    int64_t rows = inputType.getDimSize(0), depth = inputType.getDimSize(1);
    int64_t features = weightsType.getDimSize(0);
    Type storage = weightsType.getElementType();
    Type i32 = rewriter.getI32Type();

    Value lhs =
        createReshape(rewriter, loc, adaptor.getInput(), {1, rows, depth});
    Value weights = createTranspose(
        rewriter, loc, asTosaOperand(rewriter, adaptor.getWeights()), {1, 0});
    Value rhs = createReshape(rewriter, loc, weights, {1, depth, features});
    Value lhsZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getInput()).getZeroPoint(0));
    Value rhsZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getWeights()).getZeroPoint(0));
    auto productType = RankedTensorType::get({1, rows, features}, i32);
    Value acc = tosa::MatMulOp::create(rewriter, loc, productType, lhs, rhs,
                                       lhsZero, rhsZero);
    if (Value bias = adaptor.getBias()) {
      Value row = createReshape(rewriter, loc, asTosaOperand(rewriter, bias),
                                {1, 1, features});
      acc = tosa::AddOp::create(rewriter, loc, productType, acc, row);
    }
    rewriter.replaceOp(op, createReshape(rewriter, loc, acc, {rows, features}));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// max_pool2d, concat, table
//===----------------------------------------------------------------------===//

/// TOSA pads a max pool with the storage minimum, as qsim does.
struct MaxPool2DOpExport final : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value input =
        createTranspose(rewriter, loc, adaptor.getInput(), kNCHWToNHWC);
    std::array<int64_t, 4> pad = fitWindowToInput(
        rewriter, loc, input, op.getPadding(), op.getKernel(), op.getStrides());
    RankedTensorType nhwcType = permuteType(resultType, kNCHWToNHWC);
    Value pool = tosa::MaxPool2dOp::create(
        rewriter, loc, nhwcType, input, op.getKernel(), op.getStrides(), pad);
    rewriter.replaceOp(op, createTranspose(rewriter, loc, pool, kNHWCToNCHW));
    return success();
  }
};

/// TOSA's AVG_POOL2D in NHWC: the int32 sum of the in-bounds taps less
/// z_x, divided by their count with reciprocal_scale, plus z_y; padding
/// is never counted, as tosa_single requires.
struct AvgPool2DOpExport final : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type storage = resultType.getElementType();
    Value input =
        createTranspose(rewriter, loc, adaptor.getInput(), kNCHWToNHWC);
    std::array<int64_t, 4> pad = fitWindowToInput(
        rewriter, loc, input, op.getPadding(), op.getKernel(), op.getStrides());
    Value inputZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getInput()).getZeroPoint(0));
    Value outputZero = createScalarTensor(
        rewriter, loc, storage,
        getUniformQuantParams(op.getOutput()).getZeroPoint(0));
    RankedTensorType nhwcType = permuteType(resultType, kNCHWToNHWC);
    Value pool = tosa::AvgPool2dOp::create(
        rewriter, loc, nhwcType, input, inputZero, outputZero, op.getKernel(),
        op.getStrides(), pad, rewriter.getI32Type());
    rewriter.replaceOp(op, createTranspose(rewriter, loc, pool, kNHWCToNCHW));
    return success();
  }
};

struct ConcatOpExport final : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<tosa::ConcatOp>(
        op, resultType, adaptor.getInputs(),
        static_cast<uint32_t>(op.getAxis()));
    return success();
  }
};

/// qsim's table is indexed by q + 128 for i8, as TOSA's.
struct TableOpExport final : OpConversionPattern<TableOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TableOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<int8_t> entries;
    for (const APInt &entry : op.getTable().getValues<APInt>())
      entries.push_back(static_cast<int8_t>(entry.getSExtValue()));
    auto tableType = RankedTensorType::get(
        {static_cast<int64_t>(entries.size())}, rewriter.getI8Type());
    Value table = createConst(
        rewriter, op.getLoc(),
        DenseElementsAttr::get(tableType, ArrayRef<int8_t>(entries)));
    Type resultType = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOpWithNewOp<tosa::TableOp>(op, resultType,
                                               adaptor.getInput(), table);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Constants and data movement
//===----------------------------------------------------------------------===//

/// quant.scast only retypes: a constant's storage becomes a tosa.const.
struct StorageCastOpExport final : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (adaptor.getInput().getType() != resultType)
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, asTosaOperand(rewriter, adaptor.getInput()));
    return success();
  }
};

/// collapse_shape and expand_shape of quantized values are reshapes of
/// their storage.
template <typename OpTy>
struct ReshapeExport final : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getResultType());
    if (resultType.getNumDynamicDims() > 1)
      return rewriter.notifyMatchFailure(op, "more than one dynamic size");
    rewriter.replaceOp(op,
                       createReshape(rewriter, op.getLoc(), adaptor.getSrc(),
                                     resultType.getShape()));
    return success();
  }
};

struct TransposeExport final : OpConversionPattern<linalg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(linalg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(op.getInit().getType()))
      return rewriter.notifyMatchFailure(op, "only tensor transposes");
    SmallVector<int32_t> perms;
    for (int64_t dim : op.getPermutation())
      perms.push_back(static_cast<int32_t>(dim));
    rewriter.replaceOp(
        op, createTranspose(rewriter, op.getLoc(), adaptor.getInput(), perms));
    return success();
  }
};

/// tensor.dim reads a size and tensor.empty (a linalg.transpose's init)
/// holds none: both carry over to the storage type.
struct DimOpExport final : OpConversionPattern<tensor::DimOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::DimOp>(op, adaptor.getSource(),
                                               adaptor.getIndex());
    return success();
  }
};

struct EmptyOpExport final : OpConversionPattern<tensor::EmptyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::EmptyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOpWithNewOp<tensor::EmptyOp>(
        op, type.getShape(), type.getElementType(), adaptor.getDynamicSizes());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQSimToTosaPass final
    : qsim::impl::ConvertQSimToTosaBase<ConvertQSimToTosaPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool exportable = true;
    module->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (std::optional<std::string> reason = getTosaExportBlocker(op)) {
        op->emitError() << "cannot export to TOSA: " << *reason;
        exportable = false;
      }
      // A transpose's body only yields its input.
      return isa<linalg::TransposeOp>(op) ? WalkResult::skip()
                                          : WalkResult::advance();
    });
    if (!exportable)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<QSimDialect>();
    target.addIllegalOp<quant::StorageCastOp>();
    target.markUnknownOpDynamicallyLegal([&typeConverter](Operation *op) {
      if (auto func = dyn_cast<FunctionOpInterface>(op)) {
        auto type = dyn_cast<FunctionType>(func.getFunctionType());
        if (type && !typeConverter.isSignatureLegal(type))
          return false;
      }
      return typeConverter.isLegal(op);
    });
    RewritePatternSet patterns(ctx);
    populateQSimToTosaPatterns(typeConverter, patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // Fold the weight layouts into their constants and cancel the
    // transposes that meet between layers; the constants the rewrite
    // replaced go too. Other ops stay untouched.
    SmallVector<Operation *> cleanup;
    module.walk([&](Operation *op) {
      if (isa_and_nonnull<tosa::TosaDialect>(op->getDialect()) ||
          (isa<arith::ConstantOp, tensor::DimOp, tensor::EmptyOp>(op) &&
           op->use_empty()))
        cleanup.push_back(op);
    });
    RewritePatternSet folds(ctx);
    tosa::populateTosaFoldConstantTransposePatterns(ctx, folds);
    tosa::TransposeOp::getCanonicalizationPatterns(folds, ctx);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(cleanup, std::move(folds), config);
  }
};

} // namespace

std::optional<std::string> mlir::qsim::getTosaExportBlocker(Operation *op) {
  if (isa_and_nonnull<QSimDialect>(op->getDialect()))
    return getQSimOpBlocker(op);
  if (!touchesQuantizedValues(op))
    return std::nullopt;
  if (isa<quant::StorageCastOp, linalg::TransposeOp, tensor::DimOp,
          tensor::EmptyOp, func::FuncOp, func::ReturnOp, func::CallOp>(op))
    return std::nullopt;
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op)) {
    if (cast<RankedTensorType>(op->getResult(0).getType()).getNumDynamicDims() >
        1)
      return std::string("TOSA's RESHAPE infers at most one dynamic size");
    return std::nullopt;
  }
  return ("TOSA export has no form of '" + op->getName().getStringRef() +
          "' on quantized values")
      .str();
}

void mlir::qsim::populateQSimToTosaPatterns(const TypeConverter &typeConverter,
                                            RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns
      .add<QuantizeOpExport, DequantizeOpExport, RequantizeOpExport,
           AddOpExport, MulOpExport, StorageClampExport<ReluOp>,
           StorageClampExport<ClampOp>, Conv2DOpExport, LinearOpExport,
           MaxPool2DOpExport, AvgPool2DOpExport, ConcatOpExport, TableOpExport,
           StorageCastOpExport, ReshapeExport<tensor::CollapseShapeOp>,
           ReshapeExport<tensor::ExpandShapeOp>, TransposeExport, DimOpExport,
           EmptyOpExport>(typeConverter, ctx);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  populateCallOpTypeConversionPattern(patterns, typeConverter);
  populateReturnOpTypeConversionPattern(patterns, typeConverter);
}
