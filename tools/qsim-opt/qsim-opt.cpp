//===- qsim-opt.cpp - the qsim optimizer driver ---------------------------===//
//
// An mlir-opt with the qsim dialect, passes and pipelines added to every
// upstream dialect and pass. It drives MlirOptMain on a stream it opens
// itself, so that a failed write (a full disk, /dev/full, a closed pipe) is
// a one-line error naming the output and exit status 1, rather than LLVM's
// fatal "IO failure on output stream".
//
//===----------------------------------------------------------------------===//

#include "qsim/InitAll.h"
#include "qsim/Support/ToolOutput.h"
#include "qsim/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

/// Prints `qsim-opt: error: message` and returns exit status 1.
static int fail(const llvm::Twine &message) {
  llvm::errs() << "qsim-opt: error: " << message << "\n";
  return 1;
}

/// Flushes `os` and, on a write error, reports it naming `outputName` and
/// sets `status` to 1. Returns true when there was one.
static bool hasWriteError(llvm::raw_fd_ostream &os,
                          const llvm::Twine &outputName, int &status) {
  llvm::Error error = mlir::qsim::flushOutput(os, outputName);
  if (!error)
    return false;
  status = fail(llvm::toString(std::move(error)));
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  mlir::qsim::ignoreFileSizeLimitSignal();
  mlir::DialectRegistry registry;
  mlir::qsim::registerAllDialects(registry);
  mlir::qsim::registerAllPasses();
  llvm::cl::AddExtraVersionPrinter(mlir::qsim::printQSimVersion);
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "qsim optimizer driver: INT8 quantization and simulation\n",
      registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();

  // The listings print and return without reading any input.
  if (config.shouldShowDialects() || config.shouldListPasses()) {
    int status = failed(mlir::MlirOptMain(llvm::outs(),
                                          llvm::MemoryBuffer::getMemBuffer(""),
                                          registry, config))
                     ? 1
                     : 0;
    hasWriteError(llvm::outs(), "standard output", status);
    return status;
  }

  // Reading a terminal is usually a mistake that looks like a hang.
  if (inputFilename == "-" &&
      llvm::sys::Process::FileDescriptorIsDisplayed(fileno(stdin)))
    llvm::errs() << "qsim-opt: reading the module from standard input "
                    "(end it with ctrl-d)\n";

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &errorMessage);
  if (!input)
    return fail(errorMessage);
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output)
    return fail(errorMessage);

  int status = failed(mlir::MlirOptMain(output->os(), std::move(input),
                                        registry, config))
                   ? 1
                   : 0;
  std::string outputName = outputFilename == "-"
                               ? std::string("standard output")
                               : "'" + outputFilename + "'";
  // A failed run or write leaves no partial output file behind (the
  // ToolOutputFile removes it unless kept).
  if (!hasWriteError(output->os(), outputName, status) && status == 0)
    output->keep();
  // Listings such as --show-dialects print to llvm::outs(), not to the
  // output stream.
  hasWriteError(llvm::outs(), "standard output", status);
  return status;
}
