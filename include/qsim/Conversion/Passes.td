//===- Passes.td - qsim conversion passes ---------------------*- tablegen -*-===//
//
// Every pass that converts between qsim and another dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_PASSES_TD
#define QSIM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQSimToLinalg : Pass<"convert-qsim-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower qsim ops and quant.scast to integer linalg/arith/tensor";
  let description = [{
    Rewrites every qsim op into `linalg.generic` ops over the storage
    integers of its quantized types (`i8`, `i32`, ...), with the scales,
    zero points and multipliers of the types folded into constants, and
    removes `quant.scast`. Unsigned storage stays in signless integers and
    is widened by zero-extension. Quantized types do not survive the pass:
    function signatures, calls and returns are converted too, as are the
    region-free `tensor` ops (reshapes, slices, casts) that move quantized
    values around. An op that still carries a quantized type afterwards is
    an error.

    The generated arithmetic is the formula in each op's description:
    `qsim.quantize` divides and rounds in f32, `qsim.requantize` multiplies
    and rounds in f64, convolutions and linear layers accumulate
    `(x - z_x) * (w - z_w)` in i32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def QSimFoldBatchNorm : Pass<"qsim-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold a per-channel affine chain (inference BatchNorm) into "
                "the float weights and bias of the conv before it";
  let description = [{
    Float to float, before quantization. A `linalg.conv_2d_nchw_fchw`,
    `linalg.depthwise_conv_2d_nchw_chw` (weights possibly through a
    `tensor.collapse_shape`) or `linalg.conv_2d_ngchw_gfchw` (between its
    expand and collapse shapes) with constant f32 weights `W` and an init
    that is a constant `linalg.fill` or a constant bias broadcast
    (`linalg.broadcast` or the equivalent `linalg.generic`), followed by a
    chain of single-use elementwise `linalg.generic`s that computes
    `y = a[c] * x + b[c]` (the four generics of a decomposed BatchNorm, or
    the one fused generic), becomes one conv with

    ```
    W'[c]    = a[c] * W[c]
    bias'[c] = a[c] * bias[c] + b[c]
    ```

    computed in double and stored as new f32 constants, the bias broadcast
    into the init with `linalg.broadcast`. Likewise a `linalg.matmul` into a
    zero fill, with a `[K, F]` constant or a `linalg.transpose` of an
    `[F, K]` constant as weights, followed by its bias add and a
    BatchNorm1d: the folded bias is added by a broadcasting generic after
    the new matmul. The conv or matmul keeps its location. The
    chain is proven affine by evaluating its bodies symbolically, so any
    spelling of the arithmetic folds; constant sub-expressions such as
    `rsqrt(var + eps)` are evaluated in f32 as the float model computes them.

    Left unchanged: a conv whose result has several users, non-constant
    weights or BatchNorm parameters, a chain that is not affine (the affine
    prefix of a chain folds), a chain that only adds a bias (`a[c] == 1`),
    and any channel with `a[c]` zero, infinite or NaN.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QSIM_CONVERSION_PASSES_TD
