//===- QSimOps.h - qsim op declarations ------------------------*- C++ -*-===//
//
// Declares the qsim ops generated from QSimOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QSIMOPS_H
#define QSIM_DIALECT_QSIM_IR_QSIMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qsim/Dialect/QSim/IR/QSimDialect.h"

#define GET_OP_CLASSES
#include "qsim/Dialect/QSim/IR/QSimOps.h.inc"

#endif // QSIM_DIALECT_QSIM_IR_QSIMOPS_H
