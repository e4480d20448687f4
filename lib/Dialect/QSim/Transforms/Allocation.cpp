//===- Allocation.cpp - allocations that fail with a diagnostic -----------===//
//
// Two guards around the buffers lowered code allocates. qsim-check-static-sizes
// refuses static shapes whose byte count wraps in 64 bits, before bufferization
// turns them into a malloc of the wrapped size. qsim-define-alloc-functions
// gives the generic allocation functions of finalize-memref-to-llvm bodies
// that test malloc's result, so that an allocation the machine cannot satisfy
// ends the program with one line on stderr and status 1, under any runner.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMCHECKSTATICSIZES
#define GEN_PASS_DEF_QSIMDEFINEALLOCFUNCTIONS
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;

namespace {

//===----------------------------------------------------------------------===//
// qsim-check-static-sizes
//===----------------------------------------------------------------------===//

/// True when a static `type` holds more bytes than int64 counts. Elements
/// narrower than a byte occupy one, as in the lowered code.
bool overflowsInt64(ShapedType type) {
  if (!type.hasRank() || !type.hasStaticShape() ||
      !type.getElementType().isIntOrIndexOrFloat())
    return false;
  int64_t bytes = std::max<int64_t>(
      1, llvm::divideCeil(type.getElementType().getIntOrFloatBitWidth(), 8));
  for (int64_t dim : type.getShape())
    if (llvm::MulOverflow(bytes, dim, bytes))
      return true;
  return false;
}

struct QSimCheckStaticSizesPass final
    : qsim::impl::QSimCheckStaticSizesBase<QSimCheckStaticSizesPass> {
  using Base::Base;

  void runOnOperation() override {
    bool failed = false;
    auto check = [&](Type type, Operation *op, const llvm::Twine &what) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (!shaped || !overflowsInt64(shaped))
        return;
      op->emitError() << what << " type " << type
                      << " holds more than 2^63 - 1 bytes, which no "
                         "allocation can hold";
      failed = true;
    };
    getOperation().walk([&](Operation *op) {
      // Arguments are entry block arguments; results of a declaration are
      // only seen here.
      if (auto function = dyn_cast<FunctionOpInterface>(op))
        for (Type type : function.getResultTypes())
          check(type, op, "result");
      for (Type type : op->getResultTypes())
        check(type, op, "result");
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument argument : block.getArguments())
            check(argument.getType(), op, "argument");
    });
    if (failed)
      signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// qsim-define-alloc-functions
//===----------------------------------------------------------------------===//

constexpr StringLiteral kAllocName = "_mlir_memref_to_llvm_alloc";
constexpr StringLiteral kAlignedAllocName =
    "_mlir_memref_to_llvm_aligned_alloc";
constexpr StringLiteral kFreeName = "_mlir_memref_to_llvm_free";

struct QSimDefineAllocFunctionsPass final
    : qsim::impl::QSimDefineAllocFunctionsBase<QSimDefineAllocFunctionsPass> {
  using Base::Base;

  /// Gives the declaration `function` a body that calls `callee` with its
  /// arguments and, when the result is null for a non-zero size (the last
  /// argument), reports the size and exits with status 1.
  LogicalResult defineCheckedAlloc(LLVM::LLVMFuncOp function,
                                   LLVM::LLVMFuncOp callee) {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Location loc = function.getLoc();
    Type i32 = IntegerType::get(ctx, 32);
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    OpBuilder builder(ctx);
    builder.setInsertionPointToEnd(module.getBody());
    FailureOr<LLVM::LLVMFuncOp> dprintf =
        LLVM::lookupOrCreateFn(builder, module, "dprintf", {i32, ptr}, i32,
                               /*isVarArg=*/true);
    FailureOr<LLVM::LLVMFuncOp> exit = LLVM::lookupOrCreateFn(
        builder, module, "exit", {i32}, LLVM::LLVMVoidType::get(ctx));
    if (failed(dprintf) || failed(exit))
      return failure();

    Region &body = function.getBody();
    Block *entry = builder.createBlock(
        &body, body.end(), function.getArgumentTypes(),
        SmallVector<Location>(function.getNumArguments(), loc));
    Block *ok = builder.createBlock(&body, body.end());
    Block *fail = builder.createBlock(&body, body.end());

    builder.setInsertionPointToEnd(entry);
    Value size = entry->getArguments().back();
    Value pointer =
        LLVM::CallOp::create(builder, loc, callee, entry->getArguments())
            .getResult();
    Value null = LLVM::ZeroOp::create(builder, loc, ptr);
    Value zero =
        LLVM::ConstantOp::create(builder, loc, size.getType(),
                                 builder.getIntegerAttr(size.getType(), 0));
    Value isNull = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq,
                                        pointer, null);
    Value isNonEmpty =
        LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::ne, size, zero);
    Value allocationFailed =
        LLVM::AndOp::create(builder, loc, isNull, isNonEmpty);
    LLVM::CondBrOp::create(builder, loc, allocationFailed, fail, ok);

    builder.setInsertionPointToEnd(ok);
    LLVM::ReturnOp::create(builder, loc, pointer);

    builder.setInsertionPointToEnd(fail);
    // The terminating NUL is part of the global.
    std::string format = "qsim: error: cannot allocate %lld bytes\n";
    format.push_back('\0');
    Value text = LLVM::createGlobalString(loc, builder, "qsim_alloc_error",
                                          format, LLVM::Linkage::Internal);
    Value stderrFd = LLVM::ConstantOp::create(builder, loc, i32,
                                              builder.getI32IntegerAttr(2));
    LLVM::CallOp::create(builder, loc, *dprintf,
                         ValueRange{stderrFd, text, size});
    Value status = LLVM::ConstantOp::create(builder, loc, i32,
                                            builder.getI32IntegerAttr(1));
    LLVM::CallOp::create(builder, loc, *exit, ValueRange{status});
    LLVM::UnreachableOp::create(builder, loc);
    function.setLinkage(LLVM::Linkage::Internal);
    function.setPrivate();
    return success();
  }

  void defineFree(LLVM::LLVMFuncOp function, LLVM::LLVMFuncOp callee) {
    Location loc = function.getLoc();
    OpBuilder builder(&getContext());
    Region &body = function.getBody();
    Block *entry = builder.createBlock(&body, body.end(),
                                       function.getArgumentTypes(), {loc});
    LLVM::CallOp::create(builder, loc, callee, entry->getArguments());
    LLVM::ReturnOp::create(builder, loc, ValueRange());
    function.setLinkage(LLVM::Linkage::Internal);
    function.setPrivate();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder builder(&getContext());
    builder.setInsertionPointToEnd(module.getBody());
    Type i64 = IntegerType::get(&getContext(), 64);
    auto declared = [&](StringRef name) {
      auto function = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
      return function && function.isExternal() ? function : LLVM::LLVMFuncOp();
    };
    if (LLVM::LLVMFuncOp alloc = declared(kAllocName)) {
      FailureOr<LLVM::LLVMFuncOp> malloc =
          LLVM::lookupOrCreateMallocFn(builder, module, i64);
      if (failed(malloc) || failed(defineCheckedAlloc(alloc, *malloc)))
        return signalPassFailure();
    }
    if (LLVM::LLVMFuncOp alloc = declared(kAlignedAllocName)) {
      FailureOr<LLVM::LLVMFuncOp> alignedAlloc =
          LLVM::lookupOrCreateAlignedAllocFn(builder, module, i64);
      if (failed(alignedAlloc) ||
          failed(defineCheckedAlloc(alloc, *alignedAlloc)))
        return signalPassFailure();
    }
    if (LLVM::LLVMFuncOp free = declared(kFreeName)) {
      FailureOr<LLVM::LLVMFuncOp> freeFn =
          LLVM::lookupOrCreateFreeFn(builder, module);
      if (failed(freeFn))
        return signalPassFailure();
      defineFree(free, *freeFn);
    }
  }
};

} // namespace
