//===- Version.h - qsim's version -------------------------------*- C++ -*-===//
//
// qsim's release version (the CMake project version) and the git revision
// the tools were built from, printed by every tool's --version after LLVM's.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_SUPPORT_VERSION_H
#define QSIM_SUPPORT_VERSION_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mlir::qsim {

/// The release version, such as "0.1.0".
llvm::StringRef getQSimVersion();

/// The abbreviated git revision of the sources, or "" when they were not a
/// git checkout when qsim was built.
llvm::StringRef getQSimRevision();

/// "qsim version 0.1.0", followed by " (git <revision>)" when there is one.
std::string getQSimFullVersion();

/// Prints getQSimFullVersion() on a line of its own. A tool registers it
/// with `llvm::cl::AddExtraVersionPrinter(mlir::qsim::printQSimVersion)`
/// before parsing its command line, so that --version shows it after LLVM's.
void printQSimVersion(llvm::raw_ostream &os);

} // namespace mlir::qsim

#endif // QSIM_SUPPORT_VERSION_H
