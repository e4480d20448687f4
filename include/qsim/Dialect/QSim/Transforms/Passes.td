//===- Passes.td - qsim dialect transformations ---------------*- tablegen -*-===//
//
// Passes that rewrite qsim ops into other qsim ops.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD
#define QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QSimFuseActivations : Pass<"qsim-fuse-activations", "::mlir::func::FuncOp"> {
  let summary = "Fold a qsim.relu or qsim.clamp after qsim.requantize into "
                "its clamp bounds (Conv+ReLU fusion)";
  let description = [{
    In the quantized domain a ReLU is `max(y, z_y)` and a clamp is
    `min(max(y, quantize(min)), quantize(max))`. Applied to the result of a
    `qsim.requantize`, both are a tightening of the requantize's own clamp:

    ```
    lo' = max(lo, z_y)                       (relu)
    lo' = max(lo, quantize(min)), hi' = min(hi, quantize(max))   (clamp)
    ```

    which is exactly equal, integer for integer, to the unfused form. The
    rewrite happens only when the requantize has no other user (those users
    need the unclamped values), when its result type has one zero point
    (per-tensor, or per-axis with equal parameters), and when the tightened
    range is not empty.

    Example:

    ```mlir
    %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 1.0E-3>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    %r = qsim.relu %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    ```

    becomes

    ```mlir
    %r = qsim.requantize %acc {clamp_min = 10 : i64} : tensor<4x!quant.uniform<i32:f32, 1.0E-3>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    ```
  }];
  let dependentDialects = ["::mlir::qsim::QSimDialect"];
}

def QSimRecordSignatures : Pass<"qsim-record-signatures", "::mlir::ModuleOp"> {
  let summary = "Record each public function's tensor-level type as "
                "qsim.signature";
  let description = [{
    Lowering to the LLVM dialect erases tensor shapes, element types and
    quantization parameters from function signatures: a
    `tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>` argument becomes five
    pointer and integer arguments. This pass attaches the function type as
    it is before lowering, printed as a `qsim.signature` string attribute,
    to every public `func.func` with a body; the attribute survives
    `convert-func-to-llvm`, so `qsim-run` can call an already-lowered module
    with .npy inputs and write typed .npy outputs. It is a string rather than
    a type so that tools without the quant dialect (`mlir-runner`) still
    parse the lowered module. An existing attribute is kept.
  }];
}

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD
