//===- Pipelines.h - qsim pass pipelines -----------------------*- C++ -*-===//
//
// The registered, optioned pass pipelines of qsim.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_PIPELINES_PIPELINES_H
#define QSIM_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::qsim {

/// Options of the qsim-lower-to-llvm pipeline.
struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {
  PassOptions::Option<bool> fuseActivations{
      *this, "fuse-activations",
      llvm::cl::desc("Fold ReLU/clamp into requantize before lowering "
                     "(the results are identical either way)"),
      llvm::cl::init(true)};
};

/// Lowers a module of func/arith/tensor/linalg/bufferization, quant.scast
/// and qsim ops to the LLVM dialect, ready for mlir-runner or the
/// ExecutionEngine.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers the qsim pipelines with the global pass registry.
void registerPipelines();

} // namespace mlir::qsim

#endif // QSIM_PIPELINES_PIPELINES_H
