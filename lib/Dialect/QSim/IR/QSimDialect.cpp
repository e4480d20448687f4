//===- QSimDialect.cpp - qsim dialect registration ------------------------===//
//
// Registers the qsim ops and attributes.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qsim;

#include "qsim/Dialect/QSim/IR/QSimOpsDialect.cpp.inc"

#include "qsim/Dialect/QSim/IR/QSimEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qsim/Dialect/QSim/IR/QSimAttrs.cpp.inc"

void QSimDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qsim/Dialect/QSim/IR/QSimOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qsim/Dialect/QSim/IR/QSimAttrs.cpp.inc"
      >();
}

std::optional<std::string> mlir::qsim::getLocName(Operation *op) {
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  return std::nullopt;
}
