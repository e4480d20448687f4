//===- qsim-opt-fuzzer.cpp - libFuzzer target of qsim-opt ----------------===//
//
// Feeds arbitrary text to what qsim-opt does with a module: parse it with
// every dialect qsim registers, verify it, and run each qsim pass on its own
// copy. Every input must end in a module or in diagnostics, never in a
// crash, a sanitizer report or a hang; a parse or a pass that fails must
// have said why (an error diagnostic).
//
// qsim-quantize gets a range for every activation qsim-instrument names in
// the input, so that mutants reach the quantizer's rewrites instead of
// stopping at "no range for activation".
//
// scripts/fuzz.sh builds and runs it; test/fuzz/qsim-opt-fuzz.test runs it
// briefly as part of the sanitized test suite.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlir;

namespace {

/// One pass (or pipeline) run on its own clone of each input.
struct Pipeline {
  std::string name;
  std::string text;
};

/// What LLVMFuzzerInitialize sets up once.
struct FuzzerState {
  DialectRegistry registry;
  std::vector<Pipeline> pipelines;
  /// The statistics file qsim-quantize reads, rewritten for each input.
  std::string statsPath;
};

} // namespace

static FuzzerState *state = nullptr;

/// Longer inputs are skipped: libFuzzer's -max_len keeps mutants below it,
/// and this bound also holds when a file is replayed by hand.
static constexpr size_t kMaxInputBytes = 16384;

/// Modules with a larger tensor or memref are parsed and verified but not
/// run through the passes: constant folding and the quantizer materialize
/// such values, which costs time and memory without reaching new code.
static constexpr int64_t kMaxElements = 1 << 16;

/// Reports a broken invariant and aborts, which libFuzzer records as a
/// crash with the input that caused it.
[[noreturn]] static void fail(const llvm::Twine &message) {
  llvm::errs() << "qsim-opt-fuzzer: " << message << "\n";
  llvm::errs().flush();
  std::abort();
}

/// The characters MLIR's lexer skips between tokens. StringRef's default
/// trim set also has '\v' and '\f', which the lexer rejects: a list with
/// a form feed in it is malformed.
static constexpr llvm::StringLiteral kMlirWhitespace = " \t\n\r";

/// Whether `text` starts with what DenseI64ArrayAttr::parse accepts, as far
/// as this check can tell: `[]` or `[i, ...]` with at most 18 digits per
/// integer (so none overflows). Anything else, including comments inside
/// the list, counts as malformed.
static bool startsWithIntegerList(llvm::StringRef text) {
  text = text.ltrim(kMlirWhitespace);
  if (!text.consume_front("["))
    return false;
  if (text.ltrim(kMlirWhitespace).starts_with("]"))
    return true;
  while (true) {
    text = text.ltrim(kMlirWhitespace);
    text.consume_front("-");
    size_t digits = text.find_if_not(llvm::isDigit);
    if (digits == 0 || digits == llvm::StringRef::npos || digits > 18)
      return false;
    text = text.drop_front(digits).ltrim(kMlirWhitespace);
    if (text.starts_with("]"))
      return true;
    if (!text.consume_front(","))
      return false;
  }
}

/// Whether a `permutation` or `dimensions` list of the custom form of
/// linalg.transpose, linalg.broadcast or linalg.reduce is malformed. Their
/// parsers keep the null attribute of a failed list parse and report
/// success, and the null attribute then segfaults, e.g.
///   linalg.transpose ins(%a : tensor<2x3xf32>) outs(%b : tensor<3x2xf32>)
///       permutation = [1, 0
/// (also `= 1`, `= ["a"]`, `= array<i64: 1, 0>`, an integer that overflows
/// i64, and `dimensions = [1` of the other two). In an attribute
/// dictionary (after `{` or `,`) the generic parser reads the value, which
/// fails cleanly, so those are left alone.
static bool hasMalformedLinalgList(llvm::StringRef text) {
  for (llvm::StringRef keyword : {"permutation", "dimensions"}) {
    for (size_t at = text.find(keyword); at != llvm::StringRef::npos;
         at = text.find(keyword, at + 1)) {
      llvm::StringRef before = text.take_front(at).rtrim(kMlirWhitespace);
      if (!before.empty() && (before.back() == '{' || before.back() == ','))
        continue;
      llvm::StringRef after =
          text.drop_front(at + keyword.size()).ltrim(kMlirWhitespace);
      if (after.consume_front("=") && !startsWithIntegerList(after))
        return true;
    }
  }
  return false;
}

/// Constructs that crash Debian's MLIR 22 itself (known upstream bugs).
/// Inputs containing them are skipped so that fuzzing goes on past them;
/// each is invalid IR, so no valid module is lost (hasMalformedLinalgList
/// may skip a few more invalid inputs than crash).
static bool hasKnownUpstreamCrash(llvm::StringRef text) {
  if (hasMalformedLinalgList(text))
    return true;
  // `array<index: 1, 0>` segfaults the attribute parser: DenseArrayAttr has
  // no index element type.
  if (text.contains("array<index"))
    return true;
  // A resource blob whose leading alignment word is 0 aborts the resource
  // parser ("0x00000000" then the data; other non-powers of two get an
  // error). Hex strings of dense<...> attributes come before the resource
  // section and are left alone.
  size_t resources = text.find("dialect_resources");
  if (resources != llvm::StringRef::npos &&
      text.drop_front(resources).contains("\"0x00000000"))
    return true;
  return false;
}

/// Whether `text` has an op whose MLIR 22 parser can fail without a
/// diagnostic (a known upstream bug): the TOSA ops with a `nan_mode`, a
/// `rounding_mode` or a resize `mode` parse their attribute dictionary by
/// hand and return failure silently on a malformed entry, e.g.
///   tosa.clamp %a {min_val = 0.0 : f32, max_val = 1.0, : f32} : ...
/// mlir-opt exits 1 on it without a word, too.
static bool mayFailToParseSilently(llvm::StringRef text) {
  for (llvm::StringRef op :
       {"tosa.clamp", "tosa.maximum", "tosa.minimum", "tosa.argmax",
        "tosa.reduce_max", "tosa.reduce_min", "tosa.max_pool2d", "tosa.rescale",
        "tosa.resize"})
    if (text.contains(op))
      return true;
  return false;
}

/// Whether every shaped type of `module` has at most kMaxElements elements.
static bool hasOnlySmallShapes(ModuleOp module) {
  auto isSmall = [](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasRank())
      return true;
    int64_t count = 1;
    for (int64_t size : shaped.getShape()) {
      if (ShapedType::isDynamic(size))
        continue;
      if (size > kMaxElements || (count *= size) > kMaxElements)
        return false;
    }
    return true;
  };
  WalkResult result = module->walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      if (!isSmall(type))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Type type : block.getArgumentTypes())
          if (!isSmall(type))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// Writes a statistics file with a range for every activation that
/// qsim-instrument names in `module`.
static void writeStats(ModuleOp module, MLIRContext &context) {
  OwningOpRef<ModuleOp> instrumented = module.clone();
  PassManager pm(&context);
  if (failed(parsePassPipeline("qsim-instrument", pm)))
    fail("qsim-instrument is not registered");
  llvm::json::Object activations;
  if (succeeded(pm.run(*instrumented))) {
    for (auto func : instrumented->getOps<func::FuncOp>()) {
      auto names = func->getAttrOfType<ArrayAttr>(qsim::kObserversAttrName);
      if (!names)
        continue;
      for (auto name : names.getAsRange<StringAttr>()) {
        // Outputs after a ReLU-like activation are not negative.
        bool output = name.getValue().ends_with(".output");
        activations[name.getValue()] = llvm::json::Object{
            {"min", output ? 0.0 : -1.0}, {"max", output ? 4.0 : 1.0}};
      }
    }
  }
  llvm::json::Object root{{"observer", "minmax"},
                          {"samples", 1},
                          {"activations", std::move(activations)}};
  std::error_code error;
  llvm::raw_fd_ostream os(state->statsPath, error);
  if (error)
    fail("cannot write " + state->statsPath + ": " + error.message());
  os << llvm::json::Value(std::move(root));
}

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  state = new FuzzerState;
  qsim::registerAllDialects(state->registry);
  qsim::registerAllPasses();

  llvm::SmallString<128> path;
  if (std::error_code error =
          llvm::sys::fs::createTemporaryFile("qsim-opt-fuzzer", "json", path))
    fail("cannot create a statistics file: " + error.message());
  state->statsPath = path.str().str();
  std::atexit([] { llvm::sys::fs::remove(state->statsPath); });

  std::string stats = "stats=" + state->statsPath;
  std::vector<Pipeline> candidates = {
      {"qsim-fuse-activations", "func.func(qsim-fuse-activations)"},
      {"qsim-fold-batch-norm", "func.func(qsim-fold-batch-norm)"},
      {"convert-qsim-to-linalg", "convert-qsim-to-linalg"},
      {"convert-qsim-to-tosa", "convert-qsim-to-tosa"},
      {"convert-quantized-tosa-to-qsim", "convert-quantized-tosa-to-qsim"},
      {"qsim-instrument", "qsim-instrument"},
      {"qsim-attach-ranges", "qsim-attach-ranges{" + stats + "}"},
      {"convert-linalg-to-qsim", "convert-linalg-to-qsim"},
      {"convert-tosa-to-qsim", "convert-tosa-to-qsim"},
      {"qsim-quantize", "qsim-quantize{" + stats + "}"},
      {"qsim-quantize per-tensor i8",
       "qsim-quantize{" + stats +
           " weight-granularity=per-tensor weight-scheme=asymmetric"
           " activation-type=i8 narrow-range}"},
      {"qsim-quantize tflite", "qsim-quantize{" + stats + " target=tflite}"},
      {"qsim-record-signatures", "qsim-record-signatures"},
      {"qsim-lower-to-llvm", "qsim-lower-to-llvm"},
      {"qsim-check-accumulators", "qsim-check-accumulators"},
  };
  MLIRContext context(state->registry, MLIRContext::Threading::DISABLED);
  for (Pipeline &pipeline : candidates) {
    PassManager pm(&context);
    std::string error;
    llvm::raw_string_ostream os(error);
    if (failed(parsePassPipeline(pipeline.text, pm, os))) {
      // A pass of the plan that this build does not have yet.
      llvm::errs() << "qsim-opt-fuzzer: skipping " << pipeline.name << ": "
                   << error << "\n";
      continue;
    }
    state->pipelines.push_back(std::move(pipeline));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  // -1 keeps the input out of the corpus.
  if (size > kMaxInputBytes || hasKnownUpstreamCrash(text))
    return -1;

  MLIRContext context(state->registry, MLIRContext::Threading::DISABLED);
  // Diagnostics are captured, not printed: the fuzzer's output stays
  // readable, and a failure without an error is itself a finding.
  bool sawError = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error)
      sawError = true;
    return success();
  });

  // MLIR's lexer stops at a NUL byte past the end, as every file buffer
  // has; libFuzzer's data has none, so the parser gets a copy that does.
  std::string source = text.str();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(source, ParserConfig(&context));
  if (!module) {
    if (!sawError && !mayFailToParseSilently(source))
      fail("the parser failed without an error");
    return 0;
  }
  if (!hasOnlySmallShapes(*module))
    return 0;

  writeStats(*module, context);
  for (const Pipeline &pipeline : state->pipelines) {
    OwningOpRef<ModuleOp> clone = module->clone();
    PassManager pm(&context);
    if (failed(parsePassPipeline(pipeline.text, pm)))
      fail("cannot build " + pipeline.name);
    sawError = false;
    if (failed(pm.run(*clone)) && !sawError)
      fail(pipeline.name + " failed without an error");
  }
  return 0;
}
