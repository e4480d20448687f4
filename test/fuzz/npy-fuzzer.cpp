//===- npy-fuzzer.cpp - libFuzzer target of the .npy reader ---------------===//
//
// Feeds arbitrary bytes to parseNpy. Every input must end in an array or an
// error message, never in a crash, a sanitizer report or a hang. An input
// that parses must also survive serializeNpy and parseNpy unchanged (dtype,
// shape and data), and serializing it again must give the same bytes: the
// writer's output is what the reader accepts, whatever the reader accepted.
// The same bytes read from a file by readNpyFile, which reads the header
// before the data, must give the same array or the same error.
//
// scripts/fuzz.sh npy builds and runs it; test/fuzz/npy-fuzz.test runs it
// briefly as part of the test suite.
//
//===----------------------------------------------------------------------===//

#include "qsim/Support/Npy.h"

#include "llvm/Support/FileSystem.h"
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

/// Writes `bytes` to a file of this process and reads it with readNpyFile.
static llvm::Expected<NpyArray> readThroughFile(llvm::StringRef bytes,
                                                std::string &path) {
  static std::string filePath = [] {
    llvm::SmallString<128> temp;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("npy-fuzzer", "npy", temp))
      fail("cannot create a temporary file: " + ec.message());
    return std::string(temp);
  }();
  path = filePath;
  std::error_code ec;
  llvm::raw_fd_ostream os(filePath, ec);
  if (ec)
    fail("cannot write '" + filePath + "': " + ec.message());
  os << bytes;
  os.close();
  if (os.has_error())
    fail("cannot write '" + filePath + "'");
  return readNpyFile(filePath);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<NpyArray> array = parseNpy(bytes);
  std::string path;
  llvm::Expected<NpyArray> fromFile = readThroughFile(bytes, path);
  if (!array) {
    // A rejected input must still come with a message, and the file reader
    // must reject it with the same one, after the file name.
    std::string message = llvm::toString(array.takeError());
    if (message.empty())
      fail("parseNpy failed without a message");
    if (fromFile)
      fail("readNpyFile accepted " + describe(*fromFile) +
           " that parseNpy rejects: " + message);
    std::string fileMessage = llvm::toString(fromFile.takeError());
    if (fileMessage != "'" + path + "': " + message)
      fail("readNpyFile says '" + fileMessage + "' where parseNpy says '" +
           message + "'");
    return 0;
  }
  if (!fromFile)
    fail("readNpyFile rejects " + describe(*array) +
         " that parseNpy accepts: " + llvm::toString(fromFile.takeError()));
  if (fromFile->dtype != array->dtype || fromFile->shape != array->shape ||
      fromFile->data != array->data)
    fail("readNpyFile read " + describe(*fromFile) + " where parseNpy read " +
         describe(*array));

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
