//===- qsim-import-onnx.cpp - ONNX models to MLIR -------------------------===//
//
// Reads an ONNX model and writes func.func @main in the forms qsim
// quantizes: linalg on tensors for float models; for an already-quantized
// model (QDQ, QLinearConv, ...), integer qsim ops with the file's own
// scales, zero points and integers.
//
//   qsim-import-onnx MODEL.onnx [-o MODEL.mlir] [--input-shape x=1x3x48x192]
//                    [--keep-qdq]
//
// Every error is one line on stderr and exit status 1.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/Passes.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"
#include "qsim/Import/ONNX.h"
#include "qsim/Support/ToolOutput.h"
#include "qsim/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

static llvm::cl::opt<std::string> inputFilename(llvm::cl::Positional,
                                                llvm::cl::desc("<model.onnx>"),
                                                llvm::cl::Required);

static llvm::cl::opt<std::string>
    outputFilename("o", llvm::cl::desc("Output file (default: stdout)"),
                   llvm::cl::value_desc("filename"), llvm::cl::init("-"));

static llvm::cl::opt<bool> keepQDQ(
    "keep-qdq",
    llvm::cl::desc("Leave an already-quantized model's float ops between its "
                   "qsim.quantize/qsim.dequantize pairs (by default they are "
                   "rewritten into integer qsim ops)"),
    llvm::cl::init(false));

static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Fix the shape of a graph input, NAME=D0xD1x... "
                   "(repeatable); every symbolic dimension needs one"),
    llvm::cl::value_desc("name=shape"));

/// Prints `qsim-import-onnx: error: message` and returns exit status 1.
static int fail(const llvm::Twine &message) {
  llvm::errs() << "qsim-import-onnx: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  mlir::qsim::ignoreFileSizeLimitSignal();
  llvm::cl::AddExtraVersionPrinter(mlir::qsim::printQSimVersion);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "qsim ONNX importer: ONNX models to linalg and qsim ops\n");

  mlir::qsim::ONNXImportOptions options;
  for (const std::string &shape : inputShapes)
    if (llvm::Error error = mlir::qsim::parseONNXInputShape(shape, options))
      return fail(llvm::toString(std::move(error)));

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &errorMessage);
  if (!input)
    return fail(errorMessage);

  mlir::DialectRegistry registry;
  mlir::qsim::registerONNXImportDialects(registry);
  mlir::MLIRContext context(registry);
  // Diagnostics the importer did not expect (say, from a verifier) are
  // errors like its own, one line each.
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &diagnostic) {
    llvm::errs() << "qsim-import-onnx: error: " << diagnostic.str() << "\n";
  });
  std::string name =
      inputFilename == "-" ? std::string("<stdin>") : inputFilename.getValue();
  auto module =
      mlir::qsim::importONNXModel(context, input->getBuffer(), name, options);
  if (!module)
    return fail(llvm::toString(module.takeError()));

  // A QDQ model: the float ops between the file's quantize/dequantize pairs
  // become integer qsim ops with its scales, zero points and weights, as
  // qsim-quantize rewrites a calibrated model.
  bool quantized = false;
  (*module)->walk([&](mlir::qsim::QuantizeOp) { quantized = true; });
  if (quantized && !keepQDQ) {
    mlir::PassManager pm(&context);
    pm.addPass(mlir::qsim::createConvertLinalgToQSim());
    pm.addNestedPass<mlir::func::FuncOp>(
        mlir::qsim::createQSimFuseActivations());
    pm.addPass(mlir::createCanonicalizerPass());
    if (mlir::failed(pm.run(**module)))
      return fail("cannot rewrite the model's quantize/dequantize pairs "
                  "into integer ops (--keep-qdq leaves them)");
  }

  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output)
    return fail(errorMessage);
  // The locations carry the ONNX node names, which name the observers and
  // the float report's entries, so they are printed.
  (*module)->print(output->os(), mlir::OpPrintingFlags().enableDebugInfo(
                                     /*enable=*/true, /*prettyForm=*/false));
  output->os() << "\n";
  std::string outputName = outputFilename == "-"
                               ? std::string("standard output")
                               : "'" + outputFilename + "'";
  if (llvm::Error error = mlir::qsim::flushOutput(output->os(), outputName))
    return fail(llvm::toString(std::move(error)));
  output->keep();
  return 0;
}
