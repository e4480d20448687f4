//===- ToolOutput.cpp - write errors of the qsim tools --------------------===//
//
// The tools buffer what they print, so a write error often shows only when
// the stream is flushed: they flush explicitly and report it here.
//
//===----------------------------------------------------------------------===//

#include "qsim/Support/ToolOutput.h"

#include <csignal>

void mlir::qsim::ignoreFileSizeLimitSignal() {
#ifdef SIGXFSZ
  std::signal(SIGXFSZ, SIG_IGN);
#endif
}

llvm::Error mlir::qsim::flushOutput(llvm::raw_fd_ostream &os,
                                    const llvm::Twine &name) {
  os.flush();
  std::error_code ec = os.error();
  if (!ec)
    return llvm::Error::success();
  os.clear_error();
  return llvm::createStringError(ec,
                                 "cannot write " + name + ": " + ec.message());
}
