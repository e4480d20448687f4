//===- Pipelines.cpp - qsim pass pipelines --------------------------------===//
//
// The registered pipelines. qsim-lower-to-llvm takes a qsim module through
// the integer lowering and then upstream's bufferization and LLVM lowering,
// in the order upstream's quantized-convolution integration tests use.
// qsim-tosa-to-linalg is the TOSA front end qsim-run applies before it.
//
//===----------------------------------------------------------------------===//

#include "qsim/Pipelines/Pipelines.h"
#include "qsim/Conversion/Passes.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::qsim::buildLowerToLLVMPipeline(OpPassManager &pm,
                                          const LowerToLLVMOptions &options) {
  // A static size whose byte count wraps would become a small malloc.
  pm.addPass(createQSimCheckStaticSizes());
  // Keep the tensor-level signatures for runners of the lowered module.
  pm.addPass(createQSimRecordSignatures());
  if (options.fuseActivations)
    pm.addNestedPass<func::FuncOp>(createQSimFuseActivations());
  if (options.kernel != "reference") {
    ConvertQSimToKernelsOptions kernels;
    kernels.kernel = options.kernel;
    pm.addNestedPass<func::FuncOp>(createConvertQSimToKernels(kernels));
  }
  pm.addPass(createConvertQSimToLinalg());
  pm.addPass(createCanonicalizerPass());
  // Elementwise arith on tensors (a user's own glue code) becomes linalg
  // before bufferization.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  if (options.kernel != "reference")
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToKernels());

  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(createQSimStridedCopiesToLinalg());
  pm.addNestedPass<func::FuncOp>(createQSimParallelLoops());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // The kernels' scf.parallel loops; scf-to-cf runs any that remain (all
  // of them with one thread) sequentially.
  if (options.threads != 1) {
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    // The pass wraps each parallel body in a memref.alloca_scope, which
    // holds a single block: inline the scopes (the kernels allocate
    // nothing) before scf-to-cf turns their loops into blocks.
    pm.addPass(createCanonicalizerPass());
  }
  // After buffer deallocation and the scopes' inlining, both of which the
  // intrinsic calls' unknown side effects would stop.
  pm.addPass(createConvertQSimX86ToLLVM());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Allocate through the generic functions, which qsim then defines with a
  // check of malloc's result.
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createQSimDefineAllocFunctions());
}

void mlir::qsim::buildTosaToLinalgPipeline(OpPassManager &pm) {
  // No TOSA level validation: a model with a dynamic batch is still a model
  // to run.
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                              TosaToLinalgNamedOptions(), std::nullopt);
  // tosa.rescale lowers to tosa.apply_scale, which only this option turns
  // into arith (in 64-bit arithmetic, as the specification computes it).
  TosaToArithPassOptions arithOptions;
  arithOptions.includeApplyRescale = true;
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass(arithOptions));
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
}

void mlir::qsim::buildPTQPipeline(OpPassManager &pm,
                                  const PTQOptions &options) {
  QSimQuantizeOptions quantize;
  quantize.statsFile = options.stats;
  quantize.weightGranularity = options.weightGranularity;
  quantize.weightScheme = options.weightScheme;
  quantize.activationType = options.activationType;
  quantize.weightBits = options.weightBits;
  quantize.activationBits = options.activationBits;
  quantize.narrowRange = options.narrowRange;
  quantize.allowAccumulatorOverflow = options.allowAccumulatorOverflow;
  quantize.reportFile = options.report;
  quantize.foldBatchNorm = options.foldBatchNorm;
  quantize.target = options.target;
  quantize.tfliteRounding = options.tfliteRounding;
  quantize.reduceRange = options.reduceRange;
  pm.addPass(createQSimQuantize(quantize));
  pm.addNestedPass<func::FuncOp>(createQSimFuseActivations());
  pm.addPass(createCanonicalizerPass());
  if (!options.rounding.empty()) {
    QSimSetRoundingOptions rounding;
    rounding.mode = options.rounding;
    // A float32 multiplier is formed as the target's runtime forms it (an
    // unknown target fails in qsim-quantize).
    std::optional<QuantizationTarget> target =
        parseQuantizationTarget(options.target);
    if (target && quantizesByReciprocal(*target))
      rounding.floatMultiplier = "reciprocal";
    pm.addNestedPass<func::FuncOp>(createQSimSetRounding(rounding));
  }
  if (!options.manifest.empty()) {
    QSimWriteManifestOptions manifest;
    manifest.file = options.manifest;
    pm.addPass(createQSimWriteManifest(manifest));
  }
}

void mlir::qsim::registerPipelines() {
  PassPipelineRegistration<PTQOptions>(
      "qsim-ptq",
      "Post-training quantization: qsim-quantize with calibrated ranges, "
      "qsim-fuse-activations, canonicalize (then qsim-set-rounding and "
      "qsim-write-manifest when asked)",
      buildPTQPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qsim-lower-to-llvm",
      "Lower qsim, quant.scast, linalg, tensor and arith to the LLVM dialect "
      "(bufferized, loops), ready for mlir-runner",
      buildLowerToLLVMPipeline);
  PassPipelineRegistration<>(
      "qsim-tosa-to-linalg",
      "Lower TOSA to linalg, arith and tensor (upstream's TOSA-to-linalg "
      "passes, tosa-to-arith with tosa.rescale's apply_scale, "
      "tosa-to-tensor), as qsim-run does before "
      "qsim-lower-to-llvm",
      buildTosaToLinalgPipeline);
}
