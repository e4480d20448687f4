//===- ElementwiseEvaluation.cpp - evaluate elementwise bodies ------------===//
//
// A small interpreter of the scalar bodies of elementwise linalg.generic ops.
// Both entry points first check every op of every body (so that evaluation
// itself cannot fail), then walk the bodies in order: with one double per
// SSA value, each rounded to its type, for `UnaryElementwiseFunction`; with a
// per-channel constant vector or an affine form (a[c], b[c]) of the input
// per SSA value for `matchChannelAffine`.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/LinalgToQSim/ElementwiseEvaluation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qsim;

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

/// Rounds `value` to the float type `type` (to nearest, ties to even);
/// integers and i1 are kept as they are.
static double roundToType(double value, Type type) {
  if (type.isF64() || !isa<FloatType>(type))
    return value;
  if (type.isF32())
    return static_cast<float>(value);
  llvm::APFloat rounded(value);
  bool losesInfo = false;
  rounded.convert(cast<FloatType>(type).getFloatSemantics(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return rounded.convertToDouble();
}

/// The value of a scalar float or integer attribute (i1 as 0 or 1).
static std::optional<double> getScalarValue(Attribute attr) {
  if (auto floatAttr = dyn_cast<FloatAttr>(attr))
    return floatAttr.getValue().convertToDouble();
  if (auto intAttr = dyn_cast<IntegerAttr>(attr)) {
    if (intAttr.getType().isInteger(1))
      return static_cast<double>(intAttr.getValue().getZExtValue());
    return static_cast<double>(intAttr.getValue().getSExtValue());
  }
  return std::nullopt;
}

/// The value of a scalar `arith.constant`, for values a body uses from
/// outside it.
static std::optional<double> getScalarConstant(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  return getScalarValue(constant.getValue());
}

static bool evaluatePredicate(arith::CmpFPredicate predicate, double lhs,
                              double rhs) {
  bool unordered = std::isnan(lhs) || std::isnan(rhs);
  switch (predicate) {
  case arith::CmpFPredicate::AlwaysFalse:
    return false;
  case arith::CmpFPredicate::AlwaysTrue:
    return true;
  case arith::CmpFPredicate::OEQ:
    return !unordered && lhs == rhs;
  case arith::CmpFPredicate::OGT:
    return !unordered && lhs > rhs;
  case arith::CmpFPredicate::OGE:
    return !unordered && lhs >= rhs;
  case arith::CmpFPredicate::OLT:
    return !unordered && lhs < rhs;
  case arith::CmpFPredicate::OLE:
    return !unordered && lhs <= rhs;
  case arith::CmpFPredicate::ONE:
    return !unordered && lhs != rhs;
  case arith::CmpFPredicate::ORD:
    return !unordered;
  case arith::CmpFPredicate::UEQ:
    return unordered || lhs == rhs;
  case arith::CmpFPredicate::UGT:
    return unordered || lhs > rhs;
  case arith::CmpFPredicate::UGE:
    return unordered || lhs >= rhs;
  case arith::CmpFPredicate::ULT:
    return unordered || lhs < rhs;
  case arith::CmpFPredicate::ULE:
    return unordered || lhs <= rhs;
  case arith::CmpFPredicate::UNE:
    return unordered || lhs != rhs;
  case arith::CmpFPredicate::UNO:
    return unordered;
  }
  return false;
}

/// IEEE 754-2019 maximum/minimum (arith.maximumf/minimumf): NaN wins, and
/// -0 is below +0.
static double extremum(double lhs, double rhs, bool isMax) {
  if (std::isnan(lhs) || std::isnan(rhs))
    return std::numeric_limits<double>::quiet_NaN();
  if (lhs == rhs)
    return (std::signbit(lhs) == isMax) ? rhs : lhs;
  return (lhs > rhs) == isMax ? lhs : rhs;
}

/// maxNum/minNum (arith.maxnumf/minnumf): a NaN operand loses.
static double extremumNum(double lhs, double rhs, bool isMax) {
  if (std::isnan(lhs))
    return rhs;
  if (std::isnan(rhs))
    return lhs;
  return extremum(lhs, rhs, isMax);
}

/// Checks that `op`, an op of an elementwise body, is one that
/// `evaluateScalarOp` computes, on types it computes.
static LogicalResult checkScalarOp(Operation *op, std::string &reason) {
  auto fail = [&](const Twine &why) {
    reason = ("the body's '" + op->getName().getStringRef() + "' " + why).str();
    return failure();
  };
  if (op->getNumRegions() != 0 || op->getNumResults() != 1)
    return fail("cannot be evaluated (it has regions or several results)");
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    if (!isa<FloatType, IntegerType>(type))
      return fail("has a non-scalar type");
    if (auto intType = dyn_cast<IntegerType>(type);
        intType && intType.getWidth() > 64)
      return fail("has an integer wider than 64 bits");
  }
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (!getScalarValue(constant.getValue()))
      return fail("is not a scalar float or integer constant");
    return success();
  }
  bool floatResult = isa<FloatType>(op->getResult(0).getType());
  bool supported =
      TypeSwitch<Operation *, bool>(op)
          .Case<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
                arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp,
                arith::MaxNumFOp, arith::MinNumFOp, arith::TruncFOp,
                arith::ExtFOp, math::ExpOp, math::TanhOp, math::ErfOp,
                math::RsqrtOp, math::SqrtOp, math::LogOp, math::Log1pOp,
                math::AbsFOp, math::PowFOp, math::FPowIOp, arith::SIToFPOp,
                arith::UIToFPOp>([&](Operation *) { return floatResult; })
          .Case<arith::CmpFOp>([](Operation *) { return true; })
          .Case<arith::SelectOp>([](arith::SelectOp select) {
            return select.getCondition().getType().isInteger(1);
          })
          .Default([](Operation *) { return false; });
  if (!supported)
    return fail("cannot be evaluated");
  return success();
}

/// Integer power by squaring, each product rounded to `type`, as an unrolled
/// `math.fpowi` computes it.
static double powInteger(double base, int64_t exponent, Type type) {
  bool negative = exponent < 0;
  uint64_t remaining =
      negative ? 0 - static_cast<uint64_t>(exponent) : exponent;
  double result = 1.0;
  while (remaining != 0) {
    if (remaining & 1)
      result = roundToType(result * base, type);
    remaining >>= 1;
    if (remaining != 0)
      base = roundToType(base * base, type);
  }
  return negative ? roundToType(1.0 / result, type) : result;
}

/// Computes `op` (checked by `checkScalarOp`) on `operands`, rounded to its
/// result type. f32 math functions call the C library's float functions.
static double evaluateScalarOp(Operation *op, ArrayRef<double> operands) {
  Type type = op->getResult(0).getType();
  bool isF32 = type.isF32();
  auto round = [&](double value) { return roundToType(value, type); };
  auto unaryMath = [&](float (*floatFn)(float), double (*doubleFn)(double)) {
    if (isF32)
      return static_cast<double>(floatFn(static_cast<float>(operands[0])));
    return round(doubleFn(operands[0]));
  };
  return TypeSwitch<Operation *, double>(op)
      .Case([&](arith::ConstantOp constant) {
        return round(*getScalarValue(constant.getValue()));
      })
      .Case([&](arith::AddFOp) { return round(operands[0] + operands[1]); })
      .Case([&](arith::SubFOp) { return round(operands[0] - operands[1]); })
      .Case([&](arith::MulFOp) { return round(operands[0] * operands[1]); })
      .Case([&](arith::DivFOp) { return round(operands[0] / operands[1]); })
      .Case([&](arith::NegFOp) { return -operands[0]; })
      .Case([&](arith::MaximumFOp) {
        return extremum(operands[0], operands[1], /*isMax=*/true);
      })
      .Case([&](arith::MinimumFOp) {
        return extremum(operands[0], operands[1], /*isMax=*/false);
      })
      .Case([&](arith::MaxNumFOp) {
        return extremumNum(operands[0], operands[1], /*isMax=*/true);
      })
      .Case([&](arith::MinNumFOp) {
        return extremumNum(operands[0], operands[1], /*isMax=*/false);
      })
      .Case([&](arith::CmpFOp cmp) {
        return evaluatePredicate(cmp.getPredicate(), operands[0], operands[1])
                   ? 1.0
                   : 0.0;
      })
      .Case([&](arith::SelectOp) {
        return operands[0] != 0.0 ? operands[1] : operands[2];
      })
      .Case([&](arith::SIToFPOp cast) {
        // An i1 true is -1 as a signed integer.
        if (cast.getIn().getType().isInteger(1) && operands[0] != 0.0)
          return -1.0;
        return round(operands[0]);
      })
      .Case([&](arith::UIToFPOp cast) {
        // Integers are held as their signed value.
        double value = operands[0];
        unsigned width = cast.getIn().getType().getIntOrFloatBitWidth();
        if (value < 0)
          value += std::ldexp(1.0, width);
        return round(value);
      })
      .Case<arith::TruncFOp, arith::ExtFOp>(
          [&](Operation *) { return round(operands[0]); })
      .Case([&](math::ExpOp) { return unaryMath(::expf, ::exp); })
      .Case([&](math::TanhOp) { return unaryMath(::tanhf, ::tanh); })
      .Case([&](math::ErfOp) { return unaryMath(::erff, ::erf); })
      .Case([&](math::SqrtOp) { return unaryMath(::sqrtf, ::sqrt); })
      .Case([&](math::LogOp) { return unaryMath(::logf, ::log); })
      .Case([&](math::Log1pOp) { return unaryMath(::log1pf, ::log1p); })
      .Case([&](math::AbsFOp) { return std::fabs(operands[0]); })
      .Case([&](math::RsqrtOp) {
        // 1 / sqrt(x), each step rounded, as math.rsqrt is expanded.
        return round(1.0 / round(std::sqrt(operands[0])));
      })
      .Case([&](math::PowFOp) {
        if (isF32)
          return static_cast<double>(::powf(static_cast<float>(operands[0]),
                                            static_cast<float>(operands[1])));
        return round(std::pow(operands[0], operands[1]));
      })
      .Case([&](math::FPowIOp) {
        return powInteger(operands[0], static_cast<int64_t>(operands[1]), type);
      })
      .Default(
          [](Operation *) { return std::numeric_limits<double>::quiet_NaN(); });
}

//===----------------------------------------------------------------------===//
// Generics and their operands
//===----------------------------------------------------------------------===//

namespace {
/// The elements of a constant tensor (or scalar), in row-major order; one
/// element when it is a splat.
struct ConstantElements {
  SmallVector<double> values;
  SmallVector<int64_t> shape;
};
} // namespace

static std::optional<ConstantElements> readConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  ConstantElements elements;
  if (std::optional<double> scalar = getScalarValue(attr)) {
    elements.values.push_back(*scalar);
    return elements;
  }
  auto shaped = dyn_cast<ShapedType>(value.getType());
  if (!shaped || !shaped.hasStaticShape())
    return std::nullopt;
  llvm::append_range(elements.shape, shaped.getShape());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat()) {
      std::optional<double> splat =
          getScalarValue(dense.getSplatValue<Attribute>());
      if (!splat)
        return std::nullopt;
      elements.values.push_back(*splat);
      return elements;
    }
    if (isa<FloatType>(dense.getElementType())) {
      for (const llvm::APFloat &element : dense.getValues<llvm::APFloat>())
        elements.values.push_back(element.convertToDouble());
      return elements;
    }
    if (isa<IntegerType>(dense.getElementType())) {
      for (const llvm::APInt &element : dense.getValues<llvm::APInt>())
        elements.values.push_back(static_cast<double>(element.getSExtValue()));
      return elements;
    }
    return std::nullopt;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != shaped.getNumElements())
      return std::nullopt;
    llvm::append_range(elements.values, *data);
    return elements;
  }
  return std::nullopt;
}

/// Checks what both entry points need of every generic: parallel loops, one
/// float result with an identity map whose init is not read, and a body of
/// evaluable ops using only scalar constants from outside.
static LogicalResult checkElementwiseGeneric(linalg::GenericOp op,
                                             std::string &reason) {
  if (op.getNumDpsInits() != 1 || op->getNumResults() != 1) {
    reason = "the generic has " + std::to_string(op->getNumResults()) +
             " results, not one tensor result";
    return failure();
  }
  if (op.getNumParallelLoops() != op.getNumLoops()) {
    reason = "the generic is not elementwise (it has a reduction loop)";
    return failure();
  }
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(init).isIdentity()) {
    reason = "the generic's result map is not the identity";
    return failure();
  }
  if (!op.getMatchingBlockArgument(init).use_empty()) {
    reason = "the generic's body reads its init";
    return failure();
  }
  if (!isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType()))) {
    reason = "the generic's result is not a float tensor";
    return failure();
  }
  Block *body = op.getBody();
  for (Operation &inner : *body) {
    for (Value operand : inner.getOperands()) {
      if (operand.getParentBlock() == body || getScalarConstant(operand))
        continue;
      reason = ("the body's '" + inner.getName().getStringRef() +
                "' uses a value from outside the body that is not a scalar "
                "constant")
                   .str();
      return failure();
    }
    if (&inner != body->getTerminator() &&
        failed(checkScalarOp(&inner, reason)))
      return failure();
  }
  return success();
}

/// The producer of `value` in `chain` before generic `limit`: -1 for
/// `input`, k for the result of generic k, or std::nullopt.
static std::optional<int64_t> findProducer(Value value,
                                           ArrayRef<linalg::GenericOp> chain,
                                           size_t limit, Value input) {
  if (value == input)
    return -1;
  for (size_t k = 0; k < limit; ++k)
    if (value == chain[k]->getResult(0))
      return static_cast<int64_t>(k);
  return std::nullopt;
}

static std::string describeOperand(size_t generic, unsigned operand) {
  return "input #" + std::to_string(operand) + " of generic #" +
         std::to_string(generic);
}

/// The value of `operand` of an op in a body: from `env`, else a scalar
/// constant from outside the body (checked before).
static double lookUp(const DenseMap<Value, double> &env, Value operand) {
  auto it = env.find(operand);
  if (it != env.end())
    return it->second;
  return getScalarConstant(operand).value_or(
      std::numeric_limits<double>::quiet_NaN());
}

//===----------------------------------------------------------------------===//
// UnaryElementwiseFunction
//===----------------------------------------------------------------------===//

FailureOr<UnaryElementwiseFunction>
UnaryElementwiseFunction::get(ArrayRef<linalg::GenericOp> chain, Value input,
                              std::string &reason) {
  if (chain.empty()) {
    reason = "the chain of generics is empty";
    return failure();
  }
  UnaryElementwiseFunction function;
  function.input = input;
  for (auto [index, chainOp] : llvm::enumerate(chain)) {
    linalg::GenericOp op = chainOp;
    if (failed(checkElementwiseGeneric(op, reason))) {
      reason = "generic #" + std::to_string(index) + ": " + reason;
      return failure();
    }
    SmallVector<OperandSource> &sources = function.sources.emplace_back();
    bool dependsOnInput = false;
    for (OpOperand *operand : op.getDpsInputOperands()) {
      unsigned number = operand->getOperandNumber();
      if (std::optional<int64_t> producer =
              findProducer(operand->get(), chain, index, input)) {
        if (!op.getMatchingIndexingMap(operand).isIdentity()) {
          reason = describeOperand(index, number) +
                   " depends on the input but its map is not the identity";
          return failure();
        }
        if (!isa<FloatType>(op.getMatchingBlockArgument(operand).getType())) {
          reason = describeOperand(index, number) +
                   " depends on the input but is not a float";
          return failure();
        }
        sources.push_back({*producer, 0.0});
        dependsOnInput = true;
        continue;
      }
      std::optional<ConstantElements> constant = readConstant(operand->get());
      if (!constant) {
        reason = describeOperand(index, number) +
                 " is neither the input nor a constant";
        return failure();
      }
      if (llvm::any_of(constant->values, [&](double value) {
            return value != constant->values.front() &&
                   !(std::isnan(value) && std::isnan(constant->values.front()));
          })) {
        reason = describeOperand(index, number) +
                 " is a constant that is not the same on every element";
        return failure();
      }
      sources.push_back({-2, constant->values.front()});
    }
    if (!dependsOnInput) {
      reason =
          "generic #" + std::to_string(index) + " does not depend on the input";
      return failure();
    }
  }
  llvm::append_range(function.chain, chain);
  return function;
}

FailureOr<UnaryElementwiseFunction>
UnaryElementwiseFunction::get(linalg::GenericOp op, std::string &reason) {
  Value input;
  for (OpOperand *operand : op.getDpsInputOperands()) {
    if (readConstant(operand->get()))
      continue;
    if (input && input != operand->get()) {
      reason = "the generic has several non-constant inputs";
      return failure();
    }
    input = operand->get();
  }
  if (!input) {
    reason = "the generic has no non-constant input";
    return failure();
  }
  return get(ArrayRef<linalg::GenericOp>(op), input, reason);
}

float UnaryElementwiseFunction::evaluate(double x) const {
  double inputValue = roundToType(x, getElementTypeOrSelf(input.getType()));
  SmallVector<double> results;
  for (auto [chainOp, operandSources] : llvm::zip_equal(chain, sources)) {
    linalg::GenericOp op = chainOp;
    DenseMap<Value, double> env;
    Block *body = op.getBody();
    for (auto [number, source] : llvm::enumerate(operandSources)) {
      double value = source.producer == -1  ? inputValue
                     : source.producer >= 0 ? results[source.producer]
                                            : source.constant;
      env[body->getArgument(number)] =
          roundToType(value, body->getArgument(number).getType());
    }
    for (Operation &inner : body->without_terminator()) {
      SmallVector<double> operands;
      for (Value operand : inner.getOperands())
        operands.push_back(lookUp(env, operand));
      env[inner.getResult(0)] = evaluateScalarOp(&inner, operands);
    }
    Value yielded = body->getTerminator()->getOperand(0);
    results.push_back(
        roundToType(lookUp(env, yielded),
                    getElementTypeOrSelf(op->getResult(0).getType())));
  }
  return static_cast<float>(results.back());
}

FailureOr<float> mlir::qsim::evaluateUnaryElementwise(linalg::GenericOp op,
                                                      double x,
                                                      std::string *reason) {
  std::string why;
  FailureOr<UnaryElementwiseFunction> function =
      UnaryElementwiseFunction::get(op, why);
  if (failed(function)) {
    if (reason)
      *reason = why;
    return failure();
  }
  return function->evaluate(x);
}

//===----------------------------------------------------------------------===//
// matchChannelAffine
//===----------------------------------------------------------------------===//

namespace {
/// The symbolic value of one SSA value: a constant `shift[c]`, or the affine
/// form `scale[c] * x + shift[c]`. Vectors hold one entry (the same for
/// every channel) or one per channel.
struct Symbolic {
  bool isAffine = false;
  SmallVector<double> scale;
  SmallVector<double> shift;
};
} // namespace

/// Applies `fn` entrywise to `lhs` and `rhs`, broadcasting one-entry vectors.
template <typename Fn>
static SmallVector<double> zipWith(ArrayRef<double> lhs, ArrayRef<double> rhs,
                                   Fn fn) {
  size_t size = std::max(lhs.size(), rhs.size());
  SmallVector<double> result;
  for (size_t i = 0; i < size; ++i)
    result.push_back(
        fn(lhs[lhs.size() == 1 ? 0 : i], rhs[rhs.size() == 1 ? 0 : i]));
  return result;
}

static SmallVector<double> negate(ArrayRef<double> values) {
  return llvm::to_vector(llvm::map_range(values, [](double v) { return -v; }));
}

/// The per-channel values of a constant operand read through `map`.
static FailureOr<SmallVector<double>>
readChannelConstant(const ConstantElements &constant, AffineMap map,
                    unsigned channelDim, int64_t channels,
                    std::string &reason) {
  if (constant.values.size() == 1)
    return SmallVector<double>{constant.values.front()};
  std::optional<unsigned> channelPosition;
  for (auto [position, size] : llvm::enumerate(constant.shape)) {
    if (size == 1)
      continue;
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(position));
    if (!dim || dim.getPosition() != channelDim || size != channels) {
      reason = "it varies along a dimension other than the channel";
      return failure();
    }
    if (channelPosition) {
      reason = "it reads the channel dimension twice";
      return failure();
    }
    channelPosition = position;
  }
  if (!channelPosition)
    return SmallVector<double>{constant.values.front()};
  int64_t stride = 1;
  for (int64_t size : ArrayRef(constant.shape).drop_front(*channelPosition + 1))
    stride *= size;
  SmallVector<double> values;
  for (int64_t c = 0; c < channels; ++c)
    values.push_back(constant.values[c * stride]);
  return values;
}

/// The symbolic result of `op` on `operands`, at least one of them affine.
static FailureOr<Symbolic> evaluateAffineOp(Operation *op,
                                            ArrayRef<Symbolic> operands,
                                            std::string &reason) {
  auto fail = [&](const Twine &why) -> FailureOr<Symbolic> {
    reason = ("the body's '" + op->getName().getStringRef() + "' " + why).str();
    return failure();
  };
  auto plus = [](double a, double b) { return a + b; };
  auto times = [](double a, double b) { return a * b; };
  auto over = [](double a, double b) { return a / b; };
  Symbolic result;
  result.isAffine = true;
  if (isa<arith::AddFOp, arith::SubFOp>(op)) {
    const Symbolic &lhs = operands[0];
    Symbolic rhs = operands[1];
    if (isa<arith::SubFOp>(op)) {
      rhs.shift = negate(rhs.shift);
      if (rhs.isAffine)
        rhs.scale = negate(rhs.scale);
    }
    if (lhs.isAffine && rhs.isAffine)
      result.scale = zipWith(lhs.scale, rhs.scale, plus);
    else
      result.scale = lhs.isAffine ? lhs.scale : rhs.scale;
    result.shift = zipWith(lhs.shift, rhs.shift, plus);
    return result;
  }
  if (isa<arith::MulFOp>(op)) {
    if (operands[0].isAffine && operands[1].isAffine)
      return fail("multiplies two values that depend on the input");
    const Symbolic &affine = operands[0].isAffine ? operands[0] : operands[1];
    const Symbolic &factor = operands[0].isAffine ? operands[1] : operands[0];
    result.scale = zipWith(affine.scale, factor.shift, times);
    result.shift = zipWith(affine.shift, factor.shift, times);
    return result;
  }
  if (isa<arith::DivFOp>(op)) {
    if (operands[1].isAffine)
      return fail("divides by a value that depends on the input");
    result.scale = zipWith(operands[0].scale, operands[1].shift, over);
    result.shift = zipWith(operands[0].shift, operands[1].shift, over);
    return result;
  }
  if (isa<arith::NegFOp>(op)) {
    result.scale = negate(operands[0].scale);
    result.shift = negate(operands[0].shift);
    return result;
  }
  if (isa<arith::ExtFOp>(op))
    return operands[0];
  return fail("of a value that depends on the input is not affine");
}

FailureOr<ChannelAffine>
mlir::qsim::matchChannelAffine(ArrayRef<linalg::GenericOp> chain, Value input,
                               unsigned channelDim, int64_t channels,
                               std::string &reason) {
  if (chain.empty()) {
    reason = "the chain of generics is empty";
    return failure();
  }
  SmallVector<Symbolic> results;
  for (auto [index, chainOp] : llvm::enumerate(chain)) {
    linalg::GenericOp op = chainOp;
    auto fail = [&, index = index](const Twine &why) {
      reason = ("generic #" + Twine(index) + ": " + why).str();
      return failure();
    };
    if (failed(checkElementwiseGeneric(op, reason)))
      return fail(reason);
    auto resultType = cast<ShapedType>(op->getResult(0).getType());
    if (channelDim >= resultType.getRank() ||
        resultType.getDimSize(channelDim) != channels)
      return fail("its result has no dimension " + Twine(channelDim) +
                  " of size " + Twine(channels));
    DenseMap<Value, Symbolic> env;
    Block *body = op.getBody();
    for (OpOperand *operand : op.getDpsInputOperands()) {
      unsigned number = operand->getOperandNumber();
      Symbolic &symbolic = env[body->getArgument(number)];
      if (std::optional<int64_t> producer =
              findProducer(operand->get(), chain, index, input)) {
        if (!op.getMatchingIndexingMap(operand).isIdentity())
          return fail("input #" + Twine(number) +
                      " depends on the input but its map is not the identity");
        if (!isa<FloatType>(op.getMatchingBlockArgument(operand).getType()))
          return fail("input #" + Twine(number) +
                      " depends on the input but is not a float");
        if (*producer == -1)
          symbolic = Symbolic{true, {1.0}, {0.0}};
        else
          symbolic = results[*producer];
        continue;
      }
      std::optional<ConstantElements> constant = readConstant(operand->get());
      if (!constant)
        return fail("input #" + Twine(number) +
                    " is neither the input nor a constant");
      std::string why;
      FailureOr<SmallVector<double>> values =
          readChannelConstant(*constant, op.getMatchingIndexingMap(operand),
                              channelDim, channels, why);
      if (failed(values))
        return fail("constant input #" + Twine(number) + ": " + why);
      Type argType = body->getArgument(number).getType();
      symbolic.shift = llvm::to_vector(llvm::map_range(
          *values, [&](double v) { return roundToType(v, argType); }));
    }
    auto symbolicOf = [&](Value value) {
      auto it = env.find(value);
      if (it != env.end())
        return it->second;
      // A scalar constant from outside the body (checked before).
      return Symbolic{false,
                      {},
                      {getScalarConstant(value).value_or(
                          std::numeric_limits<double>::quiet_NaN())}};
    };
    for (Operation &inner : body->without_terminator()) {
      SmallVector<Symbolic> operands =
          llvm::map_to_vector(inner.getOperands(), symbolicOf);
      if (llvm::any_of(operands,
                       [](const Symbolic &s) { return s.isAffine; })) {
        if (!isa<FloatType>(inner.getResult(0).getType()))
          return fail(("the body's '" + inner.getName().getStringRef() +
                       "' of a value that depends on the input is not affine")
                          .str());
        FailureOr<Symbolic> result = evaluateAffineOp(&inner, operands, reason);
        if (failed(result))
          return fail(reason);
        env[inner.getResult(0)] = std::move(*result);
        continue;
      }
      // Constants only: evaluate entrywise, rounded as the float model does.
      size_t size = 1;
      for (const Symbolic &operand : operands)
        size = std::max(size, operand.shift.size());
      Symbolic folded;
      for (size_t c = 0; c < size; ++c) {
        SmallVector<double> scalars;
        for (const Symbolic &operand : operands)
          scalars.push_back(operand.shift[operand.shift.size() == 1 ? 0 : c]);
        folded.shift.push_back(evaluateScalarOp(&inner, scalars));
      }
      env[inner.getResult(0)] = std::move(folded);
    }
    Symbolic yielded = symbolicOf(body->getTerminator()->getOperand(0));
    if (!yielded.isAffine)
      return fail("its result does not depend on the input");
    results.push_back(std::move(yielded));
  }
  const Symbolic &last = results.back();
  ChannelAffine affine;
  for (int64_t c = 0; c < channels; ++c) {
    affine.scale.push_back(last.scale[last.scale.size() == 1 ? 0 : c]);
    affine.shift.push_back(last.shift[last.shift.size() == 1 ? 0 : c]);
  }
  return affine;
}
