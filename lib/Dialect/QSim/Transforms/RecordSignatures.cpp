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
      func->setAttr(qsim::kSignatureAttrName,
                    TypeAttr::get(func.getFunctionType()));
    }
  }
};

} // namespace
