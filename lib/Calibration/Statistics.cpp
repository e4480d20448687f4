//===- Statistics.cpp - read and write the calibration statistics file ----===//
//
// The reader follows the schema of qsim/Calibration/Statistics.h directly
// over the JSON grammar: one function for each of its three levels (the
// top-level object, "activations", an entry), each reading the members of
// its object and rejecting the first one the schema does not allow. So no
// JSON tree is ever built (a tree of small objects takes over a hundred
// times the file's size), nothing recurses, and a value nested deeper than
// the schema is rejected by its first character.
//
// Numbers are kept as their text until strtod, which rounds correctly,
// converts them, so that a double written with 17 significant digits reads
// back as the same double.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Statistics.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace mlir::qsim;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `text` as a diagnostic shows it: on one line and short. Control
/// characters and invalid UTF-8 become \XX escapes, and a hostile file's
/// megabyte-long name or number is cut after 100 bytes.
static std::string quote(llvm::StringRef text) {
  constexpr size_t kMaxBytes = 100;
  llvm::StringRef shown = text.take_front(kMaxBytes);
  std::string result;
  llvm::raw_string_ostream os(result);
  bool plain = llvm::json::isUTF8(shown) && llvm::none_of(shown, [](char c) {
                 return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
               });
  if (plain)
    os << shown;
  else
    llvm::printEscapedString(shown, os);
  if (shown.size() < text.size())
    os << "... (" << text.size() << " bytes)";
  return result;
}

bool ActivationStatistics::operator==(const ActivationStatistics &other) const {
  return name == other.name && min == other.min && max == other.max &&
         observedMin == other.observedMin && observedMax == other.observedMax &&
         nonFinite == other.nonFinite;
}

bool CalibrationStatistics::operator==(
    const CalibrationStatistics &other) const {
  return observer == other.observer && samples == other.samples &&
         activations == other.activations;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {

constexpr llvm::StringLiteral kNotActivationsObject =
    "expected an object with an \"activations\" object";

/// The keys of one activation entry, as bits of a "seen" mask.
enum EntryField : unsigned {
  FieldMin = 1u << 0,
  FieldMax = 1u << 1,
  FieldObservedMin = 1u << 2,
  FieldObservedMax = 1u << 3,
  FieldNonFinite = 1u << 4,
};

/// The top-level keys, as bits of a "seen" mask.
enum TopField : unsigned {
  TopObserver = 1u << 0,
  TopSamples = 1u << 1,
  TopActivations = 1u << 2,
};

/// A reader of exactly the schema of Statistics.h over the JSON grammar
/// (RFC 8259). The three levels of the schema are three functions, so there
/// is no recursion; a value of the wrong kind (an array, a nested object) is
/// rejected by its first character, never read.
class StatisticsParser {
public:
  explicit StatisticsParser(llvm::StringRef text) : text(text) {}

  llvm::Expected<CalibrationStatistics> parse();

private:
  using MemberFn = llvm::function_ref<llvm::Error(llvm::StringRef key)>;

  bool atEnd() const { return pos == text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  /// `not valid JSON: <what> (line L, column C)` at byte `at`.
  llvm::Error syntaxErrorAt(size_t at, const llvm::Twine &what) const;
  llvm::Error syntaxError(const llvm::Twine &what) const {
    return syntaxErrorAt(pos, what);
  }

  /// What the value starting at the next character is ("an array", "a
  /// number", ...), or an error when no JSON value starts there.
  llvm::Expected<llvm::StringRef> describeValue();

  /// Reads a string (at its opening quote) into `out`.
  llvm::Error parseString(std::string &out);
  /// Reads a number (the JSON grammar) and returns its text.
  llvm::Expected<llvm::StringRef> scanNumber();
  /// Reads an object (at its '{'), calling `onMember` after each key and its
  /// ':' to read the value. The key is valid until the next key is read.
  llvm::Error parseMembers(MemberFn onMember);

  llvm::Error parseTopMember(llvm::StringRef key);
  llvm::Error parseActivations();
  llvm::Error parseEntry(ActivationStatistics &entry);
  llvm::Error parseEntryMember(ActivationStatistics &entry, llvm::StringRef key,
                               unsigned &seen);

  llvm::StringRef text;
  size_t pos = 0;
  CalibrationStatistics statistics;
  unsigned topSeen = 0;
  std::string key;
};

llvm::Error StatisticsParser::syntaxErrorAt(size_t at,
                                            const llvm::Twine &what) const {
  llvm::StringRef before = text.take_front(at);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column = lineStart == llvm::StringRef::npos ? at + 1 : at - lineStart;
  return makeError("not valid JSON: " + what + " (line " + llvm::Twine(line) +
                   ", column " + llvm::Twine(column) + ")");
}

llvm::Expected<llvm::StringRef> StatisticsParser::describeValue() {
  skipSpace();
  llvm::StringRef rest = text.drop_front(pos);
  switch (peek()) {
  case '{':
    return llvm::StringRef("an object");
  case '[':
    return llvm::StringRef("an array");
  case '"':
    return llvm::StringRef("a string");
  default:
    if (peek() == '-' || llvm::isDigit(peek()))
      return llvm::StringRef("a number");
    for (llvm::StringRef literal : {"true", "false", "null"})
      if (rest.starts_with(literal))
        return literal;
    if (atEnd())
      return syntaxError("unexpected end of the file");
    return syntaxError("invalid value");
  }
}

/// Appends code point `c` (at most 0x10FFFF, not a surrogate) as UTF-8.
static void appendUTF8(std::string &out, unsigned c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

llvm::Error StatisticsParser::parseString(std::string &out) {
  size_t start = pos++;
  out.clear();
  // The four hex digits of a \u escape at pos, or std::nullopt.
  auto readHex4 = [&]() -> std::optional<unsigned> {
    unsigned value = 0;
    if (text.size() - pos < 4)
      return std::nullopt;
    for (int i = 0; i < 4; ++i) {
      unsigned digit = llvm::hexDigitValue(text[pos + i]);
      if (digit == ~0u)
        return std::nullopt;
      value = value * 16 + digit;
    }
    pos += 4;
    return value;
  };
  while (true) {
    if (atEnd())
      return syntaxErrorAt(start, "unterminated string");
    char c = text[pos];
    if (c == '"')
      break;
    if (static_cast<unsigned char>(c) < 0x20)
      return syntaxError("control character in a string");
    ++pos;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (atEnd())
      return syntaxErrorAt(start, "unterminated string");
    char escape = text[pos++];
    switch (escape) {
    case '"':
    case '\\':
    case '/':
      out.push_back(escape);
      break;
    case 'b':
      out.push_back('\b');
      break;
    case 'f':
      out.push_back('\f');
      break;
    case 'n':
      out.push_back('\n');
      break;
    case 'r':
      out.push_back('\r');
      break;
    case 't':
      out.push_back('\t');
      break;
    case 'u': {
      size_t escapeStart = pos - 2;
      std::optional<unsigned> code = readHex4();
      if (!code)
        return syntaxErrorAt(escapeStart, "invalid \\u escape");
      // A high surrogate must be followed by the escape of a low one; the
      // pair is one code point. A lone surrogate is no character.
      if (*code >= 0xD800 && *code <= 0xDBFF) {
        std::optional<unsigned> low;
        if (text.drop_front(pos).starts_with("\\u")) {
          pos += 2;
          low = readHex4();
        }
        if (!low || *low < 0xDC00 || *low > 0xDFFF)
          return syntaxErrorAt(escapeStart, "unpaired surrogate escape");
        *code = 0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00);
      } else if (*code >= 0xDC00 && *code <= 0xDFFF) {
        return syntaxErrorAt(escapeStart, "unpaired surrogate escape");
      }
      appendUTF8(out, *code);
      break;
    }
    default:
      return syntaxErrorAt(pos - 2, "invalid escape in a string");
    }
  }
  ++pos;
  // The escapes above only make valid UTF-8; the raw bytes may not be.
  if (!llvm::json::isUTF8(out))
    return syntaxErrorAt(start, "invalid UTF-8 in a string");
  return llvm::Error::success();
}

llvm::Expected<llvm::StringRef> StatisticsParser::scanNumber() {
  size_t start = pos;
  auto skipDigits = [&] {
    size_t first = pos;
    while (llvm::isDigit(peek()))
      ++pos;
    return pos > first;
  };
  if (peek() == '-')
    ++pos;
  if (peek() == '0')
    ++pos;
  else if (!skipDigits())
    return syntaxError("invalid number");
  if (peek() == '.') {
    ++pos;
    if (!skipDigits())
      return syntaxError("invalid number");
  }
  if (peek() == 'e' || peek() == 'E') {
    ++pos;
    if (peek() == '+' || peek() == '-')
      ++pos;
    if (!skipDigits())
      return syntaxError("invalid number");
  }
  return text.slice(start, pos);
}

llvm::Error StatisticsParser::parseMembers(MemberFn onMember) {
  ++pos;
  skipSpace();
  if (peek() == '}') {
    ++pos;
    return llvm::Error::success();
  }
  while (true) {
    skipSpace();
    if (peek() != '"')
      return syntaxError(atEnd() ? "unexpected end of the file"
                                 : "expected a string key");
    if (llvm::Error error = parseString(key))
      return error;
    skipSpace();
    if (peek() != ':')
      return syntaxError("expected ':' after a key");
    ++pos;
    if (llvm::Error error = onMember(key))
      return error;
    skipSpace();
    if (peek() == ',') {
      ++pos;
      continue;
    }
    if (peek() == '}') {
      ++pos;
      return llvm::Error::success();
    }
    return syntaxError(atEnd() ? "unexpected end of the file"
                               : "expected ',' or '}' after an object member");
  }
}

/// A JSON number that is a non-negative integer fitting int64_t.
static std::optional<int64_t> parseCount(llvm::StringRef number) {
  int64_t count;
  if (number.getAsInteger(10, count) || count < 0)
    return std::nullopt;
  return count;
}

/// A JSON number as the nearest double (strtod rounds correctly);
/// std::nullopt when it overflows. An underflow gives the nearest double (0
/// or a subnormal), as the file's writer would have printed it.
static std::optional<double> parseDouble(llvm::StringRef number) {
  std::string terminated = number.str();
  char *end = nullptr;
  double value = std::strtod(terminated.c_str(), &end);
  if (end != terminated.c_str() + terminated.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

llvm::Error StatisticsParser::parseTopMember(llvm::StringRef key) {
  unsigned field = llvm::StringSwitch<unsigned>(key)
                       .Case("observer", TopObserver)
                       .Case("samples", TopSamples)
                       .Case("activations", TopActivations)
                       .Default(0);
  if (!field)
    return makeError("unknown key \"" + quote(key) +
                     "\" (expected observer, samples and activations)");
  if (topSeen & field)
    return makeError("duplicate key \"" + quote(key) + "\"");
  topSeen |= field;

  llvm::Expected<llvm::StringRef> kind = describeValue();
  if (!kind)
    return kind.takeError();
  switch (field) {
  case TopObserver: {
    if (*kind != "a string")
      return makeError("\"observer\" must be a string, got " + *kind);
    std::string observer;
    if (llvm::Error error = parseString(observer))
      return error;
    statistics.observer = std::move(observer);
    return llvm::Error::success();
  }
  case TopSamples: {
    if (*kind != "a number")
      return makeError("\"samples\" must be a non-negative integer, got " +
                       *kind);
    llvm::Expected<llvm::StringRef> number = scanNumber();
    if (!number)
      return number.takeError();
    std::optional<int64_t> count = parseCount(*number);
    if (!count)
      return makeError("\"samples\" must be a non-negative integer, got " +
                       quote(*number));
    statistics.samples = *count;
    return llvm::Error::success();
  }
  default:
    if (*kind != "an object")
      return makeError(kNotActivationsObject);
    return parseActivations();
  }
}

llvm::Error StatisticsParser::parseActivations() {
  return parseMembers([&](llvm::StringRef name) -> llvm::Error {
    ActivationStatistics &entry = statistics.activations.emplace_back();
    entry.name = name.str();
    return parseEntry(entry);
  });
}

llvm::Error StatisticsParser::parseEntry(ActivationStatistics &entry) {
  auto needsRange = [&] {
    return makeError("entry '" + quote(entry.name) +
                     "' needs numeric \"min\" and \"max\"");
  };
  llvm::Expected<llvm::StringRef> kind = describeValue();
  if (!kind)
    return kind.takeError();
  if (*kind != "an object")
    return needsRange();
  unsigned seen = 0;
  // The bounds' own text, for the message of an inverted range.
  llvm::StringRef minText, maxText;
  if (llvm::Error error = parseMembers([&](llvm::StringRef key) -> llvm::Error {
        size_t valueStart = pos;
        if (llvm::Error error = parseEntryMember(entry, key, seen))
          return error;
        llvm::StringRef value = text.slice(valueStart, pos).trim();
        if (key == "min")
          minText = value;
        else if (key == "max")
          maxText = value;
        return llvm::Error::success();
      }))
    return error;
  if ((seen & (FieldMin | FieldMax)) != (FieldMin | FieldMax))
    return needsRange();
  if (entry.min > entry.max)
    return makeError("entry '" + quote(entry.name) +
                     "' has an invalid range [" + quote(minText) + ", " +
                     quote(maxText) + "]");
  return llvm::Error::success();
}

llvm::Error StatisticsParser::parseEntryMember(ActivationStatistics &entry,
                                               llvm::StringRef key,
                                               unsigned &seen) {
  unsigned field = llvm::StringSwitch<unsigned>(key)
                       .Case("min", FieldMin)
                       .Case("max", FieldMax)
                       .Case("observed_min", FieldObservedMin)
                       .Case("observed_max", FieldObservedMax)
                       .Case("non_finite", FieldNonFinite)
                       .Default(0);
  if (!field)
    return makeError("entry '" + quote(entry.name) + "' has an unknown key \"" +
                     quote(key) +
                     "\" (expected min, max, observed_min, observed_max and "
                     "non_finite)");
  if (seen & field)
    return makeError("entry '" + quote(entry.name) +
                     "' has a duplicate key \"" + quote(key) + "\"");
  seen |= field;

  llvm::Expected<llvm::StringRef> kind = describeValue();
  if (!kind)
    return kind.takeError();
  if (*kind != "a number") {
    if (field == FieldMin || field == FieldMax)
      return makeError("entry '" + quote(entry.name) +
                       "' needs numeric \"min\" and \"max\"");
    return makeError("entry '" + quote(entry.name) + "': \"" + quote(key) +
                     "\" must be a number, got " + *kind);
  }
  llvm::Expected<llvm::StringRef> number = scanNumber();
  if (!number)
    return number.takeError();
  if (field == FieldNonFinite) {
    std::optional<int64_t> count = parseCount(*number);
    if (!count)
      return makeError("entry '" + quote(entry.name) +
                       "': \"non_finite\" must be a non-negative integer, "
                       "got " +
                       quote(*number));
    entry.nonFinite = *count;
    return llvm::Error::success();
  }
  std::optional<double> value = parseDouble(*number);
  if (!value)
    return makeError("entry '" + quote(entry.name) + "': \"" + quote(key) +
                     "\" " + quote(*number) + " is not a finite double");
  switch (field) {
  case FieldMin:
    entry.min = *value;
    break;
  case FieldMax:
    entry.max = *value;
    break;
  case FieldObservedMin:
    entry.observedMin = *value;
    break;
  default:
    entry.observedMax = *value;
    break;
  }
  return llvm::Error::success();
}

/// The first activation whose name an earlier one already has. Two entries
/// for one name would silently give one range to two layers: a file must say
/// which range it means.
const ActivationStatistics *
findDuplicateName(llvm::ArrayRef<ActivationStatistics> activations) {
  // StringRefs into the finished vector: 16 bytes a name, no copies.
  llvm::DenseSet<llvm::StringRef> names;
  names.reserve(activations.size());
  for (const ActivationStatistics &entry : activations)
    if (!names.insert(entry.name).second)
      return &entry;
  return nullptr;
}

llvm::Expected<CalibrationStatistics> StatisticsParser::parse() {
  // Every entry is an object, and the smallest takes 20 bytes
  // ("":{"min":0,"max":0}), so this bounds the number of entries without
  // ever reserving much more than the file's size: the vector need not grow
  // and copy itself while it is filled.
  constexpr size_t kSmallestEntryBytes = 20;
  statistics.activations.reserve(
      std::min<size_t>(text.count('{'), text.size() / kSmallestEntryBytes));

  skipSpace();
  if (atEnd())
    return syntaxError("the file is empty");
  llvm::Expected<llvm::StringRef> kind = describeValue();
  if (!kind)
    return kind.takeError();
  if (*kind != "an object")
    return makeError(kNotActivationsObject);
  if (llvm::Error error = parseMembers(
          [&](llvm::StringRef key) { return parseTopMember(key); }))
    return std::move(error);
  skipSpace();
  if (!atEnd())
    return syntaxError("text after the top-level object");
  if (!(topSeen & TopActivations))
    return makeError(kNotActivationsObject);
  if (const ActivationStatistics *duplicate =
          findDuplicateName(statistics.activations))
    return makeError("duplicate activation '" + quote(duplicate->name) + "'");
  return std::move(statistics);
}

} // namespace

llvm::Expected<CalibrationStatistics>
mlir::qsim::parseStatistics(llvm::StringRef text) {
  return StatisticsParser(text).parse();
}

llvm::Expected<CalibrationStatistics>
mlir::qsim::readStatisticsFile(llvm::StringRef path) {
  // A device such as /dev/zero never ends; a pipe does, so it is read.
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return makeError("cannot read it: " + ec.message());
  llvm::sys::fs::file_type type = status.type();
  if (type != llvm::sys::fs::file_type::regular_file &&
      type != llvm::sys::fs::file_type::fifo_file)
    return makeError("cannot read it: not a regular file");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (std::error_code ec = buffer.getError())
    return makeError("cannot read it: " + ec.message());
  return parseStatistics((*buffer)->getBuffer());
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

void mlir::qsim::writeStatistics(llvm::raw_ostream &os,
                                 const CalibrationStatistics &statistics) {
  // json::OStream prints a double with 17 significant digits, which strtod
  // turns back into the same double.
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    if (statistics.observer)
      json.attribute("observer", *statistics.observer);
    if (statistics.samples)
      json.attribute("samples", *statistics.samples);
    json.attributeObject("activations", [&] {
      for (const ActivationStatistics &entry : statistics.activations) {
        json.attributeObject(entry.name, [&] {
          json.attribute("min", entry.min);
          json.attribute("max", entry.max);
          if (entry.observedMin)
            json.attribute("observed_min", *entry.observedMin);
          if (entry.observedMax)
            json.attribute("observed_max", *entry.observedMax);
          json.attribute("non_finite", entry.nonFinite);
        });
      }
    });
  });
  os << "\n";
}

/// Whether the reader would accept what the writer makes of `statistics`.
static llvm::Error checkWritable(const CalibrationStatistics &statistics) {
  auto isFinite = [](std::optional<double> value) {
    return !value || std::isfinite(*value);
  };
  if (statistics.observer && !llvm::json::isUTF8(*statistics.observer))
    return makeError("the observer name is not valid UTF-8");
  if (statistics.samples && *statistics.samples < 0)
    return makeError("negative sample count " +
                     llvm::Twine(*statistics.samples));
  if (const ActivationStatistics *duplicate =
          findDuplicateName(statistics.activations))
    return makeError("duplicate activation '" + quote(duplicate->name) + "'");
  for (const ActivationStatistics &entry : statistics.activations) {
    if (!llvm::json::isUTF8(entry.name))
      return makeError(llvm::Twine("activation name '") + quote(entry.name) +
                       "' is not valid UTF-8");
    if (!std::isfinite(entry.min) || !std::isfinite(entry.max) ||
        entry.min > entry.max || !isFinite(entry.observedMin) ||
        !isFinite(entry.observedMax))
      return makeError(llvm::Twine("activation '") + quote(entry.name) +
                       "' has an invalid range [" + std::to_string(entry.min) +
                       ", " + std::to_string(entry.max) + "]");
    if (entry.nonFinite < 0)
      return makeError(llvm::Twine("activation '") + quote(entry.name) +
                       "' has a negative non-finite count");
  }
  return llvm::Error::success();
}

llvm::Error
mlir::qsim::writeStatisticsFile(llvm::StringRef path,
                                const CalibrationStatistics &statistics) {
  auto cannotWrite = [&](const llvm::Twine &reason) {
    return makeError("cannot write '" + path + "': " + reason);
  };
  if (llvm::Error error = checkWritable(statistics))
    return cannotWrite(llvm::toString(std::move(error)));
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return cannotWrite(ec.message());
  writeStatistics(os, statistics);
  os.close();
  // A failed write (a full disk) only shows here; clearing it keeps
  // raw_fd_ostream's destructor from turning it into a fatal error.
  if (os.has_error()) {
    ec = os.error();
    os.clear_error();
    return cannotWrite(ec.message());
  }
  return llvm::Error::success();
}
