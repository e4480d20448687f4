//===- FoldBatchNorm.h - fold BatchNorm into conv weights ------*- C++ -*-===//
//
// The public API of the float-to-float rewrite that folds a per-channel
// affine chain of elementwise generics (an inference BatchNorm) into the
// constant weights and bias of the convolution before it.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_LINALGTOQSIM_FOLDBATCHNORM_H
#define QSIM_CONVERSION_LINALGTOQSIM_FOLDBATCHNORM_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qsim {

#define GEN_PASS_DECL_QSIMFOLDBATCHNORM
#include "qsim/Conversion/Passes.h.inc"

/// Adds the patterns that replace `linalg.conv_2d_nchw_fchw`,
/// `linalg.depthwise_conv_2d_nchw_chw` or `linalg.conv_2d_ngchw_gfchw` with
/// constant f32 weights and a zero-fill or constant-bias init, followed by a
/// chain of elementwise generics computing `a[c] * x + b[c]`, by one conv
/// with weights `a[c] * W[c]` and a bias `a[c] * bias[c] + b[c]` broadcast
/// into its init; and a `linalg.matmul` into a zero fill with constant
/// weights (`[K, F]`, or a `linalg.transpose` of `[F, K]`), followed by its
/// bias add and a per-feature affine chain, by one matmul with scaled
/// weights and a generic adding the folded bias.
void populateFoldBatchNormPatterns(RewritePatternSet &patterns);

/// Applies the fold patterns, and nothing else, to `root` (what
/// qsim-fold-batch-norm does). qsim-instrument, qsim-attach-ranges and
/// qsim-quantize call it first, so that they all analyze the same folded
/// model.
LogicalResult foldBatchNorms(Operation *root);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_LINALGTOQSIM_FOLDBATCHNORM_H
