//===- LoweredSignature.cpp - check qsim.signature against an llvm.func ---===//
//
// A module lowered by qsim-lower-to-llvm carries its tensor types only in the
// `qsim.signature` string, and the runner builds the descriptors it passes
// and reads from that string. A signature that disagrees with the code is
// memory corruption, so before anything is called the runner checks here
// what the llvm.func itself states: its parameter and result types must be
// exactly the memref descriptors of the signature, and every element type
// that its body reveals (the element type of a getelementptr, load or store
// on a descriptor's aligned pointer) must be the signature's. What the body
// does not reveal about a result is refused, not trusted.
//
//===----------------------------------------------------------------------===//

#include "qsim/Runner/Runner.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"

#include <set>
#include <vector>

using namespace mlir;
using namespace mlir::qsim;
using llvm::Error;

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

template <typename T>
static std::string print(const T &value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

//===----------------------------------------------------------------------===//
// Descriptor types
//===----------------------------------------------------------------------===//

/// The parameters a memref of `rank` expands to: allocated and aligned
/// pointers, offset, sizes, strides.
static SmallVector<Type> getDescriptorParams(MLIRContext *ctx, size_t rank) {
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> params = {ptr, ptr, i64};
  params.append(2 * rank, i64);
  return params;
}

/// The struct a memref of `rank` is returned as.
static Type getDescriptorStruct(MLIRContext *ctx, size_t rank) {
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> fields = {ptr, ptr, i64};
  if (rank > 0) {
    Type array = LLVM::LLVMArrayType::get(i64, rank);
    fields.append({array, array});
  }
  return LLVM::LLVMStructType::getLiteral(ctx, fields);
}

/// The LLVM type of an element of `spec` in memory: the signless storage
/// integer of a quantized type, the signless integer of an integer type.
static Type getLoweredElementType(const TensorSpec &spec) {
  MLIRContext *ctx = spec.elementType.getContext();
  if (spec.quantType)
    return IntegerType::get(ctx, spec.quantType.getStorageTypeIntegralWidth());
  if (auto integer = dyn_cast<IntegerType>(spec.elementType))
    return IntegerType::get(ctx, integer.getWidth());
  return spec.elementType;
}

static std::string printTypes(ArrayRef<Type> types) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "(";
  llvm::interleaveComma(types, os);
  os << ")";
  return text;
}

//===----------------------------------------------------------------------===//
// Pointer provenance
//===----------------------------------------------------------------------===//

namespace {
/// A position inside an aggregate value, as insertvalue/extractvalue spell it;
/// empty for the value itself.
using Path = SmallVector<int64_t, 2>;

/// True when `prefix` is a prefix of (or equal to) `path`.
bool isPrefix(ArrayRef<int64_t> prefix, ArrayRef<int64_t> path) {
  return prefix.size() <= path.size() &&
         prefix == path.take_front(prefix.size());
}

/// The element types that the accesses through one pointer reveal.
struct Accesses {
  SmallVector<std::pair<Type, Operation *>> elementTypes;
  /// Uses of the value itself other than as an address (arithmetic,
  /// comparisons, an index of a getelementptr): reads of a size.
  unsigned otherUses = 0;
};

/// Values `value` takes at a block argument: the operands every predecessor
/// passes, or nothing when one of them cannot be seen (a produced operand).
std::optional<SmallVector<Value>> getIncomingValues(BlockArgument argument) {
  SmallVector<Value> incoming;
  Block *block = argument.getOwner();
  for (Block *predecessor : block->getPredecessors()) {
    auto branch = dyn_cast<BranchOpInterface>(predecessor->getTerminator());
    if (!branch)
      return std::nullopt;
    for (unsigned s = 0, e = branch->getNumSuccessors(); s < e; ++s) {
      if (branch->getSuccessor(s) != block)
        continue;
      SuccessorOperands operands = branch.getSuccessorOperands(s);
      unsigned index = argument.getArgNumber();
      if (index >= operands.size() || operands.isOperandProduced(index))
        return std::nullopt;
      incoming.push_back(operands[index]);
    }
  }
  return incoming;
}

/// The direct calls of each function with a body, so that a pointer can be
/// followed into the helpers the lowering outlines (a bias, a copy) and
/// back.
struct CallSites {
  SymbolTable symbols;
  DenseMap<Operation *, SmallVector<LLVM::CallOp>> callers;

  explicit CallSites(ModuleOp module) : symbols(module) {
    module.walk([&](LLVM::CallOp call) {
      if (LLVM::LLVMFuncOp callee = getCallee(call))
        callers[callee].push_back(call);
    });
  }

  /// The function with a body that `call` calls directly, or null.
  LLVM::LLVMFuncOp getCallee(LLVM::CallOp call) const {
    std::optional<StringRef> name = call.getCallee();
    // The allocation functions qsim-define-alloc-functions defines are
    // sources of fresh buffers, shared by buffers of every element type.
    if (!name || name->starts_with("_mlir_memref_to_llvm_"))
      return {};
    auto callee = symbols.lookup<LLVM::LLVMFuncOp>(*name);
    if (!callee || callee.isExternal())
      return {};
    return callee;
  }

  ArrayRef<LLVM::CallOp> getCallers(Operation *function) const {
    auto it = callers.find(function);
    if (it == callers.end())
      return {};
    return it->second;
  }
};
} // namespace

/// The SSA values that provide the leaf at `path` of `value`, following
/// insertvalue, extractvalue and branches back to where the leaf was made.
/// Fails when a source cannot be seen (a load, a call, an argument of an
/// aggregate type). With `calls`, follows calls into their callees and a
/// callee's arguments to every call site; a context-insensitive answer
/// which serves element types (a function is lowered for one element type)
/// but not sizes (one helper serves several shapes).
static FailureOr<SmallVector<Value>> resolveLeaf(Value value,
                                                 ArrayRef<int64_t> path,
                                                 const CallSites *calls,
                                                 Operation *entryFunction) {
  SmallVector<Value> leaves;
  SmallVector<std::pair<Value, Path>> worklist = {{value, Path(path)}};
  std::set<std::pair<const void *, std::vector<int64_t>>> seen;
  while (!worklist.empty()) {
    auto [current, currentPath] = worklist.pop_back_val();
    if (!seen.insert(
                 {current.getAsOpaquePointer(),
                  std::vector<int64_t>(currentPath.begin(), currentPath.end())})
             .second)
      continue;
    Operation *def = current.getDefiningOp();
    if (auto insert = dyn_cast_or_null<LLVM::InsertValueOp>(def)) {
      ArrayRef<int64_t> position = insert.getPosition();
      if (isPrefix(position, currentPath)) {
        worklist.push_back(
            {insert.getValue(),
             Path(ArrayRef<int64_t>(currentPath).drop_front(position.size()))});
      } else if (isPrefix(currentPath, position)) {
        // Part of the aggregate we look for was overwritten.
        return failure();
      } else {
        worklist.push_back({insert.getContainer(), currentPath});
      }
      continue;
    }
    if (auto extract = dyn_cast_or_null<LLVM::ExtractValueOp>(def)) {
      Path full(extract.getPosition());
      full.append(currentPath);
      worklist.push_back({extract.getContainer(), full});
      continue;
    }
    auto call = dyn_cast_or_null<LLVM::CallOp>(def);
    if (LLVM::LLVMFuncOp callee =
            call && calls ? calls->getCallee(call) : nullptr) {
      callee.walk([&](LLVM::ReturnOp op) {
        if (Value returned = op.getArg())
          worklist.push_back({returned, currentPath});
      });
      continue;
    }
    if (auto argument = dyn_cast<BlockArgument>(current)) {
      Block *block = argument.getOwner();
      if (!block->isEntryBlock()) {
        std::optional<SmallVector<Value>> incoming =
            getIncomingValues(argument);
        if (!incoming)
          return failure();
        for (Value value : *incoming)
          worklist.push_back({value, currentPath});
        continue;
      }
      Operation *function = block->getParentOp();
      ArrayRef<LLVM::CallOp> callers =
          calls ? calls->getCallers(function) : ArrayRef<LLVM::CallOp>();
      if (function != entryFunction && !callers.empty()) {
        for (LLVM::CallOp call : callers)
          worklist.push_back(
              {call.getArgOperands()[argument.getArgNumber()], currentPath});
        continue;
      }
    }
    if (!currentPath.empty())
      return failure();
    leaves.push_back(current);
  }
  return leaves;
}

/// Collects the element types of every getelementptr, load and store whose
/// address is `pointer`, following it into and out of aggregates and through
/// branches.
static void collectAccesses(Value pointer, const CallSites &calls,
                            Accesses &accesses) {
  SmallVector<std::pair<Value, Path>> worklist = {{pointer, {}}};
  std::set<std::pair<const void *, std::vector<int64_t>>> seen;
  auto push = [&](Value value, const Path &path) {
    if (seen.insert({value.getAsOpaquePointer(),
                     std::vector<int64_t>(path.begin(), path.end())})
            .second)
      worklist.push_back({value, path});
  };
  auto reveal = [&](Type type, Operation *op) {
    if (auto vector = dyn_cast<VectorType>(type))
      type = vector.getElementType();
    accesses.elementTypes.push_back({type, op});
  };
  while (!worklist.empty()) {
    auto [value, path] = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto insert = dyn_cast<LLVM::InsertValueOp>(user)) {
        ArrayRef<int64_t> position = insert.getPosition();
        if (&use == &insert.getValueMutable()) {
          Path full(position);
          full.append(path);
          push(insert.getResult(), full);
        } else if (!isPrefix(position, path)) {
          push(insert.getResult(), path);
        }
        continue;
      }
      if (auto extract = dyn_cast<LLVM::ExtractValueOp>(user)) {
        ArrayRef<int64_t> position = extract.getPosition();
        if (isPrefix(position, path))
          push(extract.getResult(),
               Path(ArrayRef<int64_t>(path).drop_front(position.size())));
        continue;
      }
      if (auto branch = dyn_cast<BranchOpInterface>(user)) {
        if (std::optional<BlockArgument> argument =
                branch.getSuccessorBlockArgument(use.getOperandNumber()))
          push(*argument, path);
        continue;
      }
      if (auto call = dyn_cast<LLVM::CallOp>(user)) {
        LLVM::LLVMFuncOp callee = calls.getCallee(call);
        unsigned first = call.getArgOperands().getBeginOperandIndex();
        if (callee && use.getOperandNumber() >= first)
          push(callee.getBody().front().getArgument(use.getOperandNumber() -
                                                    first),
               path);
        continue;
      }
      if (isa<LLVM::ReturnOp>(user)) {
        // A size the function returns is one it propagates.
        ++accesses.otherUses;
        for (LLVM::CallOp call : calls.getCallers(user->getParentOp()))
          push(call.getResult(), path);
        continue;
      }
      if (!path.empty())
        continue;
      if (auto gep = dyn_cast<LLVM::GEPOp>(user)) {
        if (use.get() == gep.getBase())
          reveal(gep.getElemType(), gep);
        else
          ++accesses.otherUses;
        continue;
      }
      if (auto load = dyn_cast<LLVM::LoadOp>(user)) {
        reveal(load.getType(), load);
        continue;
      }
      if (auto store = dyn_cast<LLVM::StoreOp>(user)) {
        if (&use == &store.getAddrMutable())
          reveal(store.getValue().getType(), store);
        else
          ++accesses.otherUses;
        continue;
      }
      ++accesses.otherUses;
    }
  }
}

/// Checks the element types the accesses through `pointer` reveal against
/// `expected`. Returns whether any access revealed one.
static llvm::Expected<bool> checkAccesses(Value pointer, Type expected,
                                          const CallSites &calls,
                                          const llvm::Twine &what,
                                          const TensorSpec &spec) {
  Accesses accesses;
  collectAccesses(pointer, calls, accesses);
  for (auto [type, op] : accesses.elementTypes) {
    if (type == expected)
      continue;
    return makeError(what + " is " + spec.str() +
                     ", but the llvm.func accesses its elements as " +
                     print(type) + " ('" + op->getName().getStringRef() +
                     "'), not " + print(expected));
  }
  return !accesses.elementTypes.empty();
}

//===----------------------------------------------------------------------===//
// The check
//===----------------------------------------------------------------------===//

Error mlir::qsim::checkLoweredSignature(Operation *function,
                                        const EntrySignature &signature) {
  auto func = dyn_cast_or_null<LLVM::LLVMFuncOp>(function);
  if (!func)
    return makeError("'" + signature.name +
                     "' was not lowered to an llvm.func");
  MLIRContext *ctx = func.getContext();
  std::string prefix = "the qsim.signature of '" + signature.name +
                       "' does not match its llvm.func: ";
  if (func.isVarArg())
    return makeError(prefix + "the llvm.func is variadic");

  // Parameters: one expanded descriptor per argument, nothing else.
  ArrayRef<Type> params = func.getArgumentTypes();
  size_t first = 0;
  SmallVector<size_t> alignedParams;
  for (auto [index, spec] : llvm::enumerate(signature.arguments)) {
    size_t rank = spec.shape.size();
    SmallVector<Type> expected = getDescriptorParams(ctx, rank);
    ArrayRef<Type> actual =
        params.slice(std::min(first, params.size()),
                     std::min(expected.size(),
                              params.size() - std::min(first, params.size())));
    if (actual != ArrayRef<Type>(expected))
      return makeError(prefix + "argument " + llvm::Twine(index) + " (" +
                       spec.str() + ") is the rank-" + llvm::Twine(rank) +
                       " descriptor " + printTypes(expected) +
                       ", but parameters " + llvm::Twine(first) + " to " +
                       llvm::Twine(first + expected.size() - 1) + " are " +
                       printTypes(actual));
    alignedParams.push_back(first + 1);
    first += expected.size();
  }
  if (first != params.size())
    return makeError(prefix + "the arguments need " + llvm::Twine(first) +
                     " parameter(s), but the llvm.func takes " +
                     llvm::Twine(params.size()));

  // Results: the descriptor, a struct of descriptors, or nothing.
  size_t numResults = signature.results.size();
  Type expectedResult;
  if (numResults == 0) {
    expectedResult = LLVM::LLVMVoidType::get(ctx);
  } else if (numResults == 1) {
    expectedResult =
        getDescriptorStruct(ctx, signature.results.front().shape.size());
  } else {
    SmallVector<Type> fields;
    for (const TensorSpec &spec : signature.results)
      fields.push_back(getDescriptorStruct(ctx, spec.shape.size()));
    expectedResult = LLVM::LLVMStructType::getLiteral(ctx, fields);
  }
  Type actualResult = func.getFunctionType().getReturnType();
  if (actualResult != expectedResult)
    return makeError(prefix + "its " + llvm::Twine(numResults) +
                     " result(s) are returned as " + print(expectedResult) +
                     ", but the llvm.func returns " + print(actualResult));
  if (func.isExternal())
    return makeError("'" + signature.name + "' has no body");

  // Element types of the arguments, where the body accesses them.
  Block &entry = func.getBody().front();
  CallSites calls(func->getParentOfType<ModuleOp>());
  for (auto [index, spec] : llvm::enumerate(signature.arguments)) {
    // Code that indexes an argument's elements and never reads the size
    // of a dimension cannot handle the dimension being dynamic: it was
    // compiled for a static size the signature does not give.
    size_t rank = spec.shape.size();
    for (size_t d = 0; d < rank; ++d) {
      if (!ShapedType::isDynamic(spec.shape[d]))
        continue;
      Accesses elements, size;
      collectAccesses(entry.getArgument(alignedParams[index]), calls, elements);
      collectAccesses(entry.getArgument(alignedParams[index] + 2 + d), calls,
                      size);
      if (!elements.elementTypes.empty() && size.otherUses == 0)
        return makeError(prefix + "dimension " + llvm::Twine(d) +
                         " of argument " + llvm::Twine(index) + " (" +
                         spec.str() + ") is dynamic, but the llvm.func " +
                         "never reads its size (parameter " +
                         llvm::Twine(alignedParams[index] + 2 + d) + ")");
    }
    llvm::Expected<bool> revealed = checkAccesses(
        entry.getArgument(alignedParams[index]), getLoweredElementType(spec),
        calls, prefix + "argument " + llvm::Twine(index), spec);
    if (!revealed)
      return revealed.takeError();
  }

  // Element types of the results, from the buffers each return returns. The
  // runner reads them and frees them, so each must be a buffer the body
  // makes and writes with the signature's element type.
  SmallVector<LLVM::ReturnOp> returns;
  func.walk([&](LLVM::ReturnOp op) { returns.push_back(op); });
  for (LLVM::ReturnOp op : returns) {
    if (numResults == 0)
      break;
    for (auto [index, spec] : llvm::enumerate(signature.results)) {
      std::string what = "result " + std::to_string(index);
      Path position;
      if (numResults > 1)
        position.push_back(index);
      position.push_back(1);
      FailureOr<SmallVector<Value>> leaves =
          resolveLeaf(op.getArg(), position, &calls, func);
      if (failed(leaves))
        return makeError("cannot check " + what + " of '" + signature.name +
                         "' against its qsim.signature: the llvm.func does " +
                         "not show where its data pointer comes from");
      // The runner frees each result and bounds its reads by the block's
      // usable size, so the allocated pointer must come from malloc.
      Path allocatedPosition(position.begin(), position.end() - 1);
      allocatedPosition.push_back(0);
      FailureOr<SmallVector<Value>> blocks =
          resolveLeaf(op.getArg(), allocatedPosition, &calls, func);
      if (failed(blocks))
        return makeError("cannot check " + what + " of '" + signature.name +
                         "': the llvm.func does not show where its buffer " +
                         "is allocated");
      for (Value block : *blocks) {
        auto call = block.getDefiningOp<LLVM::CallOp>();
        std::optional<StringRef> callee =
            call ? call.getCallee() : std::nullopt;
        if (!callee || !llvm::is_contained(
                           {StringRef("malloc"), StringRef("aligned_alloc"),
                            StringRef("_mlir_memref_to_llvm_alloc"),
                            StringRef("_mlir_memref_to_llvm_aligned_alloc")},
                           *callee))
          return makeError("cannot run '" + signature.name + "': " + what +
                           " is not a buffer the function allocates with " +
                           "malloc, so the runner cannot free it");
      }
      // Static sizes the code returns as constants must be the signature's.
      for (auto [d, dim] : llvm::enumerate(spec.shape)) {
        if (ShapedType::isDynamic(dim))
          continue;
        Path sizePosition(position.begin(), position.end() - 1);
        sizePosition.append({3, static_cast<int64_t>(d)});
        FailureOr<SmallVector<Value>> sizes =
            resolveLeaf(op.getArg(), sizePosition, /*calls=*/nullptr, func);
        if (failed(sizes))
          continue;
        for (Value size : *sizes) {
          auto constant = size.getDefiningOp<LLVM::ConstantOp>();
          auto value = constant ? dyn_cast<IntegerAttr>(constant.getValue())
                                : IntegerAttr();
          if (value && value.getInt() != dim)
            return makeError(prefix + what + " is " + spec.str() +
                             ", but the llvm.func returns it with size " +
                             llvm::Twine(value.getInt()) + " in dimension " +
                             llvm::Twine(d));
        }
      }
      for (Value leaf : *leaves) {
        if (auto argument = dyn_cast<BlockArgument>(leaf))
          return makeError("cannot run '" + signature.name + "': " + what +
                           " returns the buffer of parameter " +
                           llvm::Twine(argument.getArgNumber()) +
                           " instead of a buffer of its own");
        llvm::Expected<bool> revealed = checkAccesses(
            leaf, getLoweredElementType(spec), calls, prefix + what, spec);
        if (!revealed)
          return revealed.takeError();
        if (!*revealed)
          return makeError("cannot check " + what + " of '" + signature.name +
                           "' against its qsim.signature: the llvm.func " +
                           "never accesses its elements, so their type " +
                           spec.str() + " is unconfirmed");
      }
    }
  }
  return Error::success();
}
