//===- npy-fuzzer.cpp - libFuzzer target of the .npy reader ---------------===//
//
// Feeds arbitrary bytes to parseNpy. Every input must end in an array or an
// error message, never in a crash, a sanitizer report or a hang. An input
// that parses must also survive serializeNpy and parseNpy unchanged (dtype,
// shape and data), and serializing it again must give the same bytes: the
// writer's output is what the reader accepts, whatever the reader accepted.
//
// scripts/fuzz.sh npy builds and runs it; test/fuzz/npy-fuzz.test runs it
// briefly as part of the test suite.
//
//===----------------------------------------------------------------------===//

#include "qsim/Support/Npy.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir::qsim;

/// Reports a broken invariant and aborts, which libFuzzer records as a
/// crash with the input that caused it.
[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::errs() << "npy-fuzzer: " << message << "\n";
  llvm::errs().flush();
  std::abort();
}

/// The dtype, shape (or rank, when the shape is long) and size of `array`.
static std::string describe(const NpyArray &array) {
  std::string shape = array.getShapeString();
  if (shape.size() > 80)
    shape = "rank " + std::to_string(array.shape.size());
  return (getNpyDTypeName(array.dtype) + " " + shape + ", " +
          llvm::Twine(array.data.size()) + " bytes")
      .str();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<NpyArray> array = parseNpy(bytes);
  if (!array) {
    // A rejected input must still come with a message.
    std::string message = llvm::toString(array.takeError());
    if (message.empty())
      fail("parseNpy failed without a message");
    return 0;
  }

  // The accessors must stay inside the data the header promised.
  int64_t count = array->getNumElements();
  if (count < 0 ||
      static_cast<uint64_t>(count) * getNpyItemSize(array->dtype) !=
          array->data.size())
    fail("element count " + llvm::Twine(count) + " disagrees with " +
         describe(*array));
  double sum = 0;
  for (int64_t i = 0; i < count; ++i)
    sum += array->getAsDouble(i);
  (void)sum;

  std::string serialized = serializeNpy(*array);
  llvm::Expected<NpyArray> again = parseNpy(serialized);
  if (!again)
    fail("serialized " + describe(*array) +
         " does not parse: " + llvm::toString(again.takeError()));
  if (again->dtype != array->dtype || again->shape != array->shape ||
      again->data != array->data)
    fail("round trip changed " + describe(*array) + " into " +
         describe(*again));
  if (serializeNpy(*again) != serialized)
    fail("serializing " + describe(*array) + " twice gives different bytes");
  return 0;
}
