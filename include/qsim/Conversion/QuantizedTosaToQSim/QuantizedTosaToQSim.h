//===- QuantizedTosaToQSim.h - integer TOSA programs to qsim ----*- C++ -*-===//
//
// The import of already-quantized TOSA: the integer layers, rescales,
// clamps and max pools of a TOSA program become the qsim ops that compute
// the same integers.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QUANTIZEDTOSATOQSIM_QUANTIZEDTOSATOQSIM_H
#define QSIM_CONVERSION_QUANTIZEDTOSATOQSIM_QUANTIZEDTOSATOQSIM_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <optional>
#include <string>

namespace mlir::qsim {

#define GEN_PASS_DECL_CONVERTQUANTIZEDTOSATOQSIM
#include "qsim/Conversion/Passes.h.inc"

/// Whether `op` is an integer TOSA op that the import rewrites when it can:
/// conv2d, depthwise_conv2d and matmul on integers, rescale, and clamp and
/// max_pool2d on integers.
bool isQuantizedTosaImportCandidate(Operation *op);

/// For an import candidate, why the import leaves it TOSA, or std::nullopt
/// when it rewrites it.
std::optional<std::string> getQuantizedTosaImportBlocker(Operation *op);

/// The patterns of the import, in the order they must run: each phase's
/// patterns (0: layers with their bias, rescale and clamp; 1: rescales with
/// their clamp; 2: clamps and max pools) see the result of the phases
/// before, so that a layer takes its rescale before the rescale is
/// rewritten alone.
constexpr unsigned kNumQuantizedTosaImportPhases = 3;
void populateQuantizedTosaToQSimPatterns(RewritePatternSet &patterns,
                                         unsigned phase);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QUANTIZEDTOSATOQSIM_QUANTIZEDTOSATOQSIM_H
