//===- QSimDialect.h - qsim dialect declaration ----------------*- C++ -*-===//
//
// Declares the qsim dialect and its attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QSIMDIALECT_H
#define QSIM_DIALECT_QSIM_IR_QSIMDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Dialect.h"

#include <optional>
#include <string>

#include "qsim/Dialect/QSim/IR/QSimOpsDialect.h.inc"

namespace mlir::qsim {
/// The function attribute that keeps a function's type from before lowering
/// (see the qsim-record-signatures pass).
inline constexpr llvm::StringLiteral kSignatureAttrName = "qsim.signature";
/// The function attribute naming, in order, the extra results that
/// qsim-instrument adds for calibration.
inline constexpr llvm::StringLiteral kObserversAttrName = "qsim.observers";
/// On a float weight constant: the !quant.uniform type the weights were
/// dequantized from in the source model (an imported QDQ model). The
/// quantizer keeps its scales and zero points, so that the model's own
/// integers come back exactly.
inline constexpr llvm::StringLiteral kQuantizedAsAttrName = "qsim.quantized_as";

/// The name a front end gave `op` (a NameLoc, possibly inside a FusedLoc),
/// such as an ONNX node's.
std::optional<std::string> getLocName(Operation *op);
} // namespace mlir::qsim

#include "qsim/Dialect/QSim/IR/QSimEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qsim/Dialect/QSim/IR/QSimAttrs.h.inc"

#endif // QSIM_DIALECT_QSIM_IR_QSIMDIALECT_H
