//===- ActivationNames.h - the names of calibrated activations --*- C++ -*-===//
//
// The one owner of the observer names: calibration writes ranges under
// these names, and the ranges pass finds them again, on the same float IR.
// Names come from the quantizable ops only, never from an op's position, so
// they survive rewrites such as canonicalization.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QUANTIZATIONCOMMON_ACTIVATIONNAMES_H
#define QSIM_CONVERSION_QUANTIZATIONCOMMON_ACTIVATIONNAMES_H

#include "qsim/Conversion/QuantizationCommon/QuantizableOp.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SetVector.h"

#include <string>

namespace mlir::qsim {

/// True when `func` can be calibrated, hence quantized: it has a body of one
/// block (the instrumented function returns its activations) and no use in
/// `symbolTable` (a called function cannot grow results). Other functions
/// stay float.
bool isCalibratableFunction(func::FuncOp func, Operation *symbolTable);

/// Finds the quantizable ops of `func`'s body in program order, asking each
/// of `matchers` in turn. `onDecline(op, reason)` hears every op a matcher
/// declined with a reason.
SmallVector<QuantizableOp> findQuantizableOps(
    func::FuncOp func, ArrayRef<QuantizableOpMatcher> matchers,
    llvm::function_ref<void(Operation *, StringRef)> onDecline = {});

/// Names the quantizable ops and the activations they read and produce.
///
/// Each op is named by its NameLoc, else `<kind><K>`, K its ordinal among
/// the function's quantizable ops; a name an earlier op already holds
/// becomes `<name>_<n>`, with the smallest n >= 2 that no other op holds or
/// is based on. Activations are `<func>/arg<N>` for arguments,
/// `<func>/<op>.output` for outputs and, for any other value an op reads,
/// `<func>/<op>.input` (`.input<i>` for its operand i > 0) after the first
/// op that reads it. Every name is of the value's activation source (see
/// getActivationSource).
class ActivationNames {
public:
  ActivationNames(func::FuncOp func, ArrayRef<QuantizableOp> ops);

  /// The name of `anchor`, a quantizable op's anchor.
  StringRef getOpName(Operation *anchor) const;
  /// The value whose range `value` shares: `value` itself when it is an
  /// op's output, else the source of the data movement that produced it
  /// (see getActivationSource), stopping at an output.
  Value getSource(Value value) const;
  /// The name of `value`'s source; empty for a value no op reads or
  /// produces.
  std::string getName(Value value) const;
  /// Every activation source that needs a range, in program order of first
  /// use: each op's input sources, then its output.
  ArrayRef<Value> getActivations() const { return activations.getArrayRef(); }

private:
  std::string prefix;
  llvm::DenseMap<Operation *, std::string> opNames;
  llvm::DenseMap<Value, std::string> valueNames;
  llvm::DenseSet<Value> outputs;
  llvm::SetVector<Value> activations;
};

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QUANTIZATIONCOMMON_ACTIVATIONNAMES_H
