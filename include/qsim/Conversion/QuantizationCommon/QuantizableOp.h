//===- QuantizableOp.h - float ops the quantizer makes integer --*- C++ -*-===//
//
// The vocabulary shared by the conversions from float dialects to qsim
// (LinalgToQSim, TosaToQSim) and the passes that drive them. A recognizer
// reads one float op in the form a front end emits and describes it as a
// QuantizableOp: the float activations it reads and the one it produces.
// Calibration observes exactly those values, the ranges pass attaches a
// range to each, and the conversion patterns, which call the same
// recognizers, rewrite the op between them. A recognizer that declines says
// why, and that reason is what the float report shows.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QUANTIZATIONCOMMON_QUANTIZABLEOP_H
#define QSIM_CONVERSION_QUANTIZATIONCOMMON_QUANTIZABLEOP_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <limits>
#include <optional>
#include <string>

namespace mlir::qsim {

/// A layer's constant float weights, read in place from the attribute that
/// holds them (attributes live as long as their context), so that a large
/// weight is never copied and a splat is never expanded. The weights in
/// qsim's layout are the source tensor (row-major in `sourceShape`) with its
/// dimensions permuted by `permutation`, in row-major order.
class LayerWeights {
public:
  LayerWeights() = default;
  /// Weights that are one value repeated `count` times.
  static LayerWeights getSplat(float value, int64_t count);
  /// Weights read from `data`, row-major in `sourceShape`, whose qsim layout
  /// reads source dimension `permutation[i]` as its dimension i (identity
  /// when empty).
  static LayerWeights getDense(ArrayRef<float> data,
                               ArrayRef<int64_t> sourceShape,
                               ArrayRef<int64_t> permutation = {});

  int64_t size() const { return count; }
  bool empty() const { return count == 0; }
  /// The value of every weight, if all are one splat value.
  std::optional<float> getSplatValue() const { return splat; }

  /// Calls `fn(value)` for every weight in qsim's layout, in row-major order.
  void forEach(llvm::function_ref<void(float)> fn) const;

  /// The quantized type the source model dequantized these weights from
  /// (per tensor, or per output channel), or null: the quantizer then
  /// keeps its scales and zero points instead of choosing its own.
  quant::QuantizedType getQuantizedAs() const { return quantizedAs; }
  void setQuantizedAs(quant::QuantizedType type) { quantizedAs = type; }

private:
  quant::QuantizedType quantizedAs;
  int64_t count = 0;
  std::optional<float> splat;
  ArrayRef<float> data;
  SmallVector<int64_t> sourceShape;
  SmallVector<int64_t> permutation;
};

/// What a layer computes.
enum class LayerKind { Conv2D, Linear };

/// The activation fused after a layer's bias.
enum class ActivationKind { None, Relu, Clamp };

/// A float conv/linear layer with constant weights, in qsim's layout:
/// OIHW weights (O x C/groups x KH x KW) for Conv2D, [F, K] for Linear.
struct FloatLayer {
  LayerKind kind = LayerKind::Conv2D;
  /// The conv or matmul op the layer is built around.
  Operation *anchor = nullptr;
  /// The float input activation, before any zero padding or group
  /// expansion, in the layout `inputLayout` names.
  Value input;
  /// The float value the layer produces after bias and activation.
  Value output;
  /// The ops after the anchor that the layer absorbs (bias, activation,
  /// the collapse of a grouped conv's result), in program order; the last
  /// one produces `output`.
  SmallVector<Operation *> epilogue;
  /// A grouped conv whose input is already [N, G, C/G, H, W] (its group
  /// expansion moved onto quantized values): the rewrite collapses it.
  bool groupedInput = false;

  /// TOSA layers are NHWC: the input and output are channels-last, and the
  /// rewrite transposes around an NCHW qsim.conv2d.
  bool channelsLast = false;
  /// A tosa.matmul layer works on [B, N, K] and yields [B, N, F] with one
  /// weight matrix for every batch: the rewrite reshapes around a 2-D
  /// qsim.linear.
  bool batchedMatmul = false;

  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};
  int64_t groups = 1;

  SmallVector<int64_t> weightShape;
  /// Row-major in weightShape.
  LayerWeights weights;
  /// One value per output channel, or empty.
  SmallVector<float> bias;

  ActivationKind activation = ActivationKind::None;
  double clampMin = 0;
  double clampMax = 0;

  int64_t getNumOutputChannels() const { return weightShape.front(); }
};

/// A float op other than a layer that becomes one integer qsim op
/// (qsim.add, qsim.mul, qsim.avg_pool2d, qsim.concat, qsim.table), with the
/// activation fused after it, as the linalg and TOSA recognizers read it.
struct FloatIntegerOp {
  enum class Kind { Add, Mul, AvgPool, Concat, Table } kind = Kind::Add;
  Operation *anchor = nullptr;
  /// The operands, float activations or constants; a constant is
  /// quantized at compile time with its own range.
  SmallVector<Value, 2> operands;
  /// Add of `a - c` for a constant `c`: the constant is negated.
  bool negateConstant = false;
  /// The ops after the anchor that the op absorbs; the last yields output.
  SmallVector<Operation *> epilogue;
  Value output;
  /// The real range the fused activation clamps to.
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  // Average pooling.
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> strides = {1, 1};
  /// qsim's order: top, left, bottom, right.
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  /// The mean of a reduction generic: its result is [N, C] or [N, C, 1, 1].
  bool meanResult = false;
  int64_t concatAxis = 0;

  /// True when an activation clamps the result.
  bool hasClamp() const {
    return lo > -std::numeric_limits<double>::infinity() ||
           hi < std::numeric_limits<double>::infinity();
  }
  /// The base of the op's default name (`add`, `avgpool`, ...).
  StringRef getKindName() const;
};

/// A float op that a conversion pattern makes integer, as the naming and
/// ranges analyses see it.
struct QuantizableOp {
  /// The op the pattern is rooted at (a conv, a matmul, an add, ...).
  Operation *anchor = nullptr;
  /// The base of the default name (`conv`, `linear`, `add`, ...), used when
  /// the front end gave the anchor no NameLoc.
  std::string kind;
  /// The float activations the integer op reads, each of which needs a
  /// range (its producer's output range, or its own).
  SmallVector<Value, 2> inputs;
  /// The float value the integer op replaces (after any fused activation),
  /// whose range is the integer op's output type.
  Value output;
  /// The ops after the anchor that the integer op absorbs (bias,
  /// activation, divide): no other quantizable op.
  SmallVector<Operation *> absorbed;
};

/// A recognizer: describes `op` as a QuantizableOp, or fails and sets
/// `reason` (a phrase such as "weights are not constant") when `op` is of a
/// kind it handles but not in a form it can make integer. Ops of kinds it
/// does not handle fail with an empty reason.
using QuantizableOpMatcher = FailureOr<QuantizableOp> (*)(Operation *op,
                                                          std::string &reason);

/// What the analyses see of a layer: its input, output and epilogue.
QuantizableOp describeLayer(const FloatLayer &layer);

/// What the analyses see of an integer op: its non-constant operands,
/// output and epilogue.
QuantizableOp describeIntegerOp(const FloatIntegerOp &op);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QUANTIZATIONCOMMON_QUANTIZABLEOP_H
