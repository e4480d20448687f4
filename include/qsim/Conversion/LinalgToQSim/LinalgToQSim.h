//===- LinalgToQSim.h - float linalg layers to qsim -------------*- C++ -*-===//
//
// The conversion of the float layers torch-mlir's TorchToLinalg (and
// hand-written linalg on tensors) emits into qsim ops. One pattern per layer
// family; each is rooted at the layer's anchor op and rewrites the layer
// between the qsim.dequantize of its input and the qsim.quantize of its
// output that the ranges pass attached.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_LINALGTOQSIM_LINALGTOQSIM_H
#define QSIM_CONVERSION_LINALGTOQSIM_LINALGTOQSIM_H

#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"
#include "qsim/Conversion/QuantizationCommon/QuantizableOp.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::qsim {

/// Describes a float linalg layer (conv_2d_nchw_fchw,
/// depthwise_conv_2d_nchw_chw, conv_2d_ngchw_gfchw, matmul, with their init,
/// bias and activation), or fails with the reason in `reason` (empty for ops
/// that are no layer anchor).
FailureOr<FloatLayer> matchLinalgLayer(Operation *op, std::string &reason);

/// The recognizer of the linalg front end, for the naming analysis.
FailureOr<QuantizableOp> matchLinalgQuantizableOp(Operation *op,
                                                  std::string &reason);

/// Adds the linalg-to-qsim patterns. `state` outlives the patterns.
void populateLinalgToQSimPatterns(RewritePatternSet &patterns,
                                  QuantizationState &state);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_LINALGTOQSIM_LINALGTOQSIM_H
