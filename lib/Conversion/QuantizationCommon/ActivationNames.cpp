//===- ActivationNames.cpp - the names of calibrated activations ----------===//

#include "qsim/Conversion/QuantizationCommon/ActivationNames.h"
#include "qsim/Conversion/QuantizationCommon/DataMovement.h"
#include "qsim/Conversion/QuantizationCommon/LayerQuantization.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::qsim;

bool mlir::qsim::isCalibratableFunction(func::FuncOp func,
                                        Operation *symbolTable) {
  // The instrumented function returns its activations: it needs one return
  // (one block), and its results can grow only when nothing calls it.
  return !func.isExternal() && func.getBody().hasOneBlock() &&
         SymbolTable::symbolKnownUseEmpty(func, symbolTable);
}

SmallVector<QuantizableOp> mlir::qsim::findQuantizableOps(
    func::FuncOp func, ArrayRef<QuantizableOpMatcher> matchers,
    llvm::function_ref<void(Operation *, StringRef)> onDecline) {
  SmallVector<QuantizableOp> ops;
  // Only ops of the function body itself: an op inside a loop or another
  // region has no single range per activation, and its values cannot be
  // returned.
  llvm::SmallPtrSet<Operation *, 16> absorbed;
  for (Operation &op : func.getBody().front()) {
    if (absorbed.contains(&op))
      continue;
    std::string firstReason;
    for (QuantizableOpMatcher matcher : matchers) {
      std::string reason;
      FailureOr<QuantizableOp> match = matcher(&op, reason);
      if (succeeded(match)) {
        absorbed.insert(match->absorbed.begin(), match->absorbed.end());
        ops.push_back(std::move(*match));
        firstReason.clear();
        break;
      }
      if (firstReason.empty())
        firstReason = reason;
    }
    if (!firstReason.empty() && onDecline)
      onDecline(&op, firstReason);
  }
  return ops;
}

ActivationNames::ActivationNames(func::FuncOp func, ArrayRef<QuantizableOp> ops)
    : prefix(func.getSymName().str() + "/") {
  // Base names, then distinct names: a base an earlier op holds gets the
  // first `<base>_<n>` that is no op's base and not yet given.
  SmallVector<std::string> bases;
  for (auto [index, op] : llvm::enumerate(ops))
    bases.push_back(
        getLocName(op.anchor).value_or(op.kind + std::to_string(index)));
  llvm::StringSet<> reserved;
  for (const std::string &base : bases)
    reserved.insert(base);
  llvm::StringSet<> given;
  for (auto [op, base] : llvm::zip_equal(ops, bases)) {
    std::string name = base;
    for (int64_t n = 2;
         given.contains(name) || (name != base && reserved.contains(name)); ++n)
      name = base + "_" + std::to_string(n);
    given.insert(name);
    opNames[op.anchor] = name;
  }

  for (const QuantizableOp &op : ops) {
    valueNames[op.output] = opNames[op.anchor] + ".output";
    outputs.insert(op.output);
  }
  // A source that is neither an argument nor an output is named after the
  // first op (in program order) that reads it.
  for (const QuantizableOp &op : ops) {
    for (auto [index, input] : llvm::enumerate(op.inputs)) {
      Value source = getSource(input);
      activations.insert(source);
      if (isa<BlockArgument>(source))
        continue;
      std::string suffix =
          index == 0 ? ".input" : ".input" + std::to_string(index);
      valueNames.try_emplace(source, opNames[op.anchor] + suffix);
    }
    activations.insert(op.output);
  }
}

StringRef ActivationNames::getOpName(Operation *anchor) const {
  auto it = opNames.find(anchor);
  return it == opNames.end() ? StringRef() : StringRef(it->second);
}

Value ActivationNames::getSource(Value value) const {
  // An output stays itself even when data movement produced it (the
  // collapse after a grouped conv): its range is the op's.
  while (!outputs.contains(value)) {
    Value source = getDataMovementSource(value.getDefiningOp());
    if (!source)
      break;
    value = source;
  }
  return value;
}

std::string ActivationNames::getName(Value value) const {
  value = getSource(value);
  if (auto arg = dyn_cast<BlockArgument>(value))
    return prefix + "arg" + std::to_string(arg.getArgNumber());
  auto it = valueNames.find(value);
  if (it != valueNames.end())
    return prefix + it->second;
  return {};
}
