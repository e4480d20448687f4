//===- QSimTable.h - building qsim.table entries ---------------*- C++ -*-===//
//
// Builds the lookup table of a qsim.table op from an elementwise real
// function, at compile time: the quantizer's way to keep sigmoid, tanh,
// GELU and other elementwise activations of 8-bit values in integers.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QSIMTABLE_H
#define QSIM_DIALECT_QSIM_IR_QSIMTABLE_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::qsim {

/// Builds the `table` attribute of a `qsim.table` from `in` to `out` that
/// applies `fn` to real values. For every code `q` of `in`'s storage type,
/// from its minimum up (all `2^b` codes, narrow ranges included), entry
/// `q - qmin_storage` is
///
///   quantize(fn(s_in * (q - z_in)))
///
/// with the dequantization in float32, as `qsim.dequantize` computes it, and
/// `quantize` the formula of `qsim.quantize` for `out` (`quantizeValue`;
/// NaN gives `z_out`, infinities saturate). The result is a
/// `tensor<2^b x i32>` attribute that `qsim.table`'s verifier accepts.
///
/// Fails, without a diagnostic, when `in` has more than 8 bits of storage or
/// `out` more than 16, or when `fn` fails for some input (`fn` reports its
/// own reason); the caller names the op it was building the table for.
FailureOr<DenseIntElementsAttr>
buildTable(quant::UniformQuantizedType in, quant::UniformQuantizedType out,
           llvm::function_ref<FailureOr<float>(float)> fn);

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_IR_QSIMTABLE_H
