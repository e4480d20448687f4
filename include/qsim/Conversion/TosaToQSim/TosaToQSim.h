//===- TosaToQSim.h - float TOSA layers to qsim -----------------*- C++ -*-===//
//
// The conversion of float TOSA layers (tosa.conv2d, tosa.depthwise_conv2d,
// tosa.matmul with their bias and tosa.clamp) into qsim ops, one pattern
// per layer family, between the ranges the ranges pass attached.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_TOSATOQSIM_TOSATOQSIM_H
#define QSIM_CONVERSION_TOSATOQSIM_TOSATOQSIM_H

#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Conversion/QuantizationCommon/QuantizableOp.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::qsim {

/// Describes a float TOSA layer, or fails with the reason in `reason`
/// (empty for ops that are no layer anchor).
FailureOr<FloatLayer> matchTosaLayer(Operation *op, std::string &reason);

/// The recognizer of the TOSA front end, for the naming analysis.
FailureOr<QuantizableOp> matchTosaQuantizableOp(Operation *op,
                                                std::string &reason);

/// Adds the TOSA-to-qsim patterns. `state` outlives the patterns.
void populateTosaToQSimPatterns(RewritePatternSet &patterns,
                                QuantizationState &state);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_TOSATOQSIM_TOSATOQSIM_H
