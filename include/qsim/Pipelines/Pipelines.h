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
  PassOptions::Option<std::string> kernel{
      *this, "kernel",
      llvm::cl::desc("Kernels of conv2d and linear: auto (the best the host "
                     "CPU runs), vnni, avx2, generic, or reference (the "
                     "plain linalg loops)"),
      llvm::cl::init("auto")};
  PassOptions::Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("Threads of the kernels' parallel loops: 0 for all "
                     "cores (OpenMP's default), 1 for no threads (and no "
                     "OpenMP runtime)"),
      llvm::cl::init(0)};
};

/// Options of the qsim-ptq pipeline: those of qsim-quantize.
struct PTQOptions : public PassPipelineOptions<PTQOptions> {
  PassOptions::Option<std::string> stats{
      *this, "stats", llvm::cl::desc("JSON file of calibrated ranges")};
  PassOptions::Option<std::string> weightGranularity{
      *this, "weight-granularity",
      llvm::cl::desc("per-channel or per-tensor weight scales"),
      llvm::cl::init("per-channel")};
  PassOptions::Option<std::string> weightScheme{
      *this, "weight-scheme", llvm::cl::desc("symmetric or asymmetric weights"),
      llvm::cl::init("symmetric")};
  PassOptions::Option<std::string> activationType{
      *this, "activation-type",
      llvm::cl::desc("u8 or i8 activations; by default the target's own: i8 "
                     "for tosa, u8 otherwise"),
      llvm::cl::init("")};
  PassOptions::Option<unsigned> weightBits{
      *this, "weight-bits", llvm::cl::desc("weight storage bits (2 to 16)"),
      llvm::cl::init(8)};
  PassOptions::Option<unsigned> activationBits{
      *this, "activation-bits",
      llvm::cl::desc("activation storage bits (2 to 16)"), llvm::cl::init(8)};
  PassOptions::Option<bool> reduceRange{
      *this, "reduce-range",
      llvm::cl::desc("Activation parameters over half the storage range "
                     "(torch.ao's reduce_range); under target=onnxruntime, "
                     "weights over [-64, 64] (quantize_static's)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> narrowRange{
      *this, "narrow-range",
      llvm::cl::desc("weights in [-(2^(b-1) - 1), 2^(b-1) - 1]"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> allowAccumulatorOverflow{
      *this, "allow-accumulator-overflow",
      llvm::cl::desc("Warn, rather than fail, when an INT32 accumulator may "
                     "overflow"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the float ops left, with the reason each stayed "
                     "float, to this JSON file")};
  PassOptions::Option<bool> foldBatchNorm{
      *this, "fold-batch-norm",
      llvm::cl::desc("Fold BatchNorm into the layer before it first (as "
                     "qsim-instrument does)"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Whose quantization formulas to reproduce: numpy, "
                     "pytorch, onnxruntime, tosa or tflite"),
      llvm::cl::init("numpy")};
  PassOptions::Option<std::string> tfliteRounding{
      *this, "tflite-rounding",
      llvm::cl::desc("target=tflite's requantization: runtime (each TFLite "
                     "kernel's own), double (the reference kernels') or "
                     "single"),
      llvm::cl::init("runtime")};
  PassOptions::Option<std::string> rounding{
      *this, "rounding",
      llvm::cl::desc("The rounding of every requantize, as "
                     "qsim-set-rounding sets it: half_even, tflite_double, "
                     "tflite_single, tosa_single, tosa_double or "
                     "float32_half_even (default: the target's own)")};
  PassOptions::Option<std::string> manifest{
      *this, "manifest",
      llvm::cl::desc("Write the quantization manifest of the result to this "
                     "JSON file")};
};

/// Post-training quantization of a float module: qsim-quantize,
/// qsim-fuse-activations, canonicalize, then qsim-set-rounding when a
/// rounding is given, and qsim-write-manifest with a manifest file.
void buildPTQPipeline(OpPassManager &pm, const PTQOptions &options);

/// Lowers a module of func/arith/tensor/linalg/bufferization, quant.scast
/// and qsim ops to the LLVM dialect, ready for mlir-runner or the
/// ExecutionEngine.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Lowers TOSA ops to linalg, arith and tensor on tensors: upstream's
/// TOSA-to-linalg passes (without TOSA level validation, so that models with
/// a dynamic batch still pass), then tosa-to-arith (with
/// include-apply-rescale, so that tosa.rescale's tosa.apply_scale lowers
/// too) and tosa-to-tensor. The result is input for qsim-lower-to-llvm (or
/// the quantizer).
void buildTosaToLinalgPipeline(OpPassManager &pm);

/// Registers the qsim pipelines with the global pass registry.
void registerPipelines();

} // namespace mlir::qsim

#endif // QSIM_PIPELINES_PIPELINES_H
