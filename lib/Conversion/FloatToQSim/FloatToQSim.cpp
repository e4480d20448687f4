//===- FloatToQSim.cpp - post-training quantization of float models -------===//

#include "qsim/Conversion/FloatToQSim/FloatToQSim.h"
#include "qsim/Conversion/LinalgToQSim/LinalgToQSim.h"
#include "qsim/Conversion/QuantizationCommon/ActivationNames.h"
#include "qsim/Conversion/QuantizationCommon/DataMovement.h"
#include "qsim/Conversion/TosaToQSim/TosaToQSim.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qsim;

ArrayRef<QuantizableOpMatcher> mlir::qsim::getFloatToQSimMatchers() {
  static const QuantizableOpMatcher matchers[] = {matchLinalgQuantizableOp,
                                                  matchTosaQuantizableOp};
  return matchers;
}

FailureOr<WeightQuantizationOptions>
mlir::qsim::parseWeightOptions(Location loc, StringRef prefix,
                               StringRef granularity, StringRef scheme,
                               unsigned bits, bool narrowRange) {
  if (granularity != "per-channel" && granularity != "per-tensor")
    return emitError(loc, prefix)
           << "weight-granularity must be per-channel or per-tensor, got '"
           << granularity << "'";
  if (scheme != "symmetric" && scheme != "asymmetric")
    return emitError(loc, prefix)
           << "weight-scheme must be symmetric or asymmetric, got '" << scheme
           << "'";
  if (bits < 2 || bits > 16)
    return emitError(loc, prefix)
           << "weight-bits must be 2 to 16, got " << bits;
  WeightQuantizationOptions options;
  options.perChannel = granularity == "per-channel";
  options.symmetric = scheme == "symmetric";
  options.format = StorageFormat{bits, /*isSigned=*/true, narrowRange};
  return options;
}

FailureOr<StorageFormat>
mlir::qsim::parseActivationOptions(Location loc, StringRef prefix,
                                   StringRef type, unsigned bits,
                                   QuantizationTarget target) {
  // TOSA's integer profile and TFLite's int8 kernels convolve signed 8-bit
  // values.
  if (type.empty())
    type = target == QuantizationTarget::Tosa ||
                   target == QuantizationTarget::Tflite
               ? "i8"
               : "u8";
  if (type != "u8" && type != "i8")
    return emitError(loc, prefix)
           << "activation-type must be u8 or i8, got '" << type << "'";
  if (bits < 2 || bits > 16)
    return emitError(loc, prefix)
           << "activation-bits must be 2 to 16, got " << bits;
  return StorageFormat{bits, type == "i8", /*narrowRange=*/false};
}

LogicalResult mlir::qsim::checkReduceRange(Location loc, StringRef prefix,
                                           const StorageFormat &format,
                                           bool reduceRange) {
  if (!reduceRange || format.bits > 2)
    return success();
  return emitError(loc, prefix)
         << "reduce-range needs at least 3 activation bits, got "
         << format.bits;
}

FailureOr<QuantizationTarget>
mlir::qsim::parseTargetOption(Location loc, StringRef prefix, StringRef name) {
  if (std::optional<QuantizationTarget> target = parseQuantizationTarget(name))
    return *target;
  return emitError(loc, prefix)
         << "target must be numpy, pytorch, onnxruntime, tosa or tflite, got '"
         << name << "'";
}

LogicalResult mlir::qsim::applyTargetOptions(Location loc, StringRef prefix,
                                             StringRef tfliteRounding,
                                             QuantizationState &state) {
  std::optional<std::optional<RoundingMode>> rounding =
      llvm::StringSwitch<std::optional<std::optional<RoundingMode>>>(
          tfliteRounding)
          .Case("runtime", std::optional<RoundingMode>())
          .Case("double", RoundingMode::TfliteDouble)
          .Case("single", RoundingMode::TfliteSingle)
          .Default(std::nullopt);
  if (!rounding)
    return emitError(loc, prefix)
           << "tflite-rounding must be runtime, double or single, got '"
           << tfliteRounding << "'";
  if (*rounding && state.target != QuantizationTarget::Tflite)
    return emitError(loc, prefix)
           << "tflite-rounding=" << tfliteRounding << " needs target=tflite";
  state.tfliteRounding = *rounding;
  // The TFLite converter quantizes weights symmetrically over [-127, 127].
  if (state.target == QuantizationTarget::Tflite)
    state.weights.format.narrowRange = true;
  return success();
}

//===----------------------------------------------------------------------===//
// Ranges
//===----------------------------------------------------------------------===//

LogicalResult mlir::qsim::attachRanges(ModuleOp module, StringRef statsPath,
                                       const StorageFormat &activationFormat,
                                       QuantizationState &state,
                                       StringRef prefix) {
  auto fileError = [&](const Twine &message) {
    // At the module's location, not on the module: one line, without the
    // whole module as a note.
    return emitError(module.getLoc(), prefix)
           << "statistics file '" << statsPath << "': " << message;
  };
  if (statsPath.empty())
    return fileError("no file given; pass stats=FILE");
  llvm::Expected<CalibrationStatistics> statistics =
      readStatisticsFile(statsPath);
  if (!statistics)
    return fileError(llvm::toString(statistics.takeError()));
  llvm::StringMap<std::pair<double, double>> ranges;
  for (const ActivationStatistics &entry : statistics->activations)
    ranges[entry.name] = {entry.min, entry.max};

  MLIRContext *ctx = module.getContext();
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!isCalibratableFunction(func, module))
      continue;
    SmallVector<QuantizableOp> ops =
        findQuantizableOps(func, getFloatToQSimMatchers());
    if (ops.empty())
      continue;
    ActivationNames names(func, ops);
    for (const QuantizableOp &op : ops)
      state.setName(op.anchor, names.getOpName(op.anchor));
    // The ops that read each activation, for the location of a missing
    // entry's error.
    DenseMap<Value, Operation *> firstReader;
    for (const QuantizableOp &op : ops) {
      for (Value input : op.inputs)
        firstReader.try_emplace(names.getSource(input), op.anchor);
      firstReader.try_emplace(op.output, op.anchor);
    }
    for (Value value : names.getActivations()) {
      std::string name = names.getName(value);
      Operation *reader = firstReader.lookup(value);
      auto it = ranges.find(name);
      if (it == ranges.end())
        return emitError(reader->getLoc(), prefix)
               << "no range for activation '" << name
               << "' in the statistics file";
      auto [min, max] = it->second;
      // reduce_range picks the parameters over one bit less; the values
      // still saturate at the storage bounds, as PyTorch's do. ONNX
      // Runtime's quantize_static reduces the weights instead.
      StorageFormat paramsFormat = activationFormat;
      if (state.reduceRange && state.target != QuantizationTarget::OnnxRuntime)
        --paramsFormat.bits;
      AffineParams params = computeAffineParams(
          min, max, paramsFormat, /*symmetric=*/false, state.target);
      params.qmin = activationFormat.getMin();
      params.qmax = activationFormat.getMax();
      if (!isValidScale(params.scale))
        return emitError(reader->getLoc(), prefix)
               << "statistics entry '" << name << "': range [" << min << ", "
               << max << "] gives scale " << params.scale << ", outside "
               << describeValidScaleRange();
      quant::UniformQuantizedType type =
          makeQuantizedType(ctx, activationFormat, params);
      OpBuilder b(ctx);
      if (Operation *def = value.getDefiningOp())
        b.setInsertionPointAfter(def);
      else
        b.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
      auto floatType = cast<RankedTensorType>(value.getType());
      auto quantize = QuantizeOp::create(
          b, value.getLoc(), floatType.clone(type), value,
          quantizesByReciprocal(state.target) ? QuantizeScaling::Reciprocal
                                              : QuantizeScaling::Divide,
          roundsHalfAway(state.target) ? QuantizeRounding::HalfAway
                                       : QuantizeRounding::HalfEven);
      auto dequantize =
          DequantizeOp::create(b, value.getLoc(), floatType, quantize);
      value.replaceAllUsesExcept(dequantize, quantize);
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Conversion
//===----------------------------------------------------------------------===//

namespace {

/// Forgets the ops the driver erases, so that no recorded reason outlives
/// its op.
struct ForgetErasedOps final : RewriterBase::Listener {
  explicit ForgetErasedOps(QuantizationState &state) : state(state) {}
  void notifyOperationErased(Operation *op) override { state.forget(op); }
  QuantizationState &state;
};

} // namespace

LogicalResult mlir::qsim::convertFloatToQSim(ModuleOp module,
                                             QuantizationState &state,
                                             FloatToQSimConversions which) {
  MLIRContext *ctx = module.getContext();
  ForgetErasedOps listener(state);
  GreedyRewriteConfig config;
  config.setListener(&listener);

  RewritePatternSet patterns(ctx);
  if (which.linalg)
    populateLinalgToQSimPatterns(patterns, state);
  if (which.tosa)
    populateTosaToQSimPatterns(patterns, state);
  populateQuantizedDataMovementPatterns(patterns);
  (void)applyPatternsGreedily(module, std::move(patterns), config);
  if (state.hadError)
    return failure();

  RewritePatternSet cleanup(ctx);
  populateUnusedRangeCleanupPatterns(cleanup);
  (void)applyPatternsGreedily(module, std::move(cleanup), config);
  return success();
}

//===----------------------------------------------------------------------===//
// What stayed float
//===----------------------------------------------------------------------===//

/// True when `op` computes on f32 tensors: a linalg or TOSA op other than a
/// fill, broadcast, constant or data movement, or an arith/math op on
/// tensors.
static bool isFloatComputeOp(Operation *op) {
  if (isa<linalg::FillOp, linalg::BroadcastOp, tosa::ConstOp,
          tosa::ConstShapeOp>(op) ||
      getDataMovementSource(op) || op->hasTrait<OpTrait::ConstantLike>())
    return false;
  StringRef dialect = op->getDialect() ? op->getDialect()->getNamespace() : "";
  if (dialect != "linalg" && dialect != "tosa" && dialect != "arith" &&
      dialect != "math")
    return false;
  auto isFloatTensor = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getElementType().isF32();
  };
  return llvm::any_of(op->getOperandTypes(), isFloatTensor) ||
         llvm::any_of(op->getResultTypes(), isFloatTensor);
}

std::vector<FloatOpRecord>
mlir::qsim::findFloatOps(ModuleOp module, const QuantizationState &state) {
  std::vector<FloatOpRecord> records;
  for (auto func : module.getOps<func::FuncOp>()) {
    bool calibratable = isCalibratableFunction(func, module);
    func.walk([&](Operation *op) {
      // Only top-level ops: a linalg op's body is scalar.
      if (op->getParentOp() != func || !isFloatComputeOp(op))
        return;
      std::string reason;
      if (!calibratable)
        reason = "its function has more than one block or has callers, so "
                 "it cannot be calibrated";
      else if (std::optional<std::string> recorded = state.getDeclineReason(op))
        reason = *recorded;
      else
        reason = "no qsim pattern handles this op";
      records.push_back({op, std::move(reason)});
    });
  }
  return records;
}

std::vector<FloatOpRecord>
mlir::qsim::explainUnquantizableOps(func::FuncOp func) {
  std::vector<FloatOpRecord> records;
  llvm::DenseMap<Operation *, std::string> reasons;
  findQuantizableOps(
      func, getFloatToQSimMatchers(),
      [&](Operation *op, StringRef reason) { reasons[op] = reason.str(); });
  for (Operation &op : func.getBody().front()) {
    if (!isFloatComputeOp(&op))
      continue;
    auto it = reasons.find(&op);
    records.push_back({&op, it != reasons.end()
                                ? it->second
                                : std::string("no qsim pattern handles this "
                                              "op")});
  }
  return records;
}

std::string mlir::qsim::formatLocation(Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

LogicalResult mlir::qsim::writeFloatReport(ArrayRef<FloatOpRecord> records,
                                           StringRef path, Location loc,
                                           StringRef prefix) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
  if (error)
    return emitError(loc, prefix)
           << "cannot write report '" << path << "': " << error.message();
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.array([&] {
    for (const FloatOpRecord &record : records)
      json.object([&] {
        json.attribute("op", record.op->getName().getStringRef());
        json.attribute("location", formatLocation(record.op->getLoc()));
        json.attribute("reason", record.reason);
      });
  });
  os << "\n";
  os.close();
  if (os.has_error())
    return emitError(loc, prefix)
           << "cannot write report '" << path << "': " << os.error().message();
  return success();
}
