//===- LayerQuantization.h - shared pieces of the float-to-qsim rewrite -*- C++
//-*-===//
//
// What every float-to-qsim pattern shares: the options and state of one
// quantization run (weight format, layer names, the reasons ops stay float,
// hard errors), reading float constants, finding the quantized value behind
// a qsim.dequantize and the range a qsim.quantize gives an output, and
// building the integer form of a conv/linear layer.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_QUANTIZATIONCOMMON_LAYERQUANTIZATION_H
#define QSIM_CONVERSION_QUANTIZATIONCOMMON_LAYERQUANTIZATION_H

#include "qsim/Conversion/QuantizationCommon/QuantizableOp.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>

namespace mlir::qsim {

/// How weights are quantized.
struct WeightQuantizationOptions {
  StorageFormat format{8, /*isSigned=*/true, /*narrowRange=*/false};
  bool perChannel = true;
  bool symmetric = true;
};

/// The state one quantization run shares between its patterns.
class QuantizationState {
public:
  explicit QuantizationState(WeightQuantizationOptions weights = {})
      : weights(weights) {}

  WeightQuantizationOptions weights;
  /// The runtime whose formulas choose the parameters and round the weights,
  /// biases, quantizations and requantizations (`target=`).
  QuantizationTarget target = QuantizationTarget::NumPy;
  /// target=tflite's requantization: one mode for every layer
  /// (`tflite-rounding=double|single`), or nullopt for each TFLite kernel's
  /// own (`runtime`).
  std::optional<RoundingMode> tfliteRounding;
  /// Whether activation parameters are chosen over half the storage range
  /// (`reduce-range`, torch.ao's reduce_range).
  bool reduceRange = false;
  /// The storage of activations, and of constant operands of integer ops.
  StorageFormat activationFormat{8, /*isSigned=*/false, /*narrowRange=*/false};
  /// Prefix of every diagnostic ("qsim-quantize: ").
  std::string diagnosticPrefix = "qsim-quantize: ";

  /// The name of `anchor` for diagnostics: the one the naming analysis gave
  /// it, else its NameLoc, else `kind`.
  std::string getName(Operation *anchor, StringRef kind) const;
  void setName(Operation *anchor, StringRef name) {
    names[anchor] = name.str();
  }

  /// Records why `op` stays float, replacing an earlier reason.
  void decline(Operation *op, const Twine &reason);
  /// The reason recorded for `op`, if any.
  std::optional<std::string> getDeclineReason(Operation *op) const;
  /// Forgets `op` (it was erased).
  void forget(Operation *op) {
    declined.erase(op);
    names.erase(op);
  }

  /// Set when a pattern emitted an error: the run must fail.
  bool hadError = false;

private:
  llvm::DenseMap<Operation *, std::string> names;
  llvm::DenseMap<Operation *, std::string> declined;
};

/// Records `reason` for `op` in `state` and returns the pattern's match
/// failure with it, so -debug and the float report say the same thing.
LogicalResult declineMatch(PatternRewriter &rewriter, Operation *op,
                           QuantizationState &state, const Twine &reason);

//===----------------------------------------------------------------------===//
// Float constants
//===----------------------------------------------------------------------===//

/// The f32 contents of a constant tensor (arith.constant or tosa.const,
/// dense or dense_resource, possibly through reshapes, which keep the
/// row-major order), without copying them.
struct ConstantFloats {
  std::optional<float> splat;
  ArrayRef<float> data;
  /// The shape of the value asked about (after any reshape).
  SmallVector<int64_t> shape;
  int64_t count = 0;
};
std::optional<ConstantFloats> readConstantFloats(Value value);

/// Reads the f32 elements and shape of a small constant tensor (a bias).
bool getConstantFloats(Value value, SmallVector<float> &values,
                       SmallVector<int64_t> &shape);

/// Reads constant weights in place; `shape` receives the constant's own
/// shape, and `permutation` maps it to qsim's layout (see LayerWeights).
bool getConstantWeights(Value value, LayerWeights &weights,
                        SmallVector<int64_t> &shape,
                        ArrayRef<int64_t> permutation = {});

/// Reads a constant float scalar (a splat constant of any shape too).
std::optional<double> getFloatConstant(Value value);

//===----------------------------------------------------------------------===//
// The quantized values around a float op
//===----------------------------------------------------------------------===//

/// The quantized value `value` is the dequantization of, when it is one a
/// qsim op may read as an activation: per-tensor, at most 16 bits wide.
FailureOr<Value> getQuantizedActivation(Value value);

/// The qsim.quantize that gives `output` its range: its only user.
QuantizeOp getOutputQuantize(Value output);

/// Why getQuantizedActivation failed on `value`, for a decline.
std::string describeUnquantizedInput(Value value);

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// Builds the integer form of `layer` on `input` (quantized, in qsim's
/// layout: NCHW for a conv, [N, K] for a linear layer): the quantized weight
/// constant, the int32 bias, qsim.conv2d or qsim.linear, qsim.requantize to
/// `outputType` and the fused qsim.relu or qsim.clamp. `resultShape` is the
/// float result in qsim's layout. Emits an error naming `name` and returns
/// failure when the weights, bias or scales cannot be quantized.
FailureOr<Value> buildQuantizedLayer(PatternRewriter &rewriter,
                                     const FloatLayer &layer, StringRef name,
                                     Value input,
                                     quant::QuantizedType outputType,
                                     RankedTensorType resultShape,
                                     const QuantizationState &state);

/// Builds the qsim.avg_pool2d of the quantized NCHW `input` to `poolType`.
/// Under target=tosa a pool that TOSA's AVG_POOL2D computes (no padding in
/// the divisor) is that, in the input's type (TOSA's pool keeps the scale),
/// followed by a tosa_double requantize to `poolType` when its type
/// differs; any other pool rounds its mean in float64.
Value buildAvgPool2D(PatternRewriter &rewriter, Location loc,
                     RankedTensorType poolType, Value input,
                     ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> padding, bool countIncludePad,
                     QuantizationTarget target);

/// Builds the qsim.add or qsim.mul of `op` on its quantized `operands`, to
/// `outputType` in the float output's shape, with the fused activation as
/// its clamp bounds; an 8-bit add of target=tflite takes TFLite's ADD
/// arithmetic.
Value buildAddOrMul(PatternRewriter &rewriter, Location loc,
                    const FloatIntegerOp &op, ArrayRef<Value> operands,
                    quant::QuantizedType outputType, QuantizationTarget target);

/// Builds a uniform quantized type from affine parameters.
quant::UniformQuantizedType makeQuantizedType(MLIRContext *ctx,
                                              const StorageFormat &format,
                                              const AffineParams &params);

/// The range qsim accepts for a scale (see isValidScale), for diagnostics.
std::string describeValidScaleRange();

/// Transposes a quantized (or any) tensor with linalg.transpose.
Value transposeTensor(OpBuilder &b, Location loc, Value value,
                      ArrayRef<int64_t> permutation);

/// A float layer with the quantized value it reads and the qsim.quantize
/// that gives its output a range: what a layer pattern needs to rewrite it.
struct LayerBetweenRanges {
  FloatLayer layer;
  Value quantizedInput;
  QuantizeOp outputQuantize;
};

/// Matches `anchor` with `matchLayer` and finds its ranges; declines (with
/// the reason, recorded in `state`) when it is no layer or a range is
/// missing.
FailureOr<LayerBetweenRanges> matchLayerBetweenRanges(
    PatternRewriter &rewriter, Operation *anchor,
    FailureOr<FloatLayer> (*matchLayer)(Operation *, std::string &),
    QuantizationState &state);

/// Finishes a float-to-qsim rewrite: `result` replaces the qsim.quantize of
/// the float output, then the float ops `epilogue` (in program order) and
/// `anchor` are erased as they lose their last user.
void replaceBetweenRanges(PatternRewriter &rewriter, QuantizeOp outputQuantize,
                          Value result, ArrayRef<Operation *> epilogue,
                          Operation *anchor);

/// Checks what every recognized layer needs: an f32 input and weights.
LogicalResult checkFloatLayer(const FloatLayer &layer, std::string &reason);

/// The clamp bounds, in the storage domain of `type` (per tensor), of the
/// real range [lo, hi], each finite bound quantized as qsim.clamp quantizes
/// it (ties away from zero with `halfAway`, as TFLite's
/// CalculateActivationRangeQuantized rounds them); null where the bound is
/// the storage bound anyway.
std::pair<IntegerAttr, IntegerAttr>
getStorageClampBounds(Builder &builder, quant::QuantizedType type, double lo,
                      double hi, bool halfAway = false);

} // namespace mlir::qsim

#endif // QSIM_CONVERSION_QUANTIZATIONCOMMON_LAYERQUANTIZATION_H
