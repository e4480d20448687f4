//===- ElementwiseEvaluation.h - evaluate elementwise bodies ---*- C++ -*-===//
//
// Reads the scalar bodies of elementwise `linalg.generic` ops (arith and math
// on floats) and evaluates them at compile time: numerically, on one scalar
// input, to build lookup tables; or symbolically, to prove that a chain of
// them is a per-channel affine function `a[c] * x + b[c]` of its input.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_LINALGTOQSIM_ELEMENTWISEEVALUATION_H
#define QSIM_CONVERSION_LINALGTOQSIM_ELEMENTWISEEVALUATION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallVector.h"

#include <string>

namespace mlir::qsim {

/// A function of one tensor that is the same on every element, computed by a
/// chain of elementwise `linalg.generic` ops. Built once by `get`, which
/// checks every op of every body; `evaluate` then cannot fail.
///
/// Each generic of the chain must have parallel loops, one result with an
/// identity map, and inputs that are either the chain's input or the result
/// of an earlier generic of the chain (identity maps), or constants that are
/// the same on every element (scalars, splats, rank-0 or single-element
/// tensors). Its body may use arith (constant, addf, subf, mulf, divf, negf,
/// maximumf, minimumf, maxnumf, minnumf, cmpf, select, sitofp, uitofp,
/// truncf, extf) and math (exp, tanh, erf, rsqrt, sqrt, log, log1p, absf,
/// powf, fpowi), and scalar `arith.constant`s defined outside it. Every
/// result is rounded to its type (f32 arithmetic in f32, as the float model
/// computes it).
class UnaryElementwiseFunction {
public:
  /// Checks `chain` as a function of `input`. On failure, `reason` says which
  /// op or operand was not accepted, and why.
  static FailureOr<UnaryElementwiseFunction>
  get(ArrayRef<linalg::GenericOp> chain, Value input, std::string &reason);

  /// Checks one generic as a function of its only non-constant input (which
  /// may be passed several times).
  static FailureOr<UnaryElementwiseFunction> get(linalg::GenericOp op,
                                                 std::string &reason);

  /// The chain's result at the input value `x` (rounded to the input's
  /// element type first), as a float.
  float evaluate(double x) const;

  /// The value the chain is a function of.
  Value getInput() const { return input; }

private:
  /// Where one input operand of a generic of the chain comes from.
  struct OperandSource {
    /// -1: the chain's input; k >= 0: the result of generic k; -2: a constant.
    int64_t producer;
    double constant;
  };

  UnaryElementwiseFunction() = default;

  SmallVector<linalg::GenericOp> chain;
  /// Per generic, one source per input operand.
  SmallVector<SmallVector<OperandSource>> sources;
  Value input;
};

/// Evaluates `op` (see `UnaryElementwiseFunction`) at `x`. On failure,
/// `reason`, when given, says why the op cannot be evaluated.
FailureOr<float> evaluateUnaryElementwise(linalg::GenericOp op, double x,
                                          std::string *reason = nullptr);

/// A per-channel affine function `y = scale[c] * x + shift[c]`, with one
/// entry per channel.
struct ChannelAffine {
  SmallVector<double> scale;
  SmallVector<double> shift;
};

/// Proves symbolically that `chain` computes `a[c] * input + b[c]` for every
/// element, where `c` is the index along loop dimension `channelDim`, of size
/// `channels`, and returns `a` and `b`. The chain's generics take the shape
/// `UnaryElementwiseFunction` describes, except that constants may vary
/// along the channel: their indexing map must read no loop dimension but
/// `channelDim` (for example `(d0, d1, d2, d3) -> (0, d1, 0, 0)` on a
/// `1xCx1x1` constant, or `(d0, d1, d2, d3) -> (d1)` on a `C` constant).
/// Sub-expressions of constants only (such as `rsqrt(var + eps)`) are
/// evaluated as `UnaryElementwiseFunction` does; the affine coefficients are
/// composed in double. Fails, with `reason`, on anything else: an op that is
/// not affine in the input (a max, a product of two input-dependent values),
/// a second non-constant input, or a result that does not depend on the
/// input.
FailureOr<ChannelAffine> matchChannelAffine(ArrayRef<linalg::GenericOp> chain,
                                            Value input, unsigned channelDim,
                                            int64_t channels,
                                            std::string &reason);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_LINALGTOQSIM_ELEMENTWISEEVALUATION_H
