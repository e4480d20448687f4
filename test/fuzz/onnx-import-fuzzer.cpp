//===- onnx-import-fuzzer.cpp - libFuzzer target of the ONNX importer -----===//
//
// Feeds arbitrary bytes to importONNXModel as a model file. Every input must
// end in a module that verifies and prints, or in a one-line error
// message: never a crash, a sanitizer report or a hang. Symbolic batch
// dimensions are fixed at 1 (the option every real import needs), so that
// mutated graphs get past the inputs and into the op importers.
//
//   scripts/fuzz.sh onnx-import SECONDS
//
//===----------------------------------------------------------------------===//

#include "qsim/Import/ONNX.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::errs() << "onnx-import-fuzzer: " << message << "\n";
  llvm::errs().flush();
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::DialectRegistry registry;
  mlir::qsim::registerONNXImportDialects(registry);
  mlir::MLIRContext context(registry);
  // The importer reports through its error; a diagnostic of its own would
  // be a message it did not turn into one.
  bool diagnosed = false;
  context.getDiagEngine().registerHandler(
      [&](mlir::Diagnostic &) { diagnosed = true; });
  mlir::qsim::ONNXImportOptions options;
  for (const char *symbol : {"N", "batch", "batch_size"})
    options.inputShapes[symbol] = {1};
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto module =
      mlir::qsim::importONNXModel(context, bytes, "fuzz.onnx", options);
  if (!module) {
    std::string message = llvm::toString(module.takeError());
    if (message.empty())
      fail("the import failed without a message");
    if (message.find_first_of("\n\r") != std::string::npos)
      fail("the error message spans several lines: " + message);
    return 0;
  }
  if (diagnosed)
    fail("the import succeeded after a diagnostic");
  if (mlir::failed(mlir::verify(**module)))
    fail("the imported module does not verify");
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os);
  return 0;
}
