//===- stats-fuzzer.cpp - libFuzzer target of the statistics reader -------===//
//
// Feeds arbitrary bytes to parseStatistics. Every input must end in the
// statistics or a one-line error message, never in a crash, a sanitizer
// report, a hang or a memory blow-up. Statistics that parse must hold what
// the format promises (finite bounds with min <= max, unique names,
// non-negative counts), must come back unchanged from writeStatistics and
// parseStatistics, and writing them again must give the same text: the
// writer's output is what the reader accepts, whatever the reader accepted.
//
// Built with -fno-exceptions, as qsim is, so that a throw inside nlohmann's
// parser would be the std::abort() that qsim-opt would hit:
//
//   clang++ -std=c++17 -g -O1 -fno-rtti -fno-exceptions \
//     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
//     -Iinclude -I/usr/lib/llvm-22/include -I/usr/include \
//     test/fuzz/stats-fuzzer.cpp lib/Calibration/Statistics.cpp \
//     -L/usr/lib/llvm-22/lib -lLLVM -Wl,-rpath,/usr/lib/llvm-22/lib \
//     -o stats-fuzzer
//   python3 test/fuzz/make-stats-seeds.py seeds
//   ./stats-fuzzer -dict=test/fuzz/stats.dict -max_len=8192 corpus seeds
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Statistics.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

using namespace mlir::qsim;

/// Reports a broken invariant and aborts, which libFuzzer records as a
/// crash with the input that caused it.
[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::errs() << "stats-fuzzer: " << message << "\n";
  llvm::errs().flush();
  std::abort();
}

static std::string write(const CalibrationStatistics &statistics) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeStatistics(os, statistics);
  return text;
}

/// The promises of qsim/Calibration/Statistics.h about what parses.
static void checkInvariants(const CalibrationStatistics &statistics) {
  if (statistics.samples && *statistics.samples < 0)
    fail("negative sample count");
  llvm::StringSet<> names;
  for (const ActivationStatistics &entry : statistics.activations) {
    if (!names.insert(entry.name).second)
      fail("duplicate name '" + entry.name + "' parsed");
    if (!std::isfinite(entry.min) || !std::isfinite(entry.max) ||
        !(entry.min <= entry.max))
      fail("entry '" + entry.name + "' parsed with an invalid range");
    if ((entry.observedMin && !std::isfinite(*entry.observedMin)) ||
        (entry.observedMax && !std::isfinite(*entry.observedMax)))
      fail("entry '" + entry.name + "' parsed with a non-finite extreme");
    if (entry.nonFinite < 0)
      fail("entry '" + entry.name + "' parsed with a negative count");
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<CalibrationStatistics> statistics = parseStatistics(text);
  if (!statistics) {
    // A rejected input must still come with a message, on one line.
    std::string message = llvm::toString(statistics.takeError());
    if (message.empty())
      fail("parseStatistics failed without a message");
    if (message.find_first_of("\n\r") != std::string::npos)
      fail("the error message spans several lines: " + message);
    return 0;
  }
  checkInvariants(*statistics);

  std::string written = write(*statistics);
  llvm::Expected<CalibrationStatistics> again = parseStatistics(written);
  if (!again)
    fail("written statistics do not parse: " +
         llvm::toString(again.takeError()) + "\n" + written);
  if (*again != *statistics)
    fail("the round trip changed the statistics:\n" + written);
  if (write(*again) != written)
    fail("writing the statistics twice gives different text");
  return 0;
}
