// Registers the qsim dialects from an installed qsim, parses a small qsim
// module, verifies it, and runs the verifier on a broken one.

#include "QSimAllHeaders.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

static const char *const validModule = R"mlir(
func.func @quantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qsim.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
)mlir";

static const char *const invalidModule = R"mlir(
func.func @shape_mismatch(%x: tensor<4xf32>) {
  %q = qsim.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}
)mlir";

int main() {
  mlir::DialectRegistry registry;
  mlir::qsim::registerAllDialects(registry);
  mlir::qsim::registerAllPasses();
  mlir::MLIRContext context(registry);
  llvm::outs() << mlir::qsim::getQSimFullVersion() << "\n";

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(validModule, &context);
  if (!module)
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";

  // parseSourceString verifies; the diagnostic goes to stdout for FileCheck.
  mlir::ScopedDiagnosticHandler handler(&context, [](mlir::Diagnostic &diag) {
    llvm::outs() << "diagnostic: " << diag << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> invalid =
      mlir::parseSourceString<mlir::ModuleOp>(invalidModule, &context);
  llvm::outs() << (invalid ? "invalid module accepted"
                           : "invalid module rejected")
               << "\n";
  return invalid ? 1 : 0;
}
