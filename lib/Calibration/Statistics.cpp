//===- Statistics.cpp - read and write the calibration statistics file ----===//
//
// The reader is a handler of the SAX events of nlohmann::json's parser
// (Debian's nlohmann-json3-dev), which does the JSON grammar: strings,
// escapes, UTF-8 and numbers. The handler follows the schema of
// qsim/Calibration/Statistics.h level by level and stops the parse at the
// first event the schema does not allow. So no JSON tree is ever built (a
// tree of small objects takes over a hundred times the file's size), and a
// value nested deeper than the schema is rejected at its opening bracket,
// before the parser's stack grows. The parser keeps that stack itself: it
// never recurses.
//
// Built without exceptions, nlohmann turns a throw into std::abort(), but
// sax_parse never throws: it hands every syntax error and every number
// that overflows a double to the handler's parse_error.
//
// Numbers come from the parser as int64_t, uint64_t or, for the rest, from
// strtod, which rounds correctly, so that a double written with 17
// significant digits reads back as the same double.
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

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
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

/// The object the parser is in, one per level of the schema.
enum class Level { Root, Top, Activations, Entry, Done };

/// A JSON value that is not an object: what a message calls it, and what
/// the schema may take from it.
struct Scalar {
  /// "a string", "a number", "true", "false" or "null".
  llvm::StringRef kind;
  /// A number's text, as the file has it (or as an integer prints).
  std::string text;
  /// A number as the nearest double.
  std::optional<double> number;
  /// A number that is a non-negative integer fitting int64_t.
  std::optional<int64_t> count;
  /// A string's value.
  std::string *string = nullptr;
};

/// Enforces the schema of Statistics.h on the events of nlohmann's SAX
/// parser. A callback returns false at the first thing the schema does not
/// allow, which stops the parse there: a value nested deeper than the
/// schema is refused at its opening bracket, so the parser's own stack never
/// grows beyond the schema's three levels.
class StatisticsHandler : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit StatisticsHandler(CalibrationStatistics &statistics)
      : statistics(statistics) {}

  /// The first violation found; only meaningful after the parse failed.
  llvm::Error takeError() {
    return makeError(error.empty() ? "not valid JSON" : error);
  }

  bool null() override { return scalar({"null"}); }
  bool boolean(bool value) override {
    return scalar({value ? "true" : "false"});
  }
  bool number_integer(number_integer_t value) override {
    Scalar number{"a number", std::to_string(value),
                  static_cast<double>(value)};
    if (value >= 0)
      number.count = value;
    return scalar(std::move(number));
  }
  bool number_unsigned(number_unsigned_t value) override {
    Scalar number{"a number", std::to_string(value),
                  static_cast<double>(value)};
    if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      number.count = static_cast<int64_t>(value);
    return scalar(std::move(number));
  }
  // The parser reports a float that overflows to parse_error, so `value`
  // is finite here; strtod rounded it correctly.
  bool number_float(number_float_t value, const string_t &text) override {
    return scalar({"a number", text, value});
  }
  bool string(string_t &value) override {
    Scalar text{"a string"};
    text.string = &value;
    return scalar(std::move(text));
  }
  bool binary(binary_t &) override { return fail("unexpected binary value"); }

  bool start_object(std::size_t) override;
  bool key(string_t &name) override;
  bool end_object() override;
  bool start_array(std::size_t) override { return wrongKind("an array"); }
  bool end_array() override { return fail("unexpected end of an array"); }

  bool parse_error(std::size_t position, const std::string &lastToken,
                   const nlohmann::detail::exception &exception) override;

private:
  bool fail(const llvm::Twine &message) {
    error = message.str();
    return false;
  }
  /// A value of kind `kind` ("an array", ...) where the schema wants
  /// something else.
  bool wrongKind(llvm::StringRef kind);
  bool scalar(Scalar value);
  bool entryValue(Scalar value);

  CalibrationStatistics &statistics;
  Level level = Level::Root;
  unsigned topSeen = 0;
  /// The top-level key or the entry key whose value comes next.
  unsigned topField = 0;
  unsigned entryField = 0;
  /// The current entry's keys so far, and the text of its bounds (for the
  /// message of an inverted range).
  unsigned entrySeen = 0;
  std::string minText, maxText;
  std::string error;
};

bool StatisticsHandler::start_object(std::size_t) {
  switch (level) {
  case Level::Root:
    level = Level::Top;
    return true;
  case Level::Top:
    if (topField != TopActivations)
      return wrongKind("an object");
    level = Level::Activations;
    return true;
  case Level::Activations:
    level = Level::Entry;
    entrySeen = 0;
    return true;
  default:
    return wrongKind("an object");
  }
}

bool StatisticsHandler::key(string_t &name) {
  switch (level) {
  case Level::Top: {
    topField = llvm::StringSwitch<unsigned>(name)
                   .Case("observer", TopObserver)
                   .Case("samples", TopSamples)
                   .Case("activations", TopActivations)
                   .Default(0);
    if (!topField)
      return fail("unknown key \"" + quote(name) +
                  "\" (expected observer, samples and activations)");
    if (topSeen & topField)
      return fail("duplicate key \"" + quote(name) + "\"");
    topSeen |= topField;
    return true;
  }
  case Level::Activations:
    statistics.activations.emplace_back().name = std::move(name);
    return true;
  default: {
    const std::string &entryName = statistics.activations.back().name;
    entryField = llvm::StringSwitch<unsigned>(name)
                     .Case("min", FieldMin)
                     .Case("max", FieldMax)
                     .Case("observed_min", FieldObservedMin)
                     .Case("observed_max", FieldObservedMax)
                     .Case("non_finite", FieldNonFinite)
                     .Default(0);
    if (!entryField)
      return fail("entry '" + quote(entryName) + "' has an unknown key \"" +
                  quote(name) +
                  "\" (expected min, max, observed_min, observed_max and "
                  "non_finite)");
    if (entrySeen & entryField)
      return fail("entry '" + quote(entryName) + "' has a duplicate key \"" +
                  quote(name) + "\"");
    entrySeen |= entryField;
    return true;
  }
  }
}

bool StatisticsHandler::end_object() {
  switch (level) {
  case Level::Entry: {
    const ActivationStatistics &entry = statistics.activations.back();
    if ((entrySeen & (FieldMin | FieldMax)) != (FieldMin | FieldMax))
      return fail("entry '" + quote(entry.name) +
                  "' needs numeric \"min\" and \"max\"");
    if (entry.min > entry.max)
      return fail("entry '" + quote(entry.name) + "' has an invalid range [" +
                  quote(minText) + ", " + quote(maxText) + "]");
    level = Level::Activations;
    return true;
  }
  case Level::Activations:
    level = Level::Top;
    return true;
  default:
    if (!(topSeen & TopActivations))
      return fail(kNotActivationsObject);
    level = Level::Done;
    return true;
  }
}

bool StatisticsHandler::wrongKind(llvm::StringRef kind) {
  switch (level) {
  case Level::Root:
    return fail(kNotActivationsObject);
  case Level::Top:
    if (topField == TopObserver)
      return fail("\"observer\" must be a string, got " + kind);
    if (topField == TopSamples)
      return fail("\"samples\" must be a non-negative integer, got " + kind);
    return fail(kNotActivationsObject);
  case Level::Activations:
    return fail("entry '" + quote(statistics.activations.back().name) +
                "' needs numeric \"min\" and \"max\"");
  default: {
    const std::string &entryName = statistics.activations.back().name;
    if (entryField == FieldMin || entryField == FieldMax)
      return fail("entry '" + quote(entryName) +
                  "' needs numeric \"min\" and \"max\"");
    llvm::StringRef key = entryField == FieldObservedMin   ? "observed_min"
                          : entryField == FieldObservedMax ? "observed_max"
                                                           : "non_finite";
    return fail("entry '" + quote(entryName) + "': \"" + key +
                "\" must be a number, got " + kind);
  }
  }
}

bool StatisticsHandler::scalar(Scalar value) {
  if (level == Level::Entry)
    return entryValue(std::move(value));
  if (level != Level::Top)
    return wrongKind(value.kind);
  if (topField == TopObserver) {
    if (!value.string)
      return wrongKind(value.kind);
    statistics.observer = std::move(*value.string);
    return true;
  }
  if (topField == TopSamples) {
    if (!value.number)
      return wrongKind(value.kind);
    if (!value.count)
      return fail("\"samples\" must be a non-negative integer, got " +
                  quote(value.text));
    statistics.samples = *value.count;
    return true;
  }
  return wrongKind(value.kind);
}

bool StatisticsHandler::entryValue(Scalar value) {
  if (!value.number)
    return wrongKind(value.kind);
  ActivationStatistics &entry = statistics.activations.back();
  switch (entryField) {
  case FieldMin:
    entry.min = *value.number;
    minText = std::move(value.text);
    return true;
  case FieldMax:
    entry.max = *value.number;
    maxText = std::move(value.text);
    return true;
  case FieldObservedMin:
    entry.observedMin = *value.number;
    return true;
  case FieldObservedMax:
    entry.observedMax = *value.number;
    return true;
  default:
    if (!value.count)
      return fail("entry '" + quote(entry.name) +
                  "': \"non_finite\" must be a non-negative integer, got " +
                  quote(value.text));
    entry.nonFinite = *value.count;
    return true;
  }
}

bool StatisticsHandler::parse_error(
    std::size_t position, const std::string &lastToken,
    const nlohmann::detail::exception &exception) {
  // 406: a number that overflows a double. It is a number of the wrong
  // value, not a syntax error, wherever the schema wants a number.
  constexpr int kNumberOverflow = 406;
  if (exception.id == kNumberOverflow) {
    if (level == Level::Entry) {
      const std::string &entryName = statistics.activations.back().name;
      if (entryField == FieldNonFinite)
        return fail("entry '" + quote(entryName) +
                    "': \"non_finite\" must be a non-negative integer, got " +
                    quote(lastToken));
      llvm::StringRef key = entryField == FieldMin           ? "min"
                            : entryField == FieldMax         ? "max"
                            : entryField == FieldObservedMin ? "observed_min"
                                                             : "observed_max";
      return fail("entry '" + quote(entryName) + "': \"" + key + "\" " +
                  quote(lastToken) + " is not a finite double");
    }
    if (level == Level::Top && topField == TopSamples)
      return fail("\"samples\" must be a non-negative integer, got " +
                  quote(lastToken));
    return wrongKind("a number");
  }
  // nlohmann's message is "[json.exception.parse_error.101] parse error at
  // line L, column C: <what>; last read: '<token>'". The token is the
  // file's own bytes, of any length, so it is left out.
  llvm::StringRef message = exception.what();
  llvm::StringRef where = "at line";
  size_t at = message.find(where);
  llvm::StringRef place, what = message;
  if (at != llvm::StringRef::npos) {
    llvm::StringRef rest = message.drop_front(at + 3);
    std::tie(place, what) = rest.split(": ");
  }
  what = what.take_front(what.find("; last read:"));
  // Without a line and column, the byte offset.
  std::string location =
      place.empty() ? "byte " + std::to_string(position) : place.str();
  if (level == Level::Done)
    what = "text after the top-level object";
  return fail("not valid JSON: " + what + " (" + location + ")");
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

} // namespace

llvm::Expected<CalibrationStatistics>
mlir::qsim::parseStatistics(llvm::StringRef text) {
  if (text.find_first_not_of(" \t\n\r") == llvm::StringRef::npos)
    return makeError("not valid JSON: the file is empty (line 1, column 1)");

  CalibrationStatistics statistics;
  // Every entry is an object, and the smallest takes 20 bytes
  // ("":{"min":0,"max":0}), so this bounds the number of entries without
  // ever reserving much more than the file's size: the vector need not grow
  // and copy itself while it is filled.
  constexpr size_t kSmallestEntryBytes = 20;
  statistics.activations.reserve(
      std::min<size_t>(text.count('{'), text.size() / kSmallestEntryBytes));

  StatisticsHandler handler(statistics);
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &handler))
    return handler.takeError();
  // nlohmann's lexer takes a NUL byte between tokens for the end of the
  // input. Anywhere else a NUL is an error it reports, so a file that parsed
  // and has one has it after the top-level object.
  size_t nul = text.find('\0');
  if (nul != llvm::StringRef::npos) {
    llvm::StringRef before = text.take_front(nul);
    size_t lineStart = before.rfind('\n');
    size_t column =
        lineStart == llvm::StringRef::npos ? nul + 1 : nul - lineStart;
    return makeError("not valid JSON: text after the top-level object (line " +
                     llvm::Twine(before.count('\n') + 1) + ", column " +
                     llvm::Twine(column) + ")");
  }
  if (const ActivationStatistics *duplicate =
          findDuplicateName(statistics.activations))
    return makeError("duplicate activation '" + quote(duplicate->name) + "'");
  return std::move(statistics);
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
  auto writeDouble = [&](llvm::StringRef key, double value) {
    // OStream writes -0.0 as "-0", which a JSON parser reads as the integer
    // 0; "-0.0" is a float and keeps the sign.
    if (value == 0 && std::signbit(value)) {
      json.attributeBegin(key);
      json.rawValue("-0.0");
      json.attributeEnd();
      return;
    }
    json.attribute(key, value);
  };
  json.object([&] {
    if (statistics.observer)
      json.attribute("observer", *statistics.observer);
    if (statistics.samples)
      json.attribute("samples", *statistics.samples);
    json.attributeObject("activations", [&] {
      for (const ActivationStatistics &entry : statistics.activations) {
        json.attributeObject(entry.name, [&] {
          writeDouble("min", entry.min);
          writeDouble("max", entry.max);
          if (entry.observedMin)
            writeDouble("observed_min", *entry.observedMin);
          if (entry.observedMax)
            writeDouble("observed_max", *entry.observedMax);
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
