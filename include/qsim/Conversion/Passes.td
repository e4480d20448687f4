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

#endif // QSIM_CONVERSION_PASSES_TD
