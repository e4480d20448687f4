//===- Npy.cpp - NumPy .npy arrays in and out -----------------------------===//
//
// The .npy format is a magic string, a version, a little-endian header
// length, a Python dict literal describing the array and the raw data. The
// header parser accepts exactly the dict NumPy writes (three keys, string /
// boolean / tuple-of-integers values) and rejects anything else, so that
// arbitrary bytes end in an error message rather than in a misread array.
//
//===----------------------------------------------------------------------===//

#include "qsim/Support/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace llvm;
using namespace mlir::qsim;

namespace {

struct DTypeInfo {
  NpyDType dtype;
  StringRef name;
  /// The descr NumPy writes on a little-endian machine.
  StringRef descr;
  size_t itemSize;
};

const DTypeInfo kDTypes[] = {
    {NpyDType::Bool, "bool", "|b1", 1},
    {NpyDType::Int8, "int8", "|i1", 1},
    {NpyDType::UInt8, "uint8", "|u1", 1},
    {NpyDType::Int16, "int16", "<i2", 2},
    {NpyDType::UInt16, "uint16", "<u2", 2},
    {NpyDType::Int32, "int32", "<i4", 4},
    {NpyDType::UInt32, "uint32", "<u4", 4},
    {NpyDType::Int64, "int64", "<i8", 8},
    {NpyDType::UInt64, "uint64", "<u8", 8},
    {NpyDType::Float32, "float32", "<f4", 4},
    {NpyDType::Float64, "float64", "<f8", 8},
};

const DTypeInfo &getInfo(NpyDType dtype) {
  for (const DTypeInfo &info : kDTypes)
    if (info.dtype == dtype)
      return info;
  llvm_unreachable("every dtype has an entry");
}

Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// A cursor over the header dict: `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (2, 3), }` with any spacing NumPy or a person may use.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  void skipSpace() { text = text.ltrim(" \t\n\r"); }

  bool consume(char c) {
    skipSpace();
    if (!text.starts_with(StringRef(&c, 1)))
      return false;
    text = text.drop_front();
    return true;
  }

  bool consumeWord(StringRef word) {
    skipSpace();
    if (!text.starts_with(word))
      return false;
    text = text.drop_front(word.size());
    return true;
  }

  /// Parses a quoted string ('...' or "...") without escapes.
  Expected<StringRef> parseString() {
    skipSpace();
    if (text.empty() || (text.front() != '\'' && text.front() != '"'))
      return makeError("expected a quoted string in the header");
    char quote = text.front();
    size_t end = text.find(quote, 1);
    if (end == StringRef::npos)
      return makeError("unterminated string in the header");
    StringRef value = text.slice(1, end);
    text = text.drop_front(end + 1);
    return value;
  }

  /// Parses a non-negative decimal integer that fits comfortably in int64.
  Expected<int64_t> parseDim() {
    skipSpace();
    size_t digits = 0;
    while (digits < text.size() && isDigit(text[digits]))
      ++digits;
    if (digits == 0)
      return makeError("expected a non-negative integer in the shape");
    if (digits > 18)
      return makeError("shape dimension '" + text.take_front(digits) +
                       "' is too large");
    int64_t value = 0;
    for (char c : text.take_front(digits))
      value = value * 10 + (c - '0');
    text = text.drop_front(digits);
    return value;
  }

  /// Parses `(d0, d1, ...)`, `(d0,)` or `()`.
  Expected<SmallVector<int64_t>> parseShape() {
    SmallVector<int64_t> shape;
    if (!consume('('))
      return makeError("expected '(' to start the shape");
    if (consume(')'))
      return shape;
    while (true) {
      Expected<int64_t> dim = parseDim();
      if (!dim)
        return dim.takeError();
      shape.push_back(*dim);
      if (consume(')'))
        return shape;
      if (!consume(','))
        return makeError("expected ',' or ')' in the shape");
      if (consume(')'))
        return shape;
    }
  }

  bool atEnd() {
    skipSpace();
    return text.empty();
  }

private:
  StringRef text;
};

struct Header {
  std::optional<StringRef> descr;
  std::optional<bool> fortranOrder;
  std::optional<SmallVector<int64_t>> shape;
};

Expected<Header> parseHeaderDict(StringRef text) {
  HeaderParser parser(text);
  Header header;
  if (!parser.consume('{'))
    return makeError("header is not a dict");
  while (!parser.consume('}')) {
    Expected<StringRef> key = parser.parseString();
    if (!key)
      return key.takeError();
    if (!parser.consume(':'))
      return makeError("expected ':' after '" + *key + "' in the header");
    if (*key == "descr" && !header.descr) {
      Expected<StringRef> descr = parser.parseString();
      if (!descr)
        return descr.takeError();
      header.descr = *descr;
    } else if (*key == "fortran_order" && !header.fortranOrder) {
      if (parser.consumeWord("True"))
        header.fortranOrder = true;
      else if (parser.consumeWord("False"))
        header.fortranOrder = false;
      else
        return makeError("fortran_order must be True or False");
    } else if (*key == "shape" && !header.shape) {
      Expected<SmallVector<int64_t>> shape = parser.parseShape();
      if (!shape)
        return shape.takeError();
      header.shape = std::move(*shape);
    } else {
      return makeError("unexpected or repeated key '" + *key +
                       "' in the header");
    }
    if (parser.consume('}'))
      break;
    if (!parser.consume(','))
      return makeError("expected ',' or '}' in the header");
  }
  if (!parser.atEnd())
    return makeError("unexpected text after the header dict");
  if (!header.descr || !header.fortranOrder || !header.shape)
    return makeError("header lacks one of 'descr', 'fortran_order', 'shape'");
  return header;
}

/// Maps a descr such as '<f4' to a dtype. Multi-byte types must be little
/// endian ('<', or '=' on this little-endian host); single bytes take any
/// byte-order mark.
Expected<NpyDType> parseDescr(StringRef descr) {
  if (descr.size() == 3) {
    char order = descr[0];
    for (const DTypeInfo &info : kDTypes) {
      if (descr.drop_front() != info.descr.drop_front())
        continue;
      if (info.itemSize == 1 && StringRef("<>|=").contains(order))
        return info.dtype;
      if (order == '<' || order == '=')
        return info.dtype;
      if (order == '>')
        return makeError("big-endian dtype '" + descr +
                         "' is not supported; save a little-endian array");
    }
  }
  return makeError("unsupported dtype '" + descr +
                   "'; expected bool, int8/16/32/64, uint8/16/32/64, "
                   "float32 or float64");
}

template <typename T>
T loadLittleEndian(const char *ptr) {
  T value;
  std::memcpy(&value, ptr, sizeof(T));
  return value;
}

} // namespace

size_t mlir::qsim::getNpyItemSize(NpyDType dtype) {
  return getInfo(dtype).itemSize;
}

StringRef mlir::qsim::getNpyDTypeName(NpyDType dtype) {
  return getInfo(dtype).name;
}

std::optional<NpyDType> mlir::qsim::parseNpyDTypeName(StringRef name) {
  for (const DTypeInfo &info : kDTypes)
    if (info.name == name)
      return info.dtype;
  return std::nullopt;
}

int64_t NpyArray::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

double NpyArray::getAsDouble(int64_t index) const {
  const char *ptr = data.data() + index * getNpyItemSize(dtype);
  switch (dtype) {
  case NpyDType::Bool:
  case NpyDType::UInt8:
    return loadLittleEndian<uint8_t>(ptr);
  case NpyDType::Int8:
    return loadLittleEndian<int8_t>(ptr);
  case NpyDType::Int16:
    return loadLittleEndian<int16_t>(ptr);
  case NpyDType::UInt16:
    return loadLittleEndian<uint16_t>(ptr);
  case NpyDType::Int32:
    return loadLittleEndian<int32_t>(ptr);
  case NpyDType::UInt32:
    return loadLittleEndian<uint32_t>(ptr);
  case NpyDType::Int64:
    return static_cast<double>(loadLittleEndian<int64_t>(ptr));
  case NpyDType::UInt64:
    return static_cast<double>(loadLittleEndian<uint64_t>(ptr));
  case NpyDType::Float32:
    return loadLittleEndian<float>(ptr);
  case NpyDType::Float64:
    return loadLittleEndian<double>(ptr);
  }
  llvm_unreachable("covered switch");
}

std::string NpyArray::getShapeString() const {
  if (shape.empty())
    return "scalar";
  std::string result;
  llvm::raw_string_ostream os(result);
  llvm::interleave(shape, os, "x");
  return result;
}

namespace {
/// The fixed start of a .npy file: the magic string, the version and the
/// header length, 10 bytes in format 1.0 and 12 in 2.0 and 3.0.
struct Preamble {
  size_t size;
  uint64_t headerLength;
};

constexpr size_t kMaxPreambleSize = 12;

/// Parses the preamble at the start of `bytes`, which may go on beyond it.
Expected<Preamble> parsePreamble(StringRef bytes) {
  static constexpr StringLiteral kMagic("\x93NUMPY");
  if (!bytes.starts_with(kMagic))
    return makeError("not a .npy file (bad magic string)");
  bytes = bytes.drop_front(kMagic.size());
  if (bytes.size() < 2)
    return makeError("truncated .npy file (no version)");
  unsigned major = static_cast<uint8_t>(bytes[0]);
  unsigned minor = static_cast<uint8_t>(bytes[1]);
  bytes = bytes.drop_front(2);
  if (minor != 0 || major < 1 || major > 3)
    return makeError("unsupported .npy version " + Twine(major) + "." +
                     Twine(minor));
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (bytes.size() < lengthBytes)
    return makeError("truncated .npy file (no header length)");
  uint64_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[i]))
                    << (8 * i);
  return Preamble{kMagic.size() + 2 + lengthBytes, headerLength};
}

Error makeTruncatedHeaderError(uint64_t headerLength, uint64_t left) {
  return makeError("truncated .npy file (header of " + Twine(headerLength) +
                   " bytes, " + Twine(left) + " left)");
}

/// Parses the header dict into an array without data, with a shape whose
/// data size fits comfortably in 64 bits.
Expected<NpyArray> parseHeader(StringRef headerText) {
  Expected<Header> header = parseHeaderDict(headerText);
  if (!header)
    return makeError("malformed .npy header: " + toString(header.takeError()));
  if (*header->fortranOrder)
    return makeError("Fortran-order arrays are not supported; save with "
                     "np.ascontiguousarray");
  Expected<NpyDType> dtype = parseDescr(*header->descr);
  if (!dtype)
    return dtype.takeError();

  NpyArray array;
  array.dtype = *dtype;
  array.shape = std::move(*header->shape);
  // Guard the element count against overflow before trusting it.
  uint64_t count = 1;
  size_t itemSize = getNpyItemSize(array.dtype);
  for (int64_t dim : array.shape) {
    if (dim != 0 && count > (uint64_t(1) << 62) / static_cast<uint64_t>(dim))
      return makeError("array of shape " + array.getShapeString() +
                       " is too large");
    count *= static_cast<uint64_t>(dim);
  }
  if (count > ((uint64_t(1) << 62) / itemSize))
    return makeError("array of shape " + array.getShapeString() +
                     " is too large");
  return array;
}

/// The data size in bytes the header of `array` promises (parseHeader
/// checked that it does not overflow).
uint64_t getDataBytes(const NpyArray &array) {
  return static_cast<uint64_t>(array.getNumElements()) *
         getNpyItemSize(array.dtype);
}

Error makeSizeError(const Twine &actual, const NpyArray &array) {
  return makeError(
      "data size " + actual + " bytes disagrees with the header's shape " +
      array.getShapeString() + " of " + getNpyDTypeName(array.dtype) + " (" +
      Twine(getDataBytes(array)) + " bytes)");
}

/// NumPy reads any nonzero byte of a bool array as True. Keep only 0 and 1,
/// the bytes JIT code storing i1 values and every comparison expect.
void normalizeBools(NpyArray &array) {
  if (array.dtype == NpyDType::Bool)
    for (char &byte : array.data)
      byte = byte != 0;
}
} // namespace

Expected<NpyArray> mlir::qsim::parseNpy(StringRef bytes) {
  Expected<Preamble> preamble = parsePreamble(bytes);
  if (!preamble)
    return preamble.takeError();
  bytes = bytes.drop_front(preamble->size);
  if (preamble->headerLength > bytes.size())
    return makeTruncatedHeaderError(preamble->headerLength, bytes.size());
  Expected<NpyArray> array =
      parseHeader(bytes.take_front(preamble->headerLength));
  if (!array)
    return array.takeError();
  StringRef payload = bytes.drop_front(preamble->headerLength);
  uint64_t expected = getDataBytes(*array);
  if (payload.size() != expected)
    return makeSizeError(Twine(payload.size()), *array);
  array->data.assign(payload.begin(), payload.end());
  normalizeBools(*array);
  return array;
}

namespace {
/// Reads until `buffer` is full or the file ends; returns the bytes read.
Expected<size_t> readFully(sys::fs::file_t file, MutableArrayRef<char> buffer) {
  size_t done = 0;
  while (done < buffer.size()) {
    Expected<size_t> count =
        sys::fs::readNativeFile(file, buffer.drop_front(done));
    if (!count)
      return count.takeError();
    if (*count == 0)
      break;
    done += *count;
  }
  return done;
}

/// Closes a file when it goes out of scope.
struct FileCloser {
  sys::fs::file_t file;
  ~FileCloser() { sys::fs::closeFile(file); }
};

/// Reads the .npy file open as `file` piece by piece: the preamble and the
/// header first, so that bytes that are not a .npy file, or a header that
/// claims more data than the file holds, are rejected before anything large
/// is read or allocated. `fileSize` is the size of a regular file; a pipe or
/// a device has none, and is read as far as the header says, plus one byte
/// to detect trailing data.
Expected<NpyArray> readNpy(sys::fs::file_t file,
                           std::optional<uint64_t> fileSize) {
  char start[kMaxPreambleSize];
  Expected<size_t> startSize = readFully(file, start);
  if (!startSize)
    return startSize.takeError();
  StringRef startBytes(start, *startSize);
  Expected<Preamble> preamble = parsePreamble(startBytes);
  if (!preamble)
    return preamble.takeError();

  // The header: whatever of it the first read took, then the rest.
  std::string headerText(startBytes.drop_front(preamble->size));
  uint64_t headerLength = preamble->headerLength;
  // The file may shrink after its size was taken; never wrap around.
  uint64_t afterPreamble =
      fileSize ? *fileSize - std::min<uint64_t>(*fileSize, preamble->size) : 0;
  if (fileSize && headerLength > afterPreamble)
    return makeTruncatedHeaderError(headerLength, afterPreamble);
  if (headerText.size() > headerLength)
    headerText.resize(headerLength);
  // Grow the header as its bytes arrive, rather than trusting a length of
  // up to 4 GiB from a stream.
  while (headerText.size() < headerLength) {
    size_t chunk =
        std::min<uint64_t>(headerLength - headerText.size(), uint64_t(1) << 20);
    size_t old = headerText.size();
    headerText.resize(old + chunk);
    Expected<size_t> count =
        readFully(file, MutableArrayRef<char>(&headerText[old], chunk));
    if (!count)
      return count.takeError();
    headerText.resize(old + *count);
    if (*count < chunk)
      return makeTruncatedHeaderError(headerLength, headerText.size());
  }
  // Whatever the first read took beyond the header is data.
  StringRef dataStart;
  if (startBytes.size() - preamble->size > headerLength)
    dataStart = startBytes.drop_front(preamble->size + headerLength);

  Expected<NpyArray> array = parseHeader(headerText);
  if (!array)
    return array.takeError();
  uint64_t expected = getDataBytes(*array);
  if (fileSize) {
    uint64_t payload = afterPreamble - headerLength;
    if (payload != expected)
      return makeSizeError(Twine(payload), *array);
  }
  if (dataStart.size() > expected)
    return makeSizeError(Twine(dataStart.size()), *array);
  if (Error error = resizeNpyData(*array, expected))
    return std::move(error);
  // memcpy wants valid pointers even for no bytes; an empty StringRef has
  // none.
  if (!dataStart.empty())
    std::memcpy(array->data.data(), dataStart.data(), dataStart.size());
  Expected<size_t> count = readFully(
      file, MutableArrayRef<char>(array->data).drop_front(dataStart.size()));
  if (!count)
    return count.takeError();
  uint64_t got = dataStart.size() + *count;
  if (got < expected)
    return makeSizeError(Twine(got), *array);
  char extra;
  Expected<size_t> extraCount = readFully(file, MutableArrayRef<char>(extra));
  if (!extraCount)
    return extraCount.takeError();
  if (*extraCount)
    return makeSizeError("more than " + Twine(expected), *array);
  normalizeBools(*array);
  return array;
}
} // namespace

Expected<NpyArray> mlir::qsim::readNpyFile(StringRef path) {
  auto cannotRead = [&](std::error_code ec) {
    return makeError("cannot read '" + path + "': " + ec.message());
  };
  Expected<sys::fs::file_t> file = sys::fs::openNativeFileForRead(path);
  if (!file)
    return cannotRead(errorToErrorCode(file.takeError()));
  FileCloser closer{*file};
  sys::fs::file_status status;
  if (std::error_code ec = sys::fs::status(*file, status))
    return cannotRead(ec);
  if (status.type() == sys::fs::file_type::directory_file)
    return cannotRead(std::make_error_code(std::errc::is_a_directory));
  std::optional<uint64_t> fileSize;
  if (status.type() == sys::fs::file_type::regular_file)
    fileSize = status.getSize();
  Expected<NpyArray> array = readNpy(*file, fileSize);
  if (!array)
    return makeError("'" + path + "': " + toString(array.takeError()));
  return array;
}

Error mlir::qsim::resizeNpyData(NpyArray &array, uint64_t bytes) {
  // A failed std::vector allocation aborts the process (there are no
  // exceptions to catch). Ask malloc first, which fails gracefully when the
  // address space or the commit limit cannot hold the array. The pointer is
  // volatile because a compiler may otherwise drop an unused malloc/free
  // pair, and with it the probe (clang does at -O1 and above).
  void *volatile probe =
      bytes <= array.data.max_size() ? std::malloc(bytes) : nullptr;
  if (!probe && bytes)
    return makeError("cannot allocate " + Twine(bytes) +
                     " bytes for an array of shape " + array.getShapeString() +
                     " of " + getNpyDTypeName(array.dtype));
  std::free(probe);
  array.data.resize(bytes);
  return Error::success();
}

std::string mlir::qsim::serializeNpyHeader(const NpyArray &array) {
  std::string dict;
  raw_string_ostream os(dict);
  os << "{'descr': '" << getInfo(array.dtype).descr
     << "', 'fortran_order': False, 'shape': (";
  for (int64_t dim : array.shape)
    os << dim << ", ";
  if (array.shape.size() > 1)
    dict.resize(dict.size() - 2);
  else if (array.shape.size() == 1)
    dict.resize(dict.size() - 1);
  os << "), }";
  // Pad so that magic + version + length + header is a multiple of 64, with
  // a trailing newline, as NumPy does. Format 1.0 stores the header length
  // in 2 bytes; like NumPy, switch to 2.0 (4 bytes) for a longer header,
  // which a shape of very high rank needs.
  auto paddedSize = [&](size_t lengthBytes) {
    size_t total = 6 + 2 + lengthBytes + dict.size() + 1;
    return dict.size() + (64 - total % 64) % 64 + 1;
  };
  size_t lengthBytes = paddedSize(2) <= 0xffff ? 2 : 4;
  dict.resize(paddedSize(lengthBytes) - 1, ' ');
  dict.push_back('\n');

  std::string out("\x93NUMPY", 6);
  out.push_back(lengthBytes == 2 ? 1 : 2);
  out.push_back(0);
  for (size_t i = 0; i < lengthBytes; ++i)
    out.push_back(static_cast<char>((dict.size() >> (8 * i)) & 0xff));
  out += dict;
  return out;
}

std::string mlir::qsim::serializeNpy(const NpyArray &array) {
  std::string out = serializeNpyHeader(array);
  out.append(array.data.begin(), array.data.end());
  return out;
}

Error mlir::qsim::writeNpyFile(StringRef path, const NpyArray &array) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  // The data goes from the array to the file directly: a copy of a large
  // result would double the memory the write needs.
  os << serializeNpyHeader(array);
  os.write(array.data.data(), array.data.size());
  os.close();
  if (os.has_error()) {
    std::error_code error = os.error();
    // The stream would otherwise report the error again as a fatal one when
    // it is destroyed.
    os.clear_error();
    // A truncated file would read as a malformed array later; remove it,
    // but never what a link points to or a device.
    sys::fs::file_status status;
    if (!sys::fs::status(path, status, /*follow=*/false) &&
        status.type() == sys::fs::file_type::regular_file)
      sys::fs::remove(path);
    return makeError("cannot write '" + path + "': " + error.message());
  }
  return Error::success();
}
