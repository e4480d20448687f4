//===- Version.cpp - qsim's version ---------------------------------------===//
//
// The version strings come from a header that the build regenerates, so this
// is the only file a new commit recompiles.
//
//===----------------------------------------------------------------------===//

#include "qsim/Support/Version.h"

#include "QSimVersion.inc"

#include "llvm/Support/raw_ostream.h"

using namespace mlir::qsim;

llvm::StringRef mlir::qsim::getQSimVersion() { return QSIM_VERSION_STRING; }

llvm::StringRef mlir::qsim::getQSimRevision() { return QSIM_REVISION_STRING; }

std::string mlir::qsim::getQSimFullVersion() {
  std::string version = "qsim version ";
  version += getQSimVersion();
  if (!getQSimRevision().empty()) {
    version += " (git ";
    version += getQSimRevision();
    version += ")";
  }
  return version;
}

void mlir::qsim::printQSimVersion(llvm::raw_ostream &os) {
  os << getQSimFullVersion() << '\n';
}
