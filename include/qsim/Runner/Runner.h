//===- Runner.h - JIT-run a module on .npy arrays --------------*- C++ -*-===//
//
// Lowers a module at any level (TOSA, linalg, qsim, or the LLVM dialect
// produced by qsim-lower-to-llvm), JIT-compiles it with MLIR's
// ExecutionEngine and calls one of its functions with NpyArray arguments,
// returning NpyArray results. Quantized arguments and results travel as
// their storage integers.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_RUNNER_RUNNER_H
#define QSIM_RUNNER_RUNNER_H

#include "qsim/Support/Npy.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>

namespace mlir::qsim {

/// How one argument or result of the entry function is passed: a ranked
/// tensor (or memref) whose elements are numbers or quantized values.
struct TensorSpec {
  /// The shape, with ShapedType::kDynamic for dynamic dimensions.
  SmallVector<int64_t> shape;
  /// The element type as written: f32, i8, !quant.uniform<...>, ...
  Type elementType;
  /// The quantized element type, or null.
  quant::QuantizedType quantType;
  /// The dtype of the .npy array that holds this value (the storage
  /// integers of a quantized value).
  NpyDType dtype = NpyDType::Float32;
  /// The width in bits of an element in the JIT code's memory (sub-byte
  /// integers occupy a byte).
  unsigned storageBits = 32;

  /// Describes `type`, or fails with the reason it cannot be passed.
  static llvm::Expected<TensorSpec> get(Type type);

  /// `2x?x8xf32`-style text for messages.
  std::string str() const;
};

/// The entry function's arguments and results.
struct EntrySignature {
  std::string name;
  SmallVector<TensorSpec> arguments;
  SmallVector<TensorSpec> results;
};

/// Options of Runner::compile.
struct RunnerOptions {
  /// The function to call; empty picks the only public function, or `main`.
  std::string entry;
  /// LLVM optimization level of the JIT (0 to 3).
  unsigned optLevel = 2;
  /// Shared libraries to load (for example the MLIR runner utilities and,
  /// for more than one thread, the OpenMP runtime).
  SmallVector<std::string> sharedLibs;
  /// The kernels of conv2d and linear (qsim-lower-to-llvm's `kernel`).
  std::string kernel = "auto";
  /// Threads of the kernels: 0 for all cores, 1 for none.
  unsigned threads = 0;
};

/// A compiled module, ready to call its entry function.
class Runner {
public:
  /// Lowers `module` in place as far as needed, JIT-compiles it and looks up
  /// the entry function. Diagnostics of a failed lowering go to the
  /// context's handler; the returned error says which step failed.
  static llvm::Expected<std::unique_ptr<Runner>>
  compile(ModuleOp module, const RunnerOptions &options);

  const EntrySignature &getSignature() const { return signature; }

  /// Checks `inputs` against the signature (count, dtype, shape, storage
  /// range) and calls the entry function once on copies of them. When
  /// `seconds` is given, it receives the time the call itself took, without
  /// the copies in and out.
  llvm::Expected<SmallVector<NpyArray>> run(ArrayRef<NpyArray> inputs,
                                            double *seconds = nullptr);

  /// Checks `inputs` against the signature without running.
  llvm::Error checkInputs(ArrayRef<NpyArray> inputs) const;

private:
  Runner() = default;

  EntrySignature signature;
  /// The LLVM optimization pipeline; the engine refers to it until it is
  /// destroyed.
  std::function<llvm::Error(llvm::Module *)> transformer;
  std::unique_ptr<ExecutionEngine> engine;
};

/// Picks the function to run: `name` if given, else the only public
/// function with a body, else `main`.
llvm::Expected<Operation *> findEntryFunction(ModuleOp module,
                                              llvm::StringRef name);

/// Checks that the lowered entry `function` (an llvm.func) has the calling
/// convention `signature` describes: one expanded memref descriptor per
/// argument and the descriptor struct(s) of the results, with the element
/// types its body accesses the buffers with. A result whose element type
/// the body does not reveal, or that returns an argument's buffer, is
/// refused. The runner calls it on every entry before JIT-compiling.
llvm::Error checkLoweredSignature(Operation *function,
                                  const EntrySignature &signature);

/// Quantizes a float array into the storage integers of `spec`'s quantized
/// type, with qsim.quantize's formula (per-tensor or per-axis).
llvm::Expected<NpyArray> quantizeArray(const NpyArray &input,
                                       const TensorSpec &spec);

/// Dequantizes storage integers of `spec`'s quantized type to float32:
/// s * (q - z) in float32. A per-axis `storage` must have one slice per
/// scale along the quantized dimension (Runner::run checks its results).
NpyArray dequantizeArray(const NpyArray &storage, const TensorSpec &spec);

} // namespace mlir::qsim

#endif // QSIM_RUNNER_RUNNER_H
