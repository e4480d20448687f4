//===- FloatLayers.h - find quantizable layers in a float model -*- C++ -*-===//
//
// The analysis shared by qsim-instrument and qsim-quantize: it recognizes
// the conv/linear layers of a float model (with their constant weights,
// bias and fusable activation) in the forms front ends emit, and names every
// activation the quantizer needs a range for. Both passes compute the same
// names from the same float IR, so the statistics written by calibration are
// found again by the rewrite.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H
#define QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qsim {

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
  SmallVector<float> weights;
  /// One value per output channel, or empty.
  SmallVector<float> bias;

  ActivationKind activation = ActivationKind::None;
  double clampMin = 0;
  double clampMax = 0;

  /// A stable name: the anchor's NameLoc, or kind and index.
  std::string name;

  int64_t getNumOutputChannels() const { return weightShape.front(); }
};

/// Finds the quantizable layers of `func` in program order. A conv/matmul
/// whose weights are not constant, or whose form is not recognized, is not
/// a layer (it stays float).
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
/// `<func>/<layer>.output` for layer outputs, `<func>/<op>#<K>` for any
/// other op result (K counts ops in program order).
class ActivationNames {
public:
  ActivationNames(func::FuncOp func, ArrayRef<FloatLayer> layers);

  /// The name of `value`'s source (see getActivationSource).
  std::string getName(Value value) const;

private:
  std::string prefix;
  llvm::DenseMap<Value, std::string> layerOutputs;
  llvm::DenseMap<Operation *, int64_t> opIndex;
};

} // namespace mlir::qsim

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_FLOATLAYERS_H
