//===- Manifest.cpp - the quantization manifest of a program --------------===//
//
// Writes, for every qsim.conv2d and qsim.linear, what a runtime needs to
// reproduce it: the quantization parameters of its operands and result, its
// bias and accumulator bound, and the requantize that reads it.
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

/// The requantize that reads `acc` as its only user, or null.
RequantizeOp getRequantize(Value acc) {
  if (!acc.hasOneUse())
    return {};
  return dyn_cast<RequantizeOp>(*acc.getUsers().begin());
}

void writeRequantize(llvm::json::OStream &json, RequantizeOp op) {
  json.attribute("rounding", stringifyRoundingMode(op.getRounding()));
  if (op.isFixedPoint()) {
    ArrayRef<int32_t> multipliers = *op.getMultiplier();
    ArrayRef<int32_t> shifts = *op.getShift();
    json.attributeArray("multiplier", [&] {
      for (int32_t multiplier : multipliers)
        json.value(multiplier);
    });
    json.attributeArray("shift", [&] {
      for (int32_t shift : shifts)
        json.value(shift);
    });
  } else if (std::optional<ArrayRef<float>> multipliers =
                 op.getFloatMultiplier()) {
    // The f32 multipliers float32_half_even applies, printed exactly.
    json.attributeArray("multiplier", [&] {
      for (float multiplier : *multipliers)
        json.value(static_cast<double>(multiplier));
    });
  } else {
    // M = s_in / s_y per channel in float64, as the lowering computes it.
    UniformQuantParams in = getUniformQuantParams(
        getUniformQuantElementType(op.getInput().getType()));
    UniformQuantParams out = getUniformQuantParams(
        getUniformQuantElementType(op.getOutput().getType()));
    size_t numChannels = std::max(in.scales.size(), out.scales.size());
    json.attributeArray("multiplier", [&] {
      for (size_t c = 0; c < numChannels; ++c)
        json.value(in.getScale(c) / out.getScale(c));
    });
  }
  json.attributeArray("clamp", [&] {
    json.value(op.getLowerBound());
    json.value(op.getUpperBound());
  });
  json.attributeObject(
      "output", [&] { writeQuantParams(json, op.getOutput().getType()); });
  // An activation that follows without having been fused.
  Value result = op.getOutput();
  if (result.hasOneUse() && isa<ReluOp, ClampOp>(*result.getUsers().begin()))
    json.attribute("activation",
                   result.getUsers().begin()->getName().getStringRef());
}

void writeLayer(llvm::json::OStream &json, Operation *op, Value input,
                Value weights, Value bias) {
  json.attribute("op", op->getName().getStringRef());
  json.attribute("name", getLocName(op).value_or(""));
  std::string location;
  llvm::raw_string_ostream locationStream(location);
  op->getLoc().print(locationStream);
  json.attribute("location", location);
  json.attributeObject("input",
                       [&] { writeQuantParams(json, input.getType()); });
  json.attributeObject("weights",
                       [&] { writeQuantParams(json, weights.getType()); });
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
      });
    });
  });
  os << "\n";
  return success();
}
