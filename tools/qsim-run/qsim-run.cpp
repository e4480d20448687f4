//===- qsim-run.cpp - JIT-run a model on .npy inputs ----------------------===//
//
// Runs one function of a .mlir module (TOSA, linalg, qsim, or already
// lowered by qsim-lower-to-llvm) on NumPy .npy inputs: it lowers what needs
// lowering, JIT-compiles at -O2 for the host, writes the outputs as .npy,
// prints a summary of each, optionally times repeated runs and compares the
// outputs with reference arrays.
//
// Every failure is one line on stderr and a non-zero exit status: 1 for an
// error, 2 when an output misses --tolerance.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Driver.h"
#include "qsim/Conversion/QSimToKernels/QSimToKernels.h"
#include "qsim/Dialect/QSim/IR/QSimDialect.h"
#include "qsim/InitAll.h"
#include "qsim/Runner/Metrics.h"
#include "qsim/Runner/Runner.h"
#include "qsim/Support/Npy.h"
#include "qsim/Support/ToolOutput.h"
#include "qsim/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

using namespace mlir;
using namespace mlir::qsim;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("qsim-run options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.mlir>"),
                                          cl::init("-"), cl::cat(runCategory));
static cl::opt<std::string>
    entryName("entry",
              cl::desc("Function to run (default: the only public function, "
                       "or main)"),
              cl::value_desc("name"), cl::cat(runCategory));
static cl::list<std::string>
    inputFiles("input",
               cl::desc(".npy file for the next function argument, in order"),
               cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::opt<bool> quantizeInputs(
    "quantize-inputs",
    cl::desc("Quantize float .npy inputs of quantized arguments with the "
             "argument's own type"),
    cl::cat(runCategory));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Write result N as DIR/resultN.npy (storage integers "
                       "for quantized results)"),
              cl::value_desc("dir"), cl::cat(runCategory));
static cl::opt<bool> dequantizeOutputs(
    "dequantize-outputs",
    cl::desc("Also write DIR/resultN.dequantized.npy (float32) for quantized "
             "results"),
    cl::cat(runCategory));
static cl::opt<unsigned>
    repeat("repeat", cl::desc("Run N times and print a timing table"),
           cl::init(1), cl::value_desc("N"), cl::cat(runCategory));
static cl::opt<unsigned> warmup("warmup",
                                cl::desc("Untimed runs before the timed ones"),
                                cl::init(0), cl::value_desc("K"),
                                cl::cat(runCategory));
static cl::list<std::string>
    compareFiles("compare",
                 cl::desc("Reference .npy for the next output, in order"),
                 cl::value_desc("ref.npy"), cl::cat(runCategory));
static cl::opt<double> tolerance(
    "tolerance",
    cl::desc("Exit with status 2 when an output's max abs error against "
             "its --compare reference exceeds this"),
    cl::init(-1.0), cl::value_desc("abs"), cl::cat(runCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("JIT optimization level"),
                                  cl::init(2), cl::Prefix,
                                  cl::cat(runCategory));
static cl::opt<std::string> kernelName(
    "kernel",
    cl::desc("Kernels of conv2d and linear: auto (the fastest the host CPU "
             "runs), amx, vnni, avx2, generic, or reference (the plain "
             "loops)"),
    cl::init("auto"), cl::cat(runCategory));
/// --threads, which registerThreadsOption() defines.
static unsigned threadCount = 0;
static cl::list<std::string>
    sharedLibs("shared-libs",
               cl::desc("Extra shared libraries to load into the JIT"),
               cl::CommaSeparated, cl::cat(runCategory));

static cl::OptionCategory calibrationCategory("calibration options");
static cl::opt<bool> calibrateMode(
    "calibrate",
    cl::desc("Run the model over calibration samples (the leading dimension "
             "of each --input) and write activation ranges to --stats-out; a "
             "model not yet instrumented is instrumented first"),
    cl::cat(calibrationCategory));
static cl::opt<std::string>
    statsOut("stats-out", cl::desc("Where --calibrate writes the ranges"),
             cl::value_desc("stats.json"), cl::cat(calibrationCategory));
static cl::opt<std::string>
    observerName("observer",
                 cl::desc("Range observer: minmax, percentile, entropy or mse"),
                 cl::init("minmax"), cl::cat(calibrationCategory));
static cl::opt<double>
    percentileValue("percentile",
                    cl::desc("Percentile of the percentile observer"),
                    cl::init(99.99), cl::cat(calibrationCategory));
static cl::opt<int64_t> batchSize(
    "batch-size",
    cl::desc("Samples per call when calibrating (default: the model's batch "
             "size, or 32 for a dynamic batch; a dynamic batch never exceeds "
             "the sample count)"),
    cl::init(0), cl::cat(calibrationCategory));

/// Defines --threads. The LLVM libraries already register an unrelated
/// `threads` option, which is renamed first: two options of one name abort
/// the program when the second registers, so this one cannot be a global.
static void registerThreadsOption() {
  if (cl::Option *other = cl::getRegisteredOptions().lookup("threads"))
    other->setArgStr("llvm-threads");
  static cl::opt<unsigned, /*ExternalStorage=*/true> option(
      "threads", cl::desc("Threads of the kernels (default 0: all cores)"),
      cl::location(threadCount), cl::init(0), cl::value_desc("N"),
      cl::cat(runCategory));
}

/// The most --repeat runs: the timing table keeps every run's time.
static constexpr unsigned kMaxRepeat = 10'000'000;

/// Prints `qsim-run: error: message` and returns exit status 1.
static int fail(const llvm::Twine &message) {
  llvm::errs() << "qsim-run: error: " << message << "\n";
  return 1;
}

static std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.6g", value);
  return text;
}

static llvm::Error makeFlagError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Checks the flags against each other and their ranges, before anything is
/// read: a flag that would be ignored, or an empty name, is an error rather
/// than silently doing nothing.
static llvm::Error checkFlags() {
  if (entryName.getNumOccurrences() && entryName.empty())
    return makeFlagError("--entry needs a function name");
  if (outputDir.getNumOccurrences() && outputDir.empty())
    return makeFlagError("--output-dir needs a directory name");
  if (statsOut.getNumOccurrences() && statsOut.empty())
    return makeFlagError("--stats-out needs a file name");
  if (repeat == 0)
    return makeFlagError("--repeat must be at least 1");
  if (repeat > kMaxRepeat)
    return makeFlagError("--repeat " + llvm::Twine(repeat) +
                         " is more than the " + llvm::Twine(kMaxRepeat) +
                         " runs a timing table holds");
  if (tolerance.getNumOccurrences() && compareFiles.empty())
    return makeFlagError("--tolerance needs --compare");
  // A negative default means "no tolerance"; a negative or NaN tolerance
  // given on purpose would silently check nothing.
  if (tolerance.getNumOccurrences() && !(tolerance >= 0))
    return makeFlagError("--tolerance must be a non-negative number");
  if (dequantizeOutputs && outputDir.empty())
    return makeFlagError("--dequantize-outputs needs --output-dir");
  if (optLevel > 3)
    return makeFlagError("-O takes 0 to 3");
  SmallVector<StringRef> hostKernels = qsim::getHostKernels();
  if (kernelName != "auto" && kernelName != "reference" &&
      !llvm::is_contained(hostKernels, kernelName)) {
    bool known = kernelName == "amx" || kernelName == "vnni" ||
                 kernelName == "avx2" || kernelName == "generic";
    return makeFlagError(
        (known ? "the host CPU cannot run --kernel=" + kernelName
               : "unknown --kernel '" + kernelName + "'") +
        "; expected auto, reference or one of the host's kernels: " +
        llvm::join(hostKernels, ", "));
  }
  if (calibrateMode && statsOut.empty())
    return makeFlagError("--calibrate needs --stats-out");
  cl::Option *calibrationFlags[] = {&statsOut, &observerName, &percentileValue,
                                    &batchSize};
  // Calibration runs the model its own way and writes only statistics.
  cl::Option *runFlags[] = {
      &outputDir, &dequantizeOutputs,           &quantizeInputs, &repeat,
      &warmup,    std::addressof(compareFiles), &tolerance};
  if (!calibrateMode) {
    for (const cl::Option *option : calibrationFlags)
      if (option->getNumOccurrences())
        return makeFlagError("--" + option->ArgStr + " needs --calibrate");
  } else {
    for (const cl::Option *option : runFlags)
      if (option->getNumOccurrences())
        return makeFlagError("--" + option->ArgStr +
                             " does not apply to --calibrate");
  }
  if (batchSize.getNumOccurrences() && batchSize < 1)
    return makeFlagError("--batch-size must be at least 1, got " +
                         llvm::Twine(batchSize));
  // Below 50 the lower and upper percentiles cross.
  if (!(percentileValue > 50 && percentileValue <= 100))
    return makeFlagError("--percentile must be in (50, 100]");
  if (percentileValue.getNumOccurrences() && observerName != "percentile")
    return makeFlagError("--percentile needs --observer percentile");
  return llvm::Error::success();
}

/// Loads the inputs, quantizing float inputs of quantized arguments when
/// asked to.
static llvm::Expected<SmallVector<NpyArray>>
loadInputs(const EntrySignature &signature) {
  SmallVector<NpyArray> inputs;
  for (auto [index, path] : llvm::enumerate(inputFiles)) {
    llvm::Expected<NpyArray> array = readNpyFile(path);
    if (!array)
      return array.takeError();
    if (quantizeInputs && index < signature.arguments.size() &&
        signature.arguments[index].quantType &&
        (array->dtype == NpyDType::Float32 ||
         array->dtype == NpyDType::Float64)) {
      llvm::Expected<NpyArray> quantized =
          quantizeArray(*array, signature.arguments[index]);
      if (!quantized)
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "input " + llvm::Twine(index) + ": " +
                                           toString(quantized.takeError()));
      array = std::move(*quantized);
    }
    inputs.push_back(std::move(*array));
  }
  return inputs;
}

static void printTimingTable(SmallVector<double> &times) {
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  llvm::outs() << llvm::format("%-6s %12s %12s %12s\n", "runs", "min (ms)",
                               "median (ms)", "max (ms)");
  llvm::outs() << llvm::format("%-6zu %12.4f %12.4f %12.4f\n", n,
                               times.front() * 1e3, median * 1e3,
                               times.back() * 1e3);
}

/// Writes the outputs to --output-dir.
static llvm::Error writeOutputs(const EntrySignature &signature,
                                ArrayRef<NpyArray> outputs) {
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return llvm::createStringError(ec, "cannot create '" + outputDir +
                                           "': " + ec.message());
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(outputs, signature.results))) {
    const auto &[output, spec] = pair;
    llvm::SmallString<128> path(outputDir);
    llvm::sys::path::append(path, "result" + std::to_string(index) + ".npy");
    if (llvm::Error error = writeNpyFile(path, output))
      return error;
    if (!dequantizeOutputs || !spec.quantType)
      continue;
    path = outputDir;
    llvm::sys::path::append(path, "result" + std::to_string(index) +
                                      ".dequantized.npy");
    if (llvm::Error error = writeNpyFile(path, dequantizeArray(output, spec)))
      return error;
  }
  return llvm::Error::success();
}

/// Compares each output with its reference and prints the metrics. Returns
/// false when an output misses --tolerance.
static llvm::Expected<bool> compareOutputs(const EntrySignature &signature,
                                           ArrayRef<NpyArray> outputs) {
  if (compareFiles.size() != outputs.size())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--compare was given " + llvm::Twine(compareFiles.size()) +
            " file(s), but '" + signature.name + "' has " +
            llvm::Twine(outputs.size()) + " output(s)");
  bool withinTolerance = true;
  for (auto [index, path] : llvm::enumerate(compareFiles)) {
    llvm::Expected<NpyArray> reference = readNpyFile(path);
    if (!reference)
      return reference.takeError();
    const TensorSpec &spec = signature.results[index];
    // A float reference of a quantized output is compared with the real
    // values the output stands for.
    bool floatReference = reference->dtype == NpyDType::Float32 ||
                          reference->dtype == NpyDType::Float64;
    NpyArray actual = spec.quantType && floatReference
                          ? dequantizeArray(outputs[index], spec)
                          : outputs[index];
    llvm::Expected<ComparisonMetrics> metrics =
        compareArrays(actual, *reference);
    if (!metrics)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "output " + llvm::Twine(index) + " vs '" +
                                         path +
                                         "': " + toString(metrics.takeError()));
    llvm::outs() << "output " << index << " vs " << path << ": max abs error "
                 << formatNumber(metrics->maxAbsError) << ", mean abs error "
                 << formatNumber(metrics->meanAbsError) << ", SQNR "
                 << formatNumber(metrics->sqnrDb) << " dB"
                 << ", exact "
                 << llvm::format("%.2f%%", metrics->count
                                               ? 100.0 * metrics->exactCount /
                                                     metrics->count
                                               : 100.0)
                 << " (" << metrics->exactCount << "/" << metrics->count << ")";
    if (metrics->top1Agreements)
      llvm::outs() << ", top-1 agreement "
                   << llvm::format("%.2f%%",
                                   metrics->rows
                                       ? 100.0 * *metrics->top1Agreements /
                                             metrics->rows
                                       : 100.0)
                   << " (" << *metrics->top1Agreements << "/" << metrics->rows
                   << ")";
    llvm::outs() << "\n";
    if (tolerance >= 0 && !(metrics->maxAbsError <= tolerance)) {
      llvm::errs() << "qsim-run: output " << index << ": max abs error "
                   << formatNumber(metrics->maxAbsError)
                   << " exceeds --tolerance " << formatNumber(tolerance)
                   << "\n";
      withinTolerance = false;
    }
  }
  return withinTolerance;
}

/// --calibrate: instruments the model if needed, runs it over the samples
/// and writes the ranges.
static int runCalibration(ModuleOp module, const RunnerOptions &options,
                          ObserverKind kind) {
  llvm::Expected<Operation *> entry = findEntryFunction(module, options.entry);
  if (!entry)
    return fail(toString(entry.takeError()));
  llvm::Expected<std::vector<std::string>> observerNames =
      prepareCalibration(module, *entry);
  if (!observerNames)
    return fail(toString(observerNames.takeError()));

  llvm::Expected<std::unique_ptr<Runner>> runner =
      Runner::compile(module, options);
  if (!runner)
    return fail(toString(runner.takeError()));
  SmallVector<NpyArray> samples;
  for (const std::string &path : inputFiles) {
    llvm::Expected<NpyArray> array = readNpyFile(path);
    if (!array)
      return fail(toString(array.takeError()));
    samples.push_back(std::move(*array));
  }
  CalibrationOptions calibration;
  calibration.observer.kind = kind;
  calibration.observer.percentile = percentileValue;
  calibration.batchSize = batchSize;
  calibration.showProgress = llvm::errs().is_displayed();
  llvm::Expected<CalibrationResult> result =
      calibrate(**runner, *observerNames, samples, calibration);
  if (!result)
    return fail(toString(result.takeError()));

  CalibrationStatistics statistics = getStatistics(*result);
  if (llvm::Error error = writeStatisticsFile(statsOut, statistics))
    return fail(toString(std::move(error)));
  llvm::outs() << "calibrated " << result->samples << " samples with the "
               << result->observer << " observer; wrote " << statsOut << "\n";
  for (const ActivationStatistics &entry : statistics.activations) {
    llvm::outs() << "  " << entry.name << ": [" << formatNumber(entry.min)
                 << ", " << formatNumber(entry.max) << "] (observed ["
                 << formatNumber(*entry.observedMin) << ", "
                 << formatNumber(*entry.observedMax) << "]";
    if (entry.nonFinite)
      llvm::outs() << "; skipped " << entry.nonFinite << " NaN or infinite "
                   << (entry.nonFinite == 1 ? "value" : "values");
    llvm::outs() << ")\n";
  }
  return 0;
}

static int runTool(int argc, char **argv) {
  registerThreadsOption();
  cl::HideUnrelatedOptions({&runCategory, &calibrationCategory});
  cl::AddExtraVersionPrinter(mlir::qsim::printQSimVersion);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qsim-run: JIT-run a model on .npy inputs\n\n"
      "  qsim-run model.mlir --input x.npy [--output-dir out] [--repeat N]\n"
      "           [--compare ref.npy [--tolerance T]]\n");
  if (llvm::Error error = checkFlags())
    return fail(toString(std::move(error)));
  std::optional<ObserverKind> observerKind = parseObserverKind(observerName);
  if (!observerKind)
    return fail("unknown --observer '" + observerName +
                "'; expected minmax, percentile, entropy or mse");

  DialectRegistry registry;
  qsim::registerAllDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(inputFilename, &errorMessage);
  if (!file)
    return fail(errorMessage);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // Verify separately, so that the summary line says which step failed.
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(
      sourceMgr, ParserConfig(&context, /*verifyAfterParse=*/false));
  if (!module)
    return fail("cannot parse '" + inputFilename + "'");
  if (failed(verify(*module)))
    return fail("'" + inputFilename + "' does not verify");

  RunnerOptions options;
  options.entry = entryName;
  options.optLevel = optLevel;
  options.kernel = kernelName;
  options.threads = threadCount;
  for (StringRef lib :
       {"libmlir_c_runner_utils.so", "libmlir_runner_utils.so", "libomp.so"}) {
    llvm::SmallString<128> path(QSIM_LLVM_LIBRARY_DIR);
    llvm::sys::path::append(path, lib);
    if (llvm::sys::fs::exists(path))
      options.sharedLibs.push_back(path.str().str());
  }
  // The execution engine only warns about a library it cannot load and
  // goes on without it: load each one here first, so that a file that is
  // not a library is an error with the loader's reason.
  for (const std::string &lib : sharedLibs) {
    if (!llvm::sys::fs::exists(lib))
      return fail("cannot find shared library '" + lib + "'");
    // dlopen searches the library path for a name without a slash.
    llvm::SmallString<128> path(lib);
    llvm::sys::fs::make_absolute(path);
    std::string loadError;
    if (!llvm::sys::DynamicLibrary::getPermanentLibrary(path.c_str(),
                                                        &loadError)
             .isValid())
      return fail("cannot load shared library '" + lib + "': " + loadError);
  }
  options.sharedLibs.append(sharedLibs.begin(), sharedLibs.end());

  if (calibrateMode)
    return runCalibration(*module, options, *observerKind);

  auto compileStart = std::chrono::steady_clock::now();
  llvm::Expected<std::unique_ptr<Runner>> runner =
      Runner::compile(*module, options);
  if (!runner)
    return fail(toString(runner.takeError()));
  double compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();
  const EntrySignature &signature = (*runner)->getSignature();

  llvm::Expected<SmallVector<NpyArray>> inputs = loadInputs(signature);
  if (!inputs)
    return fail(toString(inputs.takeError()));
  if (llvm::Error error = (*runner)->checkInputs(*inputs))
    return fail(toString(std::move(error)));

  llvm::outs() << "compiled @" << signature.name << " in "
               << llvm::format("%.1f", compileSeconds * 1e3) << " ms\n";
  // The model may print through the C runtime; keep the two streams in
  // order.
  llvm::outs().flush();
  for (unsigned i = 0; i < warmup; ++i) {
    llvm::Expected<SmallVector<NpyArray>> outputs = (*runner)->run(*inputs);
    if (!outputs)
      return fail(toString(outputs.takeError()));
  }
  SmallVector<double> times;
  times.reserve(repeat);
  SmallVector<NpyArray> outputs;
  for (unsigned i = 0; i < repeat; ++i) {
    double seconds = 0;
    llvm::Expected<SmallVector<NpyArray>> result =
        (*runner)->run(*inputs, &seconds);
    if (!result)
      return fail(toString(result.takeError()));
    times.push_back(seconds);
    outputs = std::move(*result);
  }

  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(outputs, signature.results))) {
    const auto &[output, spec] = pair;
    ArraySummary summary = summarizeArray(output);
    llvm::outs() << "result " << index << ": " << spec.str() << " shape "
                 << output.getShapeString() << " dtype "
                 << getNpyDTypeName(output.dtype) << " min "
                 << formatNumber(summary.min) << " max "
                 << formatNumber(summary.max) << " mean "
                 << formatNumber(summary.mean) << "\n";
  }
  if (repeat > 1 || warmup > 0)
    printTimingTable(times);
  if (!outputDir.empty()) {
    if (llvm::Error error = writeOutputs(signature, outputs))
      return fail(toString(std::move(error)));
  }
  if (!compareFiles.empty()) {
    llvm::Expected<bool> ok = compareOutputs(signature, outputs);
    if (!ok)
      return fail(toString(ok.takeError()));
    if (!*ok)
      return 2;
  }
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  ignoreFileSizeLimitSignal();
  int status = runTool(argc, argv);
  // Everything printed is buffered: a write error (a full disk, a closed
  // pipe) shows only now.
  if (llvm::Error error = flushOutput(llvm::outs(), "standard output"))
    return fail(toString(std::move(error)));
  return status;
}
