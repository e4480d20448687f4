//===- StridedCopies.cpp - strided buffer copies as loops -----------------===//
//
// A memref.copy between buffers that are not both contiguous lowers to the
// runtime's generic memrefCopy, which is slow; linalg.copy lowers to loops.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Builders.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMSTRIDEDCOPIESTOLINALG
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;

namespace {

/// Whether finalize-memref-to-llvm copies `type` with one memcpy: an
/// identity layout, or a static shape whose strides are row-major.
bool isCopiedWhole(MemRefType type) {
  return type.getLayout().isIdentity() ||
         memref::isStaticShapeAndContiguousRowMajor(type);
}

struct QSimStridedCopiesToLinalgPass final
    : qsim::impl::QSimStridedCopiesToLinalgBase<QSimStridedCopiesToLinalgPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (!source || !target ||
          (isCopiedWhole(source) && isCopiedWhole(target)))
        return;
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
