//===- Manifest.h - the quantization manifest of a program -----*- C++ -*-===//
//
// A JSON description of every quantized layer of a program, for teams that
// diff it against what their runtime or hardware computes: the scales and
// zero points of each layer's inputs, weights, accumulator and output, its
// bias, its accumulator bound, and how it requantizes (rounding mode, the
// float64 multipliers or the fixed-point multipliers and shifts, clamp).
// Adds, products, average pools, requantizing concats and requantizes of
// their own have entries too.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_MANIFEST_H
#define QSIM_DIALECT_QSIM_TRANSFORMS_MANIFEST_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace mlir::qsim {

/// Writes the manifest of every qsim.conv2d, qsim.linear, qsim.add,
/// qsim.mul, qsim.avg_pool2d, requantizing qsim.concat and requantize of
/// its own in `module`, in program order, to `path` (docs/QSim.md
/// describes its fields). Fails, with an error at the module, when the
/// file cannot be written.
LogicalResult writeQuantizationManifest(ModuleOp module, StringRef path);

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_MANIFEST_H
