//===- InitAll.cpp - register everything qsim provides --------------------===//
//
// The registration shared by qsim-opt and qsim-run.
//
//===----------------------------------------------------------------------===//

#include "qsim/InitAll.h"
#include "qsim/Conversion/Passes.h"
#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"
#include "qsim/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void mlir::qsim::registerAllDialects(DialectRegistry &registry) {
  registry.insert<QSimDialect>();
  mlir::registerAllDialects(registry);
  // Without the extensions, convert-to-llvm finds no ConvertToLLVM
  // interfaces and silently does nothing.
  mlir::registerAllExtensions(registry);
}

void mlir::qsim::registerAllPasses() {
  mlir::registerAllPasses();
  registerQSimPasses();
  registerQSimConversionPasses();
  registerPipelines();
}
