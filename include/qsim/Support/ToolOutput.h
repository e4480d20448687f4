//===- ToolOutput.h - write errors of the qsim tools ------------*- C++ -*-===//
//
// What qsim-opt and qsim-run share about their output: a failed write (a
// full disk, /dev/full, a closed pipe, a file size limit) is a one-line
// error naming the output, never LLVM's fatal "IO failure on output stream"
// or a signal.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_SUPPORT_TOOLOUTPUT_H
#define QSIM_SUPPORT_TOOLOUTPUT_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::qsim {

/// Makes a write past a file size limit (ulimit -f) fail with EFBIG, which
/// is then reported like any other write error, instead of SIGXFSZ killing
/// the process. Call it once at the start of a tool's main.
void ignoreFileSizeLimitSignal();

/// Flushes `os` and returns its write error, if any, as
/// "cannot write NAME: reason". The stream's error is cleared, which it
/// would otherwise report as a fatal error when it is destroyed.
llvm::Error flushOutput(llvm::raw_fd_ostream &os, const llvm::Twine &name);

} // namespace mlir::qsim

#endif // QSIM_SUPPORT_TOOLOUTPUT_H
