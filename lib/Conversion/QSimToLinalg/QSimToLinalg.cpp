//===- QSimToLinalg.cpp - qsim to integer linalg --------------------------===//
//
// Lowers the qsim ops to linalg.generic ops over storage integers. The
// scales, zero points and requantization multipliers of the quantized types
// become constants: a scalar when one value serves every element, a 1-D
// tensor indexed along the quantized axis for per-axis types. The generated
// arithmetic is exactly the formula of each op's description.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/QSimToLinalg/QSimToLinalg.h"
#include "qsim/Dialect/QSim/IR/FixedPoint.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_CONVERTQSIMTOLINALG
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

QuantStorageTypeConverter::QuantStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](Type type) -> std::optional<Type> {
    if (!getUniformQuantElementType(type) && !isa<quant::QuantizedType>(type))
      return std::nullopt;
    if (Type storage = quant::QuantizedType::castToStorageType(type))
      return storage;
    return std::nullopt;
  });
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

namespace {

/// A constant that may differ per slice of a quantized axis: `values` has one
/// entry for every element, or one per slice of the axis.
struct ChannelConstant {
  Type type;
  SmallVector<Attribute> values;
};

/// The integer type in which storage values are widened before arithmetic:
/// i32 holds q - z for storage up to 16 bits, wider storage needs i64.
IntegerType getComputeType(MLIRContext *ctx, unsigned storageWidth) {
  return IntegerType::get(ctx, storageWidth <= 16 ? 32 : 64);
}

/// An integer attribute of `type` holding `value`, which is read as a
/// signed or unsigned storage value.
IntegerAttr getStorageAttr(IntegerType type, int64_t value, bool isSigned) {
  return IntegerAttr::get(type, APInt(type.getWidth(), value, isSigned));
}

/// Widens a storage value to `type`, zero-extending unsigned storage.
Value widen(OpBuilder &b, Location loc, Value value, IntegerType type,
            bool isSigned) {
  if (value.getType() == type)
    return value;
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, type, value);
  return arith::ExtUIOp::create(b, loc, type, value);
}

/// Builds a ChannelConstant from one value per channel, collapsing it to a
/// single value when all channels agree.
template <typename T, typename ToAttr>
ChannelConstant makeChannelConstant(Type type, ArrayRef<T> perChannel,
                                    ToAttr toAttr) {
  ChannelConstant constant{type, {}};
  if (llvm::all_equal(perChannel)) {
    constant.values.push_back(toAttr(perChannel.front()));
    return constant;
  }
  for (const T &value : perChannel)
    constant.values.push_back(toAttr(value));
  return constant;
}

/// Returns the dynamic sizes of `tensor`, for a tensor.empty of its shape.
SmallVector<Value> getDynamicSizes(OpBuilder &b, Location loc, Value tensor) {
  SmallVector<Value> sizes;
  auto type = cast<RankedTensorType>(tensor.getType());
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    if (type.isDynamicDim(dim))
      sizes.push_back(tensor::DimOp::create(b, loc, tensor, dim));
  }
  return sizes;
}

/// The dynamic sizes of a conv/linear/pool result, whose only dimension
/// that may be dynamic is the batch: read from `input` when it is.
SmallVector<Value> getDynamicBatch(OpBuilder &b, Location loc,
                                   RankedTensorType result, Value input) {
  if (!result.isDynamicDim(0))
    return {};
  return {tensor::DimOp::create(b, loc, input, 0)};
}

/// Builds an elementwise linalg.generic over `input` producing
/// `resultElementType`. Each ChannelConstant reaches `body` as one scalar:
/// a constant for a single value, or the element of a 1-D constant tensor
/// indexed along `axis`.
Value buildElementwise(
    OpBuilder &b, Location loc, Value input, Type resultElementType,
    ArrayRef<ChannelConstant> constants, std::optional<int32_t> axis,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> body) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  MLIRContext *ctx = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);

  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {identity};
  // For each constant: the index of its block argument, or -1 when it is a
  // scalar created inside the body.
  SmallVector<int64_t> argIndex;
  for (const ChannelConstant &constant : constants) {
    if (constant.values.size() == 1) {
      argIndex.push_back(-1);
      continue;
    }
    auto tensorType = RankedTensorType::get(
        {static_cast<int64_t>(constant.values.size())}, constant.type);
    inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(tensorType, constant.values)));
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(*axis, ctx)));
    argIndex.push_back(inputs.size() - 1);
  }
  maps.push_back(identity);

  Value init =
      tensor::EmptyOp::create(b, loc, inputType.getShape(), resultElementType,
                              getDynamicSizes(b, loc, input));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> scalars;
        for (auto [constant, index] : llvm::zip(constants, argIndex)) {
          if (index >= 0)
            scalars.push_back(args[index]);
          else
            scalars.push_back(arith::ConstantOp::create(
                nb, nloc, cast<TypedAttr>(constant.values.front())));
        }
        Value result = body(nb, nloc, args[0], scalars);
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

/// Returns the storage integer type of a quantized tensor value.
IntegerType getStorageType(Value quantized) {
  return cast<IntegerType>(
      getUniformQuantElementType(quantized.getType()).getStorageType());
}

/// Clamps a float to [lo, hi], converts it to `computeType`, adds `zero`
/// and truncates it to `storageType`: the tail shared by quantize and
/// requantize. The clamp bounds are already shifted by -z, so the sum lands
/// in the storage range and the truncation is exact. `rounded` is never NaN
/// (quantize maps NaN to 0 first; every other caller scales integers by
/// finite factors), and the sign of a zero is lost in the conversion, so the
/// clamp is a plain max and min, without the blends with which minimumf and
/// maximumf order NaN and -0.
Value clampShiftAndNarrow(OpBuilder &b, Location loc, Value rounded, Value lo,
                          Value hi, Value zero, Type computeType,
                          Type storageType) {
  arith::FastMathFlags plain =
      arith::FastMathFlags::nnan | arith::FastMathFlags::nsz;
  Value clamped = arith::MinimumFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, rounded, lo, plain), hi,
      plain);
  Value integer = arith::FPToSIOp::create(b, loc, computeType, clamped);
  Value shifted = arith::AddIOp::create(b, loc, integer, zero);
  if (computeType == storageType)
    return shifted;
  return arith::TruncIOp::create(b, loc, storageType, shifted);
}

//===----------------------------------------------------------------------===//
// quantize / dequantize
//===----------------------------------------------------------------------===//

/// q = clamp(round_half_to_even(x / s) + z, qmin, qmax), x / s in f32, or
/// x * r with the f32 reciprocal r = 1.0f / s for `scaling = reciprocal`;
/// ties away from zero (math.round) for `rounding = half_away`.
struct QuantizeOpLowering final : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformQuantParams params = getUniformQuantParams(op.getOutput());
    IntegerType storageType = getStorageType(op.getOutput());
    Type f32 = rewriter.getF32Type();
    IntegerType computeType = getComputeType(getContext(), params.storageWidth);
    auto floatAttr = [&](double value) -> Attribute {
      return rewriter.getF32FloatAttr(static_cast<float>(value));
    };
    SmallVector<double> lows, highs;
    for (int64_t zeroPoint : params.zeroPoints) {
      lows.push_back(params.storageMin - zeroPoint);
      highs.push_back(params.storageMax - zeroPoint);
    }
    bool byReciprocal = op.getScaling() == QuantizeScaling::Reciprocal;
    bool halfAway = op.getRounding() == QuantizeRounding::HalfAway;
    ChannelConstant scale = makeChannelConstant<double>(
        f32, params.scales, [&](double value) -> Attribute {
          auto s = static_cast<float>(value);
          return rewriter.getF32FloatAttr(byReciprocal ? 1.0f / s : s);
        });
    ChannelConstant low = makeChannelConstant<double>(f32, lows, floatAttr);
    ChannelConstant high = makeChannelConstant<double>(f32, highs, floatAttr);
    ChannelConstant zero = makeChannelConstant<int64_t>(
        computeType, params.zeroPoints, [&](int64_t z) -> Attribute {
          return IntegerAttr::get(computeType, z);
        });

    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), storageType,
        {scale, low, high, zero}, params.axis,
        [&](OpBuilder &b, Location loc, Value x, ValueRange c) -> Value {
          Value scaled = byReciprocal
                             ? Value(arith::MulFOp::create(b, loc, x, c[0]))
                             : Value(arith::DivFOp::create(b, loc, x, c[0]));
          Value rounded =
              halfAway ? Value(math::RoundOp::create(b, loc, scaled))
                       : Value(math::RoundEvenOp::create(b, loc, scaled));
          // NaN quantizes to z: the clamp below would otherwise keep it and
          // fptosi of NaN is poison.
          Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO,
                                              rounded, rounded);
          Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
          Value finite = arith::SelectOp::create(b, loc, isNaN, zeroF, rounded);
          return clampShiftAndNarrow(b, loc, finite, c[1], c[2], c[3],
                                     computeType, storageType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// x = s * (q - z) in f32.
struct DequantizeOpLowering final : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    Type f32 = rewriter.getF32Type();
    IntegerType computeType = getComputeType(getContext(), params.storageWidth);
    ChannelConstant scale =
        makeChannelConstant<double>(f32, params.scales, [&](double s) {
          return rewriter.getF32FloatAttr(static_cast<float>(s));
        });
    ChannelConstant zero = makeChannelConstant<int64_t>(
        computeType, params.zeroPoints, [&](int64_t z) -> Attribute {
          return IntegerAttr::get(computeType, z);
        });
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), f32, {scale, zero},
        params.axis,
        [&](OpBuilder &b, Location loc, Value q, ValueRange c) -> Value {
          Value wide = widen(b, loc, q, computeType, params.isSigned);
          Value centered = arith::SubIOp::create(b, loc, wide, c[1]);
          Value real = arith::SIToFPOp::create(b, loc, f32, centered);
          return arith::MulFOp::create(b, loc, real, c[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// requantize
//===----------------------------------------------------------------------===//

/// The constants of `mode`'s arithmetic for one channel's `shift`, in the
/// order buildFixedPointProduct reads them:
///   tflite_double: the left shift, the right shift, mask = 2^right - 1 and
///                  mask >> 1;
///   tflite_single: the total right shift 31 - shift and its rounding
///                  2^(30 - shift);
///   tosa_single:   the shift and its rounding 2^(shift - 1);
///   tosa_double:   those two and the extra rounding, 2^30 when shift > 31.
SmallVector<int64_t> getShiftConstants(RoundingMode mode, int64_t shift) {
  switch (mode) {
  case RoundingMode::TfliteDouble: {
    int64_t right = std::max<int64_t>(-shift, 0);
    int64_t mask = (int64_t(1) << right) - 1;
    return {std::max<int64_t>(shift, 0), right, mask, mask >> 1};
  }
  case RoundingMode::TfliteSingle:
    return {31 - shift, int64_t(1) << (30 - shift)};
  case RoundingMode::TosaSingle:
    return {shift, int64_t(1) << (shift - 1)};
  case RoundingMode::TosaDouble:
    return {shift, int64_t(1) << (shift - 1),
            shift > 31 ? int64_t(1) << 30 : 0};
  case RoundingMode::HalfEven:
  case RoundingMode::Float32HalfEven:
  case RoundingMode::Qnnpack:
  case RoundingMode::Xnnpack:
    break;
  }
  llvm_unreachable("not a fixed-point mode");
}

/// The per-channel i64 constants of a fixed-point requantization: the
/// multiplier, z_in, z_y, then the shift's constants (getShiftConstants).
SmallVector<ChannelConstant> getFixedPointConstants(RequantizeOp op,
                                                    size_t numChannels) {
  UniformQuantParams in = getUniformQuantParams(op.getInput());
  UniformQuantParams out = getUniformQuantParams(op.getOutput());
  ArrayRef<int32_t> multipliers = *op.getMultiplier();
  ArrayRef<int32_t> shifts = *op.getShift();
  SmallVector<SmallVector<int64_t>> columns;
  for (size_t c = 0; c < numChannels; ++c) {
    SmallVector<int64_t> channel = {
        multipliers[multipliers.size() == 1 ? 0 : c], in.getZeroPoint(c),
        out.getZeroPoint(c)};
    llvm::append_range(channel,
                       getShiftConstants(op.getRounding(),
                                         shifts[shifts.size() == 1 ? 0 : c]));
    columns.resize(channel.size());
    for (auto [column, value] : llvm::zip_equal(columns, channel))
      column.push_back(value);
  }
  IntegerType i64 = IntegerType::get(op.getContext(), 64);
  SmallVector<ChannelConstant> constants;
  for (ArrayRef<int64_t> column : columns)
    constants.push_back(
        makeChannelConstant<int64_t>(i64, column, [&](int64_t v) -> Attribute {
          return IntegerAttr::get(i64, v);
        }));
  return constants;
}

/// (x * M) as `mode` computes it from x = q - z_in (i64, within int32), the
/// multiplier `m` and the shift's constants `s` (getShiftConstants), all in
/// i64:
///   tflite_double: a = int32(x << left); ab = a * m;
///                  r = (ab + (ab >= 0 ? 2^30 : 1 - 2^30)) / 2^31 (towards 0);
///                  r >> right + ((r & mask) > (mask >> 1) + (r < 0))
///   tflite_single: (x * m + 2^(30 - shift)) >> (31 - shift)
///   tosa_*:        (x * m + 2^(shift - 1) + (x >= 0 ? d : -d)) >> shift
Value buildFixedPointProduct(OpBuilder &b, Location loc, RoundingMode mode,
                             Value x, Value m, ValueRange s) {
  Type i64 = x.getType();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, IntegerAttr::get(i64, v));
  };
  Value zero = constant(0);
  switch (mode) {
  case RoundingMode::TfliteDouble: {
    // The left shift wraps at 32 bits, as TFLite's int32 multiplication.
    Value shifted = arith::ShLIOp::create(b, loc, x, s[0]);
    Value a = arith::ExtSIOp::create(
        b, loc, i64, arith::TruncIOp::create(b, loc, b.getI32Type(), shifted));
    Value ab = arith::MulIOp::create(b, loc, a, m);
    Value nonNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, ab, zero);
    Value nudge =
        arith::SelectOp::create(b, loc, nonNegative, constant(int64_t(1) << 30),
                                constant(1 - (int64_t(1) << 30)));
    Value high =
        arith::DivSIOp::create(b, loc, arith::AddIOp::create(b, loc, ab, nudge),
                               constant(int64_t(1) << 31));
    Value remainder = arith::AndIOp::create(b, loc, high, s[2]);
    Value isNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, high, zero);
    Value threshold = arith::AddIOp::create(
        b, loc, s[3], arith::ExtUIOp::create(b, loc, i64, isNegative));
    Value roundUp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                          remainder, threshold);
    return arith::AddIOp::create(b, loc,
                                 arith::ShRSIOp::create(b, loc, high, s[1]),
                                 arith::ExtUIOp::create(b, loc, i64, roundUp));
  }
  case RoundingMode::TfliteSingle:
  case RoundingMode::TosaSingle:
  case RoundingMode::TosaDouble: {
    Value product = arith::MulIOp::create(b, loc, x, m);
    Value rounded = arith::AddIOp::create(b, loc, product, s[1]);
    if (mode == RoundingMode::TosaDouble) {
      Value nonNegative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, x, zero);
      Value extra = arith::SelectOp::create(
          b, loc, nonNegative, s[2], arith::SubIOp::create(b, loc, zero, s[2]));
      rounded = arith::AddIOp::create(b, loc, rounded, extra);
    }
    return arith::ShRSIOp::create(b, loc, rounded, s[0]);
  }
  case RoundingMode::HalfEven:
  case RoundingMode::Float32HalfEven:
  case RoundingMode::Qnnpack:
  case RoundingMode::Xnnpack:
    break;
  }
  llvm_unreachable("not a fixed-point mode");
}

/// The parameters of a requantize's input and output, its output storage,
/// and the axis and count of the channels its constants run along (the
/// per-axis side's; the verifier makes both agree when both are).
struct RequantizeSides {
  UniformQuantParams in;
  UniformQuantParams out;
  IntegerType storageType;
  std::optional<int32_t> axis;
  size_t numChannels;
};

RequantizeSides getRequantizeSides(RequantizeOp op) {
  UniformQuantParams in = getUniformQuantParams(op.getInput());
  UniformQuantParams out = getUniformQuantParams(op.getOutput());
  std::optional<int32_t> axis = in.isPerAxis() ? in.axis : out.axis;
  size_t numChannels = std::max(in.scales.size(), out.scales.size());
  return {in, out, getStorageType(op.getOutput()), axis, numChannels};
}

/// y = clamp(round((q - z_in) * M) + z_y, lo, hi) with M = s_in / s_y and
/// the product in f64, rounded half to even; for float32_half_even, the
/// product in f32 with the op's float_multiplier; or, for a fixed-point
/// mode, the product and its rounding as that runtime computes them from
/// the op's multiplier and shift, in integers.
struct RequantizeOpLowering final : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.isFixedPoint())
      return lowerFixedPoint(op, adaptor, rewriter);
    if (op.getRounding() == RoundingMode::Float32HalfEven)
      return lowerFloat32(op, adaptor, rewriter);
    RequantizeSides sides = getRequantizeSides(op);
    Type f64 = rewriter.getF64Type();
    IntegerType outComputeType =
        getComputeType(getContext(), sides.out.storageWidth);
    RequantizeConstants perChannel =
        getRequantizeConstants(op, sides.numChannels);
    auto f64Attr = [&](double v) -> Attribute {
      return rewriter.getF64FloatAttr(v);
    };
    SmallVector<ChannelConstant> constants = {
        makeChannelConstant<double>(f64, perChannel.multipliers, f64Attr),
        makeChannelConstant<double>(f64, perChannel.lows, f64Attr),
        makeChannelConstant<double>(f64, perChannel.highs, f64Attr),
        makeChannelConstant<int64_t>(
            outComputeType, perChannel.outZeros, [&](int64_t z) -> Attribute {
              return IntegerAttr::get(outComputeType, z);
            })};
    bool hasInputZeroPoint =
        llvm::any_of(sides.in.zeroPoints, [](int64_t z) { return z != 0; });
    if (hasInputZeroPoint)
      constants.push_back(
          makeChannelConstant<double>(f64, perChannel.inZeros, f64Attr));
    bool isSigned = sides.in.isSigned;
    IntegerType storageType = sides.storageType;

    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), storageType, constants,
        sides.axis,
        [&](OpBuilder &b, Location loc, Value q, ValueRange c) -> Value {
          return buildRequantizeArithmetic(b, loc, q, isSigned,
                                           hasInputZeroPoint ? c[4] : Value(),
                                           c[0], c[1], c[2], c[3], storageType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// y = clamp(round_half_even(f32(q - z_in) * m) + z_y, lo, hi): q - z_in
  /// exact in i64, its conversion to f32 rounded to nearest (as cvtdq2ps),
  /// the product in f32 with the op's float_multiplier m.
  LogicalResult lowerFloat32(RequantizeOp op, OpAdaptor adaptor,
                             ConversionPatternRewriter &rewriter) const {
    RequantizeSides sides = getRequantizeSides(op);
    Type f32 = rewriter.getF32Type();
    IntegerType i64 = rewriter.getI64Type();
    IntegerType outComputeType =
        getComputeType(getContext(), sides.out.storageWidth);
    // The bounds and zero points as the float64 form has them; the op's own
    // f32 multipliers instead of M, and z_in as an integer, subtracted
    // before the conversion.
    RequantizeConstants perChannel =
        getRequantizeConstants(op, sides.numChannels);
    ArrayRef<float> multipliers = *op.getFloatMultiplier();
    SmallVector<double> scaled;
    SmallVector<int64_t> inZeros;
    for (size_t c = 0; c < sides.numChannels; ++c) {
      scaled.push_back(multipliers[multipliers.size() == 1 ? 0 : c]);
      inZeros.push_back(sides.in.getZeroPoint(c));
    }
    auto f32Attr = [&](double v) -> Attribute {
      return rewriter.getF32FloatAttr(static_cast<float>(v));
    };
    auto intAttr = [](IntegerType type) {
      return
          [type](int64_t v) -> Attribute { return IntegerAttr::get(type, v); };
    };
    SmallVector<ChannelConstant> constants = {
        makeChannelConstant<double>(f32, scaled, f32Attr),
        makeChannelConstant<double>(f32, perChannel.lows, f32Attr),
        makeChannelConstant<double>(f32, perChannel.highs, f32Attr),
        makeChannelConstant<int64_t>(outComputeType, perChannel.outZeros,
                                     intAttr(outComputeType)),
        makeChannelConstant<int64_t>(i64, inZeros, intAttr(i64))};
    bool isSigned = sides.in.isSigned;
    IntegerType storageType = sides.storageType;
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), storageType, constants,
        sides.axis,
        [&](OpBuilder &b, Location loc, Value q, ValueRange c) -> Value {
          Value x = arith::SubIOp::create(
              b, loc, widen(b, loc, q, i64, isSigned), c[4]);
          Value real = arith::SIToFPOp::create(b, loc, f32, x);
          Value product = arith::MulFOp::create(b, loc, real, c[0]);
          Value rounded = math::RoundEvenOp::create(b, loc, product);
          return clampShiftAndNarrow(b, loc, rounded, c[1], c[2], c[3],
                                     outComputeType, storageType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  LogicalResult lowerFixedPoint(RequantizeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const {
    RequantizeSides sides = getRequantizeSides(op);
    SmallVector<ChannelConstant> constants =
        getFixedPointConstants(op, sides.numChannels);
    RoundingMode mode = op.getRounding();
    bool isSigned = sides.in.isSigned;
    IntegerType storageType = sides.storageType;
    int64_t lo = op.getLowerBound(), hi = op.getUpperBound();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), storageType, constants,
        sides.axis,
        [&](OpBuilder &b, Location loc, Value q, ValueRange c) -> Value {
          IntegerType i64 = b.getI64Type();
          Value x = arith::SubIOp::create(
              b, loc, widen(b, loc, q, i64, isSigned), c[1]);
          Value scaled =
              buildFixedPointProduct(b, loc, mode, x, c[0], c.drop_front(3));
          Value shifted = arith::AddIOp::create(b, loc, scaled, c[2]);
          Value low =
              arith::ConstantOp::create(b, loc, IntegerAttr::get(i64, lo));
          Value high =
              arith::ConstantOp::create(b, loc, IntegerAttr::get(i64, hi));
          Value clamped = arith::MinSIOp::create(
              b, loc, arith::MaxSIOp::create(b, loc, shifted, low), high);
          return arith::TruncIOp::create(b, loc, storageType, clamped);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// relu / clamp
//===----------------------------------------------------------------------===//

/// Lowers y = min(max(q, lo[c]), hi[c]) in the storage domain, comparing as
/// signed or unsigned integers according to the storage type; a bound that
/// is absent (std::nullopt) is not applied.
Value buildStorageClamp(ConversionPatternRewriter &rewriter, Location loc,
                        Value storage, const UniformQuantParams &params,
                        IntegerType storageType, ArrayRef<int64_t> lows,
                        std::optional<ArrayRef<int64_t>> highs) {
  auto toAttr = [&](int64_t v) -> Attribute {
    return getStorageAttr(storageType, v, params.isSigned);
  };
  SmallVector<ChannelConstant> constants = {
      makeChannelConstant<int64_t>(storageType, lows, toAttr)};
  if (highs)
    constants.push_back(
        makeChannelConstant<int64_t>(storageType, *highs, toAttr));
  bool isSigned = params.isSigned;
  return buildElementwise(
      rewriter, loc, storage, storageType, constants, params.axis,
      [&](OpBuilder &b, Location nloc, Value q, ValueRange c) -> Value {
        Value result = isSigned
                           ? Value(arith::MaxSIOp::create(b, nloc, q, c[0]))
                           : Value(arith::MaxUIOp::create(b, nloc, q, c[0]));
        if (c.size() == 1)
          return result;
        return isSigned ? Value(arith::MinSIOp::create(b, nloc, result, c[1]))
                        : Value(arith::MinUIOp::create(b, nloc, result, c[1]));
      });
}

/// y = max(q, z).
struct ReluOpLowering final : OpConversionPattern<ReluOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    rewriter.replaceOp(op, buildStorageClamp(rewriter, op.getLoc(),
                                             adaptor.getInput(), params,
                                             getStorageType(op.getInput()),
                                             params.zeroPoints, std::nullopt));
    return success();
  }
};

/// y = min(max(q, quantize(min)), quantize(max)).
struct ClampOpLowering final : OpConversionPattern<ClampOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    float lo = static_cast<float>(op.getMin().convertToDouble());
    float hi = static_cast<float>(op.getMax().convertToDouble());
    SmallVector<int64_t> lows, highs;
    for (size_t c = 0; c < params.scales.size(); ++c) {
      lows.push_back(quantizeValue(lo, params.scales[c], params.getZeroPoint(c),
                                   params.storageMin, params.storageMax));
      highs.push_back(quantizeValue(hi, params.scales[c],
                                    params.getZeroPoint(c), params.storageMin,
                                    params.storageMax));
    }
    rewriter.replaceOp(op, buildStorageClamp(rewriter, op.getLoc(),
                                             adaptor.getInput(), params,
                                             getStorageType(op.getInput()),
                                             lows, ArrayRef<int64_t>(highs)));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// conv2d / linear
//===----------------------------------------------------------------------===//

/// Pads the spatial dimensions of an NCHW storage tensor by
/// [top, left, bottom, right] with `value`; returns `input` when no padding
/// is needed.
Value padSpatially(OpBuilder &b, Location loc, Value input,
                   ArrayRef<int64_t> padding, Value padValue) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(padding[0]),
                                   b.getIndexAttr(padding[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(padding[2]),
                                    b.getIndexAttr(padding[3])};
  SmallVector<int64_t> paddedShape(type.getShape());
  paddedShape[2] += padding[0] + padding[2];
  paddedShape[3] += padding[1] + padding[3];
  return tensor::PadOp::create(b, loc, type.clone(paddedShape), input, low,
                               high, padValue);
}

/// Creates the i32 accumulator init: the bias broadcast along the output
/// channels when there is one, zeros otherwise. `biasMap` maps the result's
/// dimensions to the bias' (already reshaped) dimensions.
Value buildAccumulatorInit(OpBuilder &b, Location loc, RankedTensorType accType,
                           ValueRange dynamicSizes, Value bias,
                           AffineMap biasMap) {
  Value empty = tensor::EmptyOp::create(b, loc, accType.getShape(),
                                        accType.getElementType(), dynamicSizes);
  if (!bias) {
    Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
    return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  }
  AffineMap identity =
      AffineMap::getMultiDimIdentityMap(accType.getRank(), b.getContext());
  SmallVector<utils::IteratorType> iterators(accType.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, accType, bias, empty,
             ArrayRef<AffineMap>{biasMap, identity}, iterators,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, args[0]);
             })
      .getResult(0);
}

/// Emits the multiply-accumulate body shared by conv2d and linear:
/// acc + (x - z_x) * (w - z_w). `weightZero` is the weight zero point as a
/// value, or null when it is 0 for every channel.
Value buildMultiplyAccumulate(OpBuilder &b, Location loc, Value x, Value w,
                              Value acc, const UniformQuantParams &input,
                              const UniformQuantParams &weights,
                              Value weightZero) {
  IntegerType i32 = b.getI32Type();
  Value xWide = widen(b, loc, x, i32, input.isSigned);
  if (input.zeroPoints.front() != 0) {
    Value zero = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(input.zeroPoints.front()));
    xWide = arith::SubIOp::create(b, loc, xWide, zero);
  }
  Value wWide = widen(b, loc, w, i32, weights.isSigned);
  if (weightZero)
    wWide = arith::SubIOp::create(b, loc, wWide, weightZero);
  Value product = arith::MulIOp::create(b, loc, xWide, wWide);
  return arith::AddIOp::create(b, loc, acc, product);
}

/// The body of a conv/linear generic whose block arguments are (x, w,
/// [z_w,] acc): the weight zero point comes from its own input when the
/// channels differ, else from a constant (none when it is 0).
void buildMultiplyAccumulateBody(OpBuilder &b, Location loc, ValueRange args,
                                 const UniformQuantParams &input,
                                 const UniformQuantParams &weights,
                                 bool hasWeightZeroInput) {
  Value weightZero;
  if (hasWeightZeroInput)
    weightZero = args[2];
  else if (weights.zeroPoints.front() != 0)
    weightZero = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(weights.zeroPoints.front()));
  Value acc = buildMultiplyAccumulate(b, loc, args[0], args[1], args.back(),
                                      input, weights, weightZero);
  linalg::YieldOp::create(b, loc, acc);
}

/// The weight zero points as an i32 constant of `shape` (one per output
/// channel) for per-axis weights with differing zero points; null when one
/// zero point serves every channel.
Value buildWeightZeroTensor(OpBuilder &b, Location loc,
                            const UniformQuantParams &weights,
                            ArrayRef<int64_t> shape) {
  if (weights.hasUniformZeroPoint())
    return {};
  SmallVector<int32_t> values(weights.zeroPoints.begin(),
                              weights.zeroPoints.end());
  auto type = RankedTensorType::get(shape, b.getI32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(values)));
}

/// acc[n, o, y, x] = bias[o] + sum (in - z_x) * (w - z_w[o]), as one
/// linalg.generic over (n, g, f, oh, ow, c, kh, kw) where o = g * F + f.
/// The weights and the result are viewed as [G, F, ...] so that every loop
/// is a plain dimension of some operand; the padded input is indexed with
/// g * C + c, oh * sh + kh * dh and ow * sw + kw * dw.
struct Conv2DOpLowering final : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    UniformQuantParams input = getUniformQuantParams(op.getInput());
    UniformQuantParams weights = getUniformQuantParams(op.getWeights());
    IntegerType inputStorage = getStorageType(op.getInput());
    auto weightType = cast<RankedTensorType>(adaptor.getWeights().getType());
    auto accType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));

    int64_t groups = op.getGroups();
    int64_t outChannels = weightType.getDimSize(0);
    int64_t groupInChannels = weightType.getDimSize(1);
    int64_t groupOutChannels = outChannels / groups;
    ArrayRef<int64_t> strides = op.getStrides();
    ArrayRef<int64_t> padding = op.getPadding();
    ArrayRef<int64_t> dilations = op.getDilations();

    // Padded taps hold z_x, so they contribute (z_x - z_x) * w = 0.
    Value padded = adaptor.getInput();
    if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
      padded = padSpatially(
          rewriter, loc, padded, padding,
          arith::ConstantOp::create(rewriter, loc,
                                    getStorageAttr(inputStorage,
                                                   input.zeroPoints.front(),
                                                   input.isSigned)));

    // [O, C/G, KH, KW] -> [G, F, C/G, KH, KW].
    auto groupedWeightType = RankedTensorType::get(
        {groups, groupOutChannels, groupInChannels, weightType.getDimSize(2),
         weightType.getDimSize(3)},
        weightType.getElementType());
    SmallVector<ReassociationIndices> weightReassociation = {
        {0, 1}, {2}, {3}, {4}};
    Value groupedWeights = tensor::ExpandShapeOp::create(
        rewriter, loc, groupedWeightType, adaptor.getWeights(),
        weightReassociation);

    // The result [N, O, OH, OW] viewed as [N, G, F, OH, OW].
    SmallVector<Value> dynamicSizes =
        getDynamicBatch(rewriter, loc, accType, adaptor.getInput());
    auto groupedAccType =
        RankedTensorType::get({accType.getDimSize(0), groups, groupOutChannels,
                               accType.getDimSize(2), accType.getDimSize(3)},
                              rewriter.getI32Type());

    AffineExpr n, g, f, oh, ow, c, kh, kw;
    bindDims(ctx, n, g, f, oh, ow, c, kh, kw);
    Value bias = adaptor.getBias();
    if (bias)
      bias = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({groups, groupOutChannels},
                                rewriter.getI32Type()),
          bias, SmallVector<ReassociationIndices>{{0, 1}});
    AffineMap biasMap = AffineMap::get(
        5, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)}, ctx);
    Value init = buildAccumulatorInit(rewriter, loc, groupedAccType,
                                      dynamicSizes, bias, biasMap);

    SmallVector<Value> inputs = {padded, groupedWeights};
    SmallVector<AffineMap> maps = {
        AffineMap::get(8, 0,
                       {n, g * groupInChannels + c,
                        oh * strides[0] + kh * dilations[0],
                        ow * strides[1] + kw * dilations[1]},
                       ctx),
        AffineMap::get(8, 0, {g, f, c, kh, kw}, ctx)};
    Value weightZeros = buildWeightZeroTensor(rewriter, loc, weights,
                                              {groups, groupOutChannels});
    if (weightZeros) {
      inputs.push_back(weightZeros);
      maps.push_back(AffineMap::get(8, 0, {g, f}, ctx));
    }
    maps.push_back(AffineMap::get(8, 0, {n, g, f, oh, ow}, ctx));

    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    auto conv = linalg::GenericOp::create(
        rewriter, loc, groupedAccType, inputs, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          buildMultiplyAccumulateBody(b, nloc, args, input, weights,
                                      /*hasWeightZeroInput=*/!!weightZeros);
        });

    SmallVector<ReassociationIndices> resultReassociation = {
        {0}, {1, 2}, {3}, {4}};
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, accType, conv.getResult(0), resultReassociation);
    return success();
  }
};

/// acc[n, f] = bias[f] + sum_k (x[n, k] - z_x) * (w[f, k] - z_w[f]).
struct LinearOpLowering final : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    UniformQuantParams input = getUniformQuantParams(op.getInput());
    UniformQuantParams weights = getUniformQuantParams(op.getWeights());
    auto accType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    int64_t features = accType.getDimSize(1);

    AffineExpr n, f, k;
    bindDims(ctx, n, f, k);
    SmallVector<Value> dynamicSizes =
        getDynamicBatch(rewriter, loc, accType, adaptor.getInput());
    Value init = buildAccumulatorInit(
        rewriter, loc, accType, dynamicSizes, adaptor.getBias(),
        AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx));

    SmallVector<Value> inputs = {adaptor.getInput(), adaptor.getWeights()};
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {n, k}, ctx),
                                   AffineMap::get(3, 0, {f, k}, ctx)};
    Value weightZeros =
        buildWeightZeroTensor(rewriter, loc, weights, {features});
    if (weightZeros) {
      inputs.push_back(weightZeros);
      maps.push_back(AffineMap::get(3, 0, {f}, ctx));
    }
    maps.push_back(AffineMap::get(3, 0, {n, f}, ctx));
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction};
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, accType, inputs, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          buildMultiplyAccumulateBody(b, nloc, args, input, weights,
                                      /*hasWeightZeroInput=*/!!weightZeros);
        });
    return success();
  }
};

/// y = max over the window of q, as one linalg.generic over
/// (n, c, oh, ow, kh, kw) on the input padded with the storage minimum. An
/// uninitialized [KH, KW] tensor gives the window loops their bounds, as
/// linalg's own pooling ops do.
struct MaxPool2DOpLowering final : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    UniformQuantParams params = getUniformQuantParams(op.getInput());
    IntegerType storage = getStorageType(op.getInput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      padding = op.getPadding(), dilations = op.getDilations();
    Value lowest = arith::ConstantOp::create(
        rewriter, loc,
        getStorageAttr(storage, params.storageMin, params.isSigned));

    // Padded taps hold the storage minimum, which never wins the max.
    Value padded =
        padSpatially(rewriter, loc, adaptor.getInput(), padding, lowest);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, kernel, rewriter.getI8Type());
    SmallVector<Value> dynamicSizes =
        getDynamicBatch(rewriter, loc, resultType, adaptor.getInput());
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          storage, dynamicSizes);
    Value init =
        linalg::FillOp::create(rewriter, loc, lowest, empty).getResult(0);

    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {n, c, oh * strides[0] + kh * dilations[0],
                        ow * strides[1] + kw * dilations[1]},
                       ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx),
        AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    bool isSigned = params.isSigned;
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, resultType, ValueRange{padded, window}, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value max =
              isSigned
                  ? Value(arith::MaxSIOp::create(b, nloc, args[2], args[0]))
                  : Value(arith::MaxUIOp::create(b, nloc, args[2], args[0]));
          linalg::YieldOp::create(b, nloc, max);
        });
    return success();
  }
};

//===----------------------------------------------------------------------===//
// add / mul / concat
//===----------------------------------------------------------------------===//

/// The indexing map that reads an operand of `operandType` broadcast into a
/// result of rank `rank`, NumPy style: the operand's dimensions align with
/// the result's trailing ones, and a dimension of static size 1 always
/// reads index 0.
AffineMap getBroadcastMap(RankedTensorType operandType, int64_t rank,
                          MLIRContext *ctx) {
  int64_t leading = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t dim = 0; dim < operandType.getRank(); ++dim) {
    if (operandType.getDimSize(dim) == 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(dim + leading, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Creates the f64 zero point of a per-tensor operand, or null when it is 0.
Value buildZeroPointF64(OpBuilder &b, Location loc,
                        const UniformQuantParams &params) {
  int64_t zeroPoint = params.zeroPoints.front();
  if (zeroPoint == 0)
    return {};
  return arith::ConstantOp::create(
      b, loc, b.getF64FloatAttr(static_cast<double>(zeroPoint)));
}

/// Converts a storage value to f64 and subtracts `zero` (when not null):
/// both steps are exact, since storage of at most 16 bits fits in an f64.
Value buildCenteredF64(OpBuilder &b, Location loc, Value q, Value zero,
                       bool isSigned) {
  Type f64 = b.getF64Type();
  Value real = isSigned ? Value(arith::SIToFPOp::create(b, loc, f64, q))
                        : Value(arith::UIToFPOp::create(b, loc, f64, q));
  if (!zero)
    return real;
  return arith::SubFOp::create(b, loc, real, zero);
}

/// The constants of the final clamp of a per-tensor output: the bounds
/// shifted by -z_y in f64, and z_y in the output's compute type.
struct OutputClamp {
  Value low, high, zero;
  IntegerType computeType;
  IntegerType storageType;

  /// Creates the constants, at the start of a body so that they precede the
  /// arithmetic.
  static OutputClamp create(OpBuilder &b, Location loc,
                            const UniformQuantParams &out, int64_t lo,
                            int64_t hi, IntegerType storageType) {
    IntegerType computeType = getComputeType(b.getContext(), out.storageWidth);
    int64_t zeroPoint = out.zeroPoints.front();
    OutputClamp clamp;
    clamp.low = arith::ConstantOp::create(
        b, loc, b.getF64FloatAttr(static_cast<double>(lo - zeroPoint)));
    clamp.high = arith::ConstantOp::create(
        b, loc, b.getF64FloatAttr(static_cast<double>(hi - zeroPoint)));
    clamp.zero = arith::ConstantOp::create(
        b, loc, IntegerAttr::get(computeType, zeroPoint));
    clamp.computeType = computeType;
    clamp.storageType = storageType;
    return clamp;
  }

  /// clamp(round_half_to_even(scaled) + z_y, lo, hi) in the storage type.
  Value apply(OpBuilder &b, Location loc, Value scaled) const {
    Value rounded = math::RoundEvenOp::create(b, loc, scaled);
    return clampShiftAndNarrow(b, loc, rounded, low, high, zero, computeType,
                               storageType);
  }
};

/// Builds the elementwise linalg.generic of a broadcasting binary op over
/// the storage tensors `lhs` and `rhs`, producing `resultType`. A dynamic
/// result dimension takes its size from an operand that has it dynamic; the
/// verifier guarantees that one does.
Value buildBroadcastBinary(
    OpBuilder &b, Location loc, Value lhs, Value rhs,
    RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t rank = resultType.getRank();
  SmallVector<Value> dynamicSizes;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (!resultType.isDynamicDim(dim))
      continue;
    int64_t lhsDim = dim - (rank - lhsType.getRank());
    Value source = lhsDim >= 0 && lhsType.isDynamicDim(lhsDim) ? lhs : rhs;
    int64_t sourceDim =
        dim - (rank - cast<RankedTensorType>(source.getType()).getRank());
    dynamicSizes.push_back(tensor::DimOp::create(b, loc, source, sourceDim));
  }
  Value init = tensor::EmptyOp::create(
      b, loc, resultType.getShape(), resultType.getElementType(), dynamicSizes);
  SmallVector<AffineMap> maps = {getBroadcastMap(lhsType, rank, ctx),
                                 getBroadcastMap(rhsType, rank, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, ValueRange{lhs, rhs}, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args[0], args[1]));
      });
  return generic.getResult(0);
}

/// The last steps of an integer add, product or pool: `outZero` added to
/// the rounded value, the clamp to [lo, hi] and the narrowing to storage,
/// in the value's integer type.
Value addZeroClampAndNarrow(OpBuilder &b, Location loc, Value rounded,
                            int64_t outZero, int64_t lo, int64_t hi,
                            IntegerType storageType) {
  Type type = rounded.getType();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, IntegerAttr::get(type, v));
  };
  Value zero = constant(outZero);
  Value shifted = arith::AddIOp::create(b, loc, rounded, zero);
  Value low = constant(lo);
  Value high = constant(hi);
  Value raised = arith::MaxSIOp::create(b, loc, shifted, low);
  Value clamped = arith::MinSIOp::create(b, loc, raised, high);
  return arith::TruncIOp::create(b, loc, storageType, clamped);
}

/// addZeroClampAndNarrow with the result zero point and bounds of `op`.
template <typename OpTy>
Value addZeroClampAndNarrow(OpBuilder &b, Location loc, OpTy op, Value rounded,
                            IntegerType storageType) {
  return addZeroClampAndNarrow(
      b, loc, rounded, getUniformQuantParams(op.getOutput()).getZeroPoint(0),
      op.getLowerBound(), op.getUpperBound(), storageType);
}

/// TFLite's ADD and TOSA's rescale chain: each input's q - z (shifted
/// left by l for TFLite) rescaled by its pair, the sum rescaled by the
/// output's, all in the op's fixed-point mode in i64; then z_y and the
/// clamp.
Value buildFixedPointAdd(OpBuilder &b, Location loc, AddOp op, Value lhsValue,
                         Value rhsValue, IntegerType storageType) {
  IntegerType i64 = b.getI64Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, IntegerAttr::get(i64, v));
  };
  RoundingMode mode = op.getRounding();
  ArrayRef<int32_t> multipliers = *op.getMultiplier();
  ArrayRef<int32_t> shifts = *op.getShift();
  auto rescale = [&](Value x, unsigned index) -> Value {
    SmallVector<Value> shiftConstants;
    for (int64_t v : getShiftConstants(mode, shifts[index]))
      shiftConstants.push_back(constant(v));
    Value multiplier = constant(multipliers[index]);
    return buildFixedPointProduct(b, loc, mode, x, multiplier, shiftConstants);
  };
  // Every operand is built in a statement of its own, so that the order of
  // the IR does not depend on the compiler's order of evaluating arguments.
  std::optional<int64_t> leftShift = op.getLeftShift();
  Value leftShiftValue = leftShift ? constant(*leftShift) : Value();
  Value storage[] = {lhsValue, rhsValue};
  Value quantized[] = {op.getLhs(), op.getRhs()};
  Value sum;
  for (unsigned index = 0; index < 2; ++index) {
    UniformQuantParams params = getUniformQuantParams(quantized[index]);
    Value zero = constant(params.getZeroPoint(0));
    Value wide = widen(b, loc, storage[index], i64, params.isSigned);
    Value centered = arith::SubIOp::create(b, loc, wide, zero);
    if (leftShiftValue)
      centered = arith::ShLIOp::create(b, loc, centered, leftShiftValue);
    Value scaled = rescale(centered, index);
    sum = sum ? Value(arith::AddIOp::create(b, loc, sum, scaled)) : scaled;
  }
  Value rescaled = rescale(sum, 2);
  return addZeroClampAndNarrow(b, loc, op, rescaled, storageType);
}

/// ONNX Runtime's QLinearAdd: fma(a, r_a, fma(b, r_b, F)) in f32 (the lhs
/// term first when isLhsFoldedFirst), rounded half to even; a sum outside
/// int32 is cvtps2dq's INT32_MIN, which saturates to the lower bound.
Value buildOnnxRuntimeAdd(OpBuilder &b, Location loc, AddOp op, Value lhsValue,
                          Value rhsValue, IntegerType storageType) {
  Type f32 = b.getF32Type();
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(b, loc,
                                     b.getF32FloatAttr(static_cast<float>(v)));
  };
  ArrayRef<float> ratios = *op.getFloatMultiplier();
  Value storage[] = {lhsValue, rhsValue};
  Value quantized[] = {op.getLhs(), op.getRhs()};
  // Every operand is built in a statement of its own, so that the order of
  // the IR does not depend on the compiler's order of evaluating arguments.
  Value sum = constant(op.getFloatOffset()->convertToFloat());
  unsigned first = op.isLhsFoldedFirst() ? 0 : 1;
  for (unsigned index : {first, 1 - first}) {
    Value real =
        getUniformQuantParams(quantized[index]).isSigned
            ? Value(arith::SIToFPOp::create(b, loc, f32, storage[index]))
            : Value(arith::UIToFPOp::create(b, loc, f32, storage[index]));
    Value ratio = constant(ratios[index]);
    sum = math::FmaOp::create(b, loc, real, ratio, sum);
  }
  Value rounded = math::RoundEvenOp::create(b, loc, sum);
  // cvtps2dq's range: [-2^31, 2^31); NaN compares false too.
  Value int32Min = constant(-2147483648.0);
  Value int32End = constant(2147483648.0);
  Value aboveMin = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE,
                                         rounded, int32Min);
  Value belowEnd = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                         rounded, int32End);
  Value inRange = arith::AndIOp::create(b, loc, aboveMin, belowEnd);
  Value low = constant(static_cast<double>(op.getLowerBound()));
  Value high = constant(static_cast<double>(op.getUpperBound()));
  Value raised = arith::MaximumFOp::create(b, loc, rounded, low);
  Value clamped = arith::MinimumFOp::create(b, loc, raised, high);
  Value result = arith::SelectOp::create(b, loc, inRange, clamped, low);
  Value wide = arith::FPToSIOp::create(b, loc, b.getI32Type(), result);
  return arith::TruncIOp::create(b, loc, storageType, wide);
}

/// bias - (m_a z_a + m_b z_b) + m_a a + m_b b in i32, wrapping as QNNPACK's
/// and XNNPACK's adds do, from the op's two multipliers.
Value buildPairedProducts(OpBuilder &b, Location loc, AddOp op, Value lhsValue,
                          Value rhsValue, uint32_t bias) {
  IntegerType i32 = b.getI32Type();
  ArrayRef<int32_t> multipliers = *op.getMultiplier();
  Value quantized[] = {op.getLhs(), op.getRhs()};
  for (unsigned index = 0; index < 2; ++index)
    bias -= static_cast<uint32_t>(multipliers[index]) *
            static_cast<uint32_t>(
                getUniformQuantParams(quantized[index]).getZeroPoint(0));
  // Every operand is built in a statement of its own, so that the order of
  // the IR does not depend on the compiler's order of evaluating arguments.
  Value acc = arith::ConstantOp::create(
      b, loc, IntegerAttr::get(i32, static_cast<int32_t>(bias)));
  Value storage[] = {lhsValue, rhsValue};
  for (unsigned index = 0; index < 2; ++index) {
    Value wide =
        getUniformQuantParams(quantized[index]).isSigned
            ? Value(arith::ExtSIOp::create(b, loc, i32, storage[index]))
            : Value(arith::ExtUIOp::create(b, loc, i32, storage[index]));
    Value multiplier = arith::ConstantOp::create(
        b, loc, IntegerAttr::get(i32, multipliers[index]));
    Value product = arith::MulIOp::create(b, loc, wide, multiplier);
    acc = arith::AddIOp::create(b, loc, acc, product);
  }
  return acc;
}

/// PyTorch's QNNPACK add: acc = -(m_a z_a + m_b z_b) + m_a a + m_b b in i32,
/// wrapping as QNNPACK's does, divided by 2^s rounding half away from zero
/// (QNNPACK's remainder test), then z_y and the clamp.
Value buildQnnpackAdd(OpBuilder &b, Location loc, AddOp op, Value lhsValue,
                      Value rhsValue, IntegerType storageType) {
  IntegerType i32 = b.getI32Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, IntegerAttr::get(i32, static_cast<int32_t>(v)));
  };
  int64_t shift = op.getShift()->front();
  Value acc = buildPairedProducts(b, loc, op, lhsValue, rhsValue,
                                  /*bias=*/0);
  int64_t mask = (int64_t{1} << shift) - 1;
  Value maskValue = constant(mask);
  Value threshold = constant(mask >> 1);
  Value zero = constant(0);
  Value low = arith::AndIOp::create(b, loc, acc, maskValue);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, acc, zero);
  Value borrow = arith::ExtUIOp::create(b, loc, i32, negative);
  Value remainder = arith::SubIOp::create(b, loc, low, borrow);
  Value shiftValue = constant(shift);
  Value quotient = arith::ShRSIOp::create(b, loc, acc, shiftValue);
  Value up = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, remainder,
                                   threshold);
  Value carry = arith::ExtUIOp::create(b, loc, i32, up);
  Value rounded = arith::AddIOp::create(b, loc, quotient, carry);
  return addZeroClampAndNarrow(b, loc, op, rounded, storageType);
}

/// XNNPACK's 8-bit add: acc = 2^(s - 1) - (m_a z_a + m_b z_b) + m_a a +
/// m_b b in i32, wrapping as XNNPACK's does, shifted right arithmetically
/// by s, then z_y and the clamp.
Value buildXnnpackAdd(OpBuilder &b, Location loc, AddOp op, Value lhsValue,
                      Value rhsValue, IntegerType storageType) {
  int64_t shift = op.getShift()->front();
  Value acc = buildPairedProducts(b, loc, op, lhsValue, rhsValue,
                                  /*bias=*/uint32_t{1} << (shift - 1));
  Value shiftValue = arith::ConstantOp::create(
      b, loc, IntegerAttr::get(b.getI32Type(), shift));
  Value shifted = arith::ShRSIOp::create(b, loc, acc, shiftValue);
  return addZeroClampAndNarrow(b, loc, op, shifted, storageType);
}

/// y = clamp(round_half_to_even(M_a * (a - z_a) + M_b * (b - z_b)) + z_y,
/// lo, hi) with M_a = s_a / s_y and M_b = s_b / s_y; every step in f64, in
/// the order written. tflite_double is TFLite's fixed-point ADD,
/// float32_half_even ONNX Runtime's QLinearAdd, qnnpack PyTorch's, xnnpack
/// XNNPACK's.
struct AddOpLowering final : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RoundingMode mode = op.getRounding();
    if (mode == RoundingMode::TfliteDouble ||
        mode == RoundingMode::TosaSingle || mode == RoundingMode::TosaDouble ||
        mode == RoundingMode::Float32HalfEven ||
        mode == RoundingMode::Qnnpack || mode == RoundingMode::Xnnpack) {
      IntegerType storageType = getStorageType(op.getOutput());
      auto resultType = cast<RankedTensorType>(
          getTypeConverter()->convertType(op.getOutput().getType()));
      rewriter.replaceOp(
          op,
          buildBroadcastBinary(
              rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(),
              resultType, [&](OpBuilder &b, Location loc, Value a, Value c) {
                if (isFixedPointRounding(mode))
                  return buildFixedPointAdd(b, loc, op, a, c, storageType);
                if (mode == RoundingMode::Qnnpack)
                  return buildQnnpackAdd(b, loc, op, a, c, storageType);
                if (mode == RoundingMode::Xnnpack)
                  return buildXnnpackAdd(b, loc, op, a, c, storageType);
                return buildOnnxRuntimeAdd(b, loc, op, a, c, storageType);
              }));
      return success();
    }
    if (op.getRounding() != RoundingMode::HalfEven)
      return rewriter.notifyMatchFailure(op, "unsupported rounding mode");
    UniformQuantParams lhs = getUniformQuantParams(op.getLhs());
    UniformQuantParams rhs = getUniformQuantParams(op.getRhs());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    IntegerType storageType = getStorageType(op.getOutput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    double lhsMultiplier = lhs.scales.front() / out.scales.front();
    double rhsMultiplier = rhs.scales.front() / out.scales.front();
    int64_t lo = op.getLowerBound(), hi = op.getUpperBound();
    Value result = buildBroadcastBinary(
        rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(), resultType,
        [&](OpBuilder &b, Location loc, Value a, Value c) -> Value {
          Value lhsM = arith::ConstantOp::create(
              b, loc, b.getF64FloatAttr(lhsMultiplier));
          Value lhsZero = buildZeroPointF64(b, loc, lhs);
          Value rhsM = arith::ConstantOp::create(
              b, loc, b.getF64FloatAttr(rhsMultiplier));
          Value rhsZero = buildZeroPointF64(b, loc, rhs);
          OutputClamp clamp =
              OutputClamp::create(b, loc, out, lo, hi, storageType);
          Value lhsTerm = arith::MulFOp::create(
              b, loc, buildCenteredF64(b, loc, a, lhsZero, lhs.isSigned), lhsM);
          Value rhsTerm = arith::MulFOp::create(
              b, loc, buildCenteredF64(b, loc, c, rhsZero, rhs.isSigned), rhsM);
          Value sum = arith::AddFOp::create(b, loc, lhsTerm, rhsTerm);
          return clamp.apply(b, loc, sum);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = clamp(round_half_to_even(M * p) + z_y, lo, hi) with
/// p = (a - z_a) * (b - z_b) exact in i64 and M = s_a * s_b / s_y in f64.
struct MulOpLowering final : OpConversionPattern<MulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RoundingMode mode = op.getRounding();
    bool isTosa =
        mode == RoundingMode::TosaSingle || mode == RoundingMode::TosaDouble;
    if (mode != RoundingMode::HalfEven && !isTosa)
      return rewriter.notifyMatchFailure(op, "unsupported rounding mode");
    UniformQuantParams lhs = getUniformQuantParams(op.getLhs());
    UniformQuantParams rhs = getUniformQuantParams(op.getRhs());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    IntegerType storageType = getStorageType(op.getOutput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    double multiplier =
        lhs.scales.front() * rhs.scales.front() / out.scales.front();
    int64_t lo = op.getLowerBound(), hi = op.getUpperBound();
    Value result = buildBroadcastBinary(
        rewriter, op.getLoc(), adaptor.getLhs(), adaptor.getRhs(), resultType,
        [&](OpBuilder &b, Location loc, Value a, Value c) -> Value {
          IntegerType i64 = b.getI64Type();
          auto zeroPoint = [&](const UniformQuantParams &params) -> Value {
            if (params.zeroPoints.front() == 0)
              return {};
            return arith::ConstantOp::create(
                b, loc, IntegerAttr::get(i64, params.zeroPoints.front()));
          };
          Value lhsZero = zeroPoint(lhs);
          Value rhsZero = zeroPoint(rhs);
          Value m =
              arith::ConstantOp::create(b, loc, b.getF64FloatAttr(multiplier));
          OutputClamp clamp =
              OutputClamp::create(b, loc, out, lo, hi, storageType);
          // Two deltas of at most 17 bits: their product is exact in i64.
          auto center = [&](Value q, Value zero, bool isSigned) -> Value {
            Value wide = widen(b, loc, q, i64, isSigned);
            if (!zero)
              return wide;
            return arith::SubIOp::create(b, loc, wide, zero);
          };
          Value lhsDelta = center(a, lhsZero, lhs.isSigned);
          Value rhsDelta = center(c, rhsZero, rhs.isSigned);
          Value product = arith::MulIOp::create(b, loc, lhsDelta, rhsDelta);
          if (isTosa) {
            // TOSA's product rescaled by the op's pair, in i64.
            SmallVector<Value> shiftConstants;
            for (int64_t v : getShiftConstants(mode, op.getShift()->front()))
              shiftConstants.push_back(
                  arith::ConstantOp::create(b, loc, IntegerAttr::get(i64, v)));
            Value pairMultiplier = arith::ConstantOp::create(
                b, loc, IntegerAttr::get(i64, op.getMultiplier()->front()));
            Value rescaled = buildFixedPointProduct(
                b, loc, mode, product, pairMultiplier, shiftConstants);
            return addZeroClampAndNarrow(b, loc, op, rescaled, storageType);
          }
          Value real = arith::SIToFPOp::create(b, loc, b.getF64Type(), product);
          Value scaled = arith::MulFOp::create(b, loc, real, m);
          return clamp.apply(b, loc, scaled);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Inserts every input, requantized to the result type unless its element
/// type already is the result's, into an empty tensor at its offset on the
/// axis: y = clamp(round_half_to_even((s_in / s_y) * (q - z_in)) + z_y,
/// qmin_y, qmax_y) in f64.
struct ConcatOpLowering final : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getRounding() != RoundingMode::HalfEven)
      return rewriter.notifyMatchFailure(op, "unsupported rounding mode");
    Location loc = op.getLoc();
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    IntegerType storageType = getStorageType(op.getOutput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    Type resultElementType = op.getOutput().getType().getElementType();
    int64_t axis = op.getAxis();
    int64_t rank = resultType.getRank();

    // Off the axis every input has the result's sizes; read the dynamic
    // ones from the first input.
    Value first = adaptor.getInputs().front();
    SmallVector<Value> dynamicSizes = getDynamicSizes(rewriter, loc, first);
    Value result = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           storageType, dynamicSizes);
    int64_t offset = 0;
    for (auto [input, converted] :
         llvm::zip(op.getInputs(), adaptor.getInputs())) {
      Value piece = converted;
      if (cast<RankedTensorType>(input.getType()).getElementType() !=
          resultElementType) {
        UniformQuantParams in = getUniformQuantParams(input);
        double multiplier = in.scales.front() / out.scales.front();
        piece = buildElementwise(
            rewriter, loc, converted, storageType, {}, std::nullopt,
            [&](OpBuilder &b, Location nloc, Value q, ValueRange) -> Value {
              Value m = arith::ConstantOp::create(
                  b, nloc, b.getF64FloatAttr(multiplier));
              Value zero = buildZeroPointF64(b, nloc, in);
              OutputClamp clamp = OutputClamp::create(
                  b, nloc, out, out.storageMin, out.storageMax, storageType);
              Value centered = buildCenteredF64(b, nloc, q, zero, in.isSigned);
              Value scaled = arith::MulFOp::create(b, nloc, centered, m);
              return clamp.apply(b, nloc, scaled);
            });
      }
      auto pieceType = cast<RankedTensorType>(piece.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes;
      for (int64_t dim = 0; dim < rank; ++dim) {
        if (pieceType.isDynamicDim(dim))
          sizes.push_back(
              tensor::DimOp::create(rewriter, loc, piece, dim).getResult());
        else
          sizes.push_back(rewriter.getIndexAttr(pieceType.getDimSize(dim)));
      }
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rewriter, loc, piece, result,
                                             offsets, sizes, strides);
      offset += pieceType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// avg_pool2d
//===----------------------------------------------------------------------===//

/// The number of taps of each output position's window that lie inside an
/// input of `size` along one spatial dimension.
SmallVector<int64_t> countInBoundsTaps(int64_t size, int64_t kernel,
                                       int64_t stride, int64_t padBefore,
                                       int64_t outSize) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < outSize; ++o) {
    int64_t start = o * stride - padBefore;
    counts.push_back(std::min(size, start + kernel) -
                     std::max<int64_t>(0, start));
  }
  return counts;
}

/// TOSA's AVG_POOL2D division of the window sum `sum` by `count` (both
/// i64): apply_scale_32 with reciprocal_scale(count), single rounding:
///   k = 64 - ctlz(count - 1)          (2^(k-1) < count <= 2^k)
///   m = ((2^30 + 1) << k) / count,    shift = 30 + k
///   (sum * m + 2^(shift - 1)) >> shift
/// |sum| < 2^31 and m < 2^31 keep the product in i64.
Value buildTosaReciprocalScale(OpBuilder &b, Location loc, Value sum,
                               Value count) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value one = constant(1);
  Value belowCount = arith::SubIOp::create(b, loc, count, one);
  Value leadingZeros = math::CountLeadingZerosOp::create(b, loc, belowCount);
  Value k = arith::SubIOp::create(b, loc, constant(64), leadingZeros);
  Value numerator =
      arith::ShLIOp::create(b, loc, constant((int64_t(1) << 30) + 1), k);
  Value multiplier = arith::DivUIOp::create(b, loc, numerator, count);
  Value shift = arith::AddIOp::create(b, loc, constant(30), k);
  Value halfShift = arith::SubIOp::create(b, loc, shift, one);
  Value round = arith::ShLIOp::create(b, loc, one, halfShift);
  Value product = arith::MulIOp::create(b, loc, sum, multiplier);
  Value rounded = arith::AddIOp::create(b, loc, product, round);
  return arith::ShRSIOp::create(b, loc, rounded, shift);
}

/// S = sum of (x - z_x) over the window in i64, as one linalg.generic over
/// (n, c, oh, ow, kh, kw) on the input padded with z_x (so padded taps add
/// 0); then, elementwise,
/// y = clamp(round_half_to_even((double(S) * M) / double(count)) + z_y, ...)
/// with `count` a scalar, or, when count_include_pad is off and some window
/// overlaps the padding, the product of the in-bounds taps of its rows and of
/// its columns, read from [OH] and [OW] constants.
struct AvgPool2DOpLowering final : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    bool isTosa = op.getRounding() == RoundingMode::TosaSingle;
    if (op.getRounding() != RoundingMode::HalfEven && !isTosa)
      return rewriter.notifyMatchFailure(op, "unsupported rounding mode");
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    UniformQuantParams in = getUniformQuantParams(op.getInput());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    IntegerType inStorage = getStorageType(op.getInput());
    IntegerType outStorage = getStorageType(op.getOutput());
    auto resultType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      padding = op.getPadding();
    int64_t inZero = in.zeroPoints.front(), outZero = out.zeroPoints.front();
    IntegerType i64 = rewriter.getI64Type();
    Type f64 = rewriter.getF64Type();

    Value padValue = arith::ConstantOp::create(
        rewriter, loc, getStorageAttr(inStorage, inZero, in.isSigned));
    Value padded =
        padSpatially(rewriter, loc, adaptor.getInput(), padding, padValue);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, kernel, rewriter.getI8Type());
    SmallVector<Value> dynamicSizes =
        getDynamicBatch(rewriter, loc, resultType, adaptor.getInput());
    Value sumEmpty = tensor::EmptyOp::create(
        rewriter, loc, resultType.getShape(), i64, dynamicSizes);
    Value zero64 =
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
    Value sumInit =
        linalg::FillOp::create(rewriter, loc, zero64, sumEmpty).getResult(0);

    AffineExpr n, c, oh, ow, kh, kw;
    bindDims(ctx, n, c, oh, ow, kh, kw);
    SmallVector<AffineMap> sumMaps = {
        AffineMap::get(6, 0, {n, c, oh * strides[0] + kh, ow * strides[1] + kw},
                       ctx),
        AffineMap::get(6, 0, {kh, kw}, ctx),
        AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
    SmallVector<utils::IteratorType> sumIterators(
        4, utils::IteratorType::parallel);
    sumIterators.append(2, utils::IteratorType::reduction);
    bool isSigned = in.isSigned;
    Value sum = linalg::GenericOp::create(
                    rewriter, loc, sumInit.getType(),
                    ValueRange{padded, window}, sumInit, sumMaps, sumIterators,
                    [&](OpBuilder &b, Location nloc, ValueRange args) {
                      Value x = widen(b, nloc, args[0], i64, isSigned);
                      if (inZero != 0)
                        x = arith::SubIOp::create(
                            b, nloc, x,
                            arith::ConstantOp::create(
                                b, nloc, b.getI64IntegerAttr(inZero)));
                      Value total = arith::AddIOp::create(b, nloc, args[2], x);
                      linalg::YieldOp::create(b, nloc, total);
                    })
                    .getResult(0);

    // The divisor is separable, (taps in the rows) * (taps in the columns):
    // one constant per output row and one per output column when they
    // vary, so the constants grow as OH + OW, not OH * OW.
    int64_t outH = resultType.getDimSize(2), outW = resultType.getDimSize(3);
    SmallVector<int64_t> rows = countInBoundsTaps(
        inputType.getDimSize(2), kernel[0], strides[0], padding[0], outH);
    SmallVector<int64_t> cols = countInBoundsTaps(
        inputType.getDimSize(3), kernel[1], strides[1], padding[1], outW);
    bool includePad = op.getCountIncludePad();
    bool rowsVary = !includePad && llvm::any_of(rows, [&](int64_t r) {
      return r != kernel[0];
    });
    bool colsVary = !includePad && llvm::any_of(cols, [&](int64_t k) {
      return k != kernel[1];
    });
    SmallVector<Value> inputs = {sum};
    AffineMap identity = AffineMap::getMultiDimIdentityMap(4, ctx);
    SmallVector<AffineMap> maps = {identity};
    auto addCounts = [&](ArrayRef<int64_t> counts, unsigned dim) {
      auto size = static_cast<int64_t>(counts.size());
      DenseElementsAttr values;
      if (isTosa) {
        values =
            DenseElementsAttr::get(RankedTensorType::get({size}, i64), counts);
      } else {
        SmallVector<double> reals(counts.begin(), counts.end());
        values = DenseElementsAttr::get(RankedTensorType::get({size}, f64),
                                        ArrayRef<double>(reals));
      }
      inputs.push_back(arith::ConstantOp::create(rewriter, loc, values));
      maps.push_back(AffineMap::get(4, 0, getAffineDimExpr(dim, ctx)));
    };
    if (rowsVary)
      addCounts(rows, 2);
    if (colsVary)
      addCounts(cols, 3);
    maps.push_back(identity);

    double multiplier = in.scales.front() / out.scales.front();
    IntegerType computeType = getComputeType(ctx, out.storageWidth);
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          outStorage, dynamicSizes);
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    if (isTosa) {
      rewriter.replaceOpWithNewOp<linalg::GenericOp>(
          op, resultType, inputs, empty, maps, iterators,
          [&](OpBuilder &b, Location nloc, ValueRange args) {
            auto constant = [&](int64_t v) -> Value {
              return arith::ConstantOp::create(b, nloc, b.getI64IntegerAttr(v));
            };
            Value count;
            if (rowsVary && colsVary)
              count = arith::MulIOp::create(b, nloc, args[1], args[2]);
            else if (rowsVary)
              count =
                  arith::MulIOp::create(b, nloc, args[1], constant(kernel[1]));
            else if (colsVary)
              count =
                  arith::MulIOp::create(b, nloc, constant(kernel[0]), args[1]);
            else
              count = constant(kernel[0] * kernel[1]);
            Value scaled = buildTosaReciprocalScale(b, nloc, args[0], count);
            Value narrowed =
                addZeroClampAndNarrow(b, nloc, scaled, outZero, out.storageMin,
                                      out.storageMax, outStorage);
            linalg::YieldOp::create(b, nloc, narrowed);
          });
      return success();
    }
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, resultType, inputs, empty, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          auto f64Constant = [&](double v) -> Value {
            return arith::ConstantOp::create(b, nloc, b.getF64FloatAttr(v));
          };
          // Exact: |S| < 2^48 (see the op's description).
          Value real = arith::SIToFPOp::create(b, nloc, f64, args[0]);
          // S * 1.0 is S, so equal scales skip the product.
          if (multiplier != 1.0)
            real =
                arith::MulFOp::create(b, nloc, real, f64Constant(multiplier));
          // Both factors are at most 2^32 and so is their product: exact.
          Value count;
          if (rowsVary && colsVary)
            count = arith::MulFOp::create(b, nloc, args[1], args[2]);
          else if (rowsVary)
            count = arith::MulFOp::create(
                b, nloc, args[1], f64Constant(static_cast<double>(kernel[1])));
          else if (colsVary)
            count = arith::MulFOp::create(
                b, nloc, f64Constant(static_cast<double>(kernel[0])), args[1]);
          else
            count = f64Constant(static_cast<double>(kernel[0] * kernel[1]));
          Value mean = arith::DivFOp::create(b, nloc, real, count);
          Value rounded = math::RoundEvenOp::create(b, nloc, mean);
          // One statement each: the order of function arguments is
          // unspecified, and so would be the order of the constants.
          Value low =
              f64Constant(static_cast<double>(out.storageMin - outZero));
          Value high =
              f64Constant(static_cast<double>(out.storageMax - outZero));
          Value zero = arith::ConstantOp::create(
              b, nloc, IntegerAttr::get(computeType, outZero));
          Value result = clampShiftAndNarrow(b, nloc, rounded, low, high, zero,
                                             computeType, outStorage);
          linalg::YieldOp::create(b, nloc, result);
        });
    return success();
  }
};

//===----------------------------------------------------------------------===//
// table
//===----------------------------------------------------------------------===//

/// y = table[q - qmin_storage]: a tensor.extract from a constant of the
/// result's storage integers, inside an elementwise linalg.generic.
struct TableOpLowering final : OpConversionPattern<TableOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TableOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    UniformQuantParams in = getUniformQuantParams(op.getInput());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    IntegerType outStorage = getStorageType(op.getOutput());
    SmallVector<APInt> entries;
    for (const APInt &entry : op.getTable().getValues<APInt>())
      entries.push_back(APInt(outStorage.getWidth(), entry.getSExtValue(),
                              /*isSigned=*/true, /*implicitTrunc=*/true));
    auto tableType = RankedTensorType::get(
        {static_cast<int64_t>(entries.size())}, outStorage);
    Value table = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(tableType, entries));
    // The storage type's own minimum, not a narrow range's.
    int64_t first = quant::QuantizedType::getDefaultMinimumForInteger(
        in.isSigned, in.storageWidth);
    bool isSigned = in.isSigned;
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), outStorage, {}, std::nullopt,
        [&](OpBuilder &b, Location nloc, Value q, ValueRange) -> Value {
          IntegerType i32 = b.getI32Type();
          Value index = widen(b, nloc, q, i32, isSigned);
          if (first != 0)
            index = arith::SubIOp::create(
                b, nloc, index,
                arith::ConstantOp::create(b, nloc, b.getI32IntegerAttr(first)));
          Value position =
              arith::IndexCastOp::create(b, nloc, b.getIndexType(), index);
          return tensor::ExtractOp::create(b, nloc, table, position);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// quant.scast and data movement
//===----------------------------------------------------------------------===//

/// quant.scast only reinterprets: once both sides are storage integers, its
/// operand is its result.
struct StorageCastOpLowering final : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (adaptor.getInput().getType() != resultType)
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// linalg.transpose only moves elements: on quantized values it becomes the
/// same transpose of the storage integers.
struct TransposeOpLowering final : OpConversionPattern<linalg::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(linalg::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(adaptor.getInit().getType()))
      return rewriter.notifyMatchFailure(op, "only tensor transposes");
    auto transpose =
        linalg::TransposeOp::create(rewriter, op.getLoc(), adaptor.getInput(),
                                    adaptor.getInit(), op.getPermutation());
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// Region-free tensor ops (reshapes, slices, casts, empty, ...) move
/// elements without looking at them, so on quantized values they become the
/// same op on the storage integers.
struct TensorDataMovementLowering final : ConversionPattern {
  TensorDataMovementLowering(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<tensor::TensorDialect>(op->getDialect()) ||
        op->getNumRegions() != 0)
      return rewriter.notifyMatchFailure(op, "not a region-free tensor op");
    SmallVector<Type> resultTypes;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(),
                                                resultTypes)))
      return rewriter.notifyMatchFailure(op, "unconvertible result type");
    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    state.propertiesAttr = op->getPropertiesAsAttribute();
    Operation *converted = rewriter.create(state);
    rewriter.replaceOp(op, converted->getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertQSimToLinalgPass final
    : qsim::impl::ConvertQSimToLinalgBase<ConvertQSimToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QuantStorageTypeConverter typeConverter;
    ConversionTarget target(*ctx);
    configureQSimToLinalgTarget(target, typeConverter);
    RewritePatternSet patterns(ctx);
    populateQSimToLinalgPatterns(typeConverter, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::qsim::populateQSimToLinalgPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeOpLowering, DequantizeOpLowering, RequantizeOpLowering,
               ReluOpLowering, ClampOpLowering, Conv2DOpLowering,
               LinearOpLowering, MaxPool2DOpLowering, StorageCastOpLowering,
               TransposeOpLowering, TensorDataMovementLowering>(typeConverter,
                                                                ctx);
  patterns.add<AvgPool2DOpLowering, TableOpLowering>(typeConverter, ctx);
  patterns.add<AddOpLowering, MulOpLowering, ConcatOpLowering>(typeConverter,
                                                               ctx);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  populateCallOpTypeConversionPattern(patterns, typeConverter);
  populateReturnOpTypeConversionPattern(patterns, typeConverter);
}

void mlir::qsim::configureQSimToLinalgTarget(
    ConversionTarget &target, const TypeConverter &typeConverter) {
  target.addIllegalDialect<QSimDialect>();
  // The dot products of the packed kernels stay until LLVM.
  target.addLegalOp<X86DotU8S8Op, X86PairDotI16Op>();
  target.addIllegalOp<quant::StorageCastOp>();
  target.markUnknownOpDynamicallyLegal([&typeConverter](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op)) {
      auto type = dyn_cast<FunctionType>(func.getFunctionType());
      if (type && !typeConverter.isSignatureLegal(type))
        return false;
    }
    return typeConverter.isLegal(op);
  });
}

RequantizeConstants mlir::qsim::getRequantizeConstants(RequantizeOp op,
                                                       size_t numChannels) {
  UniformQuantParams in = getUniformQuantParams(op.getInput());
  UniformQuantParams out = getUniformQuantParams(op.getOutput());
  int64_t lo = op.getLowerBound(), hi = op.getUpperBound();
  RequantizeConstants constants;
  for (size_t c = 0; c < numChannels; ++c) {
    constants.multipliers.push_back(in.getScale(c) / out.getScale(c));
    constants.inZeros.push_back(static_cast<double>(in.getZeroPoint(c)));
    constants.outZeros.push_back(out.getZeroPoint(c));
    constants.lows.push_back(static_cast<double>(lo - out.getZeroPoint(c)));
    constants.highs.push_back(static_cast<double>(hi - out.getZeroPoint(c)));
  }
  return constants;
}

Value mlir::qsim::buildRequantizeArithmetic(OpBuilder &b, Location loc, Value q,
                                            bool isSigned, Value inZero,
                                            Value multiplier, Value low,
                                            Value high, Value outZero,
                                            Type storageType) {
  Type f64 = b.getF64Type();
  if (auto vectorType = dyn_cast<VectorType>(q.getType()))
    f64 = vectorType.clone(f64);
  // Exact: every storage value of at most 32 bits fits in an f64.
  Value real = isSigned ? Value(arith::SIToFPOp::create(b, loc, f64, q))
                        : Value(arith::UIToFPOp::create(b, loc, f64, q));
  if (inZero)
    real = arith::SubFOp::create(b, loc, real, inZero);
  Value scaled = arith::MulFOp::create(b, loc, real, multiplier);
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  return clampShiftAndNarrow(b, loc, rounded, low, high, outZero,
                             outZero.getType(), storageType);
}
