//===- Statistics.cpp - read and write the calibration statistics file ----===//
//
// The reader is a rapidjson SAX handler that is a small state machine over
// the schema of qsim/Calibration/Statistics.h: it fills the result as the
// tokens arrive and stops at the first token the schema does not allow. So
// no JSON tree is ever built (a tree of small objects takes about a hundred
// times the file's size), and the deepest nesting it accepts is three
// objects; the iterative parse keeps rapidjson itself off the call stack.
//
// Numbers arrive as their text (kParseNumbersAsStringsFlag) and are
// converted here with strtod, which rounds correctly, so that writing a
// double with 17 significant digits and reading it again gives it back.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Statistics.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

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

constexpr llvm::StringLiteral kNotActivationsObject =
    "expected an object with an \"activations\" object";

/// Builds a CalibrationStatistics from rapidjson's SAX events. Every method
/// returns false, with `message` set, on the first event the schema does not
/// allow, which stops the parse.
class StatisticsHandler {
public:
  using Ch = char;
  using SizeType = rapidjson::SizeType;

  CalibrationStatistics statistics;
  std::string message;

  bool StartObject() {
    switch (state) {
    case State::Root:
      state = State::TopKey;
      return true;
    case State::TopValue:
      if (topField != TopActivations)
        return failTopValue("an object");
      state = State::ActivationName;
      return true;
    case State::EntryStart:
      state = State::EntryKey;
      entrySeen = 0;
      return true;
    case State::EntryValue:
      return failEntryValue("an object");
    default:
      return fail("unexpected object");
    }
  }

  bool Key(const Ch *str, SizeType length, bool) {
    llvm::StringRef key(str, length);
    switch (state) {
    case State::TopKey:
      return startTopValue(key);
    case State::ActivationName:
      return startEntry(key);
    case State::EntryKey:
      return startEntryValue(key);
    default:
      return fail("unexpected key");
    }
  }

  bool EndObject(SizeType) {
    switch (state) {
    case State::TopKey:
      if (!(topSeen & TopActivations))
        return fail(kNotActivationsObject);
      state = State::Done;
      return true;
    case State::ActivationName:
      state = State::TopKey;
      return true;
    case State::EntryKey:
      return finishEntry();
    default:
      return fail("unexpected end of object");
    }
  }

  bool StartArray() { return failValue("an array"); }
  bool EndArray(SizeType) { return fail("unexpected end of array"); }
  bool Null() { return failValue("null"); }
  bool Bool(bool value) { return failValue(value ? "true" : "false"); }

  bool String(const Ch *str, SizeType length, bool) {
    llvm::StringRef text(str, length);
    if (state == State::TopValue && topField == TopObserver) {
      if (!llvm::json::isUTF8(text))
        return fail("\"observer\" is not valid UTF-8");
      statistics.observer = text.str();
      state = State::TopKey;
      return true;
    }
    return failValue("a string");
  }

  bool RawNumber(const Ch *str, SizeType length, bool) {
    llvm::StringRef text(str, length);
    if (state == State::TopValue) {
      if (topField != TopSamples)
        return failTopValue("a number");
      std::optional<int64_t> count = parseCount(text);
      if (!count)
        return fail(
            llvm::Twine("\"samples\" must be a non-negative integer, got ") +
            text);
      statistics.samples = *count;
      state = State::TopKey;
      return true;
    }
    if (state != State::EntryValue)
      return failValue("a number");

    ActivationStatistics &entry = statistics.activations.back();
    state = State::EntryKey;
    if (entryField == FieldNonFinite) {
      std::optional<int64_t> count = parseCount(text);
      if (!count)
        return fail(llvm::Twine("entry '") + quote(entry.name) +
                    "': \"non_finite\" must be a non-negative integer, got " +
                    quote(text));
      entry.nonFinite = *count;
      return true;
    }
    std::optional<double> value = parseDouble(text);
    if (!value)
      return fail(llvm::Twine("entry '") + quote(entry.name) + "': \"" +
                  getEntryFieldName(entryField) + "\" " + quote(text) +
                  " is not a finite double");
    switch (entryField) {
    case FieldMin:
      entry.min = *value;
      minText = text.str();
      break;
    case FieldMax:
      entry.max = *value;
      maxText = text.str();
      break;
    case FieldObservedMin:
      entry.observedMin = *value;
      break;
    case FieldObservedMax:
      entry.observedMax = *value;
      break;
    default:
      break;
    }
    return true;
  }

  // kParseNumbersAsStringsFlag routes every number to RawNumber; rapidjson
  // still needs these to compile.
  bool Int(int) { return fail("internal error: unexpected integer event"); }
  bool Uint(unsigned) { return Int(0); }
  bool Int64(int64_t) { return Int(0); }
  bool Uint64(uint64_t) { return Int(0); }
  bool Double(double) { return Int(0); }

  bool isDone() const { return state == State::Done; }

private:
  enum class State {
    Root,           // before the top-level object
    TopKey,         // inside it, before a key or its end
    TopValue,       // after a top-level key
    ActivationName, // inside "activations", before a name or its end
    EntryStart,     // after an activation name
    EntryKey,       // inside an entry, before a key or its end
    EntryValue,     // after a key of an entry
    Done,
  };

  bool fail(const llvm::Twine &text) {
    message = text.str();
    return false;
  }

  static llvm::StringRef getEntryFieldName(unsigned field) {
    switch (field) {
    case FieldMin:
      return "min";
    case FieldMax:
      return "max";
    case FieldObservedMin:
      return "observed_min";
    case FieldObservedMax:
      return "observed_max";
    case FieldNonFinite:
      return "non_finite";
    default:
      return "";
    }
  }

  /// A value of the kind `what` where the schema wants something else.
  bool failValue(llvm::StringRef what) {
    switch (state) {
    case State::Root:
      return fail(kNotActivationsObject);
    case State::TopValue:
      return failTopValue(what);
    case State::EntryStart:
      return fail(llvm::Twine("entry '") +
                  quote(statistics.activations.back().name) +
                  "' needs numeric \"min\" and \"max\"");
    case State::EntryValue:
      return failEntryValue(what);
    default:
      return fail(llvm::Twine("unexpected ") + what);
    }
  }

  bool failTopValue(llvm::StringRef what) {
    switch (topField) {
    case TopObserver:
      return fail(llvm::Twine("\"observer\" must be a string, got ") + what);
    case TopSamples:
      return fail(
          llvm::Twine("\"samples\" must be a non-negative integer, got ") +
          what);
    default:
      return fail(kNotActivationsObject);
    }
  }

  bool failEntryValue(llvm::StringRef what) {
    const std::string &name = statistics.activations.back().name;
    if (entryField == FieldMin || entryField == FieldMax)
      return fail(llvm::Twine("entry '") + quote(name) +
                  "' needs numeric \"min\" and \"max\"");
    return fail(llvm::Twine("entry '") + quote(name) + "': \"" +
                getEntryFieldName(entryField) + "\" must be a number, got " +
                what);
  }

  bool startTopValue(llvm::StringRef key) {
    unsigned field = llvm::StringSwitch<unsigned>(key)
                         .Case("observer", TopObserver)
                         .Case("samples", TopSamples)
                         .Case("activations", TopActivations)
                         .Default(0);
    if (!field)
      return fail(llvm::Twine("unknown key \"") + quote(key) +
                  "\" (expected observer, samples and activations)");
    if (topSeen & field)
      return fail(llvm::Twine("duplicate key \"") + quote(key) + "\"");
    topSeen |= field;
    topField = field;
    state = State::TopValue;
    return true;
  }

  bool startEntry(llvm::StringRef name) {
    if (!llvm::json::isUTF8(name))
      return fail(llvm::Twine("activation name '") + quote(name) +
                  "' is not valid UTF-8");
    statistics.activations.emplace_back();
    statistics.activations.back().name = name.str();
    state = State::EntryStart;
    return true;
  }

  bool startEntryValue(llvm::StringRef key) {
    unsigned field = llvm::StringSwitch<unsigned>(key)
                         .Case("min", FieldMin)
                         .Case("max", FieldMax)
                         .Case("observed_min", FieldObservedMin)
                         .Case("observed_max", FieldObservedMax)
                         .Case("non_finite", FieldNonFinite)
                         .Default(0);
    const std::string &name = statistics.activations.back().name;
    if (!field)
      return fail(llvm::Twine("entry '") + quote(name) +
                  "' has an unknown key \"" + key +
                  "\" (expected min, max, observed_min, observed_max and "
                  "non_finite)");
    if (entrySeen & field)
      return fail(llvm::Twine("entry '") + quote(name) +
                  "' has a duplicate key \"" + key + "\"");
    entrySeen |= field;
    entryField = field;
    state = State::EntryValue;
    return true;
  }

  bool finishEntry() {
    const ActivationStatistics &entry = statistics.activations.back();
    if ((entrySeen & (FieldMin | FieldMax)) != (FieldMin | FieldMax))
      return fail(llvm::Twine("entry '") + quote(entry.name) +
                  "' needs numeric \"min\" and \"max\"");
    if (entry.min > entry.max)
      return fail(llvm::Twine("entry '") + quote(entry.name) +
                  "' has an invalid range [" + quote(minText) + ", " +
                  quote(maxText) + "]");
    state = State::ActivationName;
    return true;
  }

  /// A JSON number that is a non-negative integer fitting int64_t.
  static std::optional<int64_t> parseCount(llvm::StringRef text) {
    int64_t count;
    if (text.getAsInteger(10, count) || count < 0)
      return std::nullopt;
    return count;
  }

  /// A JSON number as the nearest double; std::nullopt when it overflows.
  /// An underflow gives the nearest double (0 or a subnormal), as the file's
  /// writer would have printed it.
  static std::optional<double> parseDouble(llvm::StringRef text) {
    std::string terminated = text.str();
    char *end = nullptr;
    errno = 0;
    double value = std::strtod(terminated.c_str(), &end);
    if (end != terminated.c_str() + terminated.size() || !std::isfinite(value))
      return std::nullopt;
    return value;
  }

  State state = State::Root;
  unsigned topSeen = 0, topField = 0;
  unsigned entrySeen = 0, entryField = 0;
  /// The text of the current entry's bounds, for the inverted-range message.
  std::string minText, maxText;
};

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

/// The 1-based line and column of byte `offset` of `text`.
std::pair<size_t, size_t> getLineAndColumn(llvm::StringRef text,
                                           size_t offset) {
  llvm::StringRef before = text.take_front(offset);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column =
      lineStart == llvm::StringRef::npos ? offset + 1 : offset - lineStart;
  return {line, column};
}

} // namespace

llvm::Expected<CalibrationStatistics>
mlir::qsim::parseStatistics(llvm::StringRef text) {
  // rapidjson's lengths are 32-bit; no real statistics file comes near.
  if (text.size() > std::numeric_limits<rapidjson::SizeType>::max())
    return makeError("larger than 4 GiB");
  // The stream reads a NUL byte as the end of the input, which would make
  // anything after one invisible.
  size_t nul = text.find('\0');
  if (nul != llvm::StringRef::npos) {
    auto [line, column] = getLineAndColumn(text, nul);
    return makeError("not valid JSON: a NUL byte (line " + llvm::Twine(line) +
                     ", column " + llvm::Twine(column) + ")");
  }

  StatisticsHandler handler;
  // Every entry is an object, and the smallest takes 20 bytes
  // ("":{"min":0,"max":0}), so this bounds the number of entries without
  // ever reserving much more than the file's size: the vector need not grow
  // and copy itself while it is filled.
  constexpr size_t kSmallestEntryBytes = 20;
  handler.statistics.activations.reserve(
      std::min<size_t>(text.count('{'), text.size() / kSmallestEntryBytes));
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  constexpr unsigned flags = rapidjson::kParseIterativeFlag |
                             rapidjson::kParseValidateEncodingFlag |
                             rapidjson::kParseNumbersAsStringsFlag;
  rapidjson::ParseResult result = reader.Parse<flags>(stream, handler);
  if (result.IsError()) {
    if (result.Code() == rapidjson::kParseErrorTermination)
      return makeError(handler.message);
    auto [line, column] = getLineAndColumn(text, result.Offset());
    std::string reason = rapidjson::GetParseError_En(result.Code());
    // rapidjson's sentences, as a diagnostic: lowercase, no period.
    if (!reason.empty())
      reason[0] = llvm::toLower(reason[0]);
    if (llvm::StringRef(reason).ends_with("."))
      reason.pop_back();
    return makeError("not valid JSON: " + reason + " (line " +
                     llvm::Twine(line) + ", column " + llvm::Twine(column) +
                     ")");
  }
  if (!handler.isDone())
    return makeError(kNotActivationsObject);
  if (const ActivationStatistics *duplicate =
          findDuplicateName(handler.statistics.activations))
    return makeError("duplicate activation '" + quote(duplicate->name) + "'");
  return std::move(handler.statistics);
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
