//===- Npy.h - NumPy .npy arrays in and out --------------------*- C++ -*-===//
//
// Reads and writes NumPy's .npy format (versions 1.0, 2.0 and 3.0), little
// endian, C order, for the numeric dtypes qsim runs models on. The reader is
// strict: anything it cannot represent exactly, or a file whose size
// disagrees with its header, is an error with a one-line message, never a
// guess. It is fuzzed (see test/fuzz).
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_SUPPORT_NPY_H
#define QSIM_SUPPORT_NPY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qsim {

/// The element types a .npy array may have.
enum class NpyDType {
  Bool,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float32,
  Float64
};

/// The size of one element of `dtype` in bytes.
size_t getNpyItemSize(NpyDType dtype);

/// NumPy's name of `dtype` (`float32`, `uint8`, ...).
llvm::StringRef getNpyDTypeName(NpyDType dtype);

/// Parses a NumPy dtype name (`float32`, `int8`, ...).
std::optional<NpyDType> parseNpyDTypeName(llvm::StringRef name);

/// A dense C-order array with little-endian elements.
struct NpyArray {
  NpyDType dtype = NpyDType::Float32;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;

  /// The number of elements, the product of the shape (1 for a scalar).
  int64_t getNumElements() const;

  /// Reads element `index` converted to double (exact for every dtype but
  /// 64-bit integers beyond 2^53).
  double getAsDouble(int64_t index) const;

  /// The shape as `2x3x4` (`scalar` for rank 0).
  std::string getShapeString() const;
};

/// Parses the bytes of a .npy file.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes);

/// Reads and parses a .npy file. The header comes first: bytes that are not
/// a .npy file, or a header that disagrees with the size of a regular file,
/// are errors before any data is read. A pipe or a device is read as far as
/// its header says, and must end there.
llvm::Expected<NpyArray> readNpyFile(llvm::StringRef path);

/// Resizes `array.data` to `bytes`, or fails with a message naming the
/// array's shape when so much memory cannot be allocated.
llvm::Error resizeNpyData(NpyArray &array, uint64_t bytes);

/// The .npy preamble and header of `array`, without the data: format 1.0,
/// or 2.0 when the header does not fit in 1.0's 64 KiB (a shape of very high
/// rank), as NumPy does.
std::string serializeNpyHeader(const NpyArray &array);

/// Serializes `array` in .npy format: serializeNpyHeader, then the data.
std::string serializeNpy(const NpyArray &array);

/// Writes `array` to `path` in .npy format, the data straight from the
/// array. An I/O error names `path` and removes what was written.
llvm::Error writeNpyFile(llvm::StringRef path, const NpyArray &array);

} // namespace mlir::qsim

#endif // QSIM_SUPPORT_NPY_H
