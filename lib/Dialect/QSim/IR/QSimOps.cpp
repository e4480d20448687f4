//===- QSimOps.cpp - qsim op verifiers ------------------------------------===//
//
// The verifiers of the qsim ops. Each failure names the operand and the
// values that disagree, so that a hand-written or generated model that is
// inconsistent is rejected before any integer is computed from it.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/FixedPoint.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"
#include "qsim/Quant/AffineParams.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qsim;

#define GET_OP_CLASSES
#include "qsim/Dialect/QSim/IR/QSimOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared checks
//===----------------------------------------------------------------------===//

/// The ops other than qsim.requantize round in float64 (half_even); their
/// fixed-point and float32 forms are not defined yet, and a mode they would
/// not apply must not be accepted as if they did.
static LogicalResult verifyHalfEvenRounding(Operation *op, RoundingMode mode) {
  if (mode == RoundingMode::HalfEven)
    return success();
  return op->emitOpError("supports only the half_even rounding mode, not ")
         << stringifyRoundingMode(mode)
         << " (the other modes are qsim.requantize's and qsim.add's)";
}

/// Prints a dimension, with `?` for a dynamic one.
static std::string formatDim(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

/// Checks what the quant dialect leaves to its users for a tensor of a
/// uniform quantized type: that it is expressed in f32, and that a per-axis
/// type's axis exists and has one scale per slice.
static LogicalResult verifyQuantizedTensor(Operation *op, StringRef name,
                                           Type type) {
  quant::QuantizedType elementType = getUniformQuantElementType(type);
  if (!elementType)
    return success();
  if (!elementType.getExpressedType().isF32())
    return op->emitOpError("expects the ")
           << name << " type to be expressed in f32, got "
           << elementType.getExpressedType();
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType);
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!perAxis || !tensorType)
    return success();
  int32_t axis = perAxis.getQuantizedDimension();
  if (axis >= tensorType.getRank())
    return op->emitOpError("expects the ")
           << name << " to have its quantized axis " << axis
           << " within its rank " << tensorType.getRank();
  int64_t dim = tensorType.getDimSize(axis);
  int64_t numScales = perAxis.getScales().size();
  // A dynamic quantized dimension could hold any number of slices; the
  // scales fix it, so it must be static.
  if (ShapedType::isDynamic(dim))
    return op->emitOpError("expects the ")
           << name << " to have a static quantized dimension " << axis;
  if (dim != numScales)
    return op->emitOpError("expects the ")
           << name << " to have " << dim << " scales on axis " << axis
           << ", got " << numScales;
  return success();
}

/// Runs verifyQuantizedTensor on every operand and result of `op`.
static LogicalResult verifyQuantizedOperandsAndResults(Operation *op) {
  for (OpOperand &operand : op->getOpOperands()) {
    std::string name = "operand #" + std::to_string(operand.getOperandNumber());
    if (failed(verifyQuantizedTensor(op, name, operand.get().getType())))
      return failure();
  }
  for (OpResult result : op->getResults()) {
    std::string name = "result #" + std::to_string(result.getResultNumber());
    if (failed(verifyQuantizedTensor(op, name, result.getType())))
      return failure();
  }
  return success();
}

static UniformQuantParams getParams(Type tensorType) {
  return getUniformQuantParams(getUniformQuantElementType(tensorType));
}

/// Checks the activation and weight types of a conv/linear op and that its
/// result is the accumulator they define: i32 storage, zero point 0, and
/// scales s_x * s_w (per output channel on `resultAxis` when the weights are
/// per-axis).
static LogicalResult verifyAccumulator(Operation *op, RankedTensorType inputTy,
                                       RankedTensorType weightTy,
                                       RankedTensorType resultTy,
                                       int32_t resultAxis) {
  UniformQuantParams input = getParams(inputTy);
  UniformQuantParams weights = getParams(weightTy);
  UniformQuantParams acc = getParams(resultTy);
  if (input.isPerAxis())
    return op->emitOpError("expects a per-tensor quantized input, got one "
                           "quantized on axis ")
           << *input.axis;
  if (input.storageWidth > 16 || weights.storageWidth > 16)
    return op->emitOpError("expects input and weight storage of at most 16 "
                           "bits, got ")
           << input.storageWidth << " and " << weights.storageWidth;
  if (weights.isPerAxis() && *weights.axis != 0)
    return op->emitOpError("expects per-axis weights quantized on axis 0 "
                           "(output channels), got axis ")
           << *weights.axis;

  quant::QuantizedType accType = getUniformQuantElementType(resultTy);
  if (!accType.isSigned() || acc.storageWidth != 32 ||
      acc.storageMin != quant::QuantizedType::getDefaultMinimumForInteger(
                            /*isSigned=*/true, 32) ||
      acc.storageMax != quant::QuantizedType::getDefaultMaximumForInteger(
                            /*isSigned=*/true, 32))
    return op->emitOpError("expects an accumulator result with full-range "
                           "i32 storage, got ")
           << accType;
  if (weights.isPerAxis() != acc.isPerAxis())
    return op->emitOpError("expects a ")
           << (weights.isPerAxis() ? "per-axis" : "per-tensor")
           << " accumulator result, as the weights are, got " << accType;
  if (acc.isPerAxis() && *acc.axis != resultAxis)
    return op->emitOpError("expects the accumulator quantized on axis ")
           << resultAxis << " (output channels), got axis " << *acc.axis;
  for (auto [channel, zeroPoint] : llvm::enumerate(acc.zeroPoints)) {
    if (zeroPoint != 0)
      return op->emitOpError("expects accumulator zero points of 0, got ")
             << zeroPoint << " for channel " << channel;
  }
  if (acc.scales.size() != weights.scales.size())
    return op->emitOpError("expects ")
           << weights.scales.size() << " accumulator scales, got "
           << acc.scales.size();
  for (size_t channel = 0; channel < acc.scales.size(); ++channel) {
    double expected = input.scales.front() * weights.scales[channel];
    if (!scalesAgree(acc.scales[channel], expected))
      return op->emitOpError("expects accumulator scale s_x * s_w = ")
             << expected << " for channel " << channel << ", got "
             << acc.scales[channel];
  }
  return success();
}

/// Checks that an optional bias holds one value per output channel.
static LogicalResult verifyBias(Operation *op, Value bias,
                                int64_t numChannels) {
  if (!bias)
    return success();
  int64_t size = cast<RankedTensorType>(bias.getType()).getDimSize(0);
  if (size != numChannels)
    return op->emitOpError("expects a bias of ")
           << numChannels << " values (one per output channel), got "
           << formatDim(size);
  return success();
}

/// dilation * (kernel - 1) + 1, or nothing when it overflows.
static std::optional<int64_t> getDilatedExtent(int64_t kernel,
                                               int64_t dilation) {
  std::optional<int64_t> scaled = llvm::checkedMul(dilation, kernel - 1);
  return scaled ? llvm::checkedAdd(*scaled, int64_t(1)) : std::nullopt;
}

/// size + before + after, or nothing when it overflows.
static std::optional<int64_t> getPaddedSize(int64_t size, int64_t before,
                                            int64_t after) {
  std::optional<int64_t> partial = llvm::checkedAdd(size, before);
  return partial ? llvm::checkedAdd(*partial, after) : std::nullopt;
}

/// True when two dimensions may be equal (either is dynamic or both agree).
static bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

/// Elementwise ops produce the shape of their input: a dynamic dimension on
/// one side and a static one on the other would leave the size unchecked.
static LogicalResult verifyIdenticalShapes(Operation *op, Type input,
                                           Type result) {
  if (cast<ShapedType>(input).getShape() != cast<ShapedType>(result).getShape())
    return op->emitOpError("expects identical input and result shapes, got ")
           << input << " and " << result;
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)) ||
      failed(verifyIdenticalShapes(*this, getInput().getType(),
                                   getOutput().getType())))
    return failure();
  // The generated code clamps in float32, exact only for narrow storage.
  unsigned width = getUniformQuantElementType(getOutput().getType())
                       .getStorageTypeIntegralWidth();
  if (width > 16)
    return emitOpError("expects a result storage of at most 16 bits, got ")
           << width;
  return success();
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  return verifyIdenticalShapes(*this, getInput().getType(),
                               getOutput().getType());
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  RankedTensorType inputTy = getInput().getType();
  RankedTensorType weightTy = getWeights().getType();
  RankedTensorType resultTy = getOutput().getType();
  if (inputTy.getRank() != 4)
    return emitOpError("expects a rank-4 NCHW input, got rank ")
           << inputTy.getRank();
  if (weightTy.getRank() != 4)
    return emitOpError("expects rank-4 OIHW weights, got rank ")
           << weightTy.getRank();
  if (resultTy.getRank() != 4)
    return emitOpError("expects a rank-4 NCHW result, got rank ")
           << resultTy.getRank();

  ArrayRef<int64_t> strides = getStrides();
  ArrayRef<int64_t> padding = getPadding();
  ArrayRef<int64_t> dilations = getDilations();
  if (strides.size() != 2)
    return emitOpError("expects 2 strides, got ") << strides.size();
  if (padding.size() != 4)
    return emitOpError("expects 4 padding values (top, left, bottom, "
                       "right), got ")
           << padding.size();
  if (dilations.size() != 2)
    return emitOpError("expects 2 dilations, got ") << dilations.size();
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return emitOpError("expects positive strides, got [") << strides << "]";
  if (llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return emitOpError("expects positive dilations, got [") << dilations << "]";
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError("expects non-negative padding, got [") << padding << "]";
  int64_t groups = getGroups();
  if (groups <= 0)
    return emitOpError("expects a positive number of groups, got ") << groups;

  ArrayRef<int64_t> in = inputTy.getShape();
  ArrayRef<int64_t> w = weightTy.getShape();
  ArrayRef<int64_t> out = resultTy.getShape();
  if (llvm::any_of(in.drop_front(), ShapedType::isDynamic))
    return emitOpError("expects static channel and spatial input "
                       "dimensions, got ")
           << inputTy;
  if (weightTy.getNumDynamicDims() != 0)
    return emitOpError("expects static weight dimensions, got ") << weightTy;
  int64_t channels = in[1], outChannels = w[0];
  if (channels % groups != 0)
    return emitOpError("expects groups (")
           << groups << ") to divide the input channels (" << channels << ")";
  if (outChannels % groups != 0)
    return emitOpError("expects groups (")
           << groups << ") to divide the output channels (" << outChannels
           << ")";
  if (w[1] != channels / groups)
    return emitOpError("expects weights with C/groups = ")
           << channels / groups << " input channels, got " << w[1];

  SmallVector<int64_t, 2> expectedSpatial;
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> padded =
        getPaddedSize(in[2 + i], padding[i], padding[i + 2]);
    std::optional<int64_t> extent = getDilatedExtent(w[2 + i], dilations[i]);
    if (!padded || !extent)
      return emitOpError("expects sizes, padding and dilations whose extents "
                         "fit in 64 bits");
    int64_t kernelExtent = *extent;
    if (kernelExtent > *padded)
      return emitOpError("expects the dilated kernel extent (")
             << kernelExtent << ") to fit in the padded input (" << *padded
             << ") on spatial dimension " << i;
    expectedSpatial.push_back((*padded - kernelExtent) / strides[i] + 1);
  }
  if (!dimsCompatible(out[0], in[0]) || out[1] != outChannels ||
      out[2] != expectedSpatial[0] || out[3] != expectedSpatial[1])
    return emitOpError("expects a result of shape ")
           << formatDim(in[0]) << "x" << outChannels << "x"
           << expectedSpatial[0] << "x" << expectedSpatial[1]
           << " from the input, weights, strides, padding and dilations, got "
           << formatDim(out[0]) << "x" << formatDim(out[1]) << "x"
           << formatDim(out[2]) << "x" << formatDim(out[3]);

  if (failed(verifyBias(*this, getBias(), outChannels)))
    return failure();
  return verifyAccumulator(*this, inputTy, weightTy, resultTy,
                           /*resultAxis=*/1);
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  RankedTensorType inputTy = getInput().getType();
  RankedTensorType weightTy = getWeights().getType();
  RankedTensorType resultTy = getOutput().getType();
  if (inputTy.getRank() != 2)
    return emitOpError("expects a rank-2 [N, K] input, got rank ")
           << inputTy.getRank();
  if (weightTy.getRank() != 2)
    return emitOpError("expects rank-2 [F, K] weights, got rank ")
           << weightTy.getRank();
  if (resultTy.getRank() != 2)
    return emitOpError("expects a rank-2 [N, F] result, got rank ")
           << resultTy.getRank();
  if (inputTy.isDynamicDim(1) || weightTy.getNumDynamicDims() != 0)
    return emitOpError("expects static K and F dimensions, got ")
           << inputTy << " and " << weightTy;
  int64_t features = weightTy.getDimSize(0);
  if (weightTy.getDimSize(1) != inputTy.getDimSize(1))
    return emitOpError("expects weights with K = ")
           << inputTy.getDimSize(1) << " columns, got "
           << weightTy.getDimSize(1);
  if (!dimsCompatible(resultTy.getDimSize(0), inputTy.getDimSize(0)) ||
      resultTy.getDimSize(1) != features)
    return emitOpError("expects a result of shape ")
           << formatDim(inputTy.getDimSize(0)) << "x" << features << ", got "
           << formatDim(resultTy.getDimSize(0)) << "x"
           << formatDim(resultTy.getDimSize(1));
  if (failed(verifyBias(*this, getBias(), features)))
    return failure();
  return verifyAccumulator(*this, inputTy, weightTy, resultTy,
                           /*resultAxis=*/1);
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

int64_t RequantizeOp::getLowerBound() {
  if (std::optional<int64_t> bound = getClampMin())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMin();
}

int64_t RequantizeOp::getUpperBound() {
  if (std::optional<int64_t> bound = getClampMax())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMax();
}

bool RequantizeOp::isFixedPoint() {
  return isFixedPointRounding(getRounding());
}

void RequantizeOp::setFloat32Rounding(bool byReciprocal) {
  UniformQuantParams in = getParams(getInput().getType());
  UniformQuantParams out = getParams(getOutput().getType());
  SmallVector<float> multipliers;
  for (size_t c = 0, e = std::max(in.scales.size(), out.scales.size()); c < e;
       ++c)
    multipliers.push_back(computeFloat32Multiplier(
        in.getScale(c), out.getScale(c), byReciprocal));
  if (llvm::all_equal(multipliers))
    multipliers.resize(1);
  setRounding(RoundingMode::Float32HalfEven);
  removeMultiplierAttr();
  removeShiftAttr();
  setFloatMultiplierAttr(DenseF32ArrayAttr::get(getContext(), multipliers));
}

LogicalResult RequantizeOp::setFixedPointRounding(RoundingMode mode) {
  UniformQuantParams in = getParams(getInput().getType());
  UniformQuantParams out = getParams(getOutput().getType());
  SmallVector<int32_t> multipliers, shifts;
  for (size_t c = 0, e = std::max(in.scales.size(), out.scales.size()); c < e;
       ++c) {
    double ratio = in.getScale(c) / out.getScale(c);
    llvm::Expected<FixedPointMultiplier> pair = encodeMultiplier(mode, ratio);
    if (!pair)
      return emitOpError("cannot take rounding mode ")
             << stringifyRoundingMode(mode) << " for channel " << c << ": "
             << llvm::toString(pair.takeError());
    multipliers.push_back(pair->multiplier);
    shifts.push_back(pair->shift);
  }
  if (llvm::all_equal(multipliers) && llvm::all_equal(shifts)) {
    multipliers.resize(1);
    shifts.resize(1);
  }
  setRounding(mode);
  removeFloatMultiplierAttr();
  setMultiplierAttr(DenseI32ArrayAttr::get(getContext(), multipliers));
  setShiftAttr(DenseI32ArrayAttr::get(getContext(), shifts));
  return verify();
}

/// Checks the `multiplier` and `shift` of a requantize against its rounding
/// mode, its channels and, for TOSA, the input range apply_scale_32 takes.
static LogicalResult verifyFixedPointPairs(RequantizeOp op,
                                           const UniformQuantParams &input,
                                           size_t numChannels) {
  std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = op.getShift();
  RoundingMode mode = op.getRounding();
  if (!op.isFixedPoint()) {
    if (multipliers || shifts)
      return op.emitOpError("takes 'multiplier' and 'shift' only with a "
                            "fixed-point rounding mode, not ")
             << stringifyRoundingMode(mode);
    return success();
  }
  if (!multipliers || !shifts)
    return op.emitOpError("with rounding mode ")
           << stringifyRoundingMode(mode)
           << " requires both 'multiplier' and 'shift'";
  for (auto [name, size] :
       {std::pair<StringRef, size_t>{"multiplier", multipliers->size()},
        {"shift", shifts->size()}})
    if (size != 1 && size != numChannels)
      return op.emitOpError("expects '")
             << name << "' to have 1 or " << numChannels
             << " entries (one per channel), got " << size;
  // The fixed-point input q - z_in is an int32.
  if (input.storageWidth > 31 &&
      llvm::any_of(input.zeroPoints, [](int64_t z) { return z != 0; }))
    return op.emitOpError("with a fixed-point rounding mode expects a zero "
                          "input zero point for 32-bit storage, so that "
                          "q - z_in is an int32");
  for (size_t c = 0; c < numChannels; ++c) {
    FixedPointMultiplier pair{(*multipliers)[multipliers->size() == 1 ? 0 : c],
                              (*shifts)[shifts->size() == 1 ? 0 : c]};
    if (std::optional<std::string> reason = checkFixedPointPair(mode, pair))
      return op.emitOpError("has an invalid ")
             << stringifyRoundingMode(mode) << " pair for channel " << c << ": "
             << *reason;
    if (mode != RoundingMode::TosaSingle && mode != RoundingMode::TosaDouble)
      continue;
    auto [lo, hi] = getTosaValueRange(pair.shift);
    int64_t valueMin = input.storageMin - input.getZeroPoint(c);
    int64_t valueMax = input.storageMax - input.getZeroPoint(c);
    if (valueMin < lo || valueMax > hi)
      return op.emitOpError("has input values in [")
             << valueMin << ", " << valueMax << "], outside the [" << lo << ", "
             << hi << "] that TOSA's apply_scale_32 takes with shift "
             << pair.shift << " (channel " << c << ")";
  }
  return success();
}

/// Checks `float_multiplier` against the rounding mode and the channels:
/// float32_half_even requires it, every other mode forbids it.
static LogicalResult verifyFloatMultipliers(RequantizeOp op,
                                            size_t numChannels) {
  std::optional<ArrayRef<float>> multipliers = op.getFloatMultiplier();
  RoundingMode mode = op.getRounding();
  if (mode != RoundingMode::Float32HalfEven) {
    if (multipliers)
      return op.emitOpError("takes 'float_multiplier' only with rounding "
                            "mode float32_half_even, not ")
             << stringifyRoundingMode(mode);
    return success();
  }
  if (!multipliers)
    return op.emitOpError(
        "with rounding mode float32_half_even requires 'float_multiplier'");
  if (multipliers->size() != 1 && multipliers->size() != numChannels)
    return op.emitOpError("expects 'float_multiplier' to have 1 or ")
           << numChannels << " entries (one per channel), got "
           << multipliers->size();
  for (auto [c, m] : llvm::enumerate(*multipliers))
    if (!(m >= std::numeric_limits<float>::min() &&
          m <= std::numeric_limits<float>::max()))
      return op.emitOpError("expects each 'float_multiplier' to be a "
                            "positive normal f32, got ")
             << m << " at index " << c;
  return success();
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)) ||
      failed(verifyIdenticalShapes(*this, getInput().getType(),
                                   getOutput().getType())))
    return failure();
  if (getRounding() == RoundingMode::Qnnpack ||
      getRounding() == RoundingMode::Xnnpack)
    return emitOpError("does not take rounding mode ")
           << stringifyRoundingMode(getRounding()) << ", which is qsim.add's";
  UniformQuantParams input = getParams(getInput().getType());
  UniformQuantParams output = getParams(getOutput().getType());
  if (input.isPerAxis() && output.isPerAxis() && *input.axis != *output.axis)
    return emitOpError("expects per-axis input and result quantized on the "
                       "same axis, got ")
           << *input.axis << " and " << *output.axis;
  int64_t lo = getLowerBound(), hi = getUpperBound();
  if (lo < output.storageMin || hi > output.storageMax)
    return emitOpError("expects clamp bounds within the result storage "
                       "range [")
           << output.storageMin << ", " << output.storageMax << "], got [" << lo
           << ", " << hi << "]";
  if (lo > hi)
    return emitOpError("expects clamp_min <= clamp_max, got [")
           << lo << ", " << hi << "]";
  size_t numChannels = std::max(input.scales.size(), output.scales.size());
  if (failed(verifyFloatMultipliers(*this, numChannels)))
    return failure();
  return verifyFixedPointPairs(*this, input, numChannels);
}

//===----------------------------------------------------------------------===//
// ReluOp / ClampOp
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::verify() {
  return verifyQuantizedOperandsAndResults(*this);
}

LogicalResult ClampOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  if (std::isnan(lo) || std::isnan(hi))
    return emitOpError("expects non-NaN clamp bounds");
  if (lo > hi)
    return emitOpError("expects min <= max, got min = ")
           << getMinAttr() << " and max = " << getMaxAttr();
  return success();
}

//===----------------------------------------------------------------------===//
// MaxPool2DOp
//===----------------------------------------------------------------------===//

LogicalResult MaxPool2DOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  RankedTensorType inputTy = getInput().getType();
  RankedTensorType resultTy = getOutput().getType();
  if (inputTy.getRank() != 4 || resultTy.getRank() != 4)
    return emitOpError("expects rank-4 NCHW input and result, got ranks ")
           << inputTy.getRank() << " and " << resultTy.getRank();
  if (inputTy.getElementType() != resultTy.getElementType())
    return emitOpError("expects the result element type to equal the "
                       "input's, got ")
           << resultTy.getElementType() << " and " << inputTy.getElementType();
  UniformQuantParams params = getParams(inputTy);
  if (params.isPerAxis() && *params.axis != 1)
    return emitOpError("expects a per-axis type quantized on the channels "
                       "(axis 1), got axis ")
           << *params.axis;
  ArrayRef<int64_t> kernel = getKernel(), strides = getStrides(),
                    padding = getPadding(), dilations = getDilations();
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 ||
      padding.size() != 4)
    return emitOpError("expects 2 kernel sizes, strides and dilations and 4 "
                       "padding values");
  if (llvm::any_of(kernel, [](int64_t k) { return k <= 0; }) ||
      llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return emitOpError("expects positive kernel sizes, strides and "
                       "dilations");
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError("expects non-negative padding, got [") << padding << "]";
  ArrayRef<int64_t> in = inputTy.getShape(), out = resultTy.getShape();
  if (llvm::any_of(in.drop_front(), ShapedType::isDynamic))
    return emitOpError("expects static channel and spatial input "
                       "dimensions, got ")
           << inputTy;
  SmallVector<int64_t, 2> expected;
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> checkedExtent =
        getDilatedExtent(kernel[i], dilations[i]);
    std::optional<int64_t> checkedPadded =
        getPaddedSize(in[2 + i], padding[i], padding[i + 2]);
    if (!checkedExtent || !checkedPadded)
      return emitOpError("expects sizes, padding and dilations whose extents "
                         "fit in 64 bits");
    int64_t extent = *checkedExtent;
    if (padding[i] >= extent || padding[i + 2] >= extent)
      return emitOpError("expects padding smaller than the dilated kernel "
                         "extent (")
             << extent << ") on spatial dimension " << i
             << ", so that no window is all padding";
    int64_t padded = *checkedPadded;
    if (extent > padded)
      return emitOpError("expects the dilated kernel extent (")
             << extent << ") to fit in the padded input (" << padded
             << ") on spatial dimension " << i;
    expected.push_back((padded - extent) / strides[i] + 1);
  }
  if (!dimsCompatible(out[0], in[0]) || out[1] != in[1] ||
      out[2] != expected[0] || out[3] != expected[1])
    return emitOpError("expects a result of shape ")
           << formatDim(in[0]) << "x" << in[1] << "x" << expected[0] << "x"
           << expected[1] << ", got " << formatDim(out[0]) << "x"
           << formatDim(out[1]) << "x" << formatDim(out[2]) << "x"
           << formatDim(out[3]);
  return success();
}

//===----------------------------------------------------------------------===//
// AddOp / MulOp / ConcatOp
//===----------------------------------------------------------------------===//

/// Checks that `type` is a per-tensor quantized type of 2 to 16 storage
/// bits: the elementwise ops read one scale and zero point per operand, and
/// their products of two 16-bit deltas are exact in int64.
static LogicalResult verifyPerTensorNarrow(Operation *op, StringRef name,
                                           Type type) {
  UniformQuantParams params = getParams(type);
  if (params.isPerAxis())
    return op->emitOpError("expects a per-tensor quantized ")
           << name << ", got one quantized on axis " << *params.axis;
  if (params.storageWidth < 2 || params.storageWidth > 16)
    return op->emitOpError("expects ")
           << name << " storage of 2 to 16 bits, got " << params.storageWidth;
  return success();
}

/// Formats a shape as `2x?x3` (a scalar as `scalar`).
static std::string formatShape(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  for (auto [i, dim] : llvm::enumerate(shape))
    text += (i ? "x" : "") + formatDim(dim);
  return text;
}

/// The NumPy broadcast of two shapes, or failure (with a diagnostic) when
/// they are incompatible. A dynamic dimension is accepted where both shapes
/// have it dynamic or the other has size 1: then the result size is the
/// dynamic size itself, without a run-time broadcast.
static FailureOr<SmallVector<int64_t>>
getBroadcastShape(Operation *op, ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Aligned on the trailing dimension; a missing leading one counts as 1.
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    bool lDynamic = ShapedType::isDynamic(l),
         rDynamic = ShapedType::isDynamic(r);
    if (lDynamic || rDynamic) {
      if ((lDynamic && rDynamic) || (lDynamic && r == 1) ||
          (rDynamic && l == 1)) {
        shape[i] = ShapedType::kDynamic;
        continue;
      }
      return op->emitOpError("expects a dynamic dimension only where both "
                             "operands have it or the other has size 1, got ")
             << formatShape(lhs) << " and " << formatShape(rhs);
    }
    if (l != r && l != 1 && r != 1)
      return op->emitOpError("expects broadcast-compatible operand shapes, "
                             "got ")
             << formatShape(lhs) << " and " << formatShape(rhs);
    shape[i] = l == 1 ? r : l;
  }
  return shape;
}

/// The verifier shared by add and mul: per-tensor narrow types, broadcast
/// shapes and clamp bounds in the output storage range.
static LogicalResult verifyBroadcastBinary(Operation *op, Value lhs, Value rhs,
                                           Value result, int64_t lo,
                                           int64_t hi) {
  if (failed(verifyQuantizedOperandsAndResults(op)) ||
      failed(verifyPerTensorNarrow(op, "lhs", lhs.getType())) ||
      failed(verifyPerTensorNarrow(op, "rhs", rhs.getType())) ||
      failed(verifyPerTensorNarrow(op, "result", result.getType())))
    return failure();
  ArrayRef<int64_t> lhsShape = cast<ShapedType>(lhs.getType()).getShape();
  ArrayRef<int64_t> rhsShape = cast<ShapedType>(rhs.getType()).getShape();
  ArrayRef<int64_t> resultShape = cast<ShapedType>(result.getType()).getShape();
  FailureOr<SmallVector<int64_t>> expected =
      getBroadcastShape(op, lhsShape, rhsShape);
  if (failed(expected))
    return failure();
  if (ArrayRef<int64_t>(*expected) != resultShape)
    return op->emitOpError("expects a result of shape ")
           << formatShape(*expected) << " (the broadcast of "
           << formatShape(lhsShape) << " and " << formatShape(rhsShape)
           << "), got " << formatShape(resultShape);
  UniformQuantParams output = getParams(result.getType());
  if (lo < output.storageMin || hi > output.storageMax)
    return op->emitOpError("expects clamp bounds within the result storage "
                           "range [")
           << output.storageMin << ", " << output.storageMax << "], got [" << lo
           << ", " << hi << "]";
  if (lo > hi)
    return op->emitOpError("expects clamp_min <= clamp_max, got [")
           << lo << ", " << hi << "]";
  return success();
}

int64_t AddOp::getLowerBound() {
  if (std::optional<int64_t> bound = getClampMin())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMin();
}

int64_t AddOp::getUpperBound() {
  if (std::optional<int64_t> bound = getClampMax())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMax();
}

/// float32_half_even: ONNX Runtime's 8-bit QLinearAdd, with its two f32
/// ratios and its offset.
static LogicalResult verifyOnnxRuntimeAdd(AddOp op) {
  if (!op.hasEightBitStorage())
    return op.emitOpError("with rounding mode float32_half_even expects "
                          "storage of at most 8 bits, as ONNX Runtime's "
                          "QLinearAdd kernel takes");
  std::optional<ArrayRef<float>> ratios = op.getFloatMultiplier();
  std::optional<APFloat> offset = op.getFloatOffset();
  if (!ratios || !offset)
    return op.emitOpError("with rounding mode float32_half_even requires "
                          "'float_multiplier' and 'float_offset'");
  if (ratios->size() != 2)
    return op.emitOpError("expects 2 'float_multiplier' values (lhs, rhs), "
                          "got ")
           << ratios->size();
  for (float ratio : *ratios)
    if (!(ratio >= std::numeric_limits<float>::min() &&
          ratio <= std::numeric_limits<float>::max()))
      return op.emitOpError("expects each 'float_multiplier' to be a "
                            "positive normal f32, got ")
             << ratio;
  if (!offset->isFinite())
    return op.emitOpError("expects a finite 'float_offset'");
  return success();
}

/// qnnpack: PyTorch's QNNPACK add of two quint8 tensors of one shape, with
/// its two multipliers and its shift.
static LogicalResult verifyQnnpackAdd(AddOp op) {
  for (Value value : {op.getLhs(), op.getRhs(), op.getOutput()}) {
    UniformQuantParams params = getParams(value.getType());
    if (params.isSigned || params.storageWidth != 8)
      return op.emitOpError("with rounding mode qnnpack expects u8 operands "
                            "and result, as QNNPACK's quint8 add takes");
  }
  if (op.getLhs().getType().getShape() != op.getRhs().getType().getShape())
    return op.emitOpError("with rounding mode qnnpack expects operands of "
                          "one shape: QNNPACK's add does not broadcast");
  std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = op.getShift();
  if (!multipliers || !shifts)
    return op.emitOpError("with rounding mode qnnpack requires 'multiplier' "
                          "and 'shift'");
  if (multipliers->size() != 2 || shifts->size() != 1)
    return op.emitOpError("with rounding mode qnnpack expects 2 multipliers "
                          "(lhs, rhs) and 1 shift, got ")
           << multipliers->size() << " and " << shifts->size();
  for (int32_t multiplier : *multipliers)
    if (multiplier < 0 || multiplier >= (1 << 22))
      return op.emitOpError("expects QNNPACK multipliers in [0, 2^22), got ")
             << multiplier;
  if (shifts->front() < 13 || shifts->front() > 31)
    return op.emitOpError("expects a QNNPACK shift in [13, 31], got ")
           << shifts->front();
  return success();
}

/// xnnpack: XNNPACK's 8-bit add, with its two multipliers and its shift.
static LogicalResult verifyXnnpackAdd(AddOp op) {
  UniformQuantParams lhs = getParams(op.getLhs().getType());
  for (Value value : {op.getLhs(), op.getRhs(), op.getOutput()}) {
    UniformQuantParams params = getParams(value.getType());
    if (params.storageWidth != 8 || params.isSigned != lhs.isSigned)
      return op.emitOpError("with rounding mode xnnpack expects 8-bit "
                            "operands and result of one signedness, as "
                            "XNNPACK's qs8 and qu8 adds take");
  }
  std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = op.getShift();
  if (!multipliers || !shifts)
    return op.emitOpError("with rounding mode xnnpack requires 'multiplier' "
                          "and 'shift'");
  if (multipliers->size() != 2 || shifts->size() != 1)
    return op.emitOpError("with rounding mode xnnpack expects 2 multipliers "
                          "(lhs, rhs) and 1 shift, got ")
           << multipliers->size() << " and " << shifts->size();
  for (int32_t multiplier : *multipliers)
    if (multiplier < 0 || multiplier > (1 << 21))
      return op.emitOpError("expects XNNPACK multipliers in [0, 2^21], got ")
             << multiplier;
  if (shifts->front() < 1 || shifts->front() > 31)
    return op.emitOpError("expects an XNNPACK shift in [1, 31], got ")
           << shifts->front();
  return success();
}

/// tflite_double: TFLite's ADD, with its three pairs and its left shift.
static LogicalResult verifyTfliteAdd(AddOp op) {
  std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = op.getShift();
  std::optional<int64_t> leftShift = op.getLeftShift();
  if (!multipliers || !shifts || !leftShift)
    return op.emitOpError("with rounding mode tflite_double requires "
                          "'multiplier', 'shift' and 'left_shift'");
  if (multipliers->size() != 3 || shifts->size() != 3)
    return op.emitOpError("expects 3 multipliers and shifts (lhs, rhs, "
                          "result), got ")
           << multipliers->size() << " and " << shifts->size();
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip_equal(*multipliers, *shifts))) {
    FixedPointMultiplier fixed{std::get<0>(pair), std::get<1>(pair)};
    if (std::optional<std::string> reason =
            checkFixedPointPair(RoundingMode::TfliteDouble, fixed))
      return op.emitOpError("pair ") << index << ": " << *reason;
  }
  int64_t left = *leftShift;
  if (left < 0 || left > 30)
    return op.emitOpError("expects a left_shift of 0 to 30, got ") << left;
  for (Value operand : {op.getLhs(), op.getRhs()}) {
    UniformQuantParams params = getParams(operand.getType());
    int64_t zero = params.getZeroPoint(0);
    int64_t widest =
        std::max(params.storageMax - zero, zero - params.storageMin);
    if (widest > (int64_t{std::numeric_limits<int32_t>::max()} >> left))
      return op.emitOpError("expects (q - z) << left_shift to fit in int32, "
                            "but ")
             << widest << " << " << left << " does not";
  }
  return success();
}

/// checkTosaAddPairs on the storage ranges and zero points of `op`'s
/// operands.
static std::optional<std::string>
checkTosaAddPairs(AddOp op, ArrayRef<FixedPointMultiplier> pairs,
                  RoundingMode mode) {
  auto getRange = [](Value operand) {
    UniformQuantParams params = getParams(operand.getType());
    return AddOperandRange{params.storageMin, params.storageMax,
                           params.getZeroPoint(0)};
  };
  return checkTosaAddPairs(mode, getRange(op.getLhs()), getRange(op.getRhs()),
                           pairs);
}

/// tosa_single and tosa_double: the rescale, rescale, add, rescale chain of
/// TOSA's legalizations, with its three pairs.
static LogicalResult verifyTosaAdd(AddOp op) {
  std::optional<ArrayRef<int32_t>> multipliers = op.getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = op.getShift();
  if (!multipliers || !shifts)
    return op.emitOpError("with rounding mode ")
           << stringifyRoundingMode(op.getRounding())
           << " requires 'multiplier' and 'shift'";
  if (multipliers->size() != 3 || shifts->size() != 3)
    return op.emitOpError("expects 3 multipliers and shifts (lhs, rhs, "
                          "result), got ")
           << multipliers->size() << " and " << shifts->size();
  SmallVector<FixedPointMultiplier, 3> pairs;
  for (auto [multiplier, shift] : llvm::zip_equal(*multipliers, *shifts))
    pairs.push_back({multiplier, shift});
  if (std::optional<std::string> reason =
          checkTosaAddPairs(op, pairs, op.getRounding()))
    return op.emitOpError("has an invalid ")
           << stringifyRoundingMode(op.getRounding()) << " add: " << *reason;
  return success();
}

LogicalResult AddOp::verify() {
  if (failed(verifyBroadcastBinary(*this, getLhs(), getRhs(), getOutput(),
                                   getLowerBound(), getUpperBound())))
    return failure();
  RoundingMode mode = getRounding();
  if (mode != RoundingMode::TfliteDouble && getLeftShift())
    return emitOpError("takes 'left_shift' only with rounding mode "
                       "tflite_double");
  if (mode != RoundingMode::TfliteDouble && mode != RoundingMode::Qnnpack &&
      mode != RoundingMode::Xnnpack && mode != RoundingMode::TosaSingle &&
      mode != RoundingMode::TosaDouble && (getMultiplier() || getShift()))
    return emitOpError("takes 'multiplier' and 'shift' only with rounding "
                       "modes tflite_double, tosa_single, tosa_double, "
                       "qnnpack and xnnpack");
  if (mode != RoundingMode::Float32HalfEven &&
      (getFloatMultiplier() || getFloatOffset()))
    return emitOpError("takes 'float_multiplier' and 'float_offset' only "
                       "with rounding mode float32_half_even");
  switch (mode) {
  case RoundingMode::HalfEven:
    return success();
  case RoundingMode::Float32HalfEven:
    return verifyOnnxRuntimeAdd(*this);
  case RoundingMode::TfliteDouble:
    return verifyTfliteAdd(*this);
  case RoundingMode::Qnnpack:
    return verifyQnnpackAdd(*this);
  case RoundingMode::Xnnpack:
    return verifyXnnpackAdd(*this);
  case RoundingMode::TosaSingle:
  case RoundingMode::TosaDouble:
    return verifyTosaAdd(*this);
  default:
    return emitOpError("supports the half_even, tflite_double, tosa_single, "
                       "tosa_double, float32_half_even, qnnpack and xnnpack "
                       "rounding modes, not ")
           << stringifyRoundingMode(mode);
  }
}

bool AddOp::hasEightBitStorage() {
  return llvm::all_of(
             getOperation()->getOperandTypes(),
             [](Type type) { return getParams(type).storageWidth <= 8; }) &&
         getParams(getOutput().getType()).storageWidth <= 8;
}

LogicalResult AddOp::setTfliteRounding() {
  UniformQuantParams lhs = getParams(getLhs().getType());
  UniformQuantParams rhs = getParams(getRhs().getType());
  UniformQuantParams out = getParams(getOutput().getType());
  if (!hasEightBitStorage())
    return emitOpError("cannot take TFLite's 8-bit ADD arithmetic with ")
           << std::max({lhs.storageWidth, rhs.storageWidth, out.storageWidth})
           << "-bit storage";
  // TFLite's Prepare (kernels/add.cc) from the float32 scales, in float64.
  constexpr int64_t kLeftShift = 20;
  auto f32 = [](double scale) {
    return static_cast<double>(static_cast<float>(scale));
  };
  double twiceMax = 2 * std::max(f32(lhs.getScale(0)), f32(rhs.getScale(0)));
  double ratios[] = {f32(lhs.getScale(0)) / twiceMax,
                     f32(rhs.getScale(0)) / twiceMax,
                     twiceMax / (static_cast<double>(int64_t{1} << kLeftShift) *
                                 f32(out.getScale(0)))};
  SmallVector<int32_t> multipliers, shifts;
  for (double ratio : ratios) {
    llvm::Expected<FixedPointMultiplier> pair =
        encodeMultiplier(RoundingMode::TfliteDouble, ratio);
    if (!pair)
      return emitOpError("cannot take rounding mode tflite_double: ")
             << llvm::toString(pair.takeError());
    multipliers.push_back(pair->multiplier);
    shifts.push_back(pair->shift);
  }
  removeRoundingParameters();
  setRounding(RoundingMode::TfliteDouble);
  setMultiplierAttr(DenseI32ArrayAttr::get(getContext(), multipliers));
  setShiftAttr(DenseI32ArrayAttr::get(getContext(), shifts));
  setLeftShiftAttr(
      IntegerAttr::get(IntegerType::get(getContext(), 64), kLeftShift));
  return verify();
}

/// The pairs of TOSA's legalization of an integer add (TFLite's ADD in
/// TOSA, tensorflow/compiler/mlir/tosa/transforms/legalize_tfl.cc, and
/// ExecuTorch's Arm backend alike): each input rescaled to int32 by
/// 2^l s_in / 2S, the int32 sum by 2S / (2^l s_y), S = max(s_a, s_b), from
/// the float64 scales, l = 20 for an 8-bit result and 15 for a 16-bit one;
/// or why TOSA cannot add so.
static llvm::Expected<SmallVector<FixedPointMultiplier, 3>>
getTosaAddPairs(AddOp op, RoundingMode mode) {
  UniformQuantParams lhs = getParams(op.getLhs().getType());
  UniformQuantParams rhs = getParams(op.getRhs().getType());
  UniformQuantParams out = getParams(op.getOutput().getType());
  unsigned widest =
      std::max({lhs.storageWidth, rhs.storageWidth, out.storageWidth});
  if (widest > 16)
    return llvm::createStringError(llvm::formatv(
        "TOSA's integer add rescales 8- and 16-bit values, not {0}-bit ones",
        widest));
  double scale = std::ldexp(1.0, out.storageWidth > 8 ? 15 : 20);
  double twiceMax = 2 * std::max(lhs.getScale(0), rhs.getScale(0));
  double ratios[] = {scale * lhs.getScale(0) / twiceMax,
                     scale * rhs.getScale(0) / twiceMax,
                     twiceMax / (scale * out.getScale(0))};
  SmallVector<FixedPointMultiplier, 3> pairs;
  for (double ratio : ratios) {
    llvm::Expected<FixedPointMultiplier> pair = encodeMultiplier(mode, ratio);
    if (!pair)
      return pair.takeError();
    pairs.push_back(*pair);
  }
  if (std::optional<std::string> reason = checkTosaAddPairs(op, pairs, mode))
    return llvm::createStringError(*reason);
  return pairs;
}

bool AddOp::hasTosaAddForm(RoundingMode mode) {
  llvm::Expected<SmallVector<FixedPointMultiplier, 3>> pairs =
      getTosaAddPairs(*this, mode);
  if (!pairs) {
    llvm::consumeError(pairs.takeError());
    return false;
  }
  return true;
}

LogicalResult AddOp::setTosaRounding(RoundingMode mode) {
  if (mode != RoundingMode::TosaSingle && mode != RoundingMode::TosaDouble)
    return emitOpError("has no TOSA add with rounding mode ")
           << stringifyRoundingMode(mode);
  llvm::Expected<SmallVector<FixedPointMultiplier, 3>> pairs =
      getTosaAddPairs(*this, mode);
  if (!pairs)
    return emitOpError("cannot take rounding mode ")
           << stringifyRoundingMode(mode) << ": "
           << llvm::toString(pairs.takeError());
  SmallVector<int32_t> multipliers, shifts;
  for (FixedPointMultiplier pair : *pairs) {
    multipliers.push_back(pair.multiplier);
    shifts.push_back(pair.shift);
  }
  removeRoundingParameters();
  setRounding(mode);
  setMultiplierAttr(DenseI32ArrayAttr::get(getContext(), multipliers));
  setShiftAttr(DenseI32ArrayAttr::get(getContext(), shifts));
  return success();
}

/// The f32 scale ratios s_a / s_y and s_b / s_y that ONNX Runtime's MLAS,
/// QNNPACK (pytorch_qnnp_create_add_nc_q8) and XNNPACK form.
static std::array<float, 2> getScaleRatios(AddOp op) {
  auto outScale =
      static_cast<float>(getParams(op.getOutput().getType()).getScale(0));
  return {static_cast<float>(getParams(op.getLhs().getType()).getScale(0)) /
              outScale,
          static_cast<float>(getParams(op.getRhs().getType()).getScale(0)) /
              outScale};
}

LogicalResult AddOp::setFloat32Rounding() {
  UniformQuantParams lhs = getParams(getLhs().getType());
  UniformQuantParams rhs = getParams(getRhs().getType());
  UniformQuantParams out = getParams(getOutput().getType());
  if (!hasEightBitStorage())
    return emitOpError("cannot take ONNX Runtime's 8-bit QLinearAdd "
                       "arithmetic with ")
           << std::max({lhs.storageWidth, rhs.storageWidth, out.storageWidth})
           << "-bit storage";
  // MlasQLinearAddKernelAvx2Helper's set-up, in f32. Its
  // r_a * z_a + r_b * z_b is contracted to one fused multiply-add by the
  // compiler of ONNX Runtime's x86-64 Linux build (measured: the
  // uncontracted form differs on some scales).
  auto [lhsRatio, rhsRatio] = getScaleRatios(*this);
  float rhsZeroTerm = rhsRatio * static_cast<float>(rhs.getZeroPoint(0));
  float zeroTerms =
      std::fmaf(lhsRatio, static_cast<float>(lhs.getZeroPoint(0)), rhsZeroTerm);
  float offset = static_cast<float>(out.getZeroPoint(0)) - zeroTerms;
  removeRoundingParameters();
  setRounding(RoundingMode::Float32HalfEven);
  setFloatMultiplierAttr(
      DenseF32ArrayAttr::get(getContext(), {lhsRatio, rhsRatio}));
  setFloatOffsetAttr(FloatAttr::get(Float32Type::get(getContext()), offset));
  return verify();
}

/// QNNPACK's and XNNPACK's add set-up: the shift that puts the larger f32
/// ratio's top bit at 2^topExponent, and each ratio times 2^shift rounded
/// to an integer (lrintf, half to even).
static LogicalResult setPowerOfTwoAddPairs(AddOp op, RoundingMode mode,
                                           int32_t topExponent) {
  std::array<float, 2> ratios = getScaleRatios(op);
  int exponent =
      static_cast<int>(
          llvm::bit_cast<uint32_t>(std::max(ratios[0], ratios[1])) >> 23) -
      127;
  int32_t shift = topExponent - exponent;
  SmallVector<int32_t> multipliers;
  for (float ratio : ratios)
    multipliers.push_back(
        static_cast<int32_t>(std::lrintf(std::ldexp(ratio, shift))));
  op.removeRoundingParameters();
  op.setRounding(mode);
  op.setMultiplierAttr(DenseI32ArrayAttr::get(op.getContext(), multipliers));
  op.setShiftAttr(DenseI32ArrayAttr::get(op.getContext(), {shift}));
  return op.verify();
}

bool AddOp::hasQnnpackAddForm() {
  auto isQuint8 = [](Type type) {
    UniformQuantParams params = getParams(type);
    return !params.isSigned && params.storageWidth == 8;
  };
  if (!isQuint8(getLhs().getType()) || !isQuint8(getRhs().getType()) ||
      !isQuint8(getOutput().getType()) ||
      getLhs().getType().getShape() != getRhs().getType().getShape())
    return false;
  return llvm::all_of(getScaleRatios(*this), [](float ratio) {
    return ratio >= 0x1.0p-14f && ratio < 0x1.0p+8f;
  });
}

LogicalResult AddOp::setQnnpackRounding() {
  if (!hasQnnpackAddForm())
    return emitOpError("cannot take QNNPACK's add arithmetic: it adds quint8 "
                       "tensors of one shape whose scale ratios lie in "
                       "[2^-14, 2^8)");
  // pytorch_qnnp_compute_add_quantization_params, in f32.
  return setPowerOfTwoAddPairs(*this, RoundingMode::Qnnpack,
                               /*topExponent=*/21);
}

bool AddOp::hasXnnpackAddForm() {
  UniformQuantParams lhs = getParams(getLhs().getType());
  for (Type type :
       {getLhs().getType(), getRhs().getType(), getOutput().getType()}) {
    UniformQuantParams params = getParams(type);
    if (params.storageWidth != 8 || params.isSigned != lhs.isSigned)
      return false;
  }
  return llvm::all_of(getScaleRatios(*this), [](float ratio) {
    return ratio >= 0x1.0p-10f && ratio < 0x1.0p+8f;
  });
}

LogicalResult AddOp::setXnnpackRounding() {
  if (!hasXnnpackAddForm())
    return emitOpError("cannot take XNNPACK's add arithmetic: it adds 8-bit "
                       "tensors of one signedness whose scale ratios lie in "
                       "[2^-10, 2^8)");
  return setPowerOfTwoAddPairs(*this, RoundingMode::Xnnpack,
                               /*topExponent=*/20);
}

bool AddOp::isLhsFoldedFirst() {
  ArrayRef<int64_t> result = getOutput().getType().getShape();
  auto last = llvm::find_if(llvm::reverse(result),
                            [](int64_t size) { return size != 1; });
  if (last == result.rend())
    return false;
  int64_t dim = result.size() - 1 - std::distance(result.rbegin(), last);
  auto isBroadcast = [&](Value operand) {
    ArrayRef<int64_t> shape = cast<ShapedType>(operand.getType()).getShape();
    int64_t operandDim = dim - static_cast<int64_t>(result.size()) +
                         static_cast<int64_t>(shape.size());
    return operandDim < 0 || shape[operandDim] == 1;
  };
  return isBroadcast(getLhs()) && !isBroadcast(getRhs());
}

void AddOp::removeRoundingParameters() {
  removeMultiplierAttr();
  removeShiftAttr();
  removeLeftShiftAttr();
  removeFloatMultiplierAttr();
  removeFloatOffsetAttr();
}

int64_t MulOp::getLowerBound() {
  if (std::optional<int64_t> bound = getClampMin())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMin();
}

int64_t MulOp::getUpperBound() {
  if (std::optional<int64_t> bound = getClampMax())
    return *bound;
  return getUniformQuantElementType(getOutput().getType()).getStorageTypeMax();
}

/// Why TOSA's rescale, mul, rescale chain cannot compute `op` with `pair`
/// in `mode`, or std::nullopt: 8-bit storage (TOSA's int32 product of two
/// 16-bit values can overflow), a valid pair, and every product
/// (a - z_a) * (b - z_b) within what apply_scale_32 takes with its shift.
static std::optional<std::string> checkTosaMulPair(MulOp op, RoundingMode mode,
                                                   FixedPointMultiplier pair) {
  int64_t productMin = 0, productMax = 0;
  SmallVector<std::pair<int64_t, int64_t>, 2> ranges;
  for (Type type : {op.getLhs().getType(), op.getRhs().getType(),
                    op.getOutput().getType()}) {
    UniformQuantParams params = getParams(type);
    if (params.storageWidth > 8)
      return llvm::formatv("TOSA multiplies 8-bit values in int32, not "
                           "{0}-bit ones",
                           params.storageWidth)
          .str();
    ranges.push_back({params.storageMin - params.getZeroPoint(0),
                      params.storageMax - params.getZeroPoint(0)});
  }
  for (int64_t a : {ranges[0].first, ranges[0].second})
    for (int64_t b : {ranges[1].first, ranges[1].second}) {
      productMin = std::min(productMin, a * b);
      productMax = std::max(productMax, a * b);
    }
  if (std::optional<std::string> reason = checkFixedPointPair(mode, pair))
    return reason;
  auto [lo, hi] = getTosaValueRange(pair.shift);
  if (productMin < lo || productMax > hi)
    return llvm::formatv("products in [{0}, {1}] are outside the [{2}, {3}] "
                         "that TOSA's apply_scale_32 takes with shift {4}",
                         productMin, productMax, lo, hi, pair.shift)
        .str();
  return std::nullopt;
}

LogicalResult MulOp::verify() {
  RoundingMode mode = getRounding();
  bool isTosa =
      mode == RoundingMode::TosaSingle || mode == RoundingMode::TosaDouble;
  if (!isTosa && mode != RoundingMode::HalfEven)
    return emitOpError("supports the half_even, tosa_single and tosa_double "
                       "rounding modes, not ")
           << stringifyRoundingMode(mode);
  if (failed(verifyBroadcastBinary(*this, getLhs(), getRhs(), getOutput(),
                                   getLowerBound(), getUpperBound())))
    return failure();
  std::optional<ArrayRef<int32_t>> multipliers = getMultiplier();
  std::optional<ArrayRef<int32_t>> shifts = getShift();
  if (!isTosa) {
    if (multipliers || shifts)
      return emitOpError("takes 'multiplier' and 'shift' only with rounding "
                         "modes tosa_single and tosa_double");
    return success();
  }
  if (!multipliers || !shifts || multipliers->size() != 1 ||
      shifts->size() != 1)
    return emitOpError("with rounding mode ")
           << stringifyRoundingMode(mode)
           << " requires one 'multiplier' and one 'shift'";
  if (std::optional<std::string> reason = checkTosaMulPair(
          *this, mode, {multipliers->front(), shifts->front()}))
    return emitOpError("has an invalid ")
           << stringifyRoundingMode(mode) << " product: " << *reason;
  return success();
}

/// The scale32 pair of s_a s_b / s_y in `mode`, or why there is none.
static llvm::Expected<FixedPointMultiplier> getTosaMulPair(MulOp op,
                                                           RoundingMode mode) {
  double multiplier = getParams(op.getLhs().getType()).getScale(0) *
                      getParams(op.getRhs().getType()).getScale(0) /
                      getParams(op.getOutput().getType()).getScale(0);
  llvm::Expected<FixedPointMultiplier> pair =
      encodeMultiplier(mode, multiplier);
  if (!pair)
    return pair.takeError();
  if (std::optional<std::string> reason = checkTosaMulPair(op, mode, *pair))
    return llvm::createStringError(*reason);
  return *pair;
}

bool MulOp::hasTosaMulForm(RoundingMode mode) {
  if (mode != RoundingMode::TosaSingle && mode != RoundingMode::TosaDouble)
    return false;
  llvm::Expected<FixedPointMultiplier> pair = getTosaMulPair(*this, mode);
  if (!pair) {
    llvm::consumeError(pair.takeError());
    return false;
  }
  return true;
}

LogicalResult MulOp::setTosaRounding(RoundingMode mode) {
  if (mode != RoundingMode::TosaSingle && mode != RoundingMode::TosaDouble)
    return emitOpError("has no TOSA product with rounding mode ")
           << stringifyRoundingMode(mode);
  llvm::Expected<FixedPointMultiplier> pair = getTosaMulPair(*this, mode);
  if (!pair)
    return emitOpError("cannot take rounding mode ")
           << stringifyRoundingMode(mode) << ": "
           << llvm::toString(pair.takeError());
  setRounding(mode);
  setMultiplierAttr(DenseI32ArrayAttr::get(getContext(), {pair->multiplier}));
  setShiftAttr(DenseI32ArrayAttr::get(getContext(), {pair->shift}));
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  if (failed(verifyQuantizedOperandsAndResults(*this)) ||
      failed(verifyHalfEvenRounding(*this, getRounding())))
    return failure();
  for (OpOperand &input : getOperation()->getOpOperands()) {
    std::string name = "input #" + std::to_string(input.getOperandNumber());
    if (failed(verifyPerTensorNarrow(*this, name, input.get().getType())))
      return failure();
  }
  if (failed(verifyPerTensorNarrow(*this, "result", getOutput().getType())))
    return failure();

  RankedTensorType resultTy = getOutput().getType();
  int64_t rank = resultTy.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("expects an axis in [0, ") << rank << "), got " << axis;
  int64_t axisSize = 0;
  for (auto [index, input] : llvm::enumerate(getInputs())) {
    auto inputTy = cast<RankedTensorType>(input.getType());
    if (inputTy.getRank() != rank)
      return emitOpError("expects input #")
             << index << " of the result's rank " << rank << ", got rank "
             << inputTy.getRank();
    for (int64_t dim = 0; dim < rank; ++dim) {
      int64_t size = inputTy.getDimSize(dim);
      if (dim == axis) {
        if (ShapedType::isDynamic(size))
          return emitOpError("expects a static size on axis ")
                 << axis << ", got a dynamic one on input #" << index;
        std::optional<int64_t> sum = llvm::checkedAdd(axisSize, size);
        if (!sum)
          return emitOpError("expects sizes on axis ")
                 << axis << " whose sum fits in 64 bits";
        axisSize = *sum;
        continue;
      }
      if (size != resultTy.getDimSize(dim))
        return emitOpError("expects input #")
               << index << " to match the result off the axis, got "
               << formatShape(inputTy.getShape()) << " and "
               << formatShape(resultTy.getShape()) << " on dimension " << dim;
    }
  }
  if (resultTy.getDimSize(axis) != axisSize)
    return emitOpError("expects a result size on axis ")
           << axis << " of " << axisSize << " (the sum of the inputs'), got "
           << formatDim(resultTy.getDimSize(axis));
  return success();
}

//===----------------------------------------------------------------------===//
// AvgPool2DOp
//===----------------------------------------------------------------------===//

/// Why TOSA's AVG_POOL2D, which divides the window's int32 sum by its
/// in-bounds taps with apply_scale_32 and does not rescale, cannot compute
/// `op`; std::nullopt when it can.
static std::optional<std::string> getTosaAvgPoolBlocker(AvgPool2DOp op) {
  UniformQuantParams input = getParams(op.getInput().getType());
  UniformQuantParams output = getParams(op.getOutput().getType());
  if (input.getScale(0) != output.getScale(0))
    return llvm::formatv("expects equal input and result scales (TOSA's "
                         "AVG_POOL2D does not rescale), got {0} and {1}",
                         input.getScale(0), output.getScale(0))
        .str();
  if (op.getCountIncludePad() &&
      llvm::any_of(op.getPadding(), [](int64_t p) { return p != 0; }))
    return std::string("divides by the in-bounds taps, as TOSA's AVG_POOL2D "
                       "does: count_include_pad needs zero padding");
  int64_t zero = input.getZeroPoint(0);
  int64_t widest = std::max(input.storageMax - zero, zero - input.storageMin);
  ArrayRef<int64_t> kernel = op.getKernel();
  if (widest > 0 &&
      kernel[0] * kernel[1] > std::numeric_limits<int32_t>::max() / widest)
    return llvm::formatv("expects the window sum to fit in TOSA's int32 "
                         "accumulator, but {0}x{1} taps of up to {2} do not",
                         kernel[0], kernel[1], widest)
        .str();
  return std::nullopt;
}

bool AvgPool2DOp::hasTosaAvgPoolForm() { return !getTosaAvgPoolBlocker(*this); }

LogicalResult AvgPool2DOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)))
    return failure();
  if (getRounding() != RoundingMode::HalfEven &&
      getRounding() != RoundingMode::TosaSingle)
    return emitOpError("supports the half_even and tosa_single (TOSA's "
                       "AVG_POOL2D) rounding modes, not ")
           << stringifyRoundingMode(getRounding());
  RankedTensorType inputTy = getInput().getType();
  RankedTensorType resultTy = getOutput().getType();
  if (inputTy.getRank() != 4 || resultTy.getRank() != 4)
    return emitOpError("expects rank-4 NCHW input and result, got ranks ")
           << inputTy.getRank() << " and " << resultTy.getRank();
  UniformQuantParams input = getParams(inputTy);
  UniformQuantParams output = getParams(resultTy);
  if (input.isPerAxis() || output.isPerAxis())
    return emitOpError("expects per-tensor input and result types, got ")
           << inputTy.getElementType() << " and " << resultTy.getElementType();
  // With at most 16 bits and 2^32 taps, |S| < 2^48: exact in int64 and in
  // the float64 the mean is computed in.
  if (input.storageWidth > 16 || output.storageWidth > 16)
    return emitOpError("expects input and result storage of at most 16 bits, "
                       "got ")
           << input.storageWidth << " and " << output.storageWidth;
  ArrayRef<int64_t> kernel = getKernel(), strides = getStrides(),
                    padding = getPadding();
  if (kernel.size() != 2 || strides.size() != 2 || padding.size() != 4)
    return emitOpError("expects 2 kernel sizes, 2 strides and 4 padding "
                       "values, got ")
           << kernel.size() << ", " << strides.size() << " and "
           << padding.size();
  if (llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return emitOpError("expects positive kernel sizes, got [") << kernel << "]";
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return emitOpError("expects positive strides, got [") << strides << "]";
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError("expects non-negative padding, got [") << padding << "]";
  constexpr int64_t maxTaps = int64_t(1) << 32;
  if (kernel[0] > maxTaps || kernel[1] > maxTaps / kernel[0])
    return emitOpError("expects a window of at most 2^32 taps, got ")
           << kernel[0] << "x" << kernel[1];
  ArrayRef<int64_t> in = inputTy.getShape(), out = resultTy.getShape();
  if (llvm::any_of(in.drop_front(), ShapedType::isDynamic))
    return emitOpError("expects static channel and spatial input "
                       "dimensions, got ")
           << inputTy;
  SmallVector<int64_t, 2> expected;
  for (int i = 0; i < 2; ++i) {
    if (padding[i] >= kernel[i] || padding[i + 2] >= kernel[i])
      return emitOpError("expects padding smaller than the kernel (")
             << kernel[i] << ") on spatial dimension " << i
             << ", so that no window is all padding, got [" << padding << "]";
    std::optional<int64_t> padded =
        getPaddedSize(in[2 + i], padding[i], padding[i + 2]);
    if (!padded)
      return emitOpError("expects sizes and padding whose sum fits in 64 "
                         "bits");
    if (kernel[i] > *padded)
      return emitOpError("expects the kernel (")
             << kernel[i] << ") to fit in the padded input (" << *padded
             << ") on spatial dimension " << i;
    expected.push_back((*padded - kernel[i]) / strides[i] + 1);
  }
  if (!dimsCompatible(out[0], in[0]) || out[1] != in[1] ||
      out[2] != expected[0] || out[3] != expected[1])
    return emitOpError("expects a result of shape ")
           << formatDim(in[0]) << "x" << in[1] << "x" << expected[0] << "x"
           << expected[1] << ", got " << formatDim(out[0]) << "x"
           << formatDim(out[1]) << "x" << formatDim(out[2]) << "x"
           << formatDim(out[3]);
  if (getRounding() == RoundingMode::TosaSingle)
    if (std::optional<std::string> reason = getTosaAvgPoolBlocker(*this))
      return emitOpError("with rounding mode tosa_single ") << *reason;
  return success();
}

//===----------------------------------------------------------------------===//
// TableOp
//===----------------------------------------------------------------------===//

LogicalResult TableOp::verify() {
  if (failed(verifyQuantizedOperandsAndResults(*this)) ||
      failed(verifyIdenticalShapes(*this, getInput().getType(),
                                   getOutput().getType())))
    return failure();
  Type inputElement = cast<ShapedType>(getInput().getType()).getElementType();
  Type resultElement = cast<ShapedType>(getOutput().getType()).getElementType();
  if (!isa<quant::UniformQuantizedType>(inputElement) ||
      !isa<quant::UniformQuantizedType>(resultElement))
    return emitOpError("expects per-tensor input and result types, got ")
           << inputElement << " and " << resultElement;
  UniformQuantParams input = getParams(getInput().getType());
  UniformQuantParams output = getParams(getOutput().getType());
  // 2^8 entries at most keep the table small; 16-bit result codes, signed
  // or unsigned, all fit in the i32 entries.
  if (input.storageWidth > 8)
    return emitOpError("expects input storage of at most 8 bits, got ")
           << input.storageWidth;
  if (output.storageWidth > 16)
    return emitOpError("expects result storage of at most 16 bits, got ")
           << output.storageWidth;
  DenseIntElementsAttr table = getTable();
  int64_t expectedSize = int64_t(1) << input.storageWidth;
  auto tableType = cast<ShapedType>(table.getType());
  if (tableType.getRank() != 1 || tableType.getDimSize(0) != expectedSize)
    return emitOpError("expects a table of ")
           << expectedSize << " entries (2^" << input.storageWidth
           << " for the input storage), got " << tableType;
  for (auto [index, entry] : llvm::enumerate(table.getValues<APInt>())) {
    int64_t value = entry.getSExtValue();
    if (value < output.storageMin || value > output.storageMax)
      return emitOpError("expects table entries within the result storage "
                         "range [")
             << output.storageMin << ", " << output.storageMax << "], got "
             << value << " at index " << index;
  }
  return success();
}
