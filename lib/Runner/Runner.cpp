//===- Runner.cpp - JIT-run a module on .npy arrays -----------------------===//
//
// The runner lowers what needs lowering, JIT-compiles with the
// ExecutionEngine and calls the entry function through the packed wrapper
// the engine generates (`_mlir_<name>`), passing each memref argument as its
// expanded descriptor fields (allocated pointer, aligned pointer, offset,
// sizes, strides) and receiving the results as descriptors, which it copies
// into .npy arrays and frees: results of a function lowered by
// qsim-lower-to-llvm are always fresh allocations owned by the caller.
//
//===----------------------------------------------------------------------===//

#include "qsim/Runner/Runner.h"
#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Pipelines/Pipelines.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/LLVMTranslationInterface.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/MathExtras.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace mlir;
using namespace mlir::qsim;
using llvm::Error;
using llvm::Expected;

static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string typeToString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// `2x3x4` (`scalar` for rank 0), as NpyArray::getShapeString.
static std::string getShapeString(ArrayRef<int64_t> shape) {
  NpyArray array;
  array.shape.assign(shape.begin(), shape.end());
  return array.getShapeString();
}

//===----------------------------------------------------------------------===//
// TensorSpec
//===----------------------------------------------------------------------===//

/// The .npy dtype that holds an integer of `width` bits (rounded up to a
/// byte, 2 or 4 bytes) with the given signedness.
static std::optional<NpyDType> getIntegerDType(unsigned width, bool isSigned) {
  if (width <= 8)
    return isSigned ? NpyDType::Int8 : NpyDType::UInt8;
  if (width <= 16)
    return isSigned ? NpyDType::Int16 : NpyDType::UInt16;
  if (width <= 32)
    return isSigned ? NpyDType::Int32 : NpyDType::UInt32;
  if (width <= 64)
    return isSigned ? NpyDType::Int64 : NpyDType::UInt64;
  return std::nullopt;
}

Expected<TensorSpec> TensorSpec::get(Type type) {
  TensorSpec spec;
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    spec.elementType = tensor.getElementType();
  } else if (auto memref = dyn_cast<MemRefType>(type)) {
    if (!memref.getLayout().isIdentity())
      return makeError("memref " + typeToString(type) +
                       " has a non-identity layout");
    spec.shape.assign(memref.getShape().begin(), memref.getShape().end());
    spec.elementType = memref.getElementType();
  } else {
    return makeError("unsupported type " + typeToString(type) +
                     " (only ranked tensors and memrefs can be passed)");
  }

  Type element = spec.elementType;
  if (auto quantType = dyn_cast<quant::QuantizedType>(element)) {
    if (!getUniformQuantElementType(element))
      return makeError("unsupported quantized type " + typeToString(element));
    spec.quantType = quantType;
    unsigned width = quantType.getStorageTypeIntegralWidth();
    spec.dtype = *getIntegerDType(width, quantType.isSigned());
    spec.storageBits =
        std::max(8u, static_cast<unsigned>(llvm::PowerOf2Ceil(width)));
    return spec;
  }
  if (element.isF32()) {
    spec.dtype = NpyDType::Float32;
    return spec;
  }
  if (element.isF64()) {
    spec.dtype = NpyDType::Float64;
    spec.storageBits = 64;
    return spec;
  }
  if (auto integer = dyn_cast<IntegerType>(element)) {
    unsigned width = integer.getWidth();
    if (width == 1) {
      spec.dtype = NpyDType::Bool;
      spec.storageBits = 8;
      return spec;
    }
    if (width == 8 || width == 16 || width == 32 || width == 64) {
      spec.dtype = *getIntegerDType(width, !integer.isUnsigned());
      spec.storageBits = width;
      return spec;
    }
  }
  return makeError("unsupported element type " + typeToString(element) +
                   " (expected f32, f64, i1, i8, i16, i32, i64 or a "
                   "!quant.uniform type)");
}

std::string TensorSpec::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t dim : shape) {
    if (ShapedType::isDynamic(dim))
      os << "?x";
    else
      os << dim << "x";
  }
  elementType.print(os);
  return text;
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

Expected<Operation *> mlir::qsim::findEntryFunction(ModuleOp module,
                                                    StringRef name) {
  SmallVector<Operation *> candidates;
  for (Operation &op : module.getBody()->getOperations()) {
    auto function = dyn_cast<FunctionOpInterface>(op);
    if (!function || function.isExternal())
      continue;
    if (!name.empty()) {
      if (function.getName() == name)
        return &op;
      continue;
    }
    if (auto symbol = dyn_cast<SymbolOpInterface>(op); symbol.isPublic())
      candidates.push_back(&op);
  }
  if (!name.empty())
    return makeError("no function named '" + name + "' in the module");
  if (candidates.size() == 1)
    return candidates.front();
  for (Operation *op : candidates)
    if (cast<FunctionOpInterface>(op).getName() == "main")
      return op;
  if (candidates.empty())
    return makeError("the module has no public function to run");
  std::string names;
  llvm::raw_string_ostream os(names);
  llvm::interleaveComma(candidates, os, [&](Operation *op) {
    os << cast<FunctionOpInterface>(op).getName();
  });
  return makeError("the module has several public functions (" + names +
                   "); choose one with --entry");
}

/// Reads the tensor-level signature of the entry function: its own type
/// for func.func, the recorded qsim.signature for an already-lowered
/// llvm.func.
static Expected<EntrySignature> getEntrySignature(Operation *entry) {
  EntrySignature signature;
  signature.name = cast<FunctionOpInterface>(entry).getName().str();
  FunctionType type;
  if (auto func = dyn_cast<func::FuncOp>(entry)) {
    type = func.getFunctionType();
  } else if (auto recorded =
                 entry->getAttrOfType<StringAttr>(kSignatureAttrName)) {
    type = dyn_cast_or_null<FunctionType>(
        parseType(recorded.getValue(), entry->getContext()));
    if (!type)
      return makeError("cannot parse the qsim.signature '" +
                       recorded.getValue() + "' of '" + signature.name + "'");
  }
  if (!type)
    return makeError("function '" + signature.name +
                     "' is already lowered and carries no qsim.signature "
                     "attribute; lower it with qsim-opt --qsim-lower-to-llvm, "
                     "which records its tensor types");
  for (auto [index, input] : llvm::enumerate(type.getInputs())) {
    Expected<TensorSpec> spec = TensorSpec::get(input);
    if (!spec)
      return makeError("argument " + llvm::Twine(index) + " of '" +
                       signature.name + "': " + toString(spec.takeError()));
    signature.arguments.push_back(std::move(*spec));
  }
  for (auto [index, result] : llvm::enumerate(type.getResults())) {
    Expected<TensorSpec> spec = TensorSpec::get(result);
    if (!spec)
      return makeError("result " + llvm::Twine(index) + " of '" +
                       signature.name + "': " + toString(spec.takeError()));
    signature.results.push_back(std::move(*spec));
  }
  return signature;
}

/// True when some op is not yet in the LLVM dialect.
static bool needsLowering(ModuleOp module) {
  WalkResult result = module.walk([&](Operation *op) {
    if (op == module.getOperation() || isa<LLVM::LLVMDialect>(op->getDialect()))
      return WalkResult::advance();
    return WalkResult::interrupt();
  });
  return result.wasInterrupted();
}

static LogicalResult lowerToLLVM(ModuleOp module,
                                 const RunnerOptions &options) {
  PassManager pm(module.getContext());
  bool hasTosa = false;
  module.walk([&](Operation *op) {
    if (isa<tosa::TosaDialect>(op->getDialect())) {
      hasTosa = true;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (hasTosa)
    buildTosaToLinalgPipeline(pm);
  LowerToLLVMOptions lowering;
  lowering.kernel = options.kernel;
  lowering.threads = options.threads;
  buildLowerToLLVMPipeline(pm, lowering);
  return pm.run(module);
}

/// The first op left after lowering that LLVM IR translation cannot handle:
/// one whose dialect has no translation to LLVM IR. The casts a conversion
/// leaves around such an op are skipped, so that the op itself is named.
static Operation *findUntranslatableOp(ModuleOp module) {
  Operation *found = nullptr;
  module.walk([&](Operation *op) {
    if (op == module.getOperation() || isa<UnrealizedConversionCastOp>(op))
      return WalkResult::advance();
    Dialect *dialect = op->getDialect();
    if (dialect &&
        dialect->getRegisteredInterface<LLVMTranslationDialectInterface>())
      return WalkResult::advance();
    found = op;
    return WalkResult::interrupt();
  });
  return found;
}

static void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// Reports every tensor.dim and memref.dim whose constant index is outside
/// its ranked source. The verifiers accept them (the index is an operand),
/// and upstream's folds of such a dim crash the lowering.
static LogicalResult checkDimIndices(ModuleOp module) {
  bool valid = true;
  module.walk([&](Operation *op) {
    std::optional<int64_t> index;
    Type source;
    if (auto dim = dyn_cast<tensor::DimOp>(op)) {
      index = dim.getConstantIndex();
      source = dim.getSource().getType();
    } else if (auto dim = dyn_cast<memref::DimOp>(op)) {
      index = dim.getConstantIndex();
      source = dim.getSource().getType();
    }
    auto shaped = dyn_cast_or_null<ShapedType>(source);
    if (!index || !shaped || !shaped.hasRank() ||
        (*index >= 0 && *index < shaped.getRank()))
      return;
    op->emitError() << "dimension index " << *index << " is out of range "
                    << "for the rank-" << shaped.getRank() << " " << source;
    valid = false;
  });
  return success(valid);
}

Expected<std::unique_ptr<Runner>>
Runner::compile(ModuleOp module, const RunnerOptions &options) {
  if (failed(checkDimIndices(module)))
    return makeError("the module has a dim op with an invalid index");
  Expected<Operation *> entry = findEntryFunction(module, options.entry);
  if (!entry)
    return entry.takeError();
  Expected<EntrySignature> signature = getEntrySignature(*entry);
  if (!signature)
    return signature.takeError();

  // A module qsim-run lowers itself gets its signature from the function
  // type just checked; only a module that arrives lowered carries one that
  // is a mere string.
  bool arrivedLowered = !needsLowering(module);
  if (!arrivedLowered && failed(lowerToLLVM(module, options)))
    return makeError("lowering to the LLVM dialect failed");

  initializeNativeTarget();
  MLIRContext *ctx = module.getContext();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  registerOpenMPDialectTranslation(*ctx);
  // The pipeline succeeds even when it has no pattern for an op (a linalg
  // op on memrefs that is not a structured op, say); translation would then
  // only complain about the casts around it.
  if (Operation *op = findUntranslatableOp(module)) {
    op->emitError() << "'" << op->getName()
                    << "' was not lowered to the LLVM dialect";
    return makeError("lowering to the LLVM dialect failed");
  }

  // The descriptors the runner passes and reads are built from the
  // signature, so the code must agree with it (a lowered module's
  // signature is only a string). Code that only copies data, such as a
  // concat, never reveals its element types: that is fine for code qsim-run
  // lowered from the signature's own function.
  if (arrivedLowered)
    if (Error error = checkLoweredSignature(
            module.lookupSymbol(signature->name), *signature))
      return std::move(error);

  auto runner = std::unique_ptr<Runner>(new Runner());
  runner->signature = std::move(*signature);

  Expected<llvm::orc::JITTargetMachineBuilder> machineBuilder =
      llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      machineBuilder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  runner->transformer = makeOptimizingTransformer(
      options.optLevel, /*sizeLevel=*/0, machine->get());

  SmallVector<StringRef> libs(options.sharedLibs.begin(),
                              options.sharedLibs.end());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = runner->transformer;
  engineOptions.jitCodeGenOptLevel =
      static_cast<llvm::CodeGenOptLevel>(options.optLevel);
  engineOptions.sharedLibPaths = libs;
  Expected<std::unique_ptr<ExecutionEngine>> engine =
      ExecutionEngine::create(module, engineOptions, std::move(*machine));
  if (!engine)
    return engine.takeError();
  runner->engine = std::move(*engine);
  // Look the entry up now so that compilation is finished before any timing.
  Expected<void (*)(void **)> fn =
      runner->engine->lookupPacked(runner->signature.name);
  if (!fn)
    return fn.takeError();
  return runner;
}

//===----------------------------------------------------------------------===//
// Calling
//===----------------------------------------------------------------------===//

/// Checks that an array of `shape` has one slice per scale along the
/// quantized dimension of a per-axis `spec`. The type only fixes that size
/// when the dimension is static; without the check, code that indexes the
/// scales by channel (the JIT's and quantizeArray's) would read past them.
static Error checkQuantizedDim(ArrayRef<int64_t> shape, const TensorSpec &spec,
                               const llvm::Twine &what) {
  if (!spec.quantType)
    return Error::success();
  UniformQuantParams params = getUniformQuantParams(spec.quantType);
  if (!params.axis)
    return Error::success();
  auto axis = static_cast<size_t>(*params.axis);
  auto channels = static_cast<int64_t>(params.scales.size());
  if (axis >= shape.size())
    return makeError(what + " of shape " + getShapeString(shape) +
                     " has no quantized dimension " + llvm::Twine(axis));
  if (shape[axis] != channels)
    return makeError(what + " of shape " + getShapeString(shape) + " has " +
                     llvm::Twine(shape[axis]) + " slice(s) along quantized " +
                     "dimension " + llvm::Twine(axis) + ", but " + spec.str() +
                     " has " + llvm::Twine(channels) + " scale(s)");
  return Error::success();
}

Error Runner::checkInputs(ArrayRef<NpyArray> inputs) const {
  if (inputs.size() != signature.arguments.size())
    return makeError("'" + signature.name + "' takes " +
                     llvm::Twine(signature.arguments.size()) +
                     " argument(s), got " + llvm::Twine(inputs.size()) +
                     " input(s)");
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(inputs, signature.arguments))) {
    const auto &[input, spec] = pair;
    if (input.dtype != spec.dtype)
      return makeError("input " + llvm::Twine(index) + " has dtype " +
                       getNpyDTypeName(input.dtype) + ", but argument " +
                       llvm::Twine(index) + " (" + spec.str() + ") needs " +
                       getNpyDTypeName(spec.dtype));
    bool shapeMatches = input.shape.size() == spec.shape.size();
    for (size_t d = 0; shapeMatches && d < spec.shape.size(); ++d)
      shapeMatches = ShapedType::isDynamic(spec.shape[d]) ||
                     spec.shape[d] == input.shape[d];
    if (!shapeMatches)
      return makeError("input " + llvm::Twine(index) + " has shape " +
                       input.getShapeString() + ", but argument " +
                       llvm::Twine(index) + " is " + spec.str());
    if (!spec.quantType)
      continue;
    if (Error error =
            checkQuantizedDim(input.shape, spec, "input " + llvm::Twine(index)))
      return error;
    int64_t lo = spec.quantType.getStorageTypeMin();
    int64_t hi = spec.quantType.getStorageTypeMax();
    // Every value of an 8-bit dtype whose range is the storage range fits:
    // no scan (which --repeat would otherwise run before every call).
    if ((input.dtype == NpyDType::UInt8 && lo <= 0 && hi >= 255) ||
        (input.dtype == NpyDType::Int8 && lo <= -128 && hi >= 127))
      continue;
    for (int64_t i = 0, e = input.getNumElements(); i < e; ++i) {
      double value = input.getAsDouble(i);
      if (value < lo || value > hi)
        return makeError("input " + llvm::Twine(index) + " holds " +
                         llvm::Twine(static_cast<int64_t>(value)) +
                         " at flat index " + llvm::Twine(i) +
                         ", outside the storage range [" + llvm::Twine(lo) +
                         ", " + llvm::Twine(hi) + "] of " + spec.str());
    }
  }
  return Error::success();
}

namespace {
/// A memref descriptor laid out as the lowered code expects it: allocated
/// pointer, aligned pointer, offset, sizes[rank], strides[rank], all 64-bit.
struct Descriptor {
  SmallVector<int64_t> fields;

  static size_t getNumFields(size_t rank) { return 3 + 2 * rank; }
};
} // namespace

/// Checks a result descriptor the entry function returned before anything is
/// read through it: its sizes against the static dimensions of `spec`, and
/// that every element the runner will read lies inside the block the result
/// was allocated in.
static Error checkResultDescriptor(const int64_t *fields,
                                   const TensorSpec &spec, size_t index) {
  size_t rank = spec.shape.size();
  ArrayRef<int64_t> sizes(fields + 3, rank);
  ArrayRef<int64_t> strides(fields + 3 + rank, rank);
  auto what = [&] { return "result " + std::to_string(index); };
  for (size_t d = 0; d < rank; ++d) {
    if (sizes[d] < 0 ||
        (!ShapedType::isDynamic(spec.shape[d]) && sizes[d] != spec.shape[d]))
      return makeError(what() + " of the call has shape " +
                       getShapeString(sizes) + ", but its qsim.signature " +
                       "type is " + spec.str());
  }
  // The last byte read, relative to the aligned pointer, with every
  // product checked: a size, stride or offset the code got wrong must not
  // wrap around into an address that looks valid.
  int64_t count = 1;
  for (int64_t size : sizes)
    if (llvm::MulOverflow(count, size, count))
      return makeError(what() + " of the call has " + getShapeString(sizes) +
                       " elements, more than memory holds");
  if (count == 0)
    return Error::success();
  int64_t lastElement = fields[2];
  bool overflow = lastElement < 0;
  for (size_t d = 0; d < rank && !overflow; ++d) {
    int64_t step;
    overflow = strides[d] < 0 ||
               llvm::MulOverflow(sizes[d] - 1, strides[d], step) ||
               llvm::AddOverflow(lastElement, step, lastElement);
  }
  int64_t elementBytes = spec.storageBits / 8, endByte;
  if (overflow || llvm::MulOverflow(lastElement + 1, elementBytes, endByte))
    return makeError(what() + " of the call has offset " +
                     llvm::Twine(fields[2]) + " and strides " +
                     getShapeString(strides) + ", which the runner cannot " +
                     "read as " + spec.str());
#if defined(__GLIBC__)
  // Results are fresh allocations from malloc (the runner frees them), so
  // the block's usable size bounds what may be read.
  auto allocated = static_cast<uint64_t>(fields[0]);
  auto aligned = static_cast<uint64_t>(fields[1]);
  uint64_t usable = malloc_usable_size(reinterpret_cast<void *>(fields[0]));
  if (aligned < allocated || aligned - allocated > usable ||
      static_cast<uint64_t>(endByte) > usable - (aligned - allocated))
    return makeError(
        what() + " of the call is " + getShapeString(sizes) + " elements of " +
        llvm::Twine(elementBytes) + " byte(s) (" + llvm::Twine(endByte) +
        " bytes), but " + "its buffer holds " +
        llvm::Twine(usable - std::min(usable, aligned - allocated)) +
        " bytes: the qsim.signature type " + spec.str() +
        " does not match the code");
#endif
  return Error::success();
}

Expected<SmallVector<NpyArray>> Runner::run(ArrayRef<NpyArray> inputs,
                                            double *seconds) {
  if (Error error = checkInputs(inputs))
    return std::move(error);

  // Copies of the inputs: a function may write to its arguments.
  SmallVector<std::unique_ptr<char[]>> buffers;
  SmallVector<Descriptor> descriptors;
  for (auto [input, spec] : llvm::zip(inputs, signature.arguments)) {
    size_t bytes = std::max<size_t>(input.data.size(), 1);
    buffers.push_back(std::make_unique<char[]>(bytes));
    // An empty array's data() may be null, which memcpy must not get.
    if (!input.data.empty())
      std::memcpy(buffers.back().get(), input.data.data(), input.data.size());
    Descriptor descriptor;
    auto pointer = reinterpret_cast<intptr_t>(buffers.back().get());
    descriptor.fields = {pointer, pointer, 0};
    descriptor.fields.append(input.shape.begin(), input.shape.end());
    SmallVector<int64_t> strides(input.shape.size(), 1);
    for (int64_t d = static_cast<int64_t>(input.shape.size()) - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * input.shape[d + 1];
    descriptor.fields.append(strides.begin(), strides.end());
    descriptors.push_back(std::move(descriptor));
  }

  size_t resultFields = 0;
  for (const TensorSpec &spec : signature.results)
    resultFields += Descriptor::getNumFields(spec.shape.size());
  SmallVector<int64_t> resultStorage(std::max<size_t>(resultFields, 1), 0);

  SmallVector<void *> packed;
  for (Descriptor &descriptor : descriptors)
    for (int64_t &field : descriptor.fields)
      packed.push_back(&field);
  if (!signature.results.empty())
    packed.push_back(resultStorage.data());

  auto start = std::chrono::steady_clock::now();
  if (Error error = engine->invokePacked(signature.name, packed))
    return std::move(error);
  auto stop = std::chrono::steady_clock::now();
  if (seconds)
    *seconds = std::chrono::duration<double>(stop - start).count();

  // A function that returns one value twice returns one buffer twice: free
  // each buffer once, after every result has been copied out.
  llvm::SmallPtrSet<void *, 4> buffersToFree;
  size_t offset = 0;
  for (const TensorSpec &spec : signature.results) {
    buffersToFree.insert(reinterpret_cast<void *>(resultStorage[offset]));
    offset += Descriptor::getNumFields(spec.shape.size());
  }
  llvm::scope_exit freeBuffers([&] {
    for (void *buffer : buffersToFree)
      std::free(buffer);
  });
  offset = 0;
  for (auto [index, spec] : llvm::enumerate(signature.results)) {
    if (Error error =
            checkResultDescriptor(resultStorage.data() + offset, spec, index))
      return std::move(error);
    offset += Descriptor::getNumFields(spec.shape.size());
  }

  SmallVector<NpyArray> outputs;
  offset = 0;
  for (const TensorSpec &spec : signature.results) {
    size_t rank = spec.shape.size();
    const int64_t *fields = resultStorage.data() + offset;
    offset += Descriptor::getNumFields(rank);
    auto *aligned = reinterpret_cast<char *>(fields[1]);
    int64_t base = fields[2];
    ArrayRef<int64_t> sizes(fields + 3, rank);
    ArrayRef<int64_t> strides(fields + 3 + rank, rank);

    NpyArray output;
    output.dtype = spec.dtype;
    output.shape.assign(sizes.begin(), sizes.end());
    size_t elementBytes = spec.storageBits / 8;
    size_t itemSize = getNpyItemSize(spec.dtype);
    int64_t count = output.getNumElements();
    // checkResultDescriptor bounded the product; the memory may still not
    // be there.
    if (Error error = resizeNpyData(output, count * itemSize))
      return std::move(error);
    // A contiguous result in C order is one copy; any other is walked in C
    // order through its strides.
    bool contiguous = itemSize == elementBytes;
    for (int64_t d = static_cast<int64_t>(rank) - 1, expected = 1;
         contiguous && d >= 0; expected *= sizes[d], --d)
      contiguous = sizes[d] == 1 || strides[d] == expected;
    if (contiguous && count > 0) {
      std::memcpy(output.data.data(), aligned + base * elementBytes,
                  count * itemSize);
    } else if (!contiguous) {
      SmallVector<int64_t> index(rank, 0);
      for (int64_t i = 0; i < count; ++i) {
        int64_t element = base;
        for (size_t d = 0; d < rank; ++d)
          element += index[d] * strides[d];
        const char *source = aligned + element * elementBytes;
        std::memcpy(output.data.data() + i * itemSize, source, itemSize);
        for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
          if (++index[d] < sizes[d])
            break;
          index[d] = 0;
        }
      }
    }
    // Sub-byte storage occupies a byte whose upper bits LLVM leaves
    // unspecified: keep the low bits and extend them.
    if (spec.quantType && spec.quantType.getStorageTypeIntegralWidth() < 8) {
      unsigned width = spec.quantType.getStorageTypeIntegralWidth();
      for (char &byte : output.data) {
        auto bits = static_cast<uint8_t>(byte) & ((1u << width) - 1);
        if (spec.quantType.isSigned() && (bits & (1u << (width - 1))))
          bits |= ~((1u << width) - 1);
        byte = static_cast<char>(bits);
      }
    }
    outputs.push_back(std::move(output));
  }
  // Dequantizing a result reads one scale per slice.
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(outputs, signature.results))) {
    const auto &[output, spec] = pair;
    if (Error error = checkQuantizedDim(output.shape, spec,
                                        "result " + llvm::Twine(index)))
      return std::move(error);
  }
  return outputs;
}

//===----------------------------------------------------------------------===//
// Quantization of whole arrays
//===----------------------------------------------------------------------===//

/// Calls `fn(flatIndex, channel)` for every element, where `channel` is the
/// index along the per-axis dimension of `spec` (0 for per-tensor).
template <typename Fn>
static void forEachWithChannel(const NpyArray &array, const TensorSpec &spec,
                               const UniformQuantParams &params, Fn fn) {
  int64_t inner = 1, dimSize = 1;
  if (params.axis) {
    dimSize = array.shape[*params.axis];
    for (size_t d = *params.axis + 1; d < array.shape.size(); ++d)
      inner *= array.shape[d];
  }
  for (int64_t i = 0, e = array.getNumElements(); i < e; ++i)
    fn(i, params.axis ? (i / inner) % dimSize : 0);
}

template <typename T>
static void storeAs(NpyArray &array, int64_t index, T value) {
  std::memcpy(array.data.data() + index * sizeof(T), &value, sizeof(T));
}

static void storeInteger(NpyArray &array, int64_t index, int64_t value) {
  switch (array.dtype) {
  case NpyDType::Int8:
    return storeAs<int8_t>(array, index, value);
  case NpyDType::UInt8:
    return storeAs<uint8_t>(array, index, value);
  case NpyDType::Int16:
    return storeAs<int16_t>(array, index, value);
  case NpyDType::UInt16:
    return storeAs<uint16_t>(array, index, value);
  case NpyDType::Int32:
    return storeAs<int32_t>(array, index, value);
  case NpyDType::UInt32:
    return storeAs<uint32_t>(array, index, value);
  default:
    return storeAs<int64_t>(array, index, value);
  }
}

Expected<NpyArray> mlir::qsim::quantizeArray(const NpyArray &input,
                                             const TensorSpec &spec) {
  if (input.dtype != NpyDType::Float32 && input.dtype != NpyDType::Float64)
    return makeError("--quantize-inputs needs float32 or float64 input, got " +
                     getNpyDTypeName(input.dtype));
  if (Error error = checkQuantizedDim(input.shape, spec, "array"))
    return std::move(error);
  UniformQuantParams params = getUniformQuantParams(spec.quantType);
  NpyArray output;
  output.dtype = spec.dtype;
  output.shape = input.shape;
  if (Error error = resizeNpyData(output, input.getNumElements() *
                                              getNpyItemSize(spec.dtype)))
    return std::move(error);
  forEachWithChannel(input, spec, params, [&](int64_t i, int64_t channel) {
    auto value = static_cast<float>(input.getAsDouble(i));
    storeInteger(output, i,
                 quantizeValue(value, params.getScale(channel),
                               params.getZeroPoint(channel), params.storageMin,
                               params.storageMax));
  });
  return output;
}

NpyArray mlir::qsim::dequantizeArray(const NpyArray &storage,
                                     const TensorSpec &spec) {
  UniformQuantParams params = getUniformQuantParams(spec.quantType);
  NpyArray output;
  output.dtype = NpyDType::Float32;
  output.shape = storage.shape;
  output.data.resize(storage.getNumElements() * sizeof(float));
  forEachWithChannel(storage, spec, params, [&](int64_t i, int64_t channel) {
    auto centered = static_cast<int64_t>(storage.getAsDouble(i)) -
                    params.getZeroPoint(channel);
    float value = static_cast<float>(params.getScale(channel)) *
                  static_cast<float>(centered);
    storeAs<float>(output, i, value);
  });
  return output;
}
