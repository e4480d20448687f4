//===- Manifest.cpp - the quantization manifest of a program --------------===//
//
// Writes, for every op that computes new integers (qsim.conv2d and
// qsim.linear with the requantize that reads them, qsim.add, qsim.mul,
// qsim.avg_pool2d, a requantizing qsim.concat and any other requantize),
// what a runtime needs to reproduce it: the quantization parameters of its
// operands and result, its rounding and the multipliers and shifts it
// applies, its clamp, and for a layer with weights its bias and
// accumulator bound.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/Manifest.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Dialect/QSim/Transforms/AccumulatorBounds.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMWRITEMANIFEST
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

/// The quantization parameters of a tensor's element type: its storage
/// type, and its scales and zero points (one each per tensor, or one per
/// slice along `axis`).
void writeQuantParams(llvm::json::OStream &json, Type tensorType) {
  quant::QuantizedType type = getUniformQuantElementType(tensorType);
  UniformQuantParams params = getUniformQuantParams(type);
  std::string storage;
  llvm::raw_string_ostream(storage)
      << (params.isSigned ? "i" : "u") << params.storageWidth;
  json.attribute("storage", storage);
  if (params.isPerAxis())
    json.attribute("axis", *params.axis);
  json.attributeArray("scales", [&] {
    for (double scale : params.scales)
      json.value(scale);
  });
  json.attributeArray("zero_points", [&] {
    for (int64_t zeroPoint : params.zeroPoints)
      json.value(zeroPoint);
  });
}

/// `key`: the quantization parameters of `value`'s element type.
void writeValueParams(llvm::json::OStream &json, StringRef key, Value value) {
  json.attributeObject(key, [&] { writeQuantParams(json, value.getType()); });
}

double getScale(Value value) {
  return getUniformQuantParams(value).getScale(0);
}

template <typename T>
void writeArray(llvm::json::OStream &json, StringRef key, ArrayRef<T> values) {
  json.attributeArray(key, [&] {
    for (T value : values)
      json.value(value);
  });
}

/// The f32 values a float32 mode applies, printed exactly.
void writeFloatArray(llvm::json::OStream &json, StringRef key,
                     ArrayRef<float> values) {
  json.attributeArray(key, [&] {
    for (float value : values)
      json.value(static_cast<double>(value));
  });
}

void writeClamp(llvm::json::OStream &json, int64_t lower, int64_t upper) {
  json.attributeArray("clamp", [&] {
    json.value(lower);
    json.value(upper);
  });
}

/// What every entry starts with: the op, its name (from a NameLoc, or
/// empty) and its location.
void writeOpIdentity(llvm::json::OStream &json, Operation *op) {
  json.attribute("op", op->getName().getStringRef());
  json.attribute("name", getLocName(op).value_or(""));
  std::string location;
  llvm::raw_string_ostream locationStream(location);
  op->getLoc().print(locationStream);
  json.attribute("location", location);
}

void writeOperandParams(llvm::json::OStream &json, ValueRange operands) {
  json.attributeArray("inputs", [&] {
    for (Value operand : operands)
      json.object([&] { writeQuantParams(json, operand.getType()); });
  });
}

/// What qsim.add and qsim.mul share: their operands, result, rounding and
/// the pairs their mode applies (the float64 ratios for half_even).
template <typename OpTy>
void writeElementwise(llvm::json::OStream &json, OpTy op,
                      ArrayRef<double> float64Multipliers) {
  writeOpIdentity(json, op);
  writeOperandParams(json, op->getOperands());
  writeValueParams(json, "output", op.getOutput());
  json.attribute("rounding", stringifyRoundingMode(op.getRounding()));
  if (op.getRounding() == RoundingMode::HalfEven)
    writeArray(json, "multiplier", float64Multipliers);
  if (std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier())
    writeArray(json, "multiplier", *multipliers);
  if (std::optional<ArrayRef<int32_t>> shifts = op.getShift())
    writeArray(json, "shift", *shifts);
}

void writeAdd(llvm::json::OStream &json, AddOp op) {
  double outputScale = getScale(op.getOutput());
  double multipliers[] = {getScale(op.getLhs()) / outputScale,
                          getScale(op.getRhs()) / outputScale};
  writeElementwise(json, op, multipliers);
  if (std::optional<uint64_t> leftShift = op.getLeftShift())
    json.attribute("left_shift", static_cast<int64_t>(*leftShift));
  if (std::optional<ArrayRef<float>> multipliers = op.getFloatMultiplier())
    writeFloatArray(json, "multiplier", *multipliers);
  if (std::optional<APFloat> offset = op.getFloatOffset())
    json.attribute("offset", offset->convertToDouble());
  writeClamp(json, op.getLowerBound(), op.getUpperBound());
}

void writeMul(llvm::json::OStream &json, MulOp op) {
  double multiplier[] = {getScale(op.getLhs()) * getScale(op.getRhs()) /
                         getScale(op.getOutput())};
  writeElementwise(json, op, multiplier);
  writeClamp(json, op.getLowerBound(), op.getUpperBound());
}

/// The clamp of an op that saturates to its result's storage range.
void writeStorageClamp(llvm::json::OStream &json, Value result) {
  UniformQuantParams params = getUniformQuantParams(result);
  writeClamp(json, params.storageMin, params.storageMax);
}

/// qsim.avg_pool2d: its window, its divisor rule and its rounding; the
/// float64 multiplier s_x / s_y of half_even (tosa_single keeps the
/// scale, and its reciprocal depends on each window's count).
void writeAvgPool(llvm::json::OStream &json, AvgPool2DOp op) {
  writeOpIdentity(json, op);
  writeValueParams(json, "input", op.getInput());
  writeValueParams(json, "output", op.getOutput());
  writeArray(json, "kernel", op.getKernel());
  writeArray(json, "strides", op.getStrides());
  writeArray(json, "padding", op.getPadding());
  json.attribute("count_include_pad", op.getCountIncludePad());
  json.attribute("rounding", stringifyRoundingMode(op.getRounding()));
  double multiplier = getScale(op.getInput()) / getScale(op.getOutput());
  if (op.getRounding() == RoundingMode::HalfEven)
    writeArray(json, "multiplier", ArrayRef(multiplier));
  writeStorageClamp(json, op.getOutput());
}

/// A concat that requantizes at least one of its inputs.
bool isRequantizingConcat(ConcatOp op) {
  Type resultType = getElementTypeOrSelf(op.getOutput().getType());
  return llvm::any_of(op.getInputs(), [&](Value input) {
    return getElementTypeOrSelf(input.getType()) != resultType;
  });
}

void writeConcat(llvm::json::OStream &json, ConcatOp op) {
  writeOpIdentity(json, op);
  writeOperandParams(json, op.getInputs());
  writeValueParams(json, "output", op.getOutput());
  json.attribute("axis", op.getAxis());
  json.attribute("rounding", stringifyRoundingMode(op.getRounding()));
  // One float64 multiplier s_in / s_y per input; 1 for an input copied.
  double outputScale = getScale(op.getOutput());
  json.attributeArray("multiplier", [&] {
    for (Value input : op.getInputs())
      json.value(getScale(input) / outputScale);
  });
  writeStorageClamp(json, op.getOutput());
}

/// The requantize that reads `acc` as its only user, or null.
RequantizeOp getRequantize(Value acc) {
  if (!acc.hasOneUse())
    return {};
  return dyn_cast<RequantizeOp>(*acc.getUsers().begin());
}

void writeRequantize(llvm::json::OStream &json, RequantizeOp op) {
  json.attribute("rounding", stringifyRoundingMode(op.getRounding()));
  if (op.isFixedPoint()) {
    writeArray(json, "multiplier", *op.getMultiplier());
    writeArray(json, "shift", *op.getShift());
  } else if (std::optional<ArrayRef<float>> multipliers =
                 op.getFloatMultiplier()) {
    writeFloatArray(json, "multiplier", *multipliers);
  } else {
    // M = s_in / s_y per channel in float64, as the lowering computes it.
    UniformQuantParams in = getUniformQuantParams(op.getInput());
    UniformQuantParams out = getUniformQuantParams(op.getOutput());
    size_t numChannels = std::max(in.scales.size(), out.scales.size());
    json.attributeArray("multiplier", [&] {
      for (size_t c = 0; c < numChannels; ++c)
        json.value(in.getScale(c) / out.getScale(c));
    });
  }
  writeClamp(json, op.getLowerBound(), op.getUpperBound());
  writeValueParams(json, "output", op.getOutput());
  // An activation that follows without having been fused.
  Value result = op.getOutput();
  if (result.hasOneUse() && isa<ReluOp, ClampOp>(*result.getUsers().begin()))
    json.attribute("activation",
                   result.getUsers().begin()->getName().getStringRef());
}

void writeLayer(llvm::json::OStream &json, Operation *op, Value input,
                Value weights, Value bias) {
  writeOpIdentity(json, op);
  writeValueParams(json, "input", input);
  writeValueParams(json, "weights", weights);
  DenseIntElementsAttr biasValues;
  if (bias && matchPattern(bias, m_Constant(&biasValues)))
    json.attributeArray("bias", [&] {
      for (const APInt &value : biasValues.getValues<APInt>())
        json.value(value.getSExtValue());
    });
  else
    json.attribute("bias", nullptr);

  Value acc = op->getResult(0);
  json.attributeObject("accumulator", [&] {
    writeQuantParams(json, acc.getType());
    FailureOr<AccumulatorBound> bound = computeAccumulatorBound(op);
    if (failed(bound))
      return;
    // Bounds beyond 64 bits (zero points far outside the storage) are
    // written as decimal strings.
    json.attributeArray("bound", [&] {
      for (const APInt &channel : bound->channelBounds) {
        if (channel.getActiveBits() <= 63)
          json.value(static_cast<int64_t>(channel.getZExtValue()));
        else
          json.value(llvm::toString(channel, /*Radix=*/10, /*Signed=*/false));
      }
    });
    json.attribute("may_overflow", bound->mayOverflow());
  });
  if (RequantizeOp requantize = getRequantize(acc))
    json.attributeObject("requantize",
                         [&] { writeRequantize(json, requantize); });
  else
    json.attribute("requantize", nullptr);
}

/// Whether `op` is written inside the entry of the conv or linear whose
/// accumulator it reads.
bool isLayerRequantize(RequantizeOp op) {
  Operation *producer = op.getInput().getDefiningOp();
  return isa_and_nonnull<Conv2DOp, LinearOp>(producer) &&
         getRequantize(producer->getResult(0)) == op;
}

/// A requantize of its own, such as the rescale after a pool TOSA computes
/// in its input's type.
void writeStandaloneRequantize(llvm::json::OStream &json, RequantizeOp op) {
  writeOpIdentity(json, op);
  writeValueParams(json, "input", op.getInput());
  writeRequantize(json, op);
}

struct QSimWriteManifestPass final
    : qsim::impl::QSimWriteManifestBase<QSimWriteManifestPass> {
  using Base::Base;

  void runOnOperation() override {
    if (file.empty()) {
      getOperation().emitError("qsim-write-manifest: no file given (file=F)");
      return signalPassFailure();
    }
    if (failed(writeQuantizationManifest(getOperation(), file)))
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace

LogicalResult mlir::qsim::writeQuantizationManifest(ModuleOp module,
                                                    StringRef path) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
  if (error)
    return module.emitError("cannot write the quantization manifest '")
           << path << "': " << error.message();
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attributeArray("layers", [&] {
      module.walk([&](Operation *op) {
        if (auto conv = dyn_cast<Conv2DOp>(op))
          json.object([&] {
            writeLayer(json, op, conv.getInput(), conv.getWeights(),
                       conv.getBias());
          });
        else if (auto linear = dyn_cast<LinearOp>(op))
          json.object([&] {
            writeLayer(json, op, linear.getInput(), linear.getWeights(),
                       linear.getBias());
          });
        else if (auto add = dyn_cast<AddOp>(op))
          json.object([&] { writeAdd(json, add); });
        else if (auto mul = dyn_cast<MulOp>(op))
          json.object([&] { writeMul(json, mul); });
        else if (auto pool = dyn_cast<AvgPool2DOp>(op))
          json.object([&] { writeAvgPool(json, pool); });
        else if (auto concat = dyn_cast<ConcatOp>(op);
                 concat && isRequantizingConcat(concat))
          json.object([&] { writeConcat(json, concat); });
        else if (auto requantize = dyn_cast<RequantizeOp>(op);
                 requantize && !isLayerRequantize(requantize))
          json.object([&] { writeStandaloneRequantize(json, requantize); });
      });
    });
  });
  os << "\n";
  return success();
}
