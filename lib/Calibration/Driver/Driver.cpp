//===- Driver.cpp - run a model over calibration data ----------------===//
//
// Observers that need a histogram (percentile, entropy, mse) need the range
// first, so calibration runs the data through the model twice; min/max
// needs one pass.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Driver.h"
#include "qsim/Conversion/FloatToQSim/FloatToQSim.h"
#include "qsim/Conversion/Passes.h"
#include "qsim/Dialect/QSim/IR/QSimDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>

using namespace mlir;
using namespace mlir::qsim;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Copies samples [begin, begin + count) of `samples` into an array of
/// `batch` samples, repeating the last one to fill a partial batch.
static llvm::Expected<NpyArray> sliceBatch(const NpyArray &samples,
                                           int64_t begin, int64_t count,
                                           int64_t batch) {
  NpyArray slice;
  slice.dtype = samples.dtype;
  slice.shape = samples.shape;
  slice.shape[0] = batch;
  size_t sampleBytes =
      samples.shape[0] ? samples.data.size() / samples.shape[0] : 0;
  // A static batch may hold far more than the samples do.
  std::optional<uint64_t> bytes =
      llvm::checkedMulUnsigned<uint64_t>(sampleBytes, batch);
  if (!bytes)
    return makeError("a batch of " + llvm::Twine(batch) + " samples of " +
                     llvm::Twine(sampleBytes) + " bytes overflows");
  if (llvm::Error error = resizeNpyData(slice, *bytes))
    return std::move(error);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t source = begin + std::min(i, count - 1);
    std::memcpy(slice.data.data() + i * sampleBytes,
                samples.data.data() + source * sampleBytes, sampleBytes);
  }
  return slice;
}

llvm::Expected<CalibrationResult>
mlir::qsim::calibrate(Runner &runner, ArrayRef<std::string> observerNames,
                      ArrayRef<NpyArray> samples,
                      const CalibrationOptions &options) {
  const EntrySignature &signature = runner.getSignature();
  if (samples.size() != signature.arguments.size())
    return makeError("'" + signature.name + "' takes " +
                     llvm::Twine(signature.arguments.size()) +
                     " argument(s), got " + llvm::Twine(samples.size()) +
                     " calibration input(s)");
  if (observerNames.size() > signature.results.size())
    return makeError("'" + signature.name +
                     "' returns fewer results than "
                     "its qsim.observers names");
  int64_t count = -1;
  for (auto [index, array] : llvm::enumerate(samples)) {
    if (array.shape.empty())
      return makeError("calibration input " + llvm::Twine(index) +
                       " has no leading sample dimension");
    if (count >= 0 && array.shape[0] != count)
      return makeError("calibration inputs hold different sample counts (" +
                       llvm::Twine(count) + " and " +
                       llvm::Twine(array.shape[0]) + ")");
    count = array.shape[0];
  }
  if (count <= 0)
    return makeError("no calibration samples");
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(samples, signature.arguments))) {
    const auto &[array, spec] = pair;
    if (spec.shape.empty())
      return makeError("argument " + spec.str() + " has no batch dimension");
    // Check one sample's shape here, where the message can speak of samples.
    bool matches = array.shape.size() == spec.shape.size();
    for (size_t d = 1; matches && d < spec.shape.size(); ++d)
      matches = ShapedType::isDynamic(spec.shape[d]) ||
                spec.shape[d] == array.shape[d];
    if (!matches) {
      NpyArray sample;
      sample.shape.assign(array.shape.begin() + 1, array.shape.end());
      return makeError("calibration input " + llvm::Twine(index) +
                       " holds samples of shape " + sample.getShapeString() +
                       ", but argument " + llvm::Twine(index) + " is " +
                       spec.str());
    }
  }

  if (options.batchSize < 0)
    return makeError("--batch-size must be at least 1, got " +
                     llvm::Twine(options.batchSize));
  int64_t batch = options.batchSize;
  int64_t modelBatch = signature.arguments.front().shape.front();
  if (batch == 0)
    batch = ShapedType::isDynamic(modelBatch) ? 32 : modelBatch;
  // A dynamic batch larger than the samples would only repeat the last one,
  // whose copies are not observed: take the samples in one call.
  if (ShapedType::isDynamic(modelBatch))
    batch = std::min(batch, count);
  for (const TensorSpec &spec : signature.arguments)
    if (!ShapedType::isDynamic(spec.shape.front()) &&
        spec.shape.front() != batch)
      return makeError("--batch-size " + llvm::Twine(batch) +
                       " disagrees with the model's batch of " +
                       llvm::Twine(spec.shape.front()));

  CalibrationResult result;
  result.observer = getObserverName(options.observer.kind).str();
  result.samples = count;
  result.names.assign(observerNames.begin(), observerNames.end());
  for (size_t i = 0; i < observerNames.size(); ++i)
    result.observers.emplace_back(options.observer);
  size_t firstObserved = signature.results.size() - observerNames.size();

  bool histogramPass =
      llvm::any_of(result.observers,
                   [](const RangeObserver &o) { return o.needsHistogram(); });
  int passes = histogramPass ? 2 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    for (int64_t begin = 0; begin < count; begin += batch) {
      int64_t valid = std::min(batch, count - begin);
      SmallVector<NpyArray> inputs;
      for (auto [index, array] : llvm::enumerate(samples)) {
        llvm::Expected<NpyArray> slice = sliceBatch(array, begin, valid, batch);
        if (!slice)
          return makeError("calibration input " + llvm::Twine(index) + ": " +
                           toString(slice.takeError()));
        inputs.push_back(std::move(*slice));
      }
      llvm::Expected<SmallVector<NpyArray>> outputs = runner.run(inputs);
      if (!outputs)
        return outputs.takeError();
      for (size_t i = 0; i < observerNames.size(); ++i) {
        const NpyArray &activation = (*outputs)[firstObserved + i];
        if (activation.dtype != NpyDType::Float32)
          return makeError("observed activation '" + observerNames[i] +
                           "' is " + getNpyDTypeName(activation.dtype) +
                           ", not float32");
        // Only the rows of real samples: the padding repeats one of them.
        int64_t rows = activation.shape.empty() ? 1 : activation.shape[0];
        int64_t perRow = rows ? activation.getNumElements() / rows : 0;
        int64_t used = std::min(rows, valid) * perRow;
        ArrayRef<float> values(
            reinterpret_cast<const float *>(activation.data.data()), used);
        if (pass == 0)
          result.observers[i].observeRange(values);
        else
          result.observers[i].observeHistogram(values);
      }
      if (options.showProgress) {
        int64_t done = begin + valid;
        int width = 30;
        int filled = static_cast<int>(width * done / count);
        llvm::errs() << "\rcalibrating, pass " << pass + 1 << "/" << passes
                     << " [" << std::string(filled, '#')
                     << std::string(width - filled, ' ') << "] " << done << "/"
                     << count << " samples";
        if (done == count)
          llvm::errs() << "\n";
      }
    }
    // Every range is known after the first pass. Without a finite value
    // there is none, and [0, 0] would quantize the activation to a constant.
    if (pass == 0)
      for (auto [name, observer] : llvm::zip(result.names, result.observers))
        if (observer.getCount() == 0)
          return makeError("activation '" + name + "' has no finite value (" +
                           llvm::Twine(observer.getNonFiniteCount()) +
                           " NaN or infinite values in " + llvm::Twine(count) +
                           " samples)");
  }
  return result;
}

CalibrationStatistics
mlir::qsim::getStatistics(const CalibrationResult &result) {
  CalibrationStatistics statistics;
  statistics.observer = result.observer;
  statistics.samples = result.samples;
  for (auto [name, observer] : llvm::zip(result.names, result.observers)) {
    auto [lo, hi] = observer.getRange();
    ActivationStatistics &entry = statistics.activations.emplace_back();
    entry.name = name;
    entry.min = lo;
    entry.max = hi;
    entry.observedMin = observer.getObservedMin();
    entry.observedMax = observer.getObservedMax();
    entry.nonFinite = observer.getNonFiniteCount();
  }
  return statistics;
}

llvm::Expected<std::vector<std::string>>
mlir::qsim::prepareCalibration(ModuleOp module, Operation *entry) {
  auto error = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (!entry->hasAttr(kObserversAttrName)) {
    PassManager pm(module.getContext());
    pm.addPass(createQSimInstrument());
    if (failed(pm.run(module)))
      return error("cannot instrument the model");
  }
  auto names = entry->getAttrOfType<ArrayAttr>(kObserversAttrName);
  if (!names || names.empty()) {
    // Say what was there, and why none of it can be quantized.
    std::string message = "'" +
                          cast<FunctionOpInterface>(entry).getName().str() +
                          "' has nothing to calibrate: no op qsim quantizes";
    auto func = dyn_cast<func::FuncOp>(entry);
    bool oneBlock = func && !func.isExternal() && func.getBody().hasOneBlock();
    std::vector<FloatOpRecord> records;
    if (oneBlock)
      records = explainUnquantizableOps(func);
    else
      message += " (only a function of one block, with no callers, can be "
                 "calibrated)";
    if (records.empty() && oneBlock)
      message += " (it has no float compute op)";
    for (const FloatOpRecord &record : records)
      message += "\n  '" + record.op->getName().getStringRef().str() + "' at " +
                 formatLocation(record.op->getLoc()) + ": " + record.reason;
    return error(message);
  }
  std::vector<std::string> observerNames;
  for (Attribute name : names) {
    auto text = dyn_cast<StringAttr>(name);
    if (!text)
      return error("qsim.observers must hold strings");
    observerNames.push_back(text.str());
  }
  return observerNames;
}
