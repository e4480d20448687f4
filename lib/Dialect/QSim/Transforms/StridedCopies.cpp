//===- StridedCopies.cpp - buffer copies as loops -------------------------===//
//
// Two lowerings of the copies around the packed kernels. A memref.copy
// between buffers that are not both contiguous lowers to the runtime's
// generic memrefCopy, which is slow; linalg.copy lowers to loops. The
// kernels' own layout copies are marked to run as parallel loops.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMSTRIDEDCOPIESTOLINALG
#define GEN_PASS_DEF_QSIMPARALLELLOOPS
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;

namespace {

constexpr StringLiteral kParallelAttrName = "qsim.parallel";

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

struct QSimParallelLoopsPass final
    : qsim::impl::QSimParallelLoopsBase<QSimParallelLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> marked;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->hasAttr(kParallelAttrName) && op.hasPureBufferSemantics())
        marked.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : marked) {
      // Tiles of one by one along the two outer dimensions: an scf.parallel
      // over them around the op on subviews, whose inner loops stay plain
      // loops that LLVM vectorizes (collapsing every dimension into the
      // parallel loop would index each element through divisions).
      SmallVector<int64_t> tileSizes(op.getNumLoops(), 0);
      for (unsigned dim = 0; dim < std::min(2u, op.getNumLoops()); ++dim)
        tileSizes[dim] = 1;
      linalg::LinalgTilingOptions options;
      options.setTileSizes(tileSizes).setLoopType(
          linalg::LinalgTilingLoopType::ParallelLoops);
      rewriter.setInsertionPoint(op);
      if (failed(linalg::tileLinalgOp(rewriter, op, options)))
        return signalPassFailure();
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
