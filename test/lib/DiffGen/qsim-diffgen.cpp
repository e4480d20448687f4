//===- qsim-diffgen.cpp - Differential tests of the integer lowering ------===//
//
// Generates randomized qsim.conv2d and qsim.linear cases together with their
// expected results, for differential testing of the lowering against an
// independent reference. Each run writes two files: an MLIR module whose
// `@main` builds every case from constants, runs it through the qsim ops
// (convolution or linear layer, requantization and an optional ReLU or
// clamp) and prints each case's output with `printMemrefI32`; and a
// FileCheck file holding the outputs that a plain C++ transcription of the
// formulas in the design document computes. JIT-running the lowered module
// and checking its output against the second file compares the two bit for
// bit.
//
// The reference deliberately shares no code with the compiler: it is written
// straight from the formulas, with INT32 wrap-around in unsigned arithmetic,
// the requantization multiplier and product in double and rounding by
// std::nearbyint. The cases favour the places where an implementation is
// easy to get subtly wrong: power-of-two scales whose products land exactly
// on .5 (to pin round-half-to-even in both directions), arbitrary scales
// nudged so that a product lands within a few ulps of .5 (to pin the float64
// multiplier), clamp bounds whose float32 quantization differs from float64,
// outputs that saturate, asymmetric and per-channel weight zero points,
// storage of 2 to 16 bits, accumulators that wrap, dynamic batch sizes, a
// conv2d feeding a linear layer, and every combination of strides, padding,
// dilations and groups. Statistics about all of these go to stderr so that a
// test can prove it still exercises them.
//
// The kinds add, mul and concat test qsim.add, qsim.mul and qsim.concat the
// same way: NumPy broadcasting of ranks and unit dimensions, dynamic
// dimensions, exact ties from power-of-two scales, output scales nudged
// so that one sum or product lands within ulps of .5, saturation, clamp
// bounds, and concat inputs that are copied or requantized.
//
// --kind avgpool and --kind table generate qsim.avg_pool2d and qsim.table
// cases instead, each with its own reference and statistics: average pools
// over every combination of kernel, stride, padding and count_include_pad,
// global pools, equal and differing input and result types, means on and
// within a few ulps of .5 and saturating outputs; lookup tables on i8, u8,
// narrow-range and 2- to 7-bit inputs that read every entry.
//
// --perturb-rounding makes the reference round half away from zero while
// the module stays the same: a negative control showing that the checks do
// reject a wrong rounding.
//
// The generator uses only the standard library, and its own random number
// generator, so a seed names the same cases on every platform.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cerrno>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

//===----------------------------------------------------------------------===//
// Random numbers
//===----------------------------------------------------------------------===//

/// SplitMix64: tiny, fast and fully specified, unlike the distributions of
/// <random>, whose results differ between standard libraries.
class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// A uniform integer in [lo, hi]. The modulo bias is irrelevant here.
  int64_t uniform(int64_t lo, int64_t hi) {
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(next() % span);
  }

  /// A uniform double in [lo, hi).
  double uniformReal(double lo, double hi) {
    double unit = static_cast<double>(next() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * unit;
  }

  /// True with probability `percent` / 100.
  bool chance(int percent) { return uniform(0, 99) < percent; }

  template <typename T>
  const T &pick(const std::vector<T> &values) {
    return values[static_cast<size_t>(uniform(0, values.size() - 1))];
  }

private:
  uint64_t state;
};

//===----------------------------------------------------------------------===//
// Quantized types
//===----------------------------------------------------------------------===//

/// An integer storage type of a quantized type: width, signedness and the
/// (possibly narrowed) range of stored values.
struct Storage {
  unsigned width = 8;
  bool isSigned = false;
  int64_t qmin = 0;
  int64_t qmax = 255;

  static Storage make(unsigned width, bool isSigned, bool narrow = false) {
    Storage s;
    s.width = width;
    s.isSigned = isSigned;
    if (isSigned) {
      s.qmin = -(int64_t(1) << (width - 1));
      s.qmax = (int64_t(1) << (width - 1)) - 1;
    } else {
      s.qmin = 0;
      s.qmax = (int64_t(1) << width) - 1;
    }
    // Narrow range, as symmetric int8 weights use: drop the most negative
    // value.
    if (narrow)
      s.qmin += 1;
    return s;
  }

  bool isNarrow() const {
    return isSigned ? qmin != -(int64_t(1) << (width - 1)) : qmin != 0;
  }

  /// The storage part of a `!quant.uniform` type: `u8`, `i8<-127:127>`...
  std::string quantName() const {
    std::string name = (isSigned ? "i" : "u") + std::to_string(width);
    if (isNarrow())
      name += "<" + std::to_string(qmin) + ":" + std::to_string(qmax) + ">";
    return name;
  }

  /// The signless integer type the storage is held in.
  std::string intName() const { return "i" + std::to_string(width); }

  /// The signless bit pattern of a stored value, as a signed number: the
  /// form that always parses in a dense constant of `intName()`.
  int64_t toSignless(int64_t value) const {
    if (!isSigned && value >= (int64_t(1) << (width - 1)))
      return value - (int64_t(1) << width);
    return value;
  }

  int64_t clamp(int64_t value) const { return std::clamp(value, qmin, qmax); }
};

/// A uniform quantized type, per-tensor (axis < 0) or per-axis.
struct QuantType {
  Storage storage;
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int axis = -1;

  bool isPerAxis() const { return axis >= 0; }
  double scale(size_t channel) const {
    return isPerAxis() ? scales[channel] : scales[0];
  }
  int64_t zeroPoint(size_t channel) const {
    return isPerAxis() ? zeroPoints[channel] : zeroPoints[0];
  }
};

/// Formats a double so that it parses back to the same value, and as a
/// floating-point literal: MLIR reads `6` as an integer and `1e-05` (no
/// point) as an integer followed by garbage.
std::string formatDouble(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos)
    return text;
  size_t exponent = text.find('e');
  if (exponent == std::string::npos)
    return text + ".0";
  return text.substr(0, exponent) + ".0" + text.substr(exponent);
}

/// Spells `type` as an element type, e.g.
/// `!quant.uniform<i8:f32:0, {0.5:1,0.25:-2}>`.
std::string quantElementType(const QuantType &type) {
  std::string text = "!quant.uniform<" + type.storage.quantName() + ":f32";
  auto scaleAndZero = [&](size_t i) {
    std::string entry = formatDouble(type.scales[i]);
    if (type.zeroPoints[i] != 0)
      entry += ":" + std::to_string(type.zeroPoints[i]);
    return entry;
  };
  if (!type.isPerAxis())
    return text + ", " + scaleAndZero(0) + ">";
  text += ":" + std::to_string(type.axis) + ", {";
  for (size_t i = 0; i < type.scales.size(); ++i)
    text += (i ? "," : "") + scaleAndZero(i);
  return text + "}>";
}

/// Spells the dimensions of a tensor type; -1 is a dynamic dimension.
std::string shapePrefix(const std::vector<int64_t> &shape) {
  std::string text;
  for (int64_t dim : shape)
    text += (dim < 0 ? std::string("?") : std::to_string(dim)) + "x";
  return text;
}

/// `shape` with a dynamic batch dimension when `dynamic` is set.
std::vector<int64_t> withBatch(std::vector<int64_t> shape, bool dynamic) {
  if (dynamic)
    shape[0] = -1;
  return shape;
}

std::string tensorType(const std::vector<int64_t> &shape,
                       const std::string &element) {
  return "tensor<" + shapePrefix(shape) + element + ">";
}

std::string quantTensorType(const std::vector<int64_t> &shape,
                            const QuantType &type) {
  return tensorType(shape, quantElementType(type));
}

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// Prints `values` (row-major, of `shape`) as the nested list a dense
/// elements attribute expects.
void printNested(std::ostream &os, const std::vector<int64_t> &values,
                 const std::vector<int64_t> &shape, size_t dim,
                 size_t &position) {
  os << '[';
  for (int64_t i = 0; i < shape[dim]; ++i) {
    if (i)
      os << ", ";
    if (dim + 1 == shape.size())
      os << values[position++];
    else
      printNested(os, values, shape, dim + 1, position);
  }
  os << ']';
}

std::string denseLiteral(const std::vector<int64_t> &values,
                         const std::vector<int64_t> &shape) {
  std::ostringstream os;
  size_t position = 0;
  os << "dense<";
  printNested(os, values, shape, 0, position);
  os << ">";
  return os.str();
}

//===----------------------------------------------------------------------===//
// Cases
//===----------------------------------------------------------------------===//

/// What follows the accumulator of a layer.
enum class Epilogue {
  /// The raw INT32 accumulator is the output.
  Accumulator,
  /// qsim.requantize alone.
  Requantize,
  /// qsim.requantize with explicit clamp_min / clamp_max.
  RequantizeClamped,
  /// qsim.requantize then qsim.relu.
  Relu,
  /// qsim.requantize then qsim.clamp with real-valued bounds.
  Clamp,
};

const char *epilogueName(Epilogue epilogue) {
  switch (epilogue) {
  case Epilogue::Accumulator:
    return "accumulator";
  case Epilogue::Requantize:
    return "requantize";
  case Epilogue::RequantizeClamped:
    return "requantize";
  case Epilogue::Relu:
    return "requantize+relu";
  case Epilogue::Clamp:
    return "requantize+clamp";
  }
  return "";
}

/// How the scales of a layer are chosen.
enum class ScaleStyle {
  /// Powers of two (times a small odd factor): every multiplier is exact and
  /// many products acc * M land on .5.
  PowerOfTwo,
  /// Arbitrary doubles: the multiplier is inexact, as in real models.
  Generic,
};

/// One conv2d or linear layer with its data, its epilogue and its results.
struct Layer {
  bool isConv = true;
  // Conv2d geometry; a linear layer uses n, c (as K) and o (as F).
  int64_t n = 1, c = 1, h = 1, w = 1, o = 1, kh = 1, kw = 1;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  int64_t groups = 1;
  // Whether to spell out attributes that have their default value.
  bool explicitDefaults = true;
  // Whether the batch dimension is dynamic in the types (the only
  // dimension the ops allow to be).
  bool dynamicBatch = false;

  QuantType input, weights, acc, output;
  std::vector<int64_t> x, wq;
  bool hasBias = false;
  std::vector<int64_t> bias;

  ScaleStyle style = ScaleStyle::Generic;
  Epilogue epilogue = Epilogue::Requantize;
  // Explicit clamp_min / clamp_max of the requantize, also combined with a
  // relu or clamp, whose fusion must then intersect the ranges.
  bool clampAttrs = false;
  int64_t clampMin = 0, clampMax = 0;
  double realMin = 0.0, realMax = 0.0;

  // Results of the reference.
  std::vector<int32_t> accValues;
  std::vector<int64_t> outValues;

  int64_t oh() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }

  std::vector<int64_t> inputShape() const {
    return isConv ? std::vector<int64_t>{n, c, h, w}
                  : std::vector<int64_t>{n, c};
  }
  std::vector<int64_t> weightShape() const {
    return isConv ? std::vector<int64_t>{o, c / groups, kh, kw}
                  : std::vector<int64_t>{o, c};
  }
  std::vector<int64_t> outputShape() const {
    return isConv ? std::vector<int64_t>{n, o, oh(), ow()}
                  : std::vector<int64_t>{n, o};
  }
  /// The output channel of the flat output index `i`.
  size_t channelOf(size_t i) const {
    int64_t inner = isConv ? oh() * ow() : 1;
    return static_cast<size_t>((static_cast<int64_t>(i) / inner) % o);
  }
};

/// Statistics of the requantized elements, reported on stderr.
struct Stats {
  int64_t cases = 0;
  int64_t elements = 0;
  int64_t requantized = 0;
  /// Products acc * M exactly halfway between two integers.
  int64_t ties = 0;
  /// Ties whose rounding decides the output, by the direction
  /// round-half-to-even takes.
  int64_t tiesDown = 0;
  int64_t tiesUp = 0;
  /// Products within 2^-30 of .5 but not on it, whose rounding decides the
  /// output.
  int64_t nearTies = 0;
  int64_t saturatedLow = 0;
  int64_t saturatedHigh = 0;
  /// qsim.clamp bounds whose quantization differs when computed in float64
  /// instead of the float32 the semantics prescribe.
  int64_t float32Bounds = 0;
  int64_t wrapped = 0;
  /// Layers that the packed kernels compute (see isPackable).
  int64_t packable = 0;
};

//===----------------------------------------------------------------------===//
// Reference
//===----------------------------------------------------------------------===//

/// Adds `value` to an INT32 accumulator with two's complement wrap-around
/// (modulo 2^32), which unsigned arithmetic gives without undefined
/// behaviour.
uint32_t wrapAdd(uint32_t acc, int64_t value) {
  return acc + static_cast<uint32_t>(static_cast<uint64_t>(value));
}

int32_t toInt32(uint32_t bits) {
  int32_t value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// acc[n, o, y, x] = bias[o] + sum (x - z_x)(w - z_w[o]) over the channels of
/// o's group and the kernel taps that fall inside the input; taps in the
/// padding read z_x and add nothing. Also reports in `wrapped` whether the
/// exact sum left the int32 range.
void referenceConv(Layer &layer, bool &wrapped) {
  const int64_t oh = layer.oh(), ow = layer.ow();
  const int64_t groupIn = layer.c / layer.groups;
  const int64_t groupOut = layer.o / layer.groups;
  const int64_t zx = layer.input.zeroPoint(0);
  layer.accValues.clear();
  for (int64_t n = 0; n < layer.n; ++n) {
    for (int64_t o = 0; o < layer.o; ++o) {
      const int64_t g = o / groupOut;
      const int64_t zw = layer.weights.zeroPoint(o);
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t xo = 0; xo < ow; ++xo) {
          int64_t bias = layer.hasBias ? layer.bias[o] : 0;
          uint32_t acc = wrapAdd(0, bias);
          int64_t exact = bias;
          for (int64_t ci = 0; ci < groupIn; ++ci) {
            const int64_t channel = g * groupIn + ci;
            for (int64_t ky = 0; ky < layer.kh; ++ky) {
              const int64_t iy = y * layer.sh + ky * layer.dh - layer.pt;
              if (iy < 0 || iy >= layer.h)
                continue;
              for (int64_t kx = 0; kx < layer.kw; ++kx) {
                const int64_t ix = xo * layer.sw + kx * layer.dw - layer.pl;
                if (ix < 0 || ix >= layer.w)
                  continue;
                int64_t xq =
                    layer.x[((n * layer.c + channel) * layer.h + iy) * layer.w +
                            ix];
                int64_t wv =
                    layer.wq[((o * groupIn + ci) * layer.kh + ky) * layer.kw +
                             kx];
                // Each product of two 16-bit deltas is exact in int64; the
                // accumulator wraps like an INT32 register.
                int64_t product = (xq - zx) * (wv - zw);
                acc = wrapAdd(acc, product);
                exact += product;
              }
            }
          }
          if (exact != static_cast<int64_t>(toInt32(acc)))
            wrapped = true;
          layer.accValues.push_back(toInt32(acc));
        }
      }
    }
  }
}

/// acc[n, f] = bias[f] + sum_k (x[n, k] - z_x)(w[f, k] - z_w[f]).
void referenceLinear(Layer &layer, bool &wrapped) {
  const int64_t zx = layer.input.zeroPoint(0);
  layer.accValues.clear();
  for (int64_t n = 0; n < layer.n; ++n) {
    for (int64_t f = 0; f < layer.o; ++f) {
      const int64_t zw = layer.weights.zeroPoint(f);
      int64_t bias = layer.hasBias ? layer.bias[f] : 0;
      uint32_t acc = wrapAdd(0, bias);
      int64_t exact = bias;
      for (int64_t k = 0; k < layer.c; ++k) {
        int64_t product =
            (layer.x[n * layer.c + k] - zx) * (layer.wq[f * layer.c + k] - zw);
        acc = wrapAdd(acc, product);
        exact += product;
      }
      if (exact != static_cast<int64_t>(toInt32(acc)))
        wrapped = true;
      layer.accValues.push_back(toInt32(acc));
    }
  }
}

/// qsim.quantize's formula for one float32 value:
/// clamp(rint(v / s) + z, qmin, qmax) with the division in float32.
int64_t quantizeScalar(double value, double scale, int64_t zeroPoint,
                       const Storage &storage) {
  float quotient = static_cast<float>(value) / static_cast<float>(scale);
  double rounded = std::nearbyint(static_cast<double>(quotient));
  double shifted = rounded + static_cast<double>(zeroPoint);
  shifted = std::clamp(shifted, static_cast<double>(storage.qmin),
                       static_cast<double>(storage.qmax));
  return static_cast<int64_t>(shifted);
}

/// The same quantization with the division in float64: wrong, and only used
/// to find and count the bounds on which the two differ.
int64_t quantizeInDouble(double value, double scale, int64_t zeroPoint,
                         const Storage &storage) {
  double shifted =
      std::nearbyint(value / scale) + static_cast<double>(zeroPoint);
  shifted = std::clamp(shifted, static_cast<double>(storage.qmin),
                       static_cast<double>(storage.qmax));
  return static_cast<int64_t>(shifted);
}

/// Requantizes the accumulators and applies the epilogue:
///   y = clamp(round_half_to_even(acc * M[c]) + z_y[c], lo, hi),
///   M[c] = s_acc[c] / s_y[c] in double,
/// then relu (max(y, z_y[c])) or clamp (min(max(y, quantize(min)),
/// quantize(max))). `perturb` rounds half away from zero instead: a
/// deliberately wrong reference that the checks must reject.
void referenceEpilogue(Layer &layer, bool perturb, Stats &stats) {
  layer.outValues.clear();
  if (layer.epilogue == Epilogue::Accumulator) {
    for (int32_t acc : layer.accValues)
      layer.outValues.push_back(acc);
    return;
  }
  const Storage &storage = layer.output.storage;
  int64_t lo = storage.qmin, hi = storage.qmax;
  if (layer.clampAttrs) {
    lo = layer.clampMin;
    hi = layer.clampMax;
  }
  if (layer.epilogue == Epilogue::Clamp) {
    size_t numChannels = layer.output.isPerAxis() ? layer.o : 1;
    for (size_t ch = 0; ch < numChannels; ++ch) {
      for (double bound : {layer.realMin, layer.realMax}) {
        double scale = layer.output.scale(ch);
        int64_t zy = layer.output.zeroPoint(ch);
        if (quantizeInDouble(bound, scale, zy, storage) !=
            quantizeScalar(bound, scale, zy, storage))
          ++stats.float32Bounds;
      }
    }
  }
  for (size_t i = 0; i < layer.accValues.size(); ++i) {
    const size_t ch = layer.channelOf(i);
    const double multiplier = layer.acc.scale(ch) / layer.output.scale(ch);
    const int64_t zy = layer.output.zeroPoint(ch);
    const double product = static_cast<double>(layer.accValues[i]) * multiplier;

    // The output for a given rounded product. The clamp happens in double:
    // the rounded product can exceed any integer type's range when the
    // multiplier is large.
    auto outputFor = [&](double rounded) {
      double shifted = rounded + static_cast<double>(zy);
      int64_t y;
      if (shifted < static_cast<double>(lo))
        y = lo;
      else if (shifted > static_cast<double>(hi))
        y = hi;
      else
        y = static_cast<int64_t>(shifted);
      if (layer.epilogue == Epilogue::Relu)
        return std::max(y, zy);
      if (layer.epilogue == Epilogue::Clamp) {
        double scale = layer.output.scale(ch);
        int64_t qlo = quantizeScalar(layer.realMin, scale, zy, storage);
        int64_t qhi = quantizeScalar(layer.realMax, scale, zy, storage);
        return std::min(std::max(y, qlo), qhi);
      }
      return y;
    };
    const double halfEven = std::nearbyint(product);
    layer.outValues.push_back(
        outputFor(perturb ? std::round(product) : halfEven));

    ++stats.requantized;
    double shifted = halfEven + static_cast<double>(zy);
    if (shifted < static_cast<double>(storage.qmin))
      ++stats.saturatedLow;
    else if (shifted > static_cast<double>(storage.qmax))
      ++stats.saturatedHigh;
    const double fraction = product - std::floor(product);
    const bool decides =
        outputFor(std::floor(product)) != outputFor(std::ceil(product));
    if (fraction != 0.5 && std::fabs(fraction - 0.5) <= 0x1.0p-30 && decides)
      ++stats.nearTies;
    if (fraction != 0.5)
      continue;
    ++stats.ties;
    // A tie only pins the rounding when its two candidates give different
    // outputs, i.e. no clamp or activation hides the difference.
    if (!decides)
      continue;
    if (halfEven < product)
      ++stats.tiesDown;
    else
      ++stats.tiesUp;
  }
}

//===----------------------------------------------------------------------===//
// Generation
//===----------------------------------------------------------------------===//

/// Options of one generator run.
struct Options {
  uint64_t seed = 1;
  int cases = 20;
  std::string kind = "mixed";
  std::string mlirPath;
  std::string checkPath;
  bool perturbRounding = false;
  bool verbose = false;
};

/// Draws a storage type for activations: mostly u8 and i8, now and then a
/// narrow or wider type.
Storage randomActivationStorage(Random &rng, bool allowOdd) {
  if (allowOdd && rng.chance(15)) {
    switch (rng.uniform(0, 3)) {
    case 0:
      return Storage::make(16, true);
    case 1:
      return Storage::make(16, false);
    case 2:
      return Storage::make(4, rng.chance(50));
    default:
      return Storage::make(8, true, /*narrow=*/true);
    }
  }
  return Storage::make(8, rng.chance(50));
}

/// Draws a storage type for weights: mostly i8, sometimes u8, narrow i8 or
/// 2- to 16-bit types.
Storage randomWeightStorage(Random &rng, bool allowOdd) {
  if (allowOdd && rng.chance(20)) {
    switch (rng.uniform(0, 4)) {
    case 0:
      return Storage::make(16, true);
    case 1:
      return Storage::make(4, true);
    case 2:
      return Storage::make(4, false);
    case 3:
      return Storage::make(2, rng.chance(50));
    default:
      return Storage::make(16, false);
    }
  }
  if (rng.chance(25))
    return Storage::make(8, false);
  if (rng.chance(15))
    return Storage::make(8, true, /*narrow=*/true);
  return Storage::make(8, true);
}

/// A zero point for `storage`: zero, the middle of the range, or anywhere.
int64_t randomZeroPoint(Random &rng, const Storage &storage) {
  int64_t mid = storage.isSigned ? 0 : (storage.qmax + 1) / 2;
  switch (rng.uniform(0, 3)) {
  case 0:
    return storage.clamp(0);
  case 1:
    return storage.clamp(mid);
  default:
    return rng.uniform(storage.qmin, storage.qmax);
  }
}

/// Draws stored values. A small spread keeps accumulators small, so that
/// power-of-two multipliers map them into the output range where ties are
/// visible; a full spread covers the whole storage range.
std::vector<int64_t> randomValues(Random &rng, int64_t count,
                                  const Storage &storage,
                                  const std::vector<int64_t> &centers,
                                  int64_t perCenter, int64_t spread) {
  std::vector<int64_t> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i) {
    if (spread < 0) {
      values.push_back(rng.uniform(storage.qmin, storage.qmax));
      continue;
    }
    int64_t center = centers[static_cast<size_t>(i / perCenter)];
    values.push_back(storage.clamp(center + rng.uniform(-spread, spread)));
  }
  return values;
}

/// Picks the data spread: a few units for exact-tie cases, wider or full
/// range otherwise.
int64_t randomSpread(Random &rng, ScaleStyle style) {
  if (style == ScaleStyle::PowerOfTwo)
    return rng.pick(std::vector<int64_t>{1, 2, 3, 4, 6});
  return rng.pick(std::vector<int64_t>{4, 16, 60, -1, -1});
}

/// Fills in the weights' zero points: one shared, or one per channel that
/// differ (asymmetric per-channel weights).
void randomWeightZeroPoints(Random &rng, Layer &layer) {
  const Storage &storage = layer.weights.storage;
  if (!layer.weights.isPerAxis()) {
    layer.weights.zeroPoints = {rng.chance(50) ? storage.clamp(0)
                                               : randomZeroPoint(rng, storage)};
    return;
  }
  layer.weights.zeroPoints.clear();
  bool symmetric = rng.chance(20);
  for (int64_t o = 0; o < layer.o; ++o)
    layer.weights.zeroPoints.push_back(
        symmetric ? storage.clamp(0) : randomZeroPoint(rng, storage));
}

/// Draws the integer data of a layer whose geometry and storage types are
/// set: input, weights and bias.
void randomData(Random &rng, Layer &layer, bool inputGiven) {
  std::vector<int64_t> weightShape = layer.weightShape();
  int64_t perChannel = numElements(weightShape) / layer.o;
  int64_t spread = randomSpread(rng, layer.style);
  if (!inputGiven)
    layer.x = randomValues(rng, numElements(layer.inputShape()),
                           layer.input.storage, {layer.input.zeroPoint(0)},
                           numElements(layer.inputShape()), spread);
  std::vector<int64_t> centers;
  for (int64_t o = 0; o < layer.o; ++o)
    centers.push_back(layer.weights.zeroPoint(o));
  layer.wq = randomValues(rng, numElements(weightShape), layer.weights.storage,
                          centers, perChannel, randomSpread(rng, layer.style));

  layer.hasBias = rng.chance(70);
  layer.bias.assign(layer.o, 0);
  if (!layer.hasBias)
    return;
  int64_t magnitude = layer.style == ScaleStyle::PowerOfTwo
                          ? rng.pick(std::vector<int64_t>{20, 60, 100, 400})
                          : rng.pick(std::vector<int64_t>{300, 20000, 2000000});
  for (int64_t &b : layer.bias)
    b = rng.uniform(-magnitude, magnitude);
  // Now and then a bias at the edge of int32, so the accumulator wraps.
  if (rng.chance(5)) {
    for (int64_t &b : layer.bias)
      b = rng.chance(50) ? INT32_MAX - rng.uniform(0, 3000)
                         : INT32_MIN + rng.uniform(0, 3000);
  }
}

/// The largest |accumulator| of each output channel.
std::vector<double> channelMagnitudes(const Layer &layer) {
  std::vector<double> magnitude(layer.o, 1.0);
  for (size_t i = 0; i < layer.accValues.size(); ++i) {
    double value = std::fabs(static_cast<double>(layer.accValues[i]));
    double &slot = magnitude[layer.channelOf(i)];
    slot = std::max(slot, value);
  }
  return magnitude;
}

/// Picks the weight scales and the output type once the accumulators are
/// known, so that outputs land in (or, on purpose, beyond) the output range.
/// The accumulator scales are s_x * s_w[o] computed in double, as the
/// verifier expects and the requantize multiplier uses.
void chooseScales(Random &rng, Layer &layer, bool saturate) {
  std::vector<double> magnitude = channelMagnitudes(layer);
  const Storage &out = layer.output.storage;
  const double halfRange = static_cast<double>(out.qmax - out.qmin) / 2.0;
  const double sx = layer.input.scale(0);
  const size_t numWeightScales = layer.weights.isPerAxis() ? layer.o : 1;
  layer.weights.scales.assign(numWeightScales, 0.0);

  if (layer.style == ScaleStyle::PowerOfTwo) {
    // s_y = 2^-cy; s_w[o] = m * s_y * 2^-k / s_x so that M = m * 2^-k
    // exactly. k >= 1 makes ties possible; k is chosen so that most
    // products fit in the output range, or larger/smaller on purpose.
    double sy = std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 6)));
    for (size_t i = 0; i < numWeightScales; ++i) {
      double largest = 1.0;
      if (layer.weights.isPerAxis())
        largest = magnitude[i];
      else
        largest = *std::max_element(magnitude.begin(), magnitude.end());
      int k = static_cast<int>(std::ceil(std::log2(largest / halfRange)));
      k += static_cast<int>(rng.pick(std::vector<int64_t>{-1, 0, 0, 1}));
      if (saturate)
        k -= static_cast<int>(rng.uniform(1, 3));
      else
        k = std::max(k, 1);
      double odd = rng.pick(std::vector<double>{1.0, 1.0, 1.0, 3.0, 5.0});
      layer.weights.scales[i] = odd * sy * std::ldexp(1.0, -k) / sx;
    }
    layer.output.scales = {sy};
  } else {
    double largestReal = 0.0;
    for (size_t i = 0; i < numWeightScales; ++i) {
      layer.weights.scales[i] = rng.uniformReal(0.001, 0.05);
      for (int64_t o = 0; o < layer.o; ++o) {
        if (layer.weights.isPerAxis() && o != static_cast<int64_t>(i))
          continue;
        largestReal =
            std::max(largestReal, magnitude[o] * sx * layer.weights.scales[i]);
      }
    }
    double factor =
        saturate ? rng.uniformReal(3.0, 20.0) : rng.uniformReal(0.4, 1.3);
    layer.output.scales = {largestReal * factor / halfRange};
  }

  layer.acc.storage = Storage::make(32, true);
  layer.acc.scales.clear();
  for (size_t i = 0; i < numWeightScales; ++i)
    layer.acc.scales.push_back(sx * layer.weights.scales[i]);
  layer.acc.zeroPoints.assign(numWeightScales, 0);
  layer.acc.axis = layer.weights.isPerAxis() ? 1 : -1;
}

/// Makes the output type per-axis on the channel axis now and then, with
/// per-channel scales and zero points: that keeps a relu or clamp out of
/// the fusion and exercises per-channel requantization parameters.
void maybePerAxisOutput(Random &rng, Layer &layer, bool allowPerAxis) {
  const Storage &out = layer.output.storage;
  // Exact-tie cases want headroom on both sides of z_y, or the ties end up
  // saturated.
  auto zeroPoint = [&]() {
    if (layer.style != ScaleStyle::PowerOfTwo || rng.chance(30))
      return randomZeroPoint(rng, out);
    int64_t mid = out.qmin + (out.qmax - out.qmin + 1) / 2;
    int64_t jitter = (out.qmax - out.qmin) / 16;
    return out.clamp(mid + rng.uniform(-jitter, jitter));
  };
  layer.output.zeroPoints = {zeroPoint()};
  if (!allowPerAxis || !rng.chance(15))
    return;
  double base = layer.output.scales[0];
  layer.output.axis = 1;
  layer.output.scales.clear();
  layer.output.zeroPoints.clear();
  for (int64_t o = 0; o < layer.o; ++o) {
    // Powers of two keep exact-tie multipliers exact.
    double factor = layer.style == ScaleStyle::PowerOfTwo
                        ? std::ldexp(1.0, static_cast<int>(rng.uniform(-1, 1)))
                        : rng.uniformReal(0.5, 2.0);
    layer.output.scales.push_back(base * factor);
    layer.output.zeroPoints.push_back(zeroPoint());
  }
}

/// With arbitrary scales, an exact tie is rare and products within rounding
/// error of .5 are rarer still, so nothing would notice a multiplier or
/// product computed with less than float64 precision. Nudges each weight
/// scale so that one product of its channels, chosen at random, lands
/// within a few ulps of .5 (or on it): such an element rounds the same way
/// only when M and acc * M are computed in float64 exactly as specified.
void nudgeTowardTies(Random &rng, Layer &layer) {
  const Storage &out = layer.output.storage;
  const double halfRange = static_cast<double>(out.qmax - out.qmin) / 2.0;
  const double sx = layer.input.scale(0);
  for (size_t i = 0; i < layer.weights.scales.size(); ++i) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      size_t element = static_cast<size_t>(
          rng.uniform(0, static_cast<int64_t>(layer.accValues.size()) - 1));
      size_t ch = layer.channelOf(element);
      if (layer.weights.isPerAxis() && ch != i)
        continue;
      double acc = static_cast<double>(layer.accValues[element]);
      double sy = layer.output.scale(ch);
      double product = acc * (layer.acc.scale(ch) / sy);
      if (std::fabs(product) < 2.0 || std::fabs(product) > halfRange)
        continue;
      double target = std::floor(product) + 0.5;
      layer.weights.scales[i] = target * sy / (acc * sx);
      layer.acc.scales[i] = sx * layer.weights.scales[i];
      break;
    }
  }
}

/// Chooses the epilogue and its parameters.
void chooseEpilogue(Random &rng, Layer &layer, bool allowAccumulator) {
  int roll = static_cast<int>(rng.uniform(0, 99));
  if (allowAccumulator && roll < 8)
    layer.epilogue = Epilogue::Accumulator;
  else if (roll < 35)
    layer.epilogue = Epilogue::Requantize;
  else if (roll < 47)
    layer.epilogue = Epilogue::RequantizeClamped;
  else if (roll < 72)
    layer.epilogue = Epilogue::Relu;
  else
    layer.epilogue = Epilogue::Clamp;

  const Storage &out = layer.output.storage;
  layer.clampAttrs = layer.epilogue == Epilogue::RequantizeClamped ||
                     ((layer.epilogue == Epilogue::Relu ||
                       layer.epilogue == Epilogue::Clamp) &&
                      rng.chance(30));
  if (layer.clampAttrs) {
    int64_t a = rng.uniform(out.qmin, out.qmax);
    int64_t b = rng.uniform(out.qmin, out.qmax);
    layer.clampMin = std::min(a, b);
    layer.clampMax = std::max(a, b);
  }
  if (layer.epilogue == Epilogue::Clamp) {
    double s = layer.output.scale(0);
    int64_t z = layer.output.zeroPoint(0);
    if (rng.chance(40)) {
      // ReLU6.
      layer.realMin = 0.0;
      layer.realMax = 6.0;
    } else {
      // Bounds on the storage grid, on half steps (ties of the bound's own
      // quantization) or beyond the representable range.
      auto bound = [&]() {
        double code =
            static_cast<double>(rng.uniform(out.qmin - 4, out.qmax + 4) - z);
        if (rng.chance(40))
          code += 0.5;
        double value = code * s;
        // Half a step off the grid, v / s is a tie in exact arithmetic, and
        // float32 and float64 may round it to different sides. Prefer such
        // a bound when one is found: it pins the float32 division that the
        // semantics prescribe.
        if (rng.chance(50)) {
          for (int attempt = 0; attempt < 40; ++attempt) {
            double candidate =
                (static_cast<double>(rng.uniform(out.qmin, out.qmax) - z) +
                 0.5) *
                s;
            if (quantizeScalar(candidate, s, z, out) !=
                quantizeInDouble(candidate, s, z, out))
              return candidate;
          }
        }
        return value;
      };
      double a = bound(), b = bound();
      layer.realMin = std::min(a, b);
      layer.realMax = std::max(a, b);
    }
  }
}

/// Draws the input height and width of a conv whose window, strides and
/// padding are set, up to `maxH` x `maxW` and at least what the dilated
/// kernel needs to fit in the padded input, and whether the attributes
/// with default values are spelled out.
void drawInputSize(Random &rng, Layer &layer, int64_t maxH, int64_t maxW) {
  int64_t minH =
      std::max<int64_t>(1, layer.dh * (layer.kh - 1) + 1 - layer.pt - layer.pb);
  int64_t minW =
      std::max<int64_t>(1, layer.dw * (layer.kw - 1) + 1 - layer.pl - layer.pr);
  layer.h = rng.uniform(minH, maxH);
  layer.w = rng.uniform(minW, maxW);
  layer.explicitDefaults = rng.chance(50);
}

/// Draws a conv2d geometry within the size limits that keep JIT compilation
/// fast: channels <= 8, spatial <= 9, kernels <= 3.
void randomConvGeometry(Random &rng, Layer &layer) {
  layer.isConv = true;
  layer.n = rng.uniform(1, 2);
  int mode = static_cast<int>(rng.uniform(0, 9));
  if (mode < 5) {
    layer.groups = 1;
    layer.c = rng.uniform(1, 6);
    layer.o = rng.uniform(1, 8);
  } else if (mode < 7) {
    // Grouped.
    layer.groups = rng.pick(std::vector<int64_t>{2, 2, 3, 4});
    layer.c = layer.groups * rng.uniform(1, 8 / layer.groups);
    layer.o = layer.groups * rng.uniform(1, 8 / layer.groups);
  } else {
    // Depthwise, with a channel multiplier of 1 or 2.
    layer.c = rng.uniform(1, 6);
    layer.groups = layer.c;
    layer.o = layer.c * (layer.c <= 4 ? rng.uniform(1, 2) : 1);
  }
  layer.kh = rng.uniform(1, 3);
  layer.kw = rng.uniform(1, 3);
  layer.sh = rng.uniform(1, 3);
  layer.sw = rng.uniform(1, 3);
  layer.dh = rng.uniform(1, 2);
  layer.dw = rng.uniform(1, 2);
  layer.pt = rng.uniform(0, 2);
  layer.pl = rng.uniform(0, 2);
  layer.pb = rng.uniform(0, 2);
  layer.pr = rng.uniform(0, 2);
  drawInputSize(rng, layer, /*maxH=*/9, /*maxW=*/9);
}

/// Draws a conv2d geometry at the edges of the packed kernels' tiles: up to
/// 40 input channels (not a multiple of 4 or 16), up to 80 output channels
/// (over one tile of 64 and not a multiple of 16), output rows of up to 20
/// pixels (past a tile of 6 or 4 and not always a multiple), strides, dilations
/// and padding; a few grouped and depthwise layers, which the kernels leave to
/// the reference lowering.
void randomConvTileGeometry(Random &rng, Layer &layer) {
  layer.isConv = true;
  layer.n = rng.uniform(1, 3);
  int mode = static_cast<int>(rng.uniform(0, 9));
  if (mode < 8) {
    layer.groups = 1;
    layer.c = rng.uniform(1, 40);
    layer.o = rng.pick(
        std::vector<int64_t>{rng.uniform(1, 20), rng.uniform(20, 80), 64, 16});
  } else {
    layer.c = rng.uniform(2, 12);
    layer.groups = rng.chance(50) ? layer.c : 2;
    layer.c = layer.groups * (layer.c / layer.groups);
    layer.o = layer.groups * rng.uniform(1, 2);
  }
  layer.kh = rng.uniform(1, 3);
  layer.kw = rng.uniform(1, 3);
  layer.sh = rng.uniform(1, 2);
  layer.sw = rng.uniform(1, 2);
  layer.dh = rng.uniform(1, 2);
  layer.dw = rng.uniform(1, 2);
  layer.pt = rng.uniform(0, 1);
  layer.pl = rng.uniform(0, 2);
  layer.pb = rng.uniform(0, 1);
  layer.pr = rng.uniform(0, 2);
  drawInputSize(rng, layer, /*maxH=*/5, /*maxW=*/24);
}

/// Draws the input and weight types of a layer (zero points included, scales
/// of the weights later) and its scale style.
void randomTypes(Random &rng, Layer &layer, bool inputGiven, bool allowOdd) {
  if (!inputGiven) {
    layer.input.storage = randomActivationStorage(rng, allowOdd);
    layer.input.zeroPoints = {randomZeroPoint(rng, layer.input.storage)};
    layer.input.axis = -1;
    layer.style = rng.chance(55) ? ScaleStyle::PowerOfTwo : ScaleStyle::Generic;
    layer.input.scales = {
        layer.style == ScaleStyle::PowerOfTwo
            ? std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 5)))
            : rng.uniformReal(0.004, 0.08)};
  }
  layer.weights.storage = randomWeightStorage(rng, allowOdd);
  layer.weights.axis = rng.chance(60) ? 0 : -1;
  randomWeightZeroPoints(rng, layer);
}

/// Draws the output storage type of a requantization.
Storage randomOutputStorage(Random &rng, bool allowOdd) {
  if (allowOdd && rng.chance(15)) {
    switch (rng.uniform(0, 3)) {
    case 0:
      return Storage::make(16, true);
    case 1:
      return Storage::make(4, false);
    case 2:
      return Storage::make(4, true);
    default:
      return Storage::make(16, false);
    }
  }
  if (rng.chance(10))
    return Storage::make(8, true, /*narrow=*/true);
  return Storage::make(8, rng.chance(50));
}

/// Whether the packed kernels take `layer` (see convert-qsim-to-kernels):
/// 8-bit activations, and either a depthwise conv with one output channel
/// per input channel or an ungrouped layer whose w - z_w all fit in i8.
bool isPackable(const Layer &layer) {
  if (layer.input.storage.width != 8)
    return false;
  if (layer.isConv && layer.c > 1 && layer.groups == layer.c &&
      layer.o == layer.c)
    return true;
  if (layer.groups != 1)
    return false;
  size_t perChannel = layer.wq.size() / static_cast<size_t>(layer.o);
  for (size_t i = 0; i < layer.wq.size(); ++i) {
    int64_t shifted = layer.wq[i] - layer.weights.zeroPoint(i / perChannel);
    if (shifted < -128 || shifted > 127)
      return false;
  }
  return true;
}

/// Completes a layer whose geometry (and, for the second layer of a chain,
/// input) is set: data, reference accumulators, scales, output and epilogue.
void finishLayer(Random &rng, Layer &layer, bool inputGiven, bool chained,
                 bool onlyByteStorage, Stats &stats) {
  bool allowOdd = !chained && !onlyByteStorage;
  randomTypes(rng, layer, inputGiven, allowOdd);
  randomData(rng, layer, inputGiven);
  bool wrapped = false;
  if (layer.isConv)
    referenceConv(layer, wrapped);
  else
    referenceLinear(layer, wrapped);
  if (wrapped)
    ++stats.wrapped;
  if (isPackable(layer))
    ++stats.packable;

  layer.output = QuantType();
  layer.output.storage = chained ? Storage::make(8, rng.chance(50))
                                 : randomOutputStorage(rng, allowOdd);
  bool saturate = rng.chance(20);
  chooseScales(rng, layer, saturate);
  maybePerAxisOutput(rng, layer, /*allowPerAxis=*/!chained);
  if (layer.style == ScaleStyle::Generic && rng.chance(80))
    nudgeTowardTies(rng, layer);
  chooseEpilogue(rng, layer, /*allowAccumulator=*/!chained);
}

/// A test case: one layer, or a conv2d whose requantized output is
/// flattened into a linear layer.
struct Case {
  std::vector<Layer> layers;
};

/// Draws a case and computes its expected output with the correct reference.
Case randomCase(Random &rng, const std::string &kind, Stats &stats) {
  Case result;
  std::string which = kind;
  if (kind == "mixed") {
    int roll = static_cast<int>(rng.uniform(0, 9));
    which = roll < 5 ? "conv" : roll < 8 ? "linear" : "chain";
  }
  Layer first;
  // The tile kinds keep to 8-bit storage, which the packed kernels take.
  bool tiles = kind == "conv-tiles" || kind == "linear-tiles" ||
               kind == "conv-wide-tiles" || kind == "linear-wide-tiles";
  if (which == "linear") {
    first.isConv = false;
    first.n = rng.uniform(1, 3);
    first.c = rng.uniform(1, 32);
    first.o = rng.uniform(1, 10);
  } else if (which == "linear-tiles") {
    // Rows past one tile of 6 or 4 and not always a multiple, features past
    // a tile (and a weight panel) of 64 and not a multiple of 16.
    first.isConv = false;
    first.n = rng.uniform(1, 17);
    first.c = rng.uniform(1, 70);
    first.o = rng.pick(
        std::vector<int64_t>{rng.uniform(1, 20), rng.uniform(20, 90), 64});
  } else if (which == "linear-wide-tiles") {
    // The AMX kernel's edges: rows past its tile of 32 (two of 16) and not
    // a multiple of 16, features over one to three 64-byte tile rows.
    first.isConv = false;
    first.n = rng.uniform(1, 40);
    first.c = rng.uniform(1, 150);
    first.o = rng.pick(
        std::vector<int64_t>{rng.uniform(1, 20), rng.uniform(20, 90), 64});
  } else if (which == "conv-tiles") {
    randomConvTileGeometry(rng, first);
  } else if (which == "conv-wide-tiles") {
    // As conv-tiles, with the AMX kernel's edges: up to 150 input channels
    // and output rows of up to 40 pixels.
    randomConvTileGeometry(rng, first);
    if (first.groups == 1)
      first.c = rng.uniform(1, 150);
    drawInputSize(rng, first, /*maxH=*/4, /*maxW=*/40);
  } else {
    randomConvGeometry(rng, first);
    if (which == "chain") {
      // Keep the flattened feature count small.
      first.h = std::min<int64_t>(first.h, 6);
      first.w = std::min<int64_t>(first.w, 6);
      first.pt = first.pb = first.pl = first.pr = 1;
      first.dh = first.dw = 1;
    }
  }
  bool chained = which == "chain";
  first.dynamicBatch = rng.chance(12);
  finishLayer(rng, first, /*inputGiven=*/false, chained, tiles, stats);
  referenceEpilogue(first, /*perturb=*/false, stats);
  result.layers.push_back(first);
  if (!chained)
    return result;

  // The second layer reads the first one's output, flattened to [N, K].
  const Layer &prev = result.layers.back();
  Layer second;
  second.isConv = false;
  second.n = prev.n;
  second.c = numElements(prev.outputShape()) / prev.n;
  second.o = rng.uniform(1, 6);
  second.input = prev.output;
  second.x = prev.outValues;
  second.dynamicBatch = prev.dynamicBatch;
  second.style = prev.style;
  finishLayer(rng, second, /*inputGiven=*/true, chained, tiles, stats);
  referenceEpilogue(second, /*perturb=*/false, stats);
  result.layers.push_back(second);
  return result;
}

/// Recomputes the expected output of a generated case with the perturbed
/// rounding. The program stays what the correct run generated: only the
/// expected values change, through every layer of a chain.
void perturbCase(Case &testCase) {
  Stats ignored;
  bool wrapped = false;
  for (size_t i = 0; i < testCase.layers.size(); ++i) {
    Layer &layer = testCase.layers[i];
    if (i > 0) {
      layer.x = testCase.layers[i - 1].outValues;
      if (layer.isConv)
        referenceConv(layer, wrapped);
      else
        referenceLinear(layer, wrapped);
    }
    referenceEpilogue(layer, /*perturb=*/true, ignored);
  }
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

std::string describeType(const QuantType &type) {
  std::string text = type.storage.quantName();
  if (type.isPerAxis()) {
    bool uniformZero =
        std::all_of(type.zeroPoints.begin(), type.zeroPoints.end(),
                    [&](int64_t z) { return z == type.zeroPoints.front(); });
    text += " per-axis";
    text += uniformZero ? " z=" + std::to_string(type.zeroPoints.front())
                        : " z=mixed";
  } else {
    text += " z=" + std::to_string(type.zeroPoints.front());
  }
  return text;
}

/// A one-line description of a layer for the case comments.
std::string describeLayer(const Layer &layer) {
  std::ostringstream os;
  const char *batchNote = layer.dynamicBatch ? " (dynamic)" : "";
  if (layer.isConv) {
    os << "conv2d N=" << layer.n << batchNote << " C=" << layer.c
       << " H=" << layer.h << " W=" << layer.w << " O=" << layer.o
       << " k=" << layer.kh << "x" << layer.kw << " stride=" << layer.sh << "x"
       << layer.sw << " pad=" << layer.pt << "," << layer.pl << "," << layer.pb
       << "," << layer.pr << " dil=" << layer.dh << "x" << layer.dw
       << " groups=" << layer.groups;
  } else {
    os << "linear N=" << layer.n << batchNote << " K=" << layer.c
       << " F=" << layer.o;
  }
  os << "; x " << describeType(layer.input) << "; w "
     << describeType(layer.weights) << "; "
     << (layer.hasBias ? "bias" : "no bias") << "; "
     << (layer.style == ScaleStyle::PowerOfTwo ? "pow2" : "generic")
     << " scales; " << epilogueName(layer.epilogue);
  if (layer.clampAttrs)
    os << " clamp_min/max=[" << layer.clampMin << ", " << layer.clampMax << "]";
  if (layer.epilogue == Epilogue::Clamp)
    os << " [" << formatDouble(layer.realMin) << ", "
       << formatDouble(layer.realMax) << "]";
  if (layer.epilogue != Epilogue::Accumulator)
    os << "; out " << describeType(layer.output);
  return os.str();
}

/// Emits the storage constant of a quantized operand and its quant.scast.
void emitQuantConstant(std::ostream &os, const std::string &name,
                       const std::vector<int64_t> &values,
                       const std::vector<int64_t> &shape,
                       const QuantType &type) {
  std::vector<int64_t> signless;
  signless.reserve(values.size());
  for (int64_t v : values)
    signless.push_back(type.storage.toSignless(v));
  std::string storageType = tensorType(shape, type.storage.intName());
  os << "    " << name << "_st = arith.constant "
     << denseLiteral(signless, shape) << " : " << storageType << "\n";
  os << "    " << name << " = quant.scast " << name << "_st : " << storageType
     << " to " << quantTensorType(shape, type) << "\n";
}

/// Emits one layer reading `inputValue` (or its own constant when empty);
/// returns the SSA name of its final quantized result.
std::string emitLayer(std::ostream &os, const Layer &layer,
                      const std::string &prefix,
                      const std::string &inputValue) {
  std::vector<int64_t> inShape =
      withBatch(layer.inputShape(), layer.dynamicBatch);
  std::vector<int64_t> wShape = layer.weightShape();
  std::vector<int64_t> outShape =
      withBatch(layer.outputShape(), layer.dynamicBatch);
  std::string x = inputValue;
  if (x.empty()) {
    x = prefix + "_x";
    emitQuantConstant(os, x, layer.x, layer.inputShape(), layer.input);
    if (layer.dynamicBatch) {
      os << "    " << x << "_dyn = tensor.cast " << x << " : "
         << quantTensorType(layer.inputShape(), layer.input) << " to "
         << quantTensorType(inShape, layer.input) << "\n";
      x += "_dyn";
    }
  }
  std::string w = prefix + "_w";
  emitQuantConstant(os, w, layer.wq, wShape, layer.weights);
  std::string b = prefix + "_b";
  if (layer.hasBias)
    os << "    " << b << " = arith.constant "
       << denseLiteral(layer.bias, {layer.o}) << " : "
       << tensorType({layer.o}, "i32") << "\n";

  std::string accType = quantTensorType(outShape, layer.acc);
  std::string acc = prefix + "_acc";
  os << "    " << acc << " = qsim." << (layer.isConv ? "conv2d " : "linear ")
     << x << ", " << w;
  if (layer.hasBias)
    os << ", " << b;
  if (layer.isConv) {
    std::vector<std::string> attrs;
    auto pair = [](int64_t first, int64_t second) {
      return "array<i64: " + std::to_string(first) + ", " +
             std::to_string(second) + ">";
    };
    if (layer.explicitDefaults || layer.sh != 1 || layer.sw != 1)
      attrs.push_back("strides = " + pair(layer.sh, layer.sw));
    if (layer.explicitDefaults || layer.pt || layer.pl || layer.pb || layer.pr)
      attrs.push_back("padding = array<i64: " + std::to_string(layer.pt) +
                      ", " + std::to_string(layer.pl) + ", " +
                      std::to_string(layer.pb) + ", " +
                      std::to_string(layer.pr) + ">");
    if (layer.explicitDefaults || layer.dh != 1 || layer.dw != 1)
      attrs.push_back("dilations = " + pair(layer.dh, layer.dw));
    if (layer.explicitDefaults || layer.groups != 1)
      attrs.push_back("groups = " + std::to_string(layer.groups) + " : i64");
    if (!attrs.empty()) {
      os << " {";
      for (size_t i = 0; i < attrs.size(); ++i)
        os << (i ? ", " : "") << attrs[i];
      os << "}";
    }
  }
  os << "\n        : (" << quantTensorType(inShape, layer.input) << ", "
     << quantTensorType(wShape, layer.weights);
  if (layer.hasBias)
    os << ", " << tensorType({layer.o}, "i32");
  os << ")\n        -> " << accType << "\n";
  if (layer.epilogue == Epilogue::Accumulator)
    return acc;

  std::string outType = quantTensorType(outShape, layer.output);
  std::string y = prefix + "_y";
  os << "    " << y << " = qsim.requantize " << acc;
  if (layer.clampAttrs)
    os << " {clamp_min = " << layer.clampMin
       << " : i64, clamp_max = " << layer.clampMax << " : i64}";
  os << "\n        : " << accType << " -> " << outType << "\n";
  if (layer.epilogue == Epilogue::Relu) {
    os << "    " << prefix << "_a = qsim.relu " << y << " : " << outType
       << "\n";
    return prefix + "_a";
  }
  if (layer.epilogue == Epilogue::Clamp) {
    os << "    " << prefix << "_a = qsim.clamp " << y
       << " {min = " << formatDouble(layer.realMin)
       << ", max = " << formatDouble(layer.realMax) << "} : " << outType
       << "\n";
    return prefix + "_a";
  }
  return y;
}

/// Emits a case and prints its final output as a 1-D i32 memref; appends the
/// expected output to `check`.
void emitCase(std::ostream &os, std::ostream &check, const Case &testCase,
              int index) {
  std::string prefix = "%c" + std::to_string(index);
  std::vector<std::string> lines;
  for (size_t i = 0; i < testCase.layers.size(); ++i)
    lines.push_back((i ? "  then " : "") + describeLayer(testCase.layers[i]));
  os << "\n    // Case " << index << ": " << lines[0] << "\n";
  check << "\n// Case " << index << ": " << lines[0] << "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    os << "    //" << lines[i] << "\n";
    check << "//" << lines[i] << "\n";
  }

  std::string value = emitLayer(os, testCase.layers[0], prefix + "l0", "");
  if (testCase.layers.size() == 2) {
    // Flatten the first layer's [N, O, OH, OW] output into [N, K].
    const Layer &first = testCase.layers[0];
    const Layer &second = testCase.layers[1];
    std::string flat = prefix + "_flat";
    os << "    " << flat << " = tensor.collapse_shape " << value
       << " [[0], [1, 2, 3]] : "
       << quantTensorType(withBatch(first.outputShape(), first.dynamicBatch),
                          first.output)
       << " into "
       << quantTensorType(withBatch(second.inputShape(), second.dynamicBatch),
                          second.input)
       << "\n";
    value = emitLayer(os, second, prefix + "l1", flat);
  }

  const Layer &last = testCase.layers.back();
  std::vector<int64_t> shape = withBatch(last.outputShape(), last.dynamicBatch);
  const QuantType &type =
      last.epilogue == Epilogue::Accumulator ? last.acc : last.output;
  std::string storage = tensorType(shape, type.storage.intName());
  std::string wide = tensorType(shape, "i32");
  int64_t count = numElements(last.outputShape());
  os << "    " << prefix << "_s = quant.scast " << value << " : "
     << quantTensorType(shape, type) << " to " << storage << "\n";
  std::string extended = prefix + "_s";
  if (type.storage.width != 32) {
    extended = prefix + "_e";
    os << "    " << extended << " = arith."
       << (type.storage.isSigned ? "extsi " : "extui ") << prefix
       << "_s : " << storage << " to " << wide << "\n";
  }
  std::string reassociation = "[[0";
  for (size_t d = 1; d < shape.size(); ++d)
    reassociation += ", " + std::to_string(d);
  reassociation += "]]";
  std::string flatType = tensorType({last.dynamicBatch ? -1 : count}, "i32");
  os << "    " << prefix << "_f = tensor.collapse_shape " << extended << " "
     << reassociation << " : " << wide << " into " << flatType << "\n";
  os << "    " << prefix << "_u = tensor.cast " << prefix << "_f : " << flatType
     << " to tensor<*xi32>\n";
  os << "    call @printMemrefI32(" << prefix
     << "_u) : (tensor<*xi32>) -> ()\n";

  // Every line after the very first must follow directly, so that no output
  // can be skipped or repeated unnoticed.
  check << "// " << (index == 0 ? "CHECK: " : "CHECK-NEXT: ")
        << "rank = 1 offset = 0 sizes = [" << count
        << "] strides = [1] data =\n";
  // Literal, not anchored: a printed 1-D memref has its only [ at the start
  // of the line and its only ] at the end, so the list matches only the
  // whole line, and FileCheck's regex anchors are quadratic in the length
  // of lines that hold thousands of values.
  check << "// CHECK-NEXT: [";
  for (size_t i = 0; i < last.outValues.size(); ++i)
    check << (i ? ", " : "") << last.outValues[i];
  check << "]\n";
}

//===----------------------------------------------------------------------===//
// Elementwise kinds: add, mul, concat
//===----------------------------------------------------------------------===//

/// True for the kinds that test qsim.add, qsim.mul and qsim.concat.
bool isElementwiseKind(const std::string &kind) {
  return kind == "add" || kind == "mul" || kind == "concat";
}

/// One input of an elementwise case. `dynamic` marks the dimensions that
/// the op's types spell `?`; the constant itself is static.
struct ElementwiseInput {
  QuantType type;
  std::vector<int64_t> shape;
  std::vector<bool> dynamic;
  std::vector<int64_t> values;
};

/// One qsim.add, qsim.mul or qsim.concat with its data and results.
struct ElementwiseCase {
  std::string op;
  std::vector<ElementwiseInput> inputs;
  QuantType output;
  std::vector<int64_t> outShape;
  std::vector<bool> outDynamic;
  int64_t axis = 0;
  bool clampAttrs = false;
  int64_t clampMin = 0, clampMax = 0;
  ScaleStyle style = ScaleStyle::Generic;
  std::vector<int64_t> outValues;
};

/// Statistics of the elementwise kinds, reported on stderr.
struct ElementwiseStats {
  int64_t cases = 0;
  int64_t elements = 0;
  /// Elements computed through a rounding (all of add and mul, the
  /// requantized inputs of concat).
  int64_t rounded = 0;
  int64_t ties = 0;
  int64_t tiesDown = 0;
  int64_t tiesUp = 0;
  int64_t nearTies = 0;
  int64_t saturatedLow = 0;
  int64_t saturatedHigh = 0;
  /// Elements whose output clamp_min / clamp_max change.
  int64_t clampDecided = 0;
  /// add/mul cases whose operand shapes differ, and those whose ranks do.
  int64_t broadcastCases = 0;
  int64_t rankBroadcastCases = 0;
  int64_t dynamicCases = 0;
  int64_t copiedInputs = 0;
  int64_t requantizedInputs = 0;
};

bool sameQuantType(const QuantType &a, const QuantType &b) {
  return a.storage.width == b.storage.width &&
         a.storage.isSigned == b.storage.isSigned &&
         a.storage.qmin == b.storage.qmin && a.storage.qmax == b.storage.qmax &&
         a.scales == b.scales && a.zeroPoints == b.zeroPoints &&
         a.axis == b.axis;
}

/// The row-major index into an operand of `shape` broadcast into `outShape`
/// (NumPy style) of the output element at multi-index `outIndex`.
int64_t broadcastIndex(const std::vector<int64_t> &shape,
                       const std::vector<int64_t> &outShape,
                       const std::vector<int64_t> &outIndex) {
  size_t leading = outShape.size() - shape.size();
  int64_t index = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t i = shape[d] == 1 ? 0 : outIndex[d + leading];
    index = index * shape[d] + i;
  }
  return index;
}

/// Advances a row-major multi-index; false after the last one.
bool nextIndex(std::vector<int64_t> &index, const std::vector<int64_t> &shape) {
  for (size_t d = shape.size(); d-- > 0;) {
    if (++index[d] < shape[d])
      return true;
    index[d] = 0;
  }
  return false;
}

/// Rounds, adds z_y and clamps one scaled value, and counts what it hit:
///   y = clamp(round_half_to_even(scaled) + z_y, lo, hi).
/// `perturb` rounds half away from zero instead.
int64_t roundAndClamp(double scaled, int64_t zy, int64_t lo, int64_t hi,
                      const Storage &storage, bool perturb,
                      ElementwiseStats &stats) {
  // The clamp happens in double: a rounded value can exceed int64.
  auto outputFor = [&](double rounded, int64_t low, int64_t high) {
    double shifted = rounded + static_cast<double>(zy);
    if (shifted < static_cast<double>(low))
      return low;
    if (shifted > static_cast<double>(high))
      return high;
    return static_cast<int64_t>(shifted);
  };
  const double halfEven = std::nearbyint(scaled);
  const int64_t y = outputFor(perturb ? std::round(scaled) : halfEven, lo, hi);

  ++stats.rounded;
  double shifted = halfEven + static_cast<double>(zy);
  if (shifted < static_cast<double>(storage.qmin))
    ++stats.saturatedLow;
  else if (shifted > static_cast<double>(storage.qmax))
    ++stats.saturatedHigh;
  if (outputFor(halfEven, lo, hi) !=
      outputFor(halfEven, storage.qmin, storage.qmax))
    ++stats.clampDecided;
  const double fraction = scaled - std::floor(scaled);
  const bool decides = outputFor(std::floor(scaled), lo, hi) !=
                       outputFor(std::ceil(scaled), lo, hi);
  if (fraction != 0.5 && std::fabs(fraction - 0.5) <= 0x1.0p-30 && decides)
    ++stats.nearTies;
  if (fraction == 0.5) {
    ++stats.ties;
    if (decides)
      ++(halfEven < scaled ? stats.tiesDown : stats.tiesUp);
  }
  return y;
}

/// The plain reference of the three ops, straight from their formulas:
///   add:    round(s_a/s_y * (a - z_a) + s_b/s_y * (b - z_b)),
///   mul:    round((s_a * s_b / s_y) * ((a - z_a) * (b - z_b))),
///   concat: a copy, or round((s_in / s_y) * (q - z_in)),
/// each then + z_y and clamped; every multiplier and product in double.
void referenceElementwise(ElementwiseCase &testCase, bool perturb,
                          ElementwiseStats &stats) {
  testCase.outValues.clear();
  const QuantType &out = testCase.output;
  const double sy = out.scales[0];
  const int64_t zy = out.zeroPoints[0];
  int64_t lo = out.storage.qmin, hi = out.storage.qmax;
  if (testCase.clampAttrs) {
    lo = testCase.clampMin;
    hi = testCase.clampMax;
  }
  std::vector<int64_t> index(testCase.outShape.size(), 0);
  do {
    if (testCase.op == "concat") {
      // Find the input that holds this position on the axis.
      int64_t position = index[testCase.axis];
      size_t which = 0;
      while (position >= testCase.inputs[which].shape[testCase.axis])
        position -= testCase.inputs[which++].shape[testCase.axis];
      const ElementwiseInput &input = testCase.inputs[which];
      std::vector<int64_t> inIndex = index;
      inIndex[testCase.axis] = position;
      int64_t flat = 0;
      for (size_t d = 0; d < inIndex.size(); ++d)
        flat = flat * input.shape[d] + inIndex[d];
      int64_t q = input.values[flat];
      if (sameQuantType(input.type, out)) {
        testCase.outValues.push_back(q);
        continue;
      }
      const double multiplier = input.type.scales[0] / sy;
      const double scaled =
          multiplier * static_cast<double>(q - input.type.zeroPoints[0]);
      testCase.outValues.push_back(roundAndClamp(scaled, zy, out.storage.qmin,
                                                 out.storage.qmax, out.storage,
                                                 perturb, stats));
      continue;
    }
    const ElementwiseInput &lhs = testCase.inputs[0];
    const ElementwiseInput &rhs = testCase.inputs[1];
    const int64_t a =
        lhs.values[broadcastIndex(lhs.shape, testCase.outShape, index)];
    const int64_t b =
        rhs.values[broadcastIndex(rhs.shape, testCase.outShape, index)];
    const double sa = lhs.type.scales[0], sb = rhs.type.scales[0];
    const int64_t za = lhs.type.zeroPoints[0], zb = rhs.type.zeroPoints[0];
    double scaled;
    if (testCase.op == "add") {
      // Separate statements, and -ffp-contract=off: no fused multiply-add.
      const double lhsTerm = (sa / sy) * static_cast<double>(a - za);
      const double rhsTerm = (sb / sy) * static_cast<double>(b - zb);
      scaled = lhsTerm + rhsTerm;
    } else {
      const int64_t product = (a - za) * (b - zb);
      const double multiplier = sa * sb / sy;
      scaled = multiplier * static_cast<double>(product);
    }
    testCase.outValues.push_back(
        roundAndClamp(scaled, zy, lo, hi, out.storage, perturb, stats));
  } while (nextIndex(index, testCase.outShape));
}

/// Draws a storage type of 2 to 16 bits: mostly u8 and i8.
Storage randomElementwiseStorage(Random &rng) {
  if (rng.chance(25)) {
    switch (rng.uniform(0, 5)) {
    case 0:
      return Storage::make(16, true);
    case 1:
      return Storage::make(16, false);
    case 2:
      return Storage::make(4, rng.chance(50));
    case 3:
      return Storage::make(2, rng.chance(50));
    default:
      return Storage::make(8, true, /*narrow=*/true);
    }
  }
  return Storage::make(8, rng.chance(50));
}

/// A zero point near the middle of the range, so that values near it leave
/// room for ties on both sides; or any zero point.
int64_t randomCenteredZeroPoint(Random &rng, const Storage &storage,
                                bool centered) {
  if (!centered || rng.chance(30))
    return randomZeroPoint(rng, storage);
  int64_t mid = storage.qmin + (storage.qmax - storage.qmin + 1) / 2;
  int64_t jitter = (storage.qmax - storage.qmin) / 16;
  return storage.clamp(mid + rng.uniform(-jitter, jitter));
}

/// Values around the type's zero point with a small spread (most outputs
/// land in range and ties decide them), or over the whole storage range.
std::vector<int64_t> randomElementwiseValues(Random &rng, int64_t count,
                                             const QuantType &type,
                                             int64_t spread) {
  return randomValues(rng, count, type.storage, {type.zeroPoints[0]}, count,
                      spread);
}

/// A random shape of rank 1 to 4 with at most about 120 elements.
std::vector<int64_t> randomShape(Random &rng) {
  int64_t rank = rng.uniform(1, 4);
  std::vector<int64_t> shape;
  int64_t budget = 120;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size =
        rng.uniform(1, std::max<int64_t>(1, std::min<int64_t>(6, budget)));
    budget /= size;
    shape.push_back(size);
  }
  return shape;
}

/// The largest |s_a/s_y * (a - z_a) + ...| style magnitude of the real
/// result, in units of the output scale 1, used to choose s_y.
double largestReal(const ElementwiseCase &testCase) {
  double largest = 0.0;
  std::vector<int64_t> index(testCase.outShape.size(), 0);
  const ElementwiseInput &lhs = testCase.inputs[0];
  const ElementwiseInput &rhs = testCase.inputs[1];
  do {
    double a = static_cast<double>(
        lhs.values[broadcastIndex(lhs.shape, testCase.outShape, index)] -
        lhs.type.zeroPoints[0]);
    double b = static_cast<double>(
        rhs.values[broadcastIndex(rhs.shape, testCase.outShape, index)] -
        rhs.type.zeroPoints[0]);
    double real = testCase.op == "add"
                      ? lhs.type.scales[0] * a + rhs.type.scales[0] * b
                      : lhs.type.scales[0] * rhs.type.scales[0] * a * b;
    largest = std::max(largest, std::fabs(real));
  } while (nextIndex(index, testCase.outShape));
  return largest;
}

/// Draws the two operand shapes of an add/mul from the result shape: equal,
/// or with unit dimensions and missing leading ones, on either side; then
/// now and then marks dimensions dynamic where the op allows it.
void randomBroadcastShapes(Random &rng, ElementwiseCase &testCase,
                           ElementwiseStats &stats) {
  testCase.outShape = randomShape(rng);
  const size_t rank = testCase.outShape.size();
  testCase.inputs.assign(2, ElementwiseInput());
  bool broadcast = rng.chance(70);
  for (ElementwiseInput &input : testCase.inputs) {
    input.shape = testCase.outShape;
    if (!broadcast)
      continue;
    for (int64_t &dim : input.shape)
      if (rng.chance(35))
        dim = 1;
    // Drop leading dimensions of one operand at most, so that the other
    // keeps the result's rank; keep at least one dimension, since a rank-0
    // constant has no nested list.
    bool otherDropped = testCase.inputs[0].shape.size() < rank;
    if (rank > 1 && !otherDropped && rng.chance(35)) {
      size_t drop = static_cast<size_t>(rng.uniform(1, rank - 1));
      input.shape.erase(input.shape.begin(), input.shape.begin() + drop);
    }
  }
  // The result is the broadcast of what the operands kept.
  const std::vector<int64_t> &a = testCase.inputs[0].shape;
  const std::vector<int64_t> &b = testCase.inputs[1].shape;
  for (size_t d = 0; d < rank; ++d) {
    size_t la = rank - a.size(), lb = rank - b.size();
    int64_t da = d < la ? 1 : a[d - la];
    int64_t db = d < lb ? 1 : b[d - lb];
    testCase.outShape[d] = std::max(da, db);
  }
  if (a != b)
    ++stats.broadcastCases;
  if (a.size() != b.size())
    ++stats.rankBroadcastCases;

  for (ElementwiseInput &input : testCase.inputs)
    input.dynamic.assign(input.shape.size(), false);
  testCase.outDynamic.assign(rank, false);
  if (!rng.chance(20))
    return;
  // A dimension may be dynamic where both operands have it (equal sizes) or
  // where the other operand has size 1.
  bool any = false;
  for (size_t d = 0; d < rank; ++d) {
    if (!rng.chance(50))
      continue;
    size_t la = rank - a.size(), lb = rank - b.size();
    bool hasA = d >= la, hasB = d >= lb;
    int64_t da = hasA ? a[d - la] : 1, db = hasB ? b[d - lb] : 1;
    if (hasA && hasB && da == db && da != 1) {
      testCase.inputs[0].dynamic[d - la] = true;
      testCase.inputs[1].dynamic[d - lb] = true;
    } else if (hasA && da != 1 && db == 1) {
      testCase.inputs[0].dynamic[d - la] = true;
    } else if (hasB && db != 1 && da == 1) {
      testCase.inputs[1].dynamic[d - lb] = true;
    } else {
      continue;
    }
    testCase.outDynamic[d] = true;
    any = true;
  }
  if (any)
    ++stats.dynamicCases;
}

/// Draws an add or mul case: shapes, types, data, scales and clamp bounds.
void randomBinaryCase(Random &rng, ElementwiseCase &testCase,
                      ElementwiseStats &stats) {
  randomBroadcastShapes(rng, testCase, stats);
  testCase.style =
      rng.chance(60) ? ScaleStyle::PowerOfTwo : ScaleStyle::Generic;
  const bool pow2 = testCase.style == ScaleStyle::PowerOfTwo;
  testCase.output.storage = randomElementwiseStorage(rng);
  testCase.output.zeroPoints = {
      randomCenteredZeroPoint(rng, testCase.output.storage, pow2)};
  const Storage &out = testCase.output.storage;
  const double halfRange = static_cast<double>(out.qmax - out.qmin) / 2.0;
  const bool saturate = rng.chance(20);

  for (ElementwiseInput &input : testCase.inputs) {
    input.type.storage = randomElementwiseStorage(rng);
    input.type.zeroPoints = {
        randomCenteredZeroPoint(rng, input.type.storage, pow2)};
    int64_t spread = pow2 ? rng.pick(std::vector<int64_t>{1, 2, 3, 5, 9, -1})
                          : rng.pick(std::vector<int64_t>{4, 16, 60, -1, -1});
    if (testCase.op == "mul" && pow2 && spread < 0 && rng.chance(50))
      spread = 12;
    input.values = randomElementwiseValues(rng, numElements(input.shape),
                                           input.type, spread);
  }

  if (pow2) {
    // s_y = 2^-ky; add: s_a = M_a * s_y with dyadic M_a, exact and often
    // giving .25/.5/.75 fractions; mul: M = 2^-k sized to the products.
    double sy = std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 6)));
    testCase.output.scales = {sy};
    if (testCase.op == "add") {
      std::vector<double> multipliers = {0.25, 0.5, 0.5, 0.75,
                                         1.0,  1.5, 2.0, 3.0};
      for (ElementwiseInput &input : testCase.inputs)
        input.type.scales = {rng.pick(multipliers) * (saturate ? 8.0 : 1.0) *
                             sy};
    } else {
      testCase.inputs[0].type.scales = {
          std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 4)))};
      testCase.inputs[1].type.scales = {1.0};
      double largest = std::max(1.0, largestReal(testCase));
      int k = static_cast<int>(std::ceil(std::log2(largest / halfRange)));
      k += static_cast<int>(rng.pick(std::vector<int64_t>{-1, 0, 0, 1}));
      k = saturate ? k - static_cast<int>(rng.uniform(1, 3)) : std::max(k, 1);
      double odd = rng.pick(std::vector<double>{1.0, 1.0, 3.0});
      // M = s_a * s_b / s_y = odd * 2^-k exactly.
      testCase.inputs[1].type.scales = {odd * std::ldexp(1.0, -k) * sy /
                                        testCase.inputs[0].type.scales[0]};
    }
  } else {
    for (ElementwiseInput &input : testCase.inputs)
      input.type.scales = {rng.uniformReal(0.004, 0.1)};
    double factor =
        saturate ? rng.uniformReal(0.1, 0.4) : rng.uniformReal(0.6, 1.3);
    double largest = largestReal(testCase);
    if (largest == 0.0)
      largest = 1.0;
    testCase.output.scales = {largest * factor / halfRange};
    // Nudges s_y so that one element, chosen at random, lands within a few
    // ulps of .5 (or on it): it rounds as the reference does only when the
    // multipliers and the products are computed in float64 as specified.
    if (rng.chance(85)) {
      for (int attempt = 0; attempt < 10; ++attempt) {
        std::vector<int64_t> index;
        for (int64_t dim : testCase.outShape)
          index.push_back(rng.uniform(0, dim - 1));
        const ElementwiseInput &lhs = testCase.inputs[0];
        const ElementwiseInput &rhs = testCase.inputs[1];
        double a = static_cast<double>(
            lhs.values[broadcastIndex(lhs.shape, testCase.outShape, index)] -
            lhs.type.zeroPoints[0]);
        double b = static_cast<double>(
            rhs.values[broadcastIndex(rhs.shape, testCase.outShape, index)] -
            rhs.type.zeroPoints[0]);
        double real = testCase.op == "add"
                          ? lhs.type.scales[0] * a + rhs.type.scales[0] * b
                          : lhs.type.scales[0] * rhs.type.scales[0] * a * b;
        double current = real / testCase.output.scales[0];
        if (std::fabs(current) < 2.0 || std::fabs(current) > halfRange)
          continue;
        testCase.output.scales = {real / (std::floor(current) + 0.5)};
        break;
      }
    }
  }

  testCase.clampAttrs = rng.chance(30);
  if (testCase.clampAttrs) {
    int64_t zy = testCase.output.zeroPoints[0];
    if (rng.chance(50)) {
      // A fused ReLU: clamp_min = z_y.
      testCase.clampMin = zy;
      testCase.clampMax = out.qmax;
    } else {
      int64_t a = rng.uniform(out.qmin, out.qmax);
      int64_t b = rng.uniform(out.qmin, out.qmax);
      testCase.clampMin = std::min(a, b);
      testCase.clampMax = std::max(a, b);
    }
  }
}

/// Draws a concat case: 1 to 4 inputs along a random axis, each either of
/// the result's type (copied) or of another type (requantized).
void randomConcatCase(Random &rng, ElementwiseCase &testCase,
                      ElementwiseStats &stats) {
  std::vector<int64_t> base = randomShape(rng);
  const size_t rank = base.size();
  testCase.axis = rng.uniform(0, static_cast<int64_t>(rank) - 1);
  testCase.style =
      rng.chance(60) ? ScaleStyle::PowerOfTwo : ScaleStyle::Generic;
  const bool pow2 = testCase.style == ScaleStyle::PowerOfTwo;
  QuantType &out = testCase.output;
  out.storage = randomElementwiseStorage(rng);
  out.zeroPoints = {randomCenteredZeroPoint(rng, out.storage, pow2)};
  out.scales = {pow2 ? std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 6)))
                     : rng.uniformReal(0.004, 0.1)};
  const double halfRange =
      static_cast<double>(out.storage.qmax - out.storage.qmin) / 2.0;

  // Off the axis a dimension may be dynamic when it is on every input.
  std::vector<bool> dynamic(rank, false);
  if (rank > 1 && rng.chance(20)) {
    int64_t d = rng.uniform(0, static_cast<int64_t>(rank) - 2);
    if (d >= testCase.axis)
      ++d;
    dynamic[d] = true;
    ++stats.dynamicCases;
  }
  int64_t numInputs = rng.uniform(1, 4);
  testCase.outShape = base;
  testCase.outShape[testCase.axis] = 0;
  for (int64_t i = 0; i < numInputs; ++i) {
    ElementwiseInput input;
    input.shape = base;
    input.shape[testCase.axis] = rng.uniform(1, 4);
    input.dynamic = dynamic;
    testCase.outShape[testCase.axis] += input.shape[testCase.axis];
    bool copy = rng.chance(35);
    if (copy) {
      input.type = out;
      ++stats.copiedInputs;
    } else {
      input.type.storage = randomElementwiseStorage(rng);
      input.type.zeroPoints = {
          randomCenteredZeroPoint(rng, input.type.storage, pow2)};
      if (pow2) {
        double factor = rng.pick(
            std::vector<double>{0.25, 0.5, 0.5, 0.75, 1.5, 2.0, 3.0, 8.0});
        input.type.scales = {factor * out.scales[0]};
      } else {
        input.type.scales = {out.scales[0] * rng.uniformReal(0.3, 3.0)};
      }
      // A type that happens to equal the result's would be copied.
      if (sameQuantType(input.type, out))
        input.type.scales[0] *= 2.0;
      ++stats.requantizedInputs;
    }
    int64_t spread = pow2 ? rng.pick(std::vector<int64_t>{1, 2, 3, 5, -1})
                          : rng.pick(std::vector<int64_t>{4, 16, 60, -1, -1});
    input.values = randomElementwiseValues(rng, numElements(input.shape),
                                           input.type, spread);
    // Nudges the input scale so that one element lands within a few ulps of
    // .5: it pins the float64 multiplier s_in / s_y and product.
    if (!copy && !pow2 && rng.chance(85)) {
      for (int attempt = 0; attempt < 10; ++attempt) {
        size_t element = static_cast<size_t>(
            rng.uniform(0, static_cast<int64_t>(input.values.size()) - 1));
        double delta = static_cast<double>(input.values[element] -
                                           input.type.zeroPoints[0]);
        double current = input.type.scales[0] / out.scales[0] * delta;
        if (std::fabs(current) < 2.0 || std::fabs(current) > halfRange)
          continue;
        input.type.scales = {(std::floor(current) + 0.5) * out.scales[0] /
                             delta};
        break;
      }
      if (sameQuantType(input.type, out))
        input.type.scales[0] *= 2.0;
    }
    testCase.inputs.push_back(input);
  }
  testCase.outDynamic = dynamic;
}

/// `shape` with -1 where `dynamic` is set, as shapePrefix spells `?`.
std::vector<int64_t> typeShape(const std::vector<int64_t> &shape,
                               const std::vector<bool> &dynamic) {
  std::vector<int64_t> result = shape;
  for (size_t d = 0; d < shape.size(); ++d)
    if (dynamic[d])
      result[d] = -1;
  return result;
}

std::string describeShape(const std::vector<int64_t> &shape) {
  std::string text = shapePrefix(shape);
  return text.empty() ? "scalar" : text.substr(0, text.size() - 1);
}

/// Emits one elementwise case and the printing of its output; appends the
/// expected output to `check`.
void emitElementwiseCase(std::ostream &os, std::ostream &check,
                         const ElementwiseCase &testCase, int index) {
  std::string prefix = "%c" + std::to_string(index);
  std::ostringstream note;
  note << testCase.op;
  if (testCase.op == "concat")
    note << " axis=" << testCase.axis;
  for (const ElementwiseInput &input : testCase.inputs)
    note << "; " << describeShape(typeShape(input.shape, input.dynamic)) << " "
         << describeType(input.type)
         << " s=" << formatDouble(input.type.scales[0]);
  note << " -> "
       << describeShape(typeShape(testCase.outShape, testCase.outDynamic))
       << " " << describeType(testCase.output)
       << " s=" << formatDouble(testCase.output.scales[0]) << "; "
       << (testCase.style == ScaleStyle::PowerOfTwo ? "pow2" : "generic")
       << " scales";
  if (testCase.clampAttrs)
    note << "; clamp_min/max=[" << testCase.clampMin << ", "
         << testCase.clampMax << "]";
  os << "\n    // Case " << index << ": " << note.str() << "\n";
  check << "\n// Case " << index << ": " << note.str() << "\n";

  std::vector<std::string> operands, operandTypes;
  for (size_t i = 0; i < testCase.inputs.size(); ++i) {
    const ElementwiseInput &input = testCase.inputs[i];
    std::string name = prefix + "_x" + std::to_string(i);
    emitQuantConstant(os, name, input.values, input.shape, input.type);
    std::string type =
        quantTensorType(typeShape(input.shape, input.dynamic), input.type);
    if (std::find(input.dynamic.begin(), input.dynamic.end(), true) !=
        input.dynamic.end()) {
      os << "    " << name << "_dyn = tensor.cast " << name << " : "
         << quantTensorType(input.shape, input.type) << " to " << type << "\n";
      name += "_dyn";
    }
    operands.push_back(name);
    operandTypes.push_back(type);
  }
  std::vector<int64_t> outTypeShape =
      typeShape(testCase.outShape, testCase.outDynamic);
  std::string outType = quantTensorType(outTypeShape, testCase.output);
  std::string y = prefix + "_y";
  os << "    " << y << " = qsim." << testCase.op << " ";
  for (size_t i = 0; i < operands.size(); ++i)
    os << (i ? ", " : "") << operands[i];
  if (testCase.op == "concat")
    os << " {axis = " << testCase.axis << " : i64}";
  else if (testCase.clampAttrs)
    os << " {clamp_min = " << testCase.clampMin
       << " : i64, clamp_max = " << testCase.clampMax << " : i64}";
  os << "\n        : (";
  for (size_t i = 0; i < operandTypes.size(); ++i)
    os << (i ? ", " : "") << operandTypes[i];
  os << ") -> " << outType << "\n";

  // Print the output as a 1-D i32 memref.
  const Storage &storage = testCase.output.storage;
  std::string storageType = tensorType(outTypeShape, storage.intName());
  std::string wide = tensorType(outTypeShape, "i32");
  os << "    " << prefix << "_s = quant.scast " << y << " : " << outType
     << " to " << storageType << "\n";
  os << "    " << prefix << "_e = arith."
     << (storage.isSigned ? "extsi " : "extui ") << prefix
     << "_s : " << storageType << " to " << wide << "\n";
  bool anyDynamic =
      std::find(testCase.outDynamic.begin(), testCase.outDynamic.end(), true) !=
      testCase.outDynamic.end();
  int64_t count = numElements(testCase.outShape);
  std::string flat = prefix + "_e";
  std::string flatType = wide;
  if (outTypeShape.size() > 1) {
    std::string reassociation = "[[0";
    for (size_t d = 1; d < outTypeShape.size(); ++d)
      reassociation += ", " + std::to_string(d);
    reassociation += "]]";
    flat = prefix + "_f";
    flatType = tensorType({anyDynamic ? -1 : count}, "i32");
    os << "    " << flat << " = tensor.collapse_shape " << prefix << "_e "
       << reassociation << " : " << wide << " into " << flatType << "\n";
  }
  os << "    " << prefix << "_u = tensor.cast " << flat << " : " << flatType
     << " to tensor<*xi32>\n";
  os << "    call @printMemrefI32(" << prefix
     << "_u) : (tensor<*xi32>) -> ()\n";

  check << "// " << (index == 0 ? "CHECK: " : "CHECK-NEXT: ")
        << "rank = 1 offset = 0 sizes = [" << count
        << "] strides = [1] data =\n";
  check << "// CHECK-NEXT: [";
  for (size_t i = 0; i < testCase.outValues.size(); ++i)
    check << (i ? ", " : "") << testCase.outValues[i];
  check << "]\n";
}

/// Generates, emits and checks the cases of an elementwise kind, then
/// prints its statistics. Returns the process exit code.
int runElementwiseKind(const Options &options, Random &rng, std::ostream &mlir,
                       std::ostream &check) {
  ElementwiseStats stats;
  for (int i = 0; i < options.cases; ++i) {
    ElementwiseCase testCase;
    testCase.op = options.kind;
    if (testCase.op == "concat")
      randomConcatCase(rng, testCase, stats);
    else
      randomBinaryCase(rng, testCase, stats);
    ElementwiseStats before = stats;
    referenceElementwise(testCase, /*perturb=*/false, stats);
    if (options.perturbRounding) {
      ElementwiseStats ignored;
      referenceElementwise(testCase, /*perturb=*/true, ignored);
    }
    if (options.verbose)
      std::cerr << "case " << i << ": ties " << stats.ties - before.ties
                << " (deciding: down " << stats.tiesDown - before.tiesDown
                << ", up " << stats.tiesUp - before.tiesUp << ")\n";
    emitElementwiseCase(mlir, check, testCase, i);
    ++stats.cases;
    stats.elements += static_cast<int64_t>(testCase.outValues.size());
  }
  mlir << "    return\n  }\n}\n";
  if (!mlir.good() || !check.good()) {
    std::cerr << "qsim-diffgen: write error\n";
    return 1;
  }
  std::cerr << "qsim-diffgen: seed " << options.seed << ", " << stats.cases
            << " cases (" << options.kind << "), " << stats.elements
            << " output elements\n"
            << "rounded elements: " << stats.rounded << "\n"
            << "exact ties: " << stats.ties << "\n"
            << "deciding ties rounded down to even: " << stats.tiesDown << "\n"
            << "deciding ties rounded up to even: " << stats.tiesUp << "\n"
            << "deciding near ties: " << stats.nearTies << "\n"
            << "saturated low: " << stats.saturatedLow << "\n"
            << "saturated high: " << stats.saturatedHigh << "\n"
            << "decided by clamp_min/clamp_max: " << stats.clampDecided << "\n"
            << "broadcast cases: " << stats.broadcastCases << "\n"
            << "rank-broadcast cases: " << stats.rankBroadcastCases << "\n"
            << "dynamic cases: " << stats.dynamicCases << "\n"
            << "copied inputs: " << stats.copiedInputs << "\n"
            << "requantized inputs: " << stats.requantizedInputs << "\n";
  return 0;
}

//===----------------------------------------------------------------------===//
// Printing a case's output
//===----------------------------------------------------------------------===//

/// Emits the printing of a quantized result `value` of `shape` (-1 for a
/// dynamic first dimension) holding `expected.size()` elements, and its
/// expected output, in the same form as emitCase.
void emitPrintedResult(std::ostream &os, std::ostream &check,
                       const std::string &prefix, const std::string &value,
                       const std::vector<int64_t> &shape, const QuantType &type,
                       int index, const std::vector<int64_t> &expected) {
  std::string storage = tensorType(shape, type.storage.intName());
  std::string wide = tensorType(shape, "i32");
  os << "    " << prefix << "_s = quant.scast " << value << " : "
     << quantTensorType(shape, type) << " to " << storage << "\n";
  os << "    " << prefix << "_e = arith."
     << (type.storage.isSigned ? "extsi " : "extui ") << prefix
     << "_s : " << storage << " to " << wide << "\n";
  int64_t count = static_cast<int64_t>(expected.size());
  std::string flatType = tensorType({shape[0] < 0 ? -1 : count}, "i32");
  std::string flat = prefix + "_e";
  if (shape.size() > 1) {
    std::string reassociation = "[[0";
    for (size_t d = 1; d < shape.size(); ++d)
      reassociation += ", " + std::to_string(d);
    reassociation += "]]";
    flat = prefix + "_f";
    os << "    " << flat << " = tensor.collapse_shape " << prefix << "_e "
       << reassociation << " : " << wide << " into " << flatType << "\n";
  }
  os << "    " << prefix << "_u = tensor.cast " << flat << " : " << flatType
     << " to tensor<*xi32>\n";
  os << "    call @printMemrefI32(" << prefix
     << "_u) : (tensor<*xi32>) -> ()\n";
  check << "// " << (index == 0 ? "CHECK: " : "CHECK-NEXT: ")
        << "rank = 1 offset = 0 sizes = [" << count
        << "] strides = [1] data =\n";
  check << "// CHECK-NEXT: [";
  for (size_t i = 0; i < expected.size(); ++i)
    check << (i ? ", " : "") << expected[i];
  check << "]\n";
}

/// Emits the storage constant and quant.scast of an input, cast to a dynamic
/// first dimension when `dynamic` is set; returns the SSA name to use.
std::string emitInput(std::ostream &os, const std::string &name,
                      const std::vector<int64_t> &values,
                      const std::vector<int64_t> &shape, const QuantType &type,
                      bool dynamic) {
  emitQuantConstant(os, name, values, shape, type);
  if (!dynamic)
    return name;
  os << "    " << name << "_dyn = tensor.cast " << name << " : "
     << quantTensorType(shape, type) << " to "
     << quantTensorType(withBatch(shape, true), type) << "\n";
  return name + "_dyn";
}

//===----------------------------------------------------------------------===//
// Average pooling (--kind avgpool)
//===----------------------------------------------------------------------===//

/// How the result type of an average pool relates to its input type.
enum class PoolTypes {
  /// Identical types: M = 1, the result is the rounded mean.
  Equal,
  /// s_y = s_x * 2^k: M is exact and means land on .5.
  PowerOfTwo,
  /// Arbitrary scales, often nudged so that one mean lands within a few
  /// ulps of .5, where the order "product, then division" decides.
  Generic,
};

/// One qsim.avg_pool2d with its data and its expected output.
struct PoolCase {
  int64_t n = 1, c = 1, h = 1, w = 1, kh = 1, kw = 1, sh = 1, sw = 1;
  int64_t pt = 0, pl = 0, pb = 0, pr = 0;
  bool countIncludePad = false;
  bool isGlobal = false;
  bool dynamicBatch = false;
  bool explicitDefaults = false;
  PoolTypes types = PoolTypes::Equal;
  QuantType input, output;
  std::vector<int64_t> x, y;

  int64_t oh() const { return (h + pt + pb - kh) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - kw) / sw + 1; }
  std::vector<int64_t> inputShape() const { return {n, c, h, w}; }
  std::vector<int64_t> outputShape() const { return {n, c, oh(), ow()}; }
};

/// Statistics of the average-pool cases, reported on stderr.
struct PoolStats {
  int64_t cases = 0, elements = 0;
  int64_t countIncludePad = 0, countExcludePad = 0;
  /// Outputs of count_include_pad = false whose window overlaps the
  /// padding, so that the divisor is less than KH * KW.
  int64_t partialWindows = 0;
  int64_t padded = 0, strided = 0, global = 0;
  int64_t equalTypes = 0, otherTypes = 0;
  int64_t ties = 0, tiesDown = 0, tiesUp = 0;
  /// Means within 2^-30 of .5, not on it, whose rounding decides the output.
  int64_t nearTies = 0;
  /// Outputs that differ when the mean is computed as (S / count) * M
  /// instead of (S * M) / count.
  int64_t orderSensitive = 0;
  int64_t saturatedLow = 0, saturatedHigh = 0;
};

/// The exact sum S of (x - z_x) over the in-bounds taps of one window, and
/// the number of those taps.
void windowSum(const PoolCase &pool, int64_t n, int64_t c, int64_t oy,
               int64_t ox, int64_t &sum, int64_t &taps) {
  sum = 0;
  taps = 0;
  const int64_t zx = pool.input.zeroPoint(0);
  for (int64_t ky = 0; ky < pool.kh; ++ky) {
    const int64_t iy = oy * pool.sh + ky - pool.pt;
    if (iy < 0 || iy >= pool.h)
      continue;
    for (int64_t kx = 0; kx < pool.kw; ++kx) {
      const int64_t ix = ox * pool.sw + kx - pool.pl;
      if (ix < 0 || ix >= pool.w)
        continue;
      sum += pool.x[((n * pool.c + c) * pool.h + iy) * pool.w + ix] - zx;
      ++taps;
    }
  }
}

/// y = clamp(round_half_to_even((double(S) * M) / double(count)) + z_y,
/// qmin, qmax) with M = s_x / s_y; `perturb` rounds half away from zero.
void referenceAvgPool(PoolCase &pool, bool perturb, PoolStats &stats) {
  const double multiplier = pool.input.scale(0) / pool.output.scale(0);
  const int64_t zy = pool.output.zeroPoint(0);
  const Storage &out = pool.output.storage;
  auto outputFor = [&](double rounded) {
    double shifted = rounded + static_cast<double>(zy);
    if (shifted < static_cast<double>(out.qmin))
      return out.qmin;
    if (shifted > static_cast<double>(out.qmax))
      return out.qmax;
    return static_cast<int64_t>(shifted);
  };
  pool.y.clear();
  for (int64_t n = 0; n < pool.n; ++n) {
    for (int64_t c = 0; c < pool.c; ++c) {
      for (int64_t oy = 0; oy < pool.oh(); ++oy) {
        for (int64_t ox = 0; ox < pool.ow(); ++ox) {
          int64_t sum = 0, taps = 0;
          windowSum(pool, n, c, oy, ox, sum, taps);
          const int64_t count = pool.countIncludePad ? pool.kh * pool.kw : taps;
          const double mean = (static_cast<double>(sum) * multiplier) /
                              static_cast<double>(count);
          const double halfEven = std::nearbyint(mean);
          pool.y.push_back(outputFor(perturb ? std::round(mean) : halfEven));

          if (!pool.countIncludePad && taps != pool.kh * pool.kw)
            ++stats.partialWindows;
          const double shifted = halfEven + static_cast<double>(zy);
          if (shifted < static_cast<double>(out.qmin))
            ++stats.saturatedLow;
          else if (shifted > static_cast<double>(out.qmax))
            ++stats.saturatedHigh;
          const double otherOrder =
              std::nearbyint(static_cast<double>(sum) /
                             static_cast<double>(count) * multiplier);
          if (outputFor(otherOrder) != outputFor(halfEven))
            ++stats.orderSensitive;
          const double fraction = mean - std::floor(mean);
          const bool decides =
              outputFor(std::floor(mean)) != outputFor(std::ceil(mean));
          if (fraction != 0.5 && std::fabs(fraction - 0.5) <= 0x1.0p-30 &&
              decides)
            ++stats.nearTies;
          if (fraction != 0.5)
            continue;
          ++stats.ties;
          if (!decides)
            continue;
          if (halfEven < mean)
            ++stats.tiesDown;
          else
            ++stats.tiesUp;
        }
      }
    }
  }
}

/// Draws a per-tensor activation type of at most 16 bits: mostly u8 and i8.
Storage randomPoolStorage(Random &rng) {
  if (rng.chance(20)) {
    switch (rng.uniform(0, 3)) {
    case 0:
      return Storage::make(16, rng.chance(50));
    case 1:
      return Storage::make(4, rng.chance(50));
    case 2:
      return Storage::make(8, true, /*narrow=*/true);
    default:
      return Storage::make(6, rng.chance(50));
    }
  }
  return Storage::make(8, rng.chance(50));
}

/// Draws an average pool: geometry, types, data; then computes its output.
PoolCase randomPoolCase(Random &rng, PoolStats &stats) {
  PoolCase pool;
  pool.n = rng.uniform(1, 2);
  pool.c = rng.uniform(1, 4);
  pool.dynamicBatch = rng.chance(15);
  pool.explicitDefaults = rng.chance(30);
  pool.countIncludePad = rng.chance(50);
  pool.isGlobal = rng.chance(15);
  if (pool.isGlobal) {
    pool.h = rng.uniform(1, 7);
    pool.w = rng.uniform(1, 7);
    pool.kh = pool.h;
    pool.kw = pool.w;
  } else {
    pool.kh = rng.uniform(1, 4);
    pool.kw = rng.uniform(1, 4);
    pool.sh = rng.uniform(1, 3);
    pool.sw = rng.uniform(1, 3);
    if (rng.chance(65)) {
      pool.pt = rng.uniform(0, std::min<int64_t>(2, pool.kh - 1));
      pool.pb = rng.uniform(0, std::min<int64_t>(2, pool.kh - 1));
      pool.pl = rng.uniform(0, std::min<int64_t>(2, pool.kw - 1));
      pool.pr = rng.uniform(0, std::min<int64_t>(2, pool.kw - 1));
    }
    pool.h = rng.uniform(std::max<int64_t>(1, pool.kh - pool.pt - pool.pb), 8);
    pool.w = rng.uniform(std::max<int64_t>(1, pool.kw - pool.pl - pool.pr), 8);
  }

  pool.input.storage = randomPoolStorage(rng);
  pool.input.zeroPoints = {randomZeroPoint(rng, pool.input.storage)};
  int roll = static_cast<int>(rng.uniform(0, 99));
  pool.types = roll < 35   ? PoolTypes::Equal
               : roll < 70 ? PoolTypes::PowerOfTwo
                           : PoolTypes::Generic;
  pool.input.scales = {
      pool.types == PoolTypes::Generic
          ? rng.uniformReal(0.004, 0.2)
          : std::ldexp(1.0, -static_cast<int>(rng.uniform(0, 6)))};

  // Data: a few units around z_x (means near small integers, where ties
  // are visible), a wider spread, or the full range (saturation).
  const Storage &in = pool.input.storage;
  int64_t spread = rng.pick(std::vector<int64_t>{2, 3, 5, 12, 40, -1});
  int64_t count = numElements(pool.inputShape());
  pool.x =
      randomValues(rng, count, in, {pool.input.zeroPoint(0)}, count, spread);

  if (pool.types == PoolTypes::Equal) {
    pool.output = pool.input;
  } else {
    pool.output.storage = rng.chance(70) ? Storage::make(8, rng.chance(50))
                                         : randomPoolStorage(rng);
    const Storage &out = pool.output.storage;
    // Headroom on both sides of z_y for most cases, anywhere otherwise.
    int64_t mid = out.qmin + (out.qmax - out.qmin + 1) / 2;
    pool.output.zeroPoints = {rng.chance(70)
                                  ? out.clamp(mid + rng.uniform(-3, 3))
                                  : randomZeroPoint(rng, out)};
    if (pool.types == PoolTypes::PowerOfTwo) {
      // M = 2^-k; k < 0 magnifies, and saturates now and then.
      int k = static_cast<int>(rng.uniform(-3, 2));
      pool.output.scales = {std::ldexp(pool.input.scale(0), k)};
    } else {
      pool.output.scales = {pool.input.scale(0) * rng.uniformReal(0.2, 4.0)};
    }
  }

  PoolStats ignored;
  referenceAvgPool(pool, /*perturb=*/false, ignored);
  // With arbitrary scales, move s_y so that one mean lands within a few
  // ulps of .5: only the prescribed float64 product-then-division rounds
  // it the way the reference does.
  if (pool.types == PoolTypes::Generic && rng.chance(80)) {
    const double sx = pool.input.scale(0);
    const double original = pool.output.scale(0);
    double nudged = 0.0;
    for (int attempt = 0; attempt < 20; ++attempt) {
      int64_t n = rng.uniform(0, pool.n - 1), c = rng.uniform(0, pool.c - 1);
      int64_t oy = rng.uniform(0, pool.oh() - 1);
      int64_t ox = rng.uniform(0, pool.ow() - 1);
      int64_t sum = 0, taps = 0;
      windowSum(pool, n, c, oy, ox, sum, taps);
      const double s = static_cast<double>(sum);
      const double divisor =
          static_cast<double>(pool.countIncludePad ? pool.kh * pool.kw : taps);
      const double mean = s * sx / original / divisor;
      if (sum == 0 || std::fabs(mean) > 40.0)
        continue;
      const double scale = s * sx / ((std::floor(mean) + 0.5) * divisor);
      if (nudged == 0.0)
        nudged = scale;
      // Prefer a scale a few ulps away on which the two orders of product
      // and division round apart, trying other windows until one does.
      double up = scale, down = scale;
      bool found = false;
      for (int step = 0; step < 64 && !found; ++step) {
        double &candidate = step % 2 ? down : up;
        candidate = std::nextafter(candidate, step % 2 ? 0.0 : 1e300);
        const double m = sx / candidate;
        if (std::nearbyint(s * m / divisor) !=
            std::nearbyint(s / divisor * m)) {
          nudged = candidate;
          found = true;
        }
      }
      if (found)
        break;
    }
    if (nudged != 0.0)
      pool.output.scales = {nudged};
  }
  referenceAvgPool(pool, /*perturb=*/false, stats);

  ++stats.cases;
  stats.elements += static_cast<int64_t>(pool.y.size());
  ++(pool.countIncludePad ? stats.countIncludePad : stats.countExcludePad);
  if (pool.pt || pool.pl || pool.pb || pool.pr)
    ++stats.padded;
  if (pool.sh > 1 || pool.sw > 1)
    ++stats.strided;
  if (pool.isGlobal)
    ++stats.global;
  ++(pool.types == PoolTypes::Equal ? stats.equalTypes : stats.otherTypes);
  return pool;
}

void emitPoolCase(std::ostream &os, std::ostream &check, const PoolCase &pool,
                  int index) {
  static const char *typeNames[] = {"equal types", "pow2 scales",
                                    "generic scales"};
  std::ostringstream description;
  description << "avg_pool2d N=" << pool.n
              << (pool.dynamicBatch ? " (dynamic)" : "") << " C=" << pool.c
              << " H=" << pool.h << " W=" << pool.w << " k=" << pool.kh << "x"
              << pool.kw << " stride=" << pool.sh << "x" << pool.sw
              << " pad=" << pool.pt << "," << pool.pl << "," << pool.pb << ","
              << pool.pr << (pool.countIncludePad ? " include" : " exclude")
              << (pool.isGlobal ? " global" : "") << "; x "
              << describeType(pool.input) << "; "
              << typeNames[static_cast<int>(pool.types)] << "; out "
              << describeType(pool.output);
  os << "\n    // Case " << index << ": " << description.str() << "\n";
  check << "\n// Case " << index << ": " << description.str() << "\n";

  std::string prefix = "%c" + std::to_string(index);
  std::string x = emitInput(os, prefix + "_x", pool.x, pool.inputShape(),
                            pool.input, pool.dynamicBatch);
  auto pair = [](int64_t first, int64_t second) {
    return "array<i64: " + std::to_string(first) + ", " +
           std::to_string(second) + ">";
  };
  std::vector<std::string> attrs = {"kernel = " + pair(pool.kh, pool.kw)};
  if (pool.explicitDefaults || pool.sh != 1 || pool.sw != 1)
    attrs.push_back("strides = " + pair(pool.sh, pool.sw));
  if (pool.explicitDefaults || pool.pt || pool.pl || pool.pb || pool.pr)
    attrs.push_back("padding = array<i64: " + std::to_string(pool.pt) + ", " +
                    std::to_string(pool.pl) + ", " + std::to_string(pool.pb) +
                    ", " + std::to_string(pool.pr) + ">");
  if (pool.explicitDefaults || pool.countIncludePad)
    attrs.push_back(std::string("count_include_pad = ") +
                    (pool.countIncludePad ? "true" : "false"));
  if (pool.explicitDefaults)
    attrs.push_back("rounding = #qsim.rounding<half_even>");
  std::vector<int64_t> inShape =
      withBatch(pool.inputShape(), pool.dynamicBatch);
  std::vector<int64_t> outShape =
      withBatch(pool.outputShape(), pool.dynamicBatch);
  std::string y = prefix + "_y";
  os << "    " << y << " = qsim.avg_pool2d " << x << " {";
  for (size_t i = 0; i < attrs.size(); ++i)
    os << (i ? ", " : "") << attrs[i];
  os << "}\n        : " << quantTensorType(inShape, pool.input) << " -> "
     << quantTensorType(outShape, pool.output) << "\n";
  emitPrintedResult(os, check, prefix, y, outShape, pool.output, index, pool.y);
}

//===----------------------------------------------------------------------===//
// Lookup tables (--kind table)
//===----------------------------------------------------------------------===//

/// One qsim.table with its data and its expected output.
struct TableCase {
  QuantType input, output;
  std::vector<int64_t> shape;
  bool dynamic = false;
  std::vector<int64_t> table, x, y;
};

/// Statistics of the table cases, reported on stderr.
struct TableStats {
  int64_t cases = 0, elements = 0;
  int64_t signed8 = 0, unsigned8 = 0, narrow8 = 0, narrower = 0;
  /// Cases whose input holds every code of its storage type.
  int64_t everyCode = 0;
  /// Outputs read from the first or the last entry.
  int64_t firstEntry = 0, lastEntry = 0;
};

/// y = table[q - qmin_storage], qmin_storage the storage type's minimum.
void referenceTable(TableCase &table) {
  const unsigned width = table.input.storage.width;
  const int64_t first =
      table.input.storage.isSigned ? -(int64_t(1) << (width - 1)) : 0;
  table.y.clear();
  for (int64_t q : table.x)
    table.y.push_back(table.table[static_cast<size_t>(q - first)]);
}

TableCase randomTableCase(Random &rng, TableStats &stats) {
  TableCase table;
  int roll = static_cast<int>(rng.uniform(0, 99));
  Storage in = roll < 30   ? Storage::make(8, true)
               : roll < 60 ? Storage::make(8, false)
               : roll < 70
                   ? Storage::make(8, true, /*narrow=*/true)
                   : Storage::make(static_cast<unsigned>(rng.uniform(2, 7)),
                                   rng.chance(50));
  table.input.storage = in;
  table.input.zeroPoints = {randomZeroPoint(rng, in)};
  table.input.scales = {rng.uniformReal(0.01, 0.5)};
  roll = static_cast<int>(rng.uniform(0, 99));
  table.output.storage = roll < 35   ? Storage::make(8, false)
                         : roll < 70 ? Storage::make(8, true)
                         : roll < 80 ? Storage::make(8, true, /*narrow=*/true)
                         : roll < 90 ? Storage::make(16, rng.chance(50))
                                     : Storage::make(4, rng.chance(50));
  table.output.zeroPoints = {randomZeroPoint(rng, table.output.storage)};
  table.output.scales = {rng.uniformReal(0.002, 0.1)};

  // Entries anywhere in the result range (the storage range of a narrow
  // type), sorted half of the time, as a monotone activation's are.
  const Storage &out = table.output.storage;
  const int64_t size = int64_t(1) << in.width;
  for (int64_t i = 0; i < size; ++i)
    table.table.push_back(rng.uniform(out.qmin, out.qmax));
  if (rng.chance(50))
    std::sort(table.table.begin(), table.table.end());

  // Every storage code (narrow ranges included: quant.scast does not check
  // them), shuffled, in a tensor of rank 1 to 3; or random codes.
  const int64_t first = in.isSigned ? -(size / 2) : 0;
  bool everyCode = rng.chance(50);
  if (everyCode) {
    for (int64_t i = 0; i < size; ++i)
      table.x.push_back(first + i);
    for (int64_t i = size - 1; i > 0; --i)
      std::swap(table.x[static_cast<size_t>(i)],
                table.x[static_cast<size_t>(rng.uniform(0, i))]);
    int64_t rows = rng.pick(std::vector<int64_t>{1, 2, 4});
    table.shape = rng.chance(50) ? std::vector<int64_t>{size}
                                 : std::vector<int64_t>{rows, size / rows};
  } else {
    table.shape = {rng.uniform(1, 3), rng.uniform(1, 5), rng.uniform(1, 6)};
    for (int64_t i = 0; i < numElements(table.shape); ++i)
      table.x.push_back(first + rng.uniform(0, size - 1));
  }
  table.dynamic = rng.chance(15);
  referenceTable(table);

  ++stats.cases;
  stats.elements += static_cast<int64_t>(table.y.size());
  if (in.width == 8 && in.isNarrow())
    ++stats.narrow8;
  else if (in.width == 8)
    ++(in.isSigned ? stats.signed8 : stats.unsigned8);
  else
    ++stats.narrower;
  if (everyCode)
    ++stats.everyCode;
  for (int64_t q : table.x) {
    if (q == first)
      ++stats.firstEntry;
    if (q == first + size - 1)
      ++stats.lastEntry;
  }
  return table;
}

void emitTableCase(std::ostream &os, std::ostream &check,
                   const TableCase &table, int index) {
  std::ostringstream description;
  description << "table shape=" << shapePrefix(table.shape)
              << (table.dynamic ? " (dynamic)" : "") << " x "
              << describeType(table.input) << "; out "
              << describeType(table.output);
  os << "\n    // Case " << index << ": " << description.str() << "\n";
  check << "\n// Case " << index << ": " << description.str() << "\n";

  std::string prefix = "%c" + std::to_string(index);
  std::string x = emitInput(os, prefix + "_x", table.x, table.shape,
                            table.input, table.dynamic);
  std::vector<int64_t> shape = withBatch(table.shape, table.dynamic);
  std::string y = prefix + "_y";
  os << "    " << y << " = qsim.table " << x << " {table = "
     << denseLiteral(table.table, {static_cast<int64_t>(table.table.size())})
     << " : tensor<" << table.table.size()
     << "xi32>}\n        : " << quantTensorType(shape, table.input) << " -> "
     << quantTensorType(shape, table.output) << "\n";
  emitPrintedResult(os, check, prefix, y, shape, table.output, index, table.y);
}

/// Writes the cases of --kind avgpool or table and their statistics.
void generateAvgPoolOrTableCases(const Options &options, Random &rng,
                                 std::ostream &mlir, std::ostream &check) {
  if (options.kind == "avgpool") {
    PoolStats stats;
    for (int i = 0; i < options.cases; ++i) {
      PoolCase pool = randomPoolCase(rng, stats);
      if (options.perturbRounding) {
        PoolStats ignored;
        referenceAvgPool(pool, /*perturb=*/true, ignored);
      }
      emitPoolCase(mlir, check, pool, i);
    }
    std::cerr << "qsim-diffgen: seed " << options.seed << ", " << stats.cases
              << " cases (avgpool), " << stats.elements << " output elements\n"
              << "count_include_pad true: " << stats.countIncludePad << "\n"
              << "count_include_pad false: " << stats.countExcludePad << "\n"
              << "outputs divided by fewer than KH * KW taps: "
              << stats.partialWindows << "\n"
              << "padded: " << stats.padded << "\n"
              << "strided: " << stats.strided << "\n"
              << "global pools: " << stats.global << "\n"
              << "equal input and output types: " << stats.equalTypes << "\n"
              << "different input and output types: " << stats.otherTypes
              << "\n"
              << "exact ties: " << stats.ties << "\n"
              << "deciding ties rounded down to even: " << stats.tiesDown
              << "\n"
              << "deciding ties rounded up to even: " << stats.tiesUp << "\n"
              << "deciding near ties: " << stats.nearTies << "\n"
              << "outputs that depend on the order of product and division: "
              << stats.orderSensitive << "\n"
              << "saturated low: " << stats.saturatedLow << "\n"
              << "saturated high: " << stats.saturatedHigh << "\n";
    return;
  }
  TableStats stats;
  for (int i = 0; i < options.cases; ++i)
    emitTableCase(mlir, check, randomTableCase(rng, stats), i);
  std::cerr << "qsim-diffgen: seed " << options.seed << ", " << stats.cases
            << " cases (table), " << stats.elements << " output elements\n"
            << "i8 inputs: " << stats.signed8 << "\n"
            << "u8 inputs: " << stats.unsigned8 << "\n"
            << "narrow-range i8 inputs: " << stats.narrow8 << "\n"
            << "inputs of 2 to 7 bits: " << stats.narrower << "\n"
            << "inputs holding every code: " << stats.everyCode << "\n"
            << "outputs from the first entry: " << stats.firstEntry << "\n"
            << "outputs from the last entry: " << stats.lastEntry << "\n";
}

bool parseInteger(const char *text, uint64_t &value) {
  char *end = nullptr;
  errno = 0;
  unsigned long long parsed = std::strtoull(text, &end, 10);
  if (errno || end == text || *end != '\0')
    return false;
  value = parsed;
  return true;
}

void printUsage(std::ostream &os) {
  os << "usage: qsim-diffgen [--seed N] [--cases N] "
        "[--kind conv|linear|mixed|conv-tiles|linear-tiles|\n"
        "                    "
        "conv-wide-tiles|linear-wide-tiles|add|mul|concat|\n"
        "                    avgpool|table]\n"
        "                    --mlir OUT.mlir --check OUT.check "
        "[--perturb-rounding] [--verbose]\n"
        "\n"
        "Writes randomized qsim.conv2d / qsim.linear (or qsim.add, qsim.mul, "
        "qsim.concat,\nqsim.avg_pool2d, qsim.table) cases as an MLIR "
        "module that\n"
        "prints every case's output, and the outputs a plain C++ reference "
        "computes\n"
        "as FileCheck lines; statistics go to stderr. --perturb-rounding "
        "makes the\n"
        "reference round half away from zero (the module stays the same), "
        "which the\n"
        "checks must then reject. --verbose adds per-case statistics.\n";
}

bool parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (arg == "--help" || arg == "-h") {
      printUsage(std::cout);
      std::exit(0);
    }
    if (arg == "--perturb-rounding") {
      options.perturbRounding = true;
      continue;
    }
    if (arg == "--verbose") {
      options.verbose = true;
      continue;
    }
    const char *text = value();
    if (!text) {
      std::cerr << "qsim-diffgen: missing value for " << arg << "\n";
      return false;
    }
    uint64_t number = 0;
    if (arg == "--seed" && parseInteger(text, number)) {
      options.seed = number;
    } else if (arg == "--cases" && parseInteger(text, number) && number > 0 &&
               number <= 100000) {
      options.cases = static_cast<int>(number);
    } else if (arg == "--kind" &&
               (!std::strcmp(text, "conv") || !std::strcmp(text, "linear") ||
                !std::strcmp(text, "conv-tiles") ||
                !std::strcmp(text, "linear-tiles") ||
                !std::strcmp(text, "conv-wide-tiles") ||
                !std::strcmp(text, "linear-wide-tiles") ||
                !std::strcmp(text, "mixed") || isElementwiseKind(text) ||
                !std::strcmp(text, "avgpool") || !std::strcmp(text, "table"))) {
      options.kind = text;
    } else if (arg == "--mlir") {
      options.mlirPath = text;
    } else if (arg == "--check") {
      options.checkPath = text;
    } else {
      std::cerr << "qsim-diffgen: invalid option " << arg << " " << text
                << "\n";
      return false;
    }
  }
  if (options.mlirPath.empty() || options.checkPath.empty()) {
    std::cerr << "qsim-diffgen: --mlir and --check are required\n";
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseOptions(argc, argv, options)) {
    printUsage(std::cerr);
    return 1;
  }
  // The reference rounds with std::nearbyint, which is half-to-even only in
  // the default rounding mode; make that explicit.
  std::fesetround(FE_TONEAREST);

  std::ofstream mlir(options.mlirPath);
  std::ofstream check(options.checkPath);
  if (!mlir || !check) {
    std::cerr << "qsim-diffgen: cannot open the output files\n";
    return 1;
  }

  // The module does not depend on --perturb-rounding, so its header leaves
  // it out: a test can then show that both runs emit the same program.
  std::string header =
      "Generated by qsim-diffgen --seed " + std::to_string(options.seed) +
      " --cases " + std::to_string(options.cases) + " --kind " + options.kind;
  mlir << "// " << header << "\n\n"
       << "module {\n"
       << "  func.func private @printMemrefI32(tensor<*xi32>)\n\n"
       << "  func.func @main() {";
  check << "// " << header
        << (options.perturbRounding ? " --perturb-rounding" : "") << "\n";
  if (options.perturbRounding)
    check << "// The expected values round half away from zero: wrong on "
             "purpose.\n";

  Random rng(options.seed);
  if (options.kind == "avgpool" || options.kind == "table") {
    generateAvgPoolOrTableCases(options, rng, mlir, check);
    mlir << "    return\n  }\n}\n";
    if (!mlir.good() || !check.good()) {
      std::cerr << "qsim-diffgen: write error\n";
      return 1;
    }
    return 0;
  }
  if (isElementwiseKind(options.kind))
    return runElementwiseKind(options, rng, mlir, check);
  Stats stats;
  for (int i = 0; i < options.cases; ++i) {
    Stats before = stats;
    Case testCase = randomCase(rng, options.kind, stats);
    if (options.perturbRounding)
      perturbCase(testCase);
    if (options.verbose)
      std::cerr << "case " << i << ": ties " << stats.ties - before.ties
                << " (deciding: down " << stats.tiesDown - before.tiesDown
                << ", up " << stats.tiesUp - before.tiesUp << "), saturated "
                << stats.saturatedLow + stats.saturatedHigh -
                       before.saturatedLow - before.saturatedHigh
                << " of " << stats.requantized - before.requantized << "\n";
    emitCase(mlir, check, testCase, i);
    ++stats.cases;
    stats.elements +=
        static_cast<int64_t>(testCase.layers.back().outValues.size());
  }
  mlir << "    return\n  }\n}\n";
  if (!mlir.good() || !check.good()) {
    std::cerr << "qsim-diffgen: write error\n";
    return 1;
  }

  std::cerr << "qsim-diffgen: seed " << options.seed << ", " << stats.cases
            << " cases (" << options.kind << "), " << stats.elements
            << " output elements\n"
            << "requantized elements: " << stats.requantized << "\n"
            << "exact ties: " << stats.ties << "\n"
            << "deciding ties rounded down to even: " << stats.tiesDown << "\n"
            << "deciding ties rounded up to even: " << stats.tiesUp << "\n"
            << "deciding near ties: " << stats.nearTies << "\n"
            << "saturated low: " << stats.saturatedLow << "\n"
            << "saturated high: " << stats.saturatedHigh << "\n"
            << "clamp bounds that need float32: " << stats.float32Bounds << "\n"
            << "layers whose accumulator wraps: " << stats.wrapped << "\n"
            << "layers the packed kernels take: " << stats.packable << "\n";
  return 0;
}
