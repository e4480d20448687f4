//===- qsim-opt.cpp - the qsim optimizer driver ---------------------------===//
//
// An mlir-opt with the qsim dialect, passes and pipelines added to every
// upstream dialect and pass.
//
//===----------------------------------------------------------------------===//

#include "qsim/InitAll.h"
#include "qsim/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::qsim::registerAllDialects(registry);
  mlir::qsim::registerAllPasses();
  llvm::cl::AddExtraVersionPrinter(mlir::qsim::printQSimVersion);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qsim optimizer driver: INT8 quantization and simulation\n",
      registry));
}
