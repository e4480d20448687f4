//===- RecordSignatures.cpp - keep tensor-level signatures ----------------===//
//
// Attaches `qsim.signature` to public functions before lowering erases their
// tensor types, so a runner can still feed and read them.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMRECORDSIGNATURES
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;

namespace {

struct QSimRecordSignaturesPass final
    : qsim::impl::QSimRecordSignaturesBase<QSimRecordSignaturesPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal() ||
          func->hasAttr(qsim::kSignatureAttrName))
        continue;
      // A string, not a type attribute: the lowered module must stay
      // readable by tools that do not load the quant dialect (mlir-runner).
      std::string text;
      llvm::raw_string_ostream os(text);
      func.getFunctionType().print(os);
      func->setAttr(qsim::kSignatureAttrName,
                    StringAttr::get(&getContext(), text));
    }
  }
};

} // namespace
