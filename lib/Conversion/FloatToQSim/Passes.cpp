//===- Passes.cpp - the float-to-qsim passes ------------------------------===//
//
// Option parsing over the calls of FloatToQSim.h.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/Passes.h"
#include "qsim/Conversion/FloatToQSim/FloatToQSim.h"
#include "qsim/Conversion/LinalgToQSim/FoldBatchNorm.h"
#include "qsim/Conversion/QuantizationCommon/ActivationNames.h"
#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/Transforms/AccumulatorBounds.h"
#include "qsim/Dialect/QSim/Transforms/Manifest.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMINSTRUMENT
#define GEN_PASS_DEF_QSIMATTACHRANGES
#define GEN_PASS_DEF_CONVERTLINALGTOQSIM
#define GEN_PASS_DEF_CONVERTTOSATOQSIM
#define GEN_PASS_DEF_QSIMQUANTIZE
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

//===----------------------------------------------------------------------===//
// qsim-instrument
//===----------------------------------------------------------------------===//

struct QSimInstrumentPass final
    : qsim::impl::QSimInstrumentBase<QSimInstrumentPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (foldBatchNorm && failed(foldBatchNorms(module)))
      return signalPassFailure();
    for (auto func : module.getOps<func::FuncOp>())
      if (isCalibratableFunction(func, module))
        instrument(func);
  }

  void instrument(func::FuncOp func) {
    SmallVector<QuantizableOp> ops =
        findQuantizableOps(func, getFloatToQSimMatchers());
    if (ops.empty())
      return;
    ActivationNames names(func, ops);
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    SmallVector<Value> operands(ret.getOperands());
    SmallVector<Type> results(func.getResultTypes());
    SmallVector<Attribute> observerNames;
    for (Value value : names.getActivations()) {
      operands.push_back(value);
      results.push_back(value.getType());
      observerNames.push_back(
          StringAttr::get(&getContext(), names.getName(value)));
    }
    OpBuilder builder(ret);
    func::ReturnOp::create(builder, ret.getLoc(), operands);
    ret.erase();
    func.setFunctionType(
        FunctionType::get(&getContext(), func.getArgumentTypes(), results));
    // Result attributes, when present, need one entry per result.
    if (ArrayAttr resultAttrs = func.getResAttrsAttr()) {
      SmallVector<Attribute> extended(resultAttrs.begin(), resultAttrs.end());
      extended.resize(results.size(), DictionaryAttr::get(&getContext()));
      func.setResAttrsAttr(ArrayAttr::get(&getContext(), extended));
    }
    func->setAttr(kObserversAttrName,
                  ArrayAttr::get(&getContext(), observerNames));
  }
};

//===----------------------------------------------------------------------===//
// qsim-attach-ranges
//===----------------------------------------------------------------------===//

struct QSimAttachRangesPass final
    : qsim::impl::QSimAttachRangesBase<QSimAttachRangesPass> {
  using Base::Base;

  void runOnOperation() override {
    constexpr StringLiteral prefix = "qsim-attach-ranges: ";
    ModuleOp module = getOperation();
    FailureOr<QuantizationTarget> parsedTarget =
        parseTargetOption(module.getLoc(), prefix, target);
    if (failed(parsedTarget))
      return signalPassFailure();
    FailureOr<StorageFormat> format = parseActivationOptions(
        module.getLoc(), prefix, activationType, activationBits, *parsedTarget);
    if (failed(format))
      return signalPassFailure();
    if (failed(checkReduceRange(module.getLoc(), prefix, *format, reduceRange)))
      return signalPassFailure();
    QuantizationState state;
    state.target = *parsedTarget;
    state.reduceRange = reduceRange;
    if ((foldBatchNorm && failed(foldBatchNorms(module))) ||
        failed(attachRanges(module, statsFile, *format, state, prefix)))
      return signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// convert-linalg-to-qsim, convert-tosa-to-qsim
//===----------------------------------------------------------------------===//

template <typename Derived, typename BaseT>
struct ConversionPassBase : BaseT {
  using BaseT::BaseT;

  void runConversion(StringRef prefix, FloatToQSimConversions which) {
    ModuleOp module = this->getOperation();
    FailureOr<WeightQuantizationOptions> weights = parseWeightOptions(
        module.getLoc(), prefix, this->weightGranularity, this->weightScheme,
        this->weightBits, this->narrowRange);
    FailureOr<QuantizationTarget> target =
        parseTargetOption(module.getLoc(), prefix, this->target);
    if (failed(weights) || failed(target))
      return this->signalPassFailure();
    QuantizationState state(*weights);
    state.target = *target;
    state.diagnosticPrefix = prefix.str();
    if (failed(applyTargetOptions(module.getLoc(), prefix, this->tfliteRounding,
                                  state)) ||
        failed(convertFloatToQSim(module, state, which)))
      return this->signalPassFailure();
  }
};

struct ConvertLinalgToQSimPass final
    : ConversionPassBase<
          ConvertLinalgToQSimPass,
          qsim::impl::ConvertLinalgToQSimBase<ConvertLinalgToQSimPass>> {
  using ConversionPassBase::ConversionPassBase;
  void runOnOperation() override {
    runConversion("convert-linalg-to-qsim: ", {/*linalg=*/true,
                                               /*tosa=*/false});
  }
};

struct ConvertTosaToQSimPass final
    : ConversionPassBase<
          ConvertTosaToQSimPass,
          qsim::impl::ConvertTosaToQSimBase<ConvertTosaToQSimPass>> {
  using ConversionPassBase::ConversionPassBase;
  void runOnOperation() override {
    runConversion("convert-tosa-to-qsim: ", {/*linalg=*/false,
                                             /*tosa=*/true});
  }
};

//===----------------------------------------------------------------------===//
// qsim-quantize
//===----------------------------------------------------------------------===//

struct QSimQuantizePass final : qsim::impl::QSimQuantizeBase<QSimQuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    constexpr StringLiteral prefix = "qsim-quantize: ";
    ModuleOp module = getOperation();
    // A bad option is one line: emitting on the module op would attach the
    // whole module as a "see current operation" note.
    Location loc = module.getLoc();
    FailureOr<WeightQuantizationOptions> weights = parseWeightOptions(
        loc, prefix, weightGranularity, weightScheme, weightBits, narrowRange);
    if (failed(weights))
      return signalPassFailure();
    FailureOr<QuantizationTarget> parsedTarget =
        parseTargetOption(loc, prefix, target);
    if (failed(parsedTarget))
      return signalPassFailure();
    FailureOr<StorageFormat> activations = parseActivationOptions(
        loc, prefix, activationType, activationBits, *parsedTarget);
    if (failed(activations) ||
        failed(checkReduceRange(loc, prefix, *activations, reduceRange)))
      return signalPassFailure();
    QuantizationState state(*weights);
    state.diagnosticPrefix = prefix.str();
    state.activationFormat = *activations;
    state.target = *parsedTarget;
    state.reduceRange = reduceRange;
    if (failed(applyTargetOptions(loc, prefix, tfliteRounding, state)) ||
        (foldBatchNorm && failed(foldBatchNorms(module))) ||
        failed(attachRanges(module, statsFile, *activations, state, prefix)) ||
        failed(convertFloatToQSim(module, state)))
      return signalPassFailure();

    std::vector<FloatOpRecord> floatOps = findFloatOps(module, state);
    for (const FloatOpRecord &record : floatOps)
      emitRemark(record.op->getLoc(), prefix)
          << "'" << record.op->getName() << "' stays float: " << record.reason;
    if (!reportFile.empty() &&
        failed(writeFloatReport(floatOps, reportFile, loc, prefix)))
      return signalPassFailure();

    // Wide weight and activation storage can make an accumulator wrap.
    AccumulatorCheckOptions check;
    check.warnOnly = allowAccumulatorOverflow;
    check.prefix = prefix.str();
    if (!allowAccumulatorOverflow)
      check.hint = " (allow-accumulator-overflow makes this a warning)";
    if (failed(checkAccumulators(module, check)))
      return signalPassFailure();
    if (!manifestFile.empty() &&
        failed(writeQuantizationManifest(module, manifestFile)))
      return signalPassFailure();
  }
};

} // namespace
