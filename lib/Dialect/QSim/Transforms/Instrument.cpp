//===- Instrument.cpp - expose activations for calibration ----------------===//
//
// Calibration needs the value of every activation the quantizer will give a
// range to. Rather than inventing a runtime callback, the instrumented model
// simply returns them: any runner that can call the model can calibrate it.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/Transforms/FloatLayers.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMINSTRUMENT
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

struct QSimInstrumentPass final
    : qsim::impl::QSimInstrumentBase<QSimInstrumentPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!isCalibratableFunction(func, module))
        continue;
      instrument(func);
    }
  }

  void instrument(func::FuncOp func) {
    std::vector<FloatLayer> layers = findFloatLayers(func);
    if (layers.empty())
      return;
    ActivationNames names(func, layers);
    llvm::SetVector<Value> observed;
    for (const FloatLayer &layer : layers) {
      observed.insert(getActivationSource(layer.input));
      observed.insert(layer.output);
    }

    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    SmallVector<Value> operands(ret.getOperands());
    SmallVector<Type> results(func.getResultTypes());
    SmallVector<Attribute> observerNames;
    for (Value value : observed) {
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

} // namespace
