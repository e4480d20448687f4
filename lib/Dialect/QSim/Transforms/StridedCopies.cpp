//===- StridedCopies.cpp - buffer copies as loops -------------------------===//
//
// Two lowerings of the copies around the packed kernels. A memref.copy
// between buffers that are not both contiguous lowers to the runtime's
// generic memrefCopy, which is slow; linalg.copy lowers to loops. The
// kernels' own layout copies are marked to run as parallel loops; those
// that transpose bytes move 16x16 blocks through vector registers.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
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

/// The side of the square blocks a byte transpose moves through registers.
constexpr int64_t kTransposeBlock = 16;

/// A marked copy of bytes over four loops that changes which loop is
/// contiguous: its input map is a permutation whose last result is loop
/// `sourceDim` (not the last loop, which is contiguous in the output), its
/// output map is the identity, and its body yields the input, or the input
/// xor `flipMask`.
struct ByteTranspose {
  unsigned sourceDim;
  std::optional<APInt> flipMask;
};

bool hasUnitInnerStride(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

std::optional<ByteTranspose> matchByteTranspose(linalg::LinalgOp op) {
  if (op.getNumLoops() != 4 || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
    return std::nullopt;
  Value input = op.getDpsInputOperand(0)->get();
  Value output = op.getDpsInitOperand(0)->get();
  for (Value buffer : {input, output}) {
    auto type = dyn_cast<MemRefType>(buffer.getType());
    if (!type || !type.getElementType().isInteger(8) ||
        !hasUnitInnerStride(buffer))
      return std::nullopt;
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps[0].isPermutation() || !maps[1].isIdentity())
    return std::nullopt;
  ByteTranspose transpose{maps[0].getDimPosition(3), std::nullopt};
  if (transpose.sourceDim == 3)
    return std::nullopt;

  Block &body = op->getRegion(0).front();
  Value yielded = body.getTerminator()->getOperand(0);
  BlockArgument element = body.getArgument(0);
  if (yielded == element)
    return transpose;
  auto flip = yielded.getDefiningOp<arith::XOrIOp>();
  if (!flip)
    return std::nullopt;
  Value mask = flip.getLhs() == element ? flip.getRhs() : flip.getLhs();
  APInt value;
  if ((flip.getLhs() != element && flip.getRhs() != element) ||
      !matchPattern(mask, m_ConstantInt(&value)))
    return std::nullopt;
  // Nothing else may happen in the body.
  for (Operation &nested : body.without_terminator())
    if (&nested != flip.getOperation() && &nested != mask.getDefiningOp())
      return std::nullopt;
  transpose.flipMask = value;
  return transpose;
}

/// Lowers a byte transpose to an scf.parallel over its two other loops,
/// inside which 16x16 blocks of (source row, output column) are 16 vector
/// loads along the input's contiguous loop, one shuffle and 16 vector
/// stores along the output's; the rows and columns left over are one more
/// block that overlaps the last full one, or, along a size shorter than a
/// block or dynamic, copied byte by byte. Byte by byte throughout, LLVM
/// gathers each 4 bytes with vpinsrb, several times slower.
void lowerByteTranspose(RewriterBase &rewriter, linalg::LinalgOp op,
                        const ByteTranspose &transpose) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value input = op.getDpsInputOperand(0)->get();
  Value output = op.getDpsInitOperand(0)->get();
  AffineMap inputMap = op.getIndexingMapsArray()[0];
  SmallVector<Value> sizes;
  for (Range range : op.createLoopRanges(rewriter, loc))
    sizes.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, range.size));
  unsigned rowDim = transpose.sourceDim, colDim = 3;
  SmallVector<unsigned> outerDims;
  for (unsigned dim = 0; dim < 4; ++dim)
    if (dim != rowDim && dim != colDim)
      outerDims.push_back(dim);

  auto constant = [&](OpBuilder &b, Location loc, int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  auto offset = [&](OpBuilder &b, Location loc, Value base,
                    int64_t value) -> Value {
    if (value == 0)
      return base;
    return arith::AddIOp::create(b, loc, base, constant(b, loc, value));
  };
  Value zero = constant(rewriter, loc, 0);
  Value one = constant(rewriter, loc, 1);
  Value block = constant(rewriter, loc, kTransposeBlock);
  auto blocksEnd = [&](OpBuilder &b, Location loc, Value size) -> Value {
    return arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, size, block), block);
  };
  auto inputIndices = [&](ArrayRef<Value> loops) {
    SmallVector<Value> indices;
    for (unsigned result = 0; result < 4; ++result)
      indices.push_back(loops[inputMap.getDimPosition(result)]);
    return indices;
  };
  auto flip = [&](OpBuilder &b, Location loc, Value value) -> Value {
    if (!transpose.flipMask)
      return value;
    Attribute mask = b.getIntegerAttr(b.getI8Type(), *transpose.flipMask);
    if (auto type = dyn_cast<VectorType>(value.getType()))
      mask = DenseElementsAttr::get(type, mask);
    return arith::XOrIOp::create(
        b, loc, value,
        arith::ConstantOp::create(b, loc, cast<TypedAttr>(mask)));
  };
  // Loops over rows [rowBegin, rowEnd) x columns [colBegin, colEnd), both by
  // `step`.
  auto forRowsAndCols =
      [&](OpBuilder &b, Location loc, Value rowBegin, Value rowEnd,
          Value colBegin, Value colEnd, Value step,
          function_ref<void(OpBuilder &, Location, Value, Value)> body) {
        scf::ForOp::create(
            b, loc, rowBegin, rowEnd, step, ValueRange{},
            [&](OpBuilder &b, Location loc, Value row, ValueRange) {
              scf::ForOp::create(
                  b, loc, colBegin, colEnd, step, ValueRange{},
                  [&](OpBuilder &b, Location loc, Value col, ValueRange) {
                    body(b, loc, row, col);
                    scf::YieldOp::create(b, loc);
                  });
              scf::YieldOp::create(b, loc);
            });
      };
  // Copies rows [rowBegin, rowEnd) x columns [colBegin, colEnd) byte by
  // byte.
  auto copyBytes = [&](OpBuilder &b, Location loc, SmallVector<Value> loops,
                       Value rowBegin, Value rowEnd, Value colBegin,
                       Value colEnd) {
    forRowsAndCols(
        b, loc, rowBegin, rowEnd, colBegin, colEnd, one,
        [&](OpBuilder &b, Location loc, Value row, Value col) {
          loops[rowDim] = row;
          loops[colDim] = col;
          Value byte =
              memref::LoadOp::create(b, loc, input, inputIndices(loops));
          memref::StoreOp::create(b, loc, flip(b, loc, byte), output, loops);
        });
  };

  scf::ParallelOp::create(
      rewriter, loc, ValueRange{zero, zero},
      ValueRange{sizes[outerDims[0]], sizes[outerDims[1]]},
      ValueRange{one, one}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
        SmallVector<Value> loops(4);
        loops[outerDims[0]] = ivs[0];
        loops[outerDims[1]] = ivs[1];
        Value rows = sizes[rowDim], cols = sizes[colDim];
        Value fullRows = blocksEnd(b, loc, rows);
        Value fullCols = blocksEnd(b, loc, cols);
        auto lineType = VectorType::get({kTransposeBlock}, b.getI8Type());
        auto copyBlock = [&](OpBuilder &b, Location loc, Value row0,
                             Value col0) {
          // lines[k][i] is (row0 + i, col0 + k).
          SmallVector<Value> lines;
          loops[rowDim] = row0;
          for (int64_t k = 0; k < kTransposeBlock; ++k) {
            loops[colDim] = offset(b, loc, col0, k);
            lines.push_back(vector::LoadOp::create(b, loc, lineType, input,
                                                   inputIndices(loops)));
          }
          // Concatenated pairwise: all[k * 16 + i].
          while (lines.size() > 1) {
            SmallVector<Value> joined;
            for (size_t k = 0; k < lines.size(); k += 2) {
              int64_t width =
                  cast<VectorType>(lines[k].getType()).getDimSize(0);
              joined.push_back(vector::ShuffleOp::create(
                  b, loc, lines[k], lines[k + 1],
                  llvm::to_vector(llvm::seq<int64_t>(0, 2 * width))));
            }
            lines = std::move(joined);
          }
          SmallVector<int64_t> mask;
          for (int64_t i = 0; i < kTransposeBlock; ++i)
            for (int64_t k = 0; k < kTransposeBlock; ++k)
              mask.push_back(k * kTransposeBlock + i);
          Value transposed =
              flip(b, loc,
                   vector::ShuffleOp::create(b, loc, lines[0], lines[0], mask));
          loops[colDim] = col0;
          for (int64_t i = 0; i < kTransposeBlock; ++i) {
            Value line = vector::ShuffleOp::create(
                b, loc, transposed, transposed,
                llvm::to_vector(llvm::seq<int64_t>(i * kTransposeBlock,
                                                   (i + 1) * kTransposeBlock)));
            loops[rowDim] = offset(b, loc, row0, i);
            vector::StoreOp::create(b, loc, line, output, loops);
          }
        };
        forRowsAndCols(b, loc, zero, fullRows, zero, fullCols, block,
                       copyBlock);
        // A static size of at least a block has its remainder covered by
        // one more block that ends at the size and overlaps the last full
        // one: writing those bytes twice costs less than copying the
        // remainder byte by byte. A shorter or dynamic size leaves it to the
        // byte loops.
        auto overlapsLastBlock = [](Value size) {
          std::optional<int64_t> value = getConstantIntValue(size);
          return value && *value >= kTransposeBlock &&
                 *value % kTransposeBlock != 0;
        };
        auto lastBlock = [&](OpBuilder &b, Location loc, Value size) {
          return arith::SubIOp::create(b, loc, size, block).getResult();
        };
        bool overlapCols = overlapsLastBlock(cols);
        bool overlapRows = overlapsLastBlock(rows);
        if (overlapCols) {
          Value col0 = lastBlock(b, loc, cols);
          scf::ForOp::create(
              b, loc, zero, fullRows, block, ValueRange{},
              [&](OpBuilder &b, Location loc, Value row0, ValueRange) {
                copyBlock(b, loc, row0, col0);
                scf::YieldOp::create(b, loc);
              });
        } else {
          copyBytes(b, loc, loops, zero, fullRows, fullCols, cols);
        }
        if (overlapRows) {
          Value row0 = lastBlock(b, loc, rows);
          scf::ForOp::create(
              b, loc, zero, fullCols, block, ValueRange{},
              [&](OpBuilder &b, Location loc, Value col0, ValueRange) {
                copyBlock(b, loc, row0, col0);
                scf::YieldOp::create(b, loc);
              });
          if (overlapCols)
            copyBlock(b, loc, row0, lastBlock(b, loc, cols));
          else
            copyBytes(b, loc, loops, fullRows, rows, fullCols, cols);
        } else {
          copyBytes(b, loc, loops, fullRows, rows, zero, cols);
        }
      });
  rewriter.eraseOp(op);
}

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
      if (std::optional<ByteTranspose> transpose = matchByteTranspose(op)) {
        lowerByteTranspose(rewriter, op, *transpose);
        continue;
      }
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
