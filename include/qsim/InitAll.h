//===- InitAll.h - register everything qsim provides -----------*- C++ -*-===//
//
// One place that registers the dialects, passes and pipelines a qsim tool
// needs, so qsim-opt and qsim-run see the same set.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_INITALL_H
#define QSIM_INITALL_H

namespace mlir {
class DialectRegistry;

namespace qsim {

/// Adds the qsim dialect, every upstream dialect, and the upstream
/// extensions (ConvertToLLVM interfaces, bufferization models) to
/// `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers every upstream pass, the qsim passes and the qsim pipelines.
void registerAllPasses();

} // namespace qsim
} // namespace mlir

#endif // QSIM_INITALL_H
