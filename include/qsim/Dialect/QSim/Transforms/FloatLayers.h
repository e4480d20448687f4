//===- FloatLayers.h - find quantizable layers in a float model -*- C++ -*-===//
//
// The analysis shared by qsim-instrument and qsim-quantize: it recognizes
// the conv/linear layers of a float model (with their constant weights,
// bias and fusable activation) in the forms front ends emit, and names every
// activation the quantizer needs a range for. It is the one owner of the
// observer names and of which functions are calibrated: both passes call it
// on the same float IR, so the statistics written by calibration are found
// again by the rewrite.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H
#define QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

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

private:
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
  /// The float input activation, before any zero padding (NCHW, NHWC when
  /// `channelsLast`, or [N, K]).
  Value input;
  /// TOSA layers are NHWC: the input and output are channels-last, and the
  /// rewrite transposes around an NCHW qsim.conv2d.
  bool channelsLast = false;
  /// A tosa.matmul layer works on [1, N, K] and yields [1, N, F]; the
  /// rewrite reshapes around a 2-D qsim.linear.
  bool batchOfOne = false;
  /// The float value the layer produces after bias and activation.
  Value output;

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

  /// A name unique in the function and stable under rewrites that keep the
  /// layers (see findFloatLayers); never derived from an op's position.
  std::string name;

  int64_t getNumOutputChannels() const { return weightShape.front(); }
};

/// True when `func` can be calibrated, hence quantized: it has a body of one
/// block (the instrumented function returns its activations) and no use in
/// `symbolTable` (a called function cannot grow results). qsim-instrument
/// and qsim-quantize both decide with this, so quantize never asks for a
/// range that calibration cannot produce; other functions stay float.
bool isCalibratableFunction(func::FuncOp func, Operation *symbolTable);

/// Finds the quantizable layers of `func` in program order. A conv/matmul
/// whose weights are not constant, or whose form is not recognized, is not
/// a layer (it stays float).
///
/// Each layer is named by its NameLoc (possibly inside a FusedLoc), else
/// `conv<K>` or `linear<K>`, K its ordinal among the function's layers. A
/// name an earlier layer already holds becomes `<name>_<n>`, with the
/// smallest n >= 2 that no other layer holds or is based on, so two layers
/// never share a name (and so never share a range).
std::vector<FloatLayer> findFloatLayers(func::FuncOp func);

/// A linalg.pooling_nchw_max that commutes with quantization: its init is
/// filled with -inf (or the lowest float) and its input, if padded, is
/// padded with the same. Such a pooling of quantized values is exactly
/// qsim.max_pool2d with the same parameters.
struct MaxPoolPassThrough {
  Value source;
  std::array<int64_t, 4> padding = {0, 0, 0, 0};
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> strides = {1, 1};
  std::array<int64_t, 2> dilations = {1, 1};
};
std::optional<MaxPoolPassThrough> matchMaxPoolPassThrough(Operation *op);

/// Follows `value` back through ops that only move or select elements
/// (reshapes, transposes, max pooling) to the value whose range it shares.
Value getActivationSource(Value value);

/// Names the activations of one function: `<func>/arg<N>` for arguments,
/// `<func>/<layer>.output` for layer outputs, and `<func>/<layer>.input`,
/// after the first layer that reads it, for any other layer input. Names
/// come from the layers only, never from an op's position, so they survive
/// canonicalization. This is the one owner of the observer names:
/// qsim-instrument writes them and qsim-quantize looks them up.
class ActivationNames {
public:
  ActivationNames(func::FuncOp func, ArrayRef<FloatLayer> layers);

  /// The name of `value`'s source (see getActivationSource); empty for a
  /// value that is no layer's input or output.
  std::string getName(Value value) const;

private:
  std::string prefix;
  llvm::DenseMap<Value, std::string> layerOutputs;
  llvm::DenseMap<Value, std::string> layerInputs;
};

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H
