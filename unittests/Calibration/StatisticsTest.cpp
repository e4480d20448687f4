//===- StatisticsTest.cpp - tests of the statistics file reader and writer ===//
//
// The round trips check that writeStatistics and parseStatistics agree on
// every double, including the edges of the format (subnormals, the largest
// double, negative zero), and on names that need escapes. The error cases
// give each rule of the schema in qsim/Calibration/Statistics.h one input
// that breaks it and the message expected for it.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Statistics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <string>

using namespace mlir::qsim;

namespace {

std::string write(const CalibrationStatistics &statistics) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeStatistics(os, statistics);
  return text;
}

/// The message of parseStatistics(text), or "" when it parses.
std::string parseError(llvm::StringRef text) {
  llvm::Expected<CalibrationStatistics> statistics = parseStatistics(text);
  if (statistics)
    return "";
  return llvm::toString(statistics.takeError());
}

ActivationStatistics makeEntry(llvm::StringRef name, double min, double max) {
  ActivationStatistics entry;
  entry.name = name.str();
  entry.min = min;
  entry.max = max;
  return entry;
}

TEST(StatisticsTest, RoundTripKeepsEveryDoubleAndName) {
  CalibrationStatistics statistics;
  statistics.observer = "percentile";
  statistics.samples = 203;
  ActivationStatistics edges =
      makeEntry("main/arg0", -std::numeric_limits<double>::max(),
                std::numeric_limits<double>::max());
  edges.observedMin = -std::numeric_limits<double>::denorm_min();
  edges.observedMax = std::numeric_limits<double>::min();
  edges.nonFinite = std::numeric_limits<int64_t>::max();
  statistics.activations.push_back(edges);
  // 0.1 and 1/3 have no short decimal form; 17 digits must bring them back.
  statistics.activations.push_back(makeEntry("a\"b\\c/\t\x01", 0.1, 1.0 / 3));
  // U+00E9, U+4E2D and U+1F600 as raw UTF-8.
  statistics.activations.push_back(
      makeEntry("\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80", -0.0, 0.0));

  std::string text = write(statistics);
  llvm::Expected<CalibrationStatistics> parsed = parseStatistics(text);
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(*parsed, statistics);
  EXPECT_TRUE(std::signbit(parsed->activations[2].min));
  EXPECT_EQ(write(*parsed), text);
}

TEST(StatisticsTest, ParsesAHandWrittenFile) {
  llvm::Expected<CalibrationStatistics> parsed = parseStatistics(
      " {\"activations\": {\"b\": {\"max\": 2.5e0, \"min\": -1E-1},\n"
      "  \"a\\u00e9\\ud83d\\ude00\": {\"min\": 0, \"max\": 0, "
      "\"non_finite\": 7}}}\n");
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_FALSE(parsed->observer.has_value());
  EXPECT_FALSE(parsed->samples.has_value());
  ASSERT_EQ(parsed->activations.size(), 2u);
  // File order, not name order.
  EXPECT_EQ(parsed->activations[0].name, "b");
  EXPECT_EQ(parsed->activations[0].min, -0.1);
  EXPECT_EQ(parsed->activations[0].max, 2.5);
  EXPECT_FALSE(parsed->activations[0].observedMin.has_value());
  EXPECT_EQ(parsed->activations[0].nonFinite, 0);
  EXPECT_EQ(parsed->activations[1].name, "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(parsed->activations[1].nonFinite, 7);
}

TEST(StatisticsTest, UnderflowReadsAsTheNearestDouble) {
  llvm::Expected<CalibrationStatistics> parsed =
      parseStatistics("{\"activations\": {\"a\": {\"min\": -1e-400, "
                      "\"max\": 4.9406564584124654e-324}}}");
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->activations[0].min, 0.0);
  EXPECT_EQ(parsed->activations[0].max,
            std::numeric_limits<double>::denorm_min());
}

TEST(StatisticsTest, RejectsWhatTheSchemaDoesNotAllow) {
  struct Case {
    const char *text;
    const char *message;
  };
  const Case cases[] = {
      {"[]", "expected an object with an \"activations\" object"},
      {"{\"observer\": \"minmax\"}",
       "expected an object with an \"activations\" object"},
      {"{\"activations\": [1]}",
       "expected an object with an \"activations\" object"},
      {"{\"activations\": {\"a\": 1}}",
       "entry 'a' needs numeric \"min\" and \"max\""},
      {"{\"activations\": {\"a\": {\"min\": 1}}}",
       "entry 'a' needs numeric \"min\" and \"max\""},
      {"{\"activations\": {\"a\": {\"min\": \"1\", \"max\": 2}}}",
       "entry 'a' needs numeric \"min\" and \"max\""},
      {"{\"activations\": {\"a\": {\"min\": 2.50, \"max\": 1e0}}}",
       "entry 'a' has an invalid range [2.50, 1e0]"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 2e308}}}",
       "entry 'a': \"max\" 2e308 is not a finite double"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, \"max\": 2}}}",
       "entry 'a' has a duplicate key \"max\""},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, \"mean\": 2}}}",
       "entry 'a' has an unknown key \"mean\" (expected min, max, "
       "observed_min, observed_max and non_finite)"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1}, "
       "\"b\": {\"min\": 0, \"max\": 1}, \"a\": {\"min\": 0, \"max\": 2}}}",
       "duplicate activation 'a'"},
      {"{\"activations\": {}, \"activations\": {}}",
       "duplicate key \"activations\""},
      {"{\"histogram\": [], \"activations\": {}}",
       "unknown key \"histogram\" (expected observer, samples and "
       "activations)"},
      {"{\"samples\": 1.5, \"activations\": {}}",
       "\"samples\" must be a non-negative integer, got 1.5"},
      {"{\"samples\": -1, \"activations\": {}}",
       "\"samples\" must be a non-negative integer, got -1"},
      {"{\"samples\": 9223372036854775808, \"activations\": {}}",
       "\"samples\" must be a non-negative integer, got 9223372036854775808"},
      {"{\"observer\": null, \"activations\": {}}",
       "\"observer\" must be a string, got null"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, "
       "\"non_finite\": -2}}}",
       "entry 'a': \"non_finite\" must be a non-negative integer, got -2"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, "
       "\"observed_min\": true}}}",
       "entry 'a': \"observed_min\" must be a number, got true"},
      {"{\"activations\": {\"a\\n\\u0001\": {\"min\": 2, \"max\": 1}}}",
       "entry 'a\\0A\\01' has an invalid range [2, 1]"},
      {"", "not valid JSON: the file is empty (line 1, column 1)"},
      {"{\"activations\": {}}\n x",
       "not valid JSON: text after the top-level object (line 2, column 2)"},
      {"{\"activations\": {\"a\": {\"min\": 01, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing object - unexpected number "
       "literal; expected '}' (line 1, column 32)"},
      {"{\"activations\": {\"a\": {\"min\": -, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing value - invalid number; "
       "expected digit after '-' (line 1, column 32)"},
      {"{\"activations\": {\"a\": {\"min\": NaN, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing value - invalid literal "
       "(line 1, column 31)"},
      {"{\"activations\": {\"\\udc00\": {\"min\": 0, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing object key - invalid "
       "string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF (line 1, "
       "column 24)"},
      {"{\"activations\": {\"\xff\": {\"min\": 0, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing object key - invalid "
       "string: ill-formed UTF-8 byte (line 1, column 19)"},
      {"{\"activations\": {\"a\tb\": {\"min\": 0, \"max\": 1}}}",
       "not valid JSON: syntax error while parsing object key - invalid "
       "string: control character U+0009 (HT) must be escaped to \\u0009 or "
       "\\t (line 1, column 20)"},
      {"{\"activations\": {\"a",
       "not valid JSON: syntax error while parsing object key - invalid "
       "string: missing closing quote (line 1, column 20)"},
      {"{\"activations\": {,}}",
       "not valid JSON: syntax error while parsing object key - unexpected "
       "','; expected string literal (line 1, column 18)"},
  };
  for (const Case &c : cases) {
    llvm::StringRef text(c.text);
    EXPECT_EQ(parseError(text), c.message) << "input: " << c.text;
  }
  // A NUL byte ends a C string, not the file.
  EXPECT_EQ(parseError(llvm::StringRef("{\"activations\": {}}\0", 21)),
            "not valid JSON: text after the top-level object (line 1, column "
            "20)");
}

TEST(StatisticsTest, DeepNestingFailsAtTheFirstLevelTooDeep) {
  // A million levels: a recursive parser would need gigabytes of stack.
  std::string text = "{\"activations\": {\"a\": {\"min\": ";
  text.append(1000000, '[');
  EXPECT_EQ(parseError(text), "entry 'a' needs numeric \"min\" and \"max\"");
}

TEST(StatisticsTest, NestingDeeperThanTheSchemaFailsAtEveryLevel) {
  struct Case {
    const char *prefix;
    const char *open;
    const char *message;
  };
  const Case cases[] = {
      {"", "[", "expected an object with an \"activations\" object"},
      {"{\"observer\": ", "{\"a\": ",
       "\"observer\" must be a string, got an "
       "object"},
      {"{\"samples\": ", "[",
       "\"samples\" must be a non-negative integer, got an array"},
      {"{\"activations\": ", "[",
       "expected an object with an \"activations\" object"},
      {"{\"activations\": {\"a\": ", "[",
       "entry 'a' needs numeric \"min\" and \"max\""},
      {"{\"activations\": {\"a\": {\"min\": ", "{\"a\": ",
       "entry 'a' needs numeric \"min\" and \"max\""},
      {"{\"activations\": {\"a\": {\"observed_max\": ", "[",
       "entry 'a': \"observed_max\" must be a number, got an array"},
  };
  for (const Case &c : cases) {
    std::string text = c.prefix;
    for (int i = 0; i < 200000; ++i)
      text += c.open;
    EXPECT_EQ(parseError(text), c.message) << "input: " << c.prefix;
  }
}

TEST(StatisticsTest, NumbersOutOfRangeAreErrors) {
  struct Case {
    const char *text;
    const char *message;
  };
  const Case cases[] = {
      {"{\"samples\": 1e400, \"activations\": {}}",
       "\"samples\" must be a non-negative integer, got 1e400"},
      {"{\"samples\": -9223372036854775809, \"activations\": {}}",
       "\"samples\" must be a non-negative integer, got "
       "-9223372036854775809"},
      {"{\"activations\": {\"a\": {\"min\": -1E+400, \"max\": 0}}}",
       "entry 'a': \"min\" -1E+400 is not a finite double"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, "
       "\"observed_min\": -2e308}}}",
       "entry 'a': \"observed_min\" -2e308 is not a finite double"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, "
       "\"non_finite\": 1e400}}}",
       "entry 'a': \"non_finite\" must be a non-negative integer, got 1e400"},
      {"{\"activations\": {\"a\": {\"min\": 0, \"max\": 1, "
       "\"non_finite\": 18446744073709551615}}}",
       "entry 'a': \"non_finite\" must be a non-negative integer, got "
       "18446744073709551615"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(parseError(c.text), c.message) << "input: " << c.text;

  // An integer beyond 64 bits is still a number: the nearest double.
  llvm::Expected<CalibrationStatistics> parsed = parseStatistics(
      "{\"activations\": {\"a\": {\"min\": -100000000000000000000000, "
      "\"max\": 18446744073709551615}}}");
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->activations[0].min, -1e23);
  EXPECT_EQ(parsed->activations[0].max, 18446744073709551616.0);
}

TEST(StatisticsTest, LongNamesAreCutInMessages) {
  std::string name(1000, 'x');
  std::string text = "{\"activations\": {\"" + name + "\": 1}}";
  EXPECT_EQ(parseError(text), "entry '" + std::string(100, 'x') +
                                  "... (1000 bytes)' needs numeric \"min\" "
                                  "and \"max\"");
}

TEST(StatisticsTest, WriteFailuresNameTheFile) {
  CalibrationStatistics statistics;
  statistics.activations.push_back(makeEntry("a", 0, 1));
  llvm::Error full = writeStatisticsFile("/dev/full", statistics);
  EXPECT_EQ(llvm::toString(std::move(full)),
            "cannot write '/dev/full': No space left on device");

  llvm::Error missing =
      writeStatisticsFile("/nonexistent-dir/s.json", statistics);
  EXPECT_EQ(llvm::toString(std::move(missing)),
            "cannot write '/nonexistent-dir/s.json': No such file or "
            "directory");

  // What the reader would refuse is never written.
  statistics.activations.push_back(makeEntry("b", 1, std::nan("")));
  llvm::Error invalid = writeStatisticsFile("/dev/full", statistics);
  EXPECT_EQ(llvm::toString(std::move(invalid)),
            "cannot write '/dev/full': activation 'b' has an invalid range "
            "[1.000000, nan]");
  statistics.activations.back() = makeEntry("a", 0, 2);
  llvm::Error duplicate = writeStatisticsFile("/dev/full", statistics);
  EXPECT_EQ(llvm::toString(std::move(duplicate)),
            "cannot write '/dev/full': duplicate activation 'a'");
}

TEST(StatisticsTest, ReadsWhatItWrote) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("statistics", "json", path));
  CalibrationStatistics statistics;
  statistics.observer = "minmax";
  statistics.samples = 4;
  ActivationStatistics entry = makeEntry("main/arg0", -1, 1);
  entry.observedMin = -1.5;
  entry.observedMax = 1.5;
  entry.nonFinite = 5;
  statistics.activations.push_back(entry);
  ASSERT_FALSE(static_cast<bool>(writeStatisticsFile(path, statistics)));
  llvm::Expected<CalibrationStatistics> read = readStatisticsFile(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(*read, statistics);
}

TEST(StatisticsTest, RefusesFilesThatNeverEnd) {
  llvm::Expected<CalibrationStatistics> zero = readStatisticsFile("/dev/zero");
  ASSERT_FALSE(static_cast<bool>(zero));
  EXPECT_EQ(llvm::toString(zero.takeError()),
            "cannot read it: not a regular file");
}

} // namespace
