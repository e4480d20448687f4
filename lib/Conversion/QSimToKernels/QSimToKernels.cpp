//===- QSimToKernels.cpp - qsim layers to packed vector kernels -----------===//
//
// Lowers qsim.conv2d and qsim.linear to register-blocked vector kernels over
// buffers. The weights are packed at compile time, the activations are
// copied once into the layout the kernel reads, and each output tile of
// P pixels by J vectors of L channels stays in registers for the whole
// reduction. Three dot products share the loop nest: AVX-512 VNNI, AVX2
// vpmaddwd, and a plain vector multiply-add that every target runs. On a CPU
// with AMX, the tile registers hold the accumulators instead (tdpbusd on
// 16 x 64-byte tiles), over the same packed weights.
//
// Exactness. With x~ the stored activation as the kernel reads it (signed
// storage is offset by 128 for vpdpbusd's unsigned operand) and w' = w - z_w,
//   sum (x - z_x) * w' = sum x~ * w' - offset * sum w',
// where offset = z_x (+ 128). The second sum is a constant folded into the
// bias; padded taps hold z_x, so they add offset * w' to the first sum and
// nothing to the result. Both sides are sums modulo 2^32, so even an
// accumulator that wraps matches the reference lowering bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/QSimToKernels/QSimToKernels.h"
#include "qsim/Conversion/Passes.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/IR/QuantTypeUtils.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/TargetParser/Host.h"

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <functional>

namespace mlir::qsim {
#define GEN_PASS_DEF_CONVERTQSIMTOKERNELS
#define GEN_PASS_DEF_CONVERTQSIMX86TOLLVM
#define GEN_PASS_DEF_CONVERTLINALGTOKERNELS
#include "qsim/Conversion/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

//===----------------------------------------------------------------------===//
// Dot products
//===----------------------------------------------------------------------===//

enum class DotProductKind { Amx, Vnni, Avx2, Generic };

/// An AMX tile has up to 16 rows of 64 bytes.
constexpr int64_t kAmxRows = 16;
constexpr int64_t kAmxRowBytes = 64;
/// Under kernel=auto, a layer with fewer input channels per tap than this
/// runs on the VNNI kernel: padding them to a 64-byte tile row would waste
/// more than half of every tdpbusd.
constexpr int64_t kAmxMinChannels = 33;

/// Linux grants a process the AMX tile state only on request
/// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)); the first tile
/// instruction of a process without it faults.
constexpr int32_t kArchRequestXCompPerm = 0x1023;
constexpr int64_t kXFeatureXTileData = 18;

/// The shape of one kernel: `group` input channels are summed into each
/// 32-bit lane per step, a vector holds `lanes` output channels, and a
/// register tile is `pixels` outputs by `vectors` vectors. For AMX, a
/// "register tile" is up to 2 x 2 accumulator tiles of 16 pixels by 16
/// lanes.
struct DotProduct {
  DotProductKind kind;
  int64_t group;
  int64_t lanes;
  int64_t pixels;
  int64_t vectors;

  static DotProduct get(DotProductKind kind) {
    switch (kind) {
    case DotProductKind::Amx:
      // Four accumulator tiles, two of activations and two of weights: the
      // 8 tile registers.
      return {kind, 4, 16, 2 * kAmxRows, 2};
    case DotProductKind::Vnni:
      // 24 accumulators, 4 weight vectors and a broadcast in 29 of the 32
      // zmm. A seventh pixel would need 33: LLVM then spills an accumulator
      // every step, which costs more than the pixel gains.
      return {kind, 4, 16, 6, 4};
    case DotProductKind::Avx2:
      // 12 accumulators, 2 weight vectors and a broadcast in 16 ymm.
      return {kind, 2, 8, 6, 2};
    case DotProductKind::Generic:
      return {kind, 1, 8, 4, 2};
    }
    llvm_unreachable("unknown dot product");
  }

  /// vpdpbusd and tdpbusd read the activations as unsigned bytes.
  bool readsUnsignedActivations() const {
    return kind == DotProductKind::Vnni || kind == DotProductKind::Amx;
  }

  /// The input channels padded to whole steps of the reduction: groups of
  /// G, or AMX tile rows of 64 bytes.
  int64_t getPaddedChannels(int64_t channels) const {
    int64_t multiple = kind == DotProductKind::Amx ? kAmxRowBytes : group;
    return (channels + multiple - 1) / multiple * multiple;
  }

  VectorType getAccumulatorType(MLIRContext *ctx) const {
    return VectorType::get({lanes}, IntegerType::get(ctx, 32));
  }
};

/// Parses the `kernel` option; `auto` picks the fastest dot product the
/// host CPU runs.
std::optional<DotProductKind> parseKernel(StringRef name) {
  if (name == "auto")
    name = getHostKernels().front();
  return llvm::StringSwitch<std::optional<DotProductKind>>(name)
      .Case("amx", DotProductKind::Amx)
      .Case("vnni", DotProductKind::Vnni)
      .Case("avx2", DotProductKind::Avx2)
      .Case("generic", DotProductKind::Generic)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Packed layers
//===----------------------------------------------------------------------===//

/// The constant storage integers behind `value`, seen through quant.scast
/// and reshapes (which canonicalization folds only later), in the shape of
/// `value`; null when they are not constant.
DenseIntElementsAttr getConstantStorage(Value value) {
  auto shape = cast<ShapedType>(value.getType()).getShape();
  while (true) {
    if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
      value = cast.getInput();
    else if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>())
      value = expand.getSrc();
    else if (auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>())
      value = collapse.getSrc();
    else
      break;
  }
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  return cast<DenseIntElementsAttr>(attr.reshape(attr.getType().clone(shape)));
}

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// The buffer of `tensor`, which the kernel only reads.
Value toReadOnlyBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
}

/// A conv2d or linear layer in the form the kernel takes: a 2-D window of
/// `kernelH` x `kernelW` taps over `channels` input channels, producing
/// `outChannels` per output pixel. A linear layer is a 1x1 window whose
/// pixels are the rows of its input.
struct LayerGeometry {
  int64_t channels = 0, outChannels = 0;
  int64_t kernelH = 1, kernelW = 1;
  int64_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
};

/// A layer's constant weights as w' = w - z_w[o], in their [O, ...] order,
/// and its bias (zeros without one).
struct ShiftedWeights {
  SmallVector<int64_t> weights;
  SmallVector<int64_t> bias;
};

/// Reads the constant weights and bias of a layer with `outChannels`
/// outputs; fails when either is not a constant.
FailureOr<ShiftedWeights> readShiftedWeights(Value weights, Value bias,
                                             int64_t outChannels) {
  DenseIntElementsAttr weightValues = getConstantStorage(weights);
  DenseIntElementsAttr biasValues;
  if (!weightValues || (bias && !(biasValues = getConstantStorage(bias))))
    return failure();
  UniformQuantParams params =
      getUniformQuantParams(getUniformQuantElementType(weights.getType()));
  int64_t perChannel = weightValues.getNumElements() / outChannels;
  ShiftedWeights result;
  result.weights.reserve(weightValues.getNumElements());
  for (auto [i, v] : llvm::enumerate(weightValues.getValues<APInt>())) {
    int64_t stored = params.isSigned ? v.getSExtValue()
                                     : static_cast<int64_t>(v.getZExtValue());
    result.weights.push_back(stored - params.getZeroPoint(i / perChannel));
  }
  result.bias.assign(outChannels, 0);
  if (biasValues)
    for (auto [i, v] : llvm::enumerate(biasValues.getValues<APInt>()))
      result.bias[i] = v.getSExtValue();
  return result;
}

/// bias - offset * sum(w') modulo 2^32, as the reference sums in i32.
int32_t correctBias(int64_t bias, int64_t offset, int64_t sum) {
  return static_cast<int32_t>(static_cast<uint32_t>(bias - offset * sum));
}

/// The weights of one tile's channel vectors, for every tap and channel
/// group, are a contiguous panel: [panel][taps][Cp/G][vectors][L][G]. A
/// tile's reduction then streams one panel front to back, where a layout of
/// all the channels per step would stride by every vector of the layer
/// (4 KB per step for 1024 outputs: a new page, which the prefetchers do not
/// cross, at every step).
struct PanelShape {
  /// Vectors of L output channels per panel: a tile's, or all of the
  /// layer's when it has fewer.
  int64_t vectors;
  /// Panels; the last may hold zeros past the layer's channels.
  int64_t count;

  static PanelShape get(const LayerGeometry &layer, const DotProduct &dot) {
    int64_t totalVectors = roundUp(layer.outChannels, dot.lanes) / dot.lanes;
    int64_t vectors = std::min(dot.vectors, totalVectors);
    return {vectors, roundUp(totalVectors, vectors) / vectors};
  }
};

/// Packs w' [O, C, KH, KW] into panels [KH * KW][Cp / G][vectors][L][G] with
/// zeros in the padding, and computes the corrected bias. Fails when some w'
/// does not fit in i8.
LogicalResult packWeights(const LayerGeometry &layer, const DotProduct &dot,
                          const ShiftedWeights &shifted, int64_t offset,
                          SmallVectorImpl<int8_t> &packed,
                          SmallVectorImpl<int32_t> &correctedBias) {
  int64_t taps = layer.kernelH * layer.kernelW;
  int64_t channelGroups = dot.getPaddedChannels(layer.channels) / dot.group;
  PanelShape panels = PanelShape::get(layer, dot);
  int64_t vectorBytes = dot.lanes * dot.group;
  packed.assign(
      panels.count * taps * channelGroups * panels.vectors * vectorBytes, 0);
  correctedBias.assign(roundUp(layer.outChannels, dot.lanes), 0);
  for (int64_t o = 0; o < layer.outChannels; ++o) {
    int64_t vector = o / dot.lanes;
    int64_t panel = vector / panels.vectors;
    int64_t slot = vector % panels.vectors;
    int64_t sum = 0;
    for (int64_t c = 0; c < layer.channels; ++c) {
      for (int64_t t = 0; t < taps; ++t) {
        int64_t w = shifted.weights[(o * layer.channels + c) * taps + t];
        if (w < -128 || w > 127)
          return failure();
        sum += w;
        int64_t step = (panel * taps + t) * channelGroups + c / dot.group;
        int64_t index = (step * panels.vectors + slot) * vectorBytes +
                        (o % dot.lanes) * dot.group + c % dot.group;
        packed[index] = static_cast<int8_t>(w);
      }
    }
    correctedBias[o] = correctBias(shifted.bias[o], offset, sum);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The kernel
//===----------------------------------------------------------------------===//

/// The requantization that a kernel applies to its accumulators in
/// registers, as qsim.requantize's lowering computes it: per output channel
/// (f64 [Op] buffers) y = clamp(round_half_even((acc - z_in) * M) , lo - z_y,
/// hi - z_y) + z_y, narrowed to the output storage.
struct RequantizeEpilogue {
  Value multipliers;
  Value lows;
  Value highs;
  /// i32 [Op].
  Value outZeros;
  /// f64 [Op]; null when every accumulator zero point is 0.
  Value inZeros;
  IntegerType storageType;
};

/// The buffers and index maps of one layer's kernel.
struct KernelOperands {
  /// i8 [T, Cp / G, Op / L, L * G]; for a depthwise conv i32 [T, Cp].
  Value weights;
  /// i32 [Op].
  Value bias;
  /// The indices of the first of the `group` activations that output pixel
  /// `pixel` reads at tap (kh, kw) and channel `channel`.
  std::function<SmallVector<Value>(OpBuilder &, Location, Value pixel, Value kh,
                                   Value kw, Value channel)>
      inputIndices;
  /// The indices of output pixel `pixel`, channel `channel`.
  std::function<SmallVector<Value>(OpBuilder &, Location, Value pixel,
                                   Value channel)>
      outputIndices;
  Value input;
  /// The activations from one output pixel's to the next one's (AMX's
  /// tile row stride).
  int64_t pixelStride = 0;
  /// i32 [P, J * L]: the AMX kernel's way from its tiles (which have no
  /// path to vector registers) to the epilogue. One per thread: see
  /// LayerKernel::allocateTileBuffer.
  Value amxBuffer;
  /// i32 accumulators, or the requantized storage with an epilogue.
  Value output;
  std::optional<RequantizeEpilogue> epilogue;
};

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// Emits `for iv in [0, count)` carrying `inits`, or the body alone when
/// the loop runs once.
SmallVector<Value> buildReductionLoop(
    OpBuilder &b, Location loc, int64_t count, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  if (count == 1)
    return body(b, loc, indexConstant(b, loc, 0), inits);
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, count),
      indexConstant(b, loc, 1), inits,
      [&](OpBuilder &nb, Location nloc, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, nloc, body(nb, nloc, iv, args));
      });
  return SmallVector<Value>(loop.getResults());
}

/// Repeats the 32 bits of `group` (the G activations of one lane) in every
/// lane: a vector of the same element type, G per lane.
Value broadcastWord(OpBuilder &b, Location loc, const DotProduct &dot,
                    Value group) {
  auto groupType = cast<VectorType>(group.getType());
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), group);
  Value scalar = vector::ExtractOp::create(b, loc, word, 0);
  Value splat = vector::BroadcastOp::create(
      b, loc, dot.getAccumulatorType(b.getContext()), scalar);
  return vector::BitCastOp::create(
      b, loc,
      VectorType::get({dot.lanes * groupType.getNumElements()},
                      groupType.getElementType()),
      splat);
}

/// Broadcasts the `dot.group` activations at `indices` to every lane, as
/// the operand type of the dot product.
Value buildActivationBroadcast(OpBuilder &b, Location loc,
                               const DotProduct &dot, Value input,
                               ValueRange indices, bool isSignedStorage) {
  MLIRContext *ctx = b.getContext();
  IntegerType i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
  switch (dot.kind) {
  case DotProductKind::Amx:
    llvm_unreachable("AMX tiles have no vector dot product");
  case DotProductKind::Vnni: {
    Value bytes = vector::LoadOp::create(b, loc, VectorType::get({4}, i8),
                                         input, indices);
    return broadcastWord(b, loc, dot, bytes);
  }
  case DotProductKind::Avx2: {
    Value bytes = vector::LoadOp::create(b, loc, VectorType::get({2}, i8),
                                         input, indices);
    auto pairType = VectorType::get({2}, i16);
    Value pair = isSignedStorage
                     ? Value(arith::ExtSIOp::create(b, loc, pairType, bytes))
                     : Value(arith::ExtUIOp::create(b, loc, pairType, bytes));
    return broadcastWord(b, loc, dot, pair);
  }
  case DotProductKind::Generic: {
    Value byte = memref::LoadOp::create(b, loc, input, indices);
    Value wide = isSignedStorage
                     ? Value(arith::ExtSIOp::create(b, loc, i32, byte))
                     : Value(arith::ExtUIOp::create(b, loc, i32, byte));
    return vector::BroadcastOp::create(b, loc, dot.getAccumulatorType(ctx),
                                       wide);
  }
  }
  llvm_unreachable("unknown dot product");
}

/// Loads one weight vector (L lanes of G weights) as the dot product's
/// operand type.
Value buildWeightLoad(OpBuilder &b, Location loc, const DotProduct &dot,
                      Value weights, ValueRange indices) {
  IntegerType i8 = b.getI8Type();
  Value bytes = vector::LoadOp::create(
      b, loc, VectorType::get({dot.lanes * dot.group}, i8), weights, indices);
  switch (dot.kind) {
  case DotProductKind::Amx:
    llvm_unreachable("AMX tiles have no vector dot product");
  case DotProductKind::Vnni:
    return bytes;
  case DotProductKind::Avx2:
    return arith::ExtSIOp::create(
        b, loc, VectorType::get({dot.lanes * 2}, b.getI16Type()), bytes);
  case DotProductKind::Generic:
    return arith::ExtSIOp::create(
        b, loc, dot.getAccumulatorType(b.getContext()), bytes);
  }
  llvm_unreachable("unknown dot product");
}

/// acc + the dot products of `activations` and `weights` per lane.
Value buildDotProduct(OpBuilder &b, Location loc, const DotProduct &dot,
                      Value acc, Value activations, Value weights) {
  Type accType = dot.getAccumulatorType(b.getContext());
  switch (dot.kind) {
  case DotProductKind::Amx:
    llvm_unreachable("AMX tiles have no vector dot product");
  case DotProductKind::Vnni:
    return X86DotU8S8Op::create(b, loc, accType, acc, activations, weights);
  case DotProductKind::Avx2: {
    Value pairs =
        X86PairDotI16Op::create(b, loc, accType, activations, weights);
    return arith::AddIOp::create(b, loc, acc, pairs);
  }
  case DotProductKind::Generic: {
    Value product = arith::MulIOp::create(b, loc, activations, weights);
    return arith::AddIOp::create(b, loc, acc, product);
  }
  }
  llvm_unreachable("unknown dot product");
}

/// Stores a tile's accumulators, `accs[p * J + j]` for pixel `pixels[p]`
/// and the channels at `channelOffsets[j]`: as they are, or requantized by
/// the epilogue, with each channel vector's constants loaded once for every
/// pixel of the tile.
void storeTile(OpBuilder &b, Location loc, int64_t lanes,
               const KernelOperands &operands, ArrayRef<Value> accs,
               ArrayRef<Value> pixels, ArrayRef<Value> channelOffsets) {
  size_t numPixels = pixels.size(), numVectors = channelOffsets.size();
  auto accType = VectorType::get({lanes}, b.getI32Type());
  if (!operands.epilogue) {
    for (size_t p = 0; p < numPixels; ++p)
      for (size_t j = 0; j < numVectors; ++j)
        vector::StoreOp::create(
            b, loc, accs[p * numVectors + j], operands.output,
            operands.outputIndices(b, loc, pixels[p], channelOffsets[j]));
    return;
  }

  const RequantizeEpilogue &epilogue = *operands.epilogue;
  auto f64Type = VectorType::get({lanes}, b.getF64Type());
  auto storageType = VectorType::get({lanes}, epilogue.storageType);
  for (size_t j = 0; j < numVectors; ++j) {
    ValueRange channel = channelOffsets[j];
    Value multiplier =
        vector::LoadOp::create(b, loc, f64Type, epilogue.multipliers, channel);
    Value low = vector::LoadOp::create(b, loc, f64Type, epilogue.lows, channel);
    Value high =
        vector::LoadOp::create(b, loc, f64Type, epilogue.highs, channel);
    Value outZero =
        vector::LoadOp::create(b, loc, accType, epilogue.outZeros, channel);
    Value inZero;
    if (epilogue.inZeros)
      inZero =
          vector::LoadOp::create(b, loc, f64Type, epilogue.inZeros, channel);
    for (size_t p = 0; p < numPixels; ++p) {
      Value narrow = buildRequantizeArithmetic(
          b, loc, accs[p * numVectors + j], /*isSigned=*/true, inZero,
          multiplier, low, high, outZero, storageType);
      vector::StoreOp::create(
          b, loc, narrow, operands.output,
          operands.outputIndices(b, loc, pixels[p], channelOffsets[j]));
    }
  }
}

/// The values a register tile is built around: the first channel of each of
/// its channel vectors, each of its pixels, and the accumulators' start, the
/// bias of their channels.
struct TileFrame {
  SmallVector<Value> channelOffsets;
  SmallVector<Value> pixels;
  SmallVector<Value> inits;
};

/// Without `bias`, the frame has no inits.
TileFrame buildTileFrame(OpBuilder &b, Location loc, int64_t lanes, Value bias,
                         int64_t numPixels, int64_t numVectors, Value pixel0,
                         Value vector0) {
  TileFrame frame;
  auto accType = VectorType::get({lanes}, b.getI32Type());
  Value laneCount = indexConstant(b, loc, lanes);
  for (int64_t j = 0; j < numVectors; ++j) {
    Value v = arith::AddIOp::create(b, loc, vector0, indexConstant(b, loc, j));
    frame.channelOffsets.push_back(arith::MulIOp::create(b, loc, v, laneCount));
  }
  for (int64_t p = 0; p < numPixels; ++p)
    frame.pixels.push_back(
        arith::AddIOp::create(b, loc, pixel0, indexConstant(b, loc, p)));
  for (int64_t p = 0; bias && p < numPixels; ++p)
    for (int64_t j = 0; j < numVectors; ++j)
      frame.inits.push_back(vector::LoadOp::create(
          b, loc, accType, bias, ValueRange{frame.channelOffsets[j]}));
  return frame;
}

/// The loops over the kernel rows and columns, carrying `inits`; `body`
/// gets (kh, kw), the tap kh * KW + kw and the accumulators.
SmallVector<Value> buildTapLoops(
    OpBuilder &b, Location loc, const LayerGeometry &layer, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value kh, Value kw,
                                    Value tap, ValueRange accs)>
        body) {
  Value kernelW = indexConstant(b, loc, layer.kernelW);
  return buildReductionLoop(
      b, loc, layer.kernelH, inits,
      [&](OpBuilder &b, Location loc, Value kh, ValueRange accs) {
        return buildReductionLoop(
            b, loc, layer.kernelW, accs,
            [&](OpBuilder &b, Location loc, Value kw, ValueRange accs) {
              Value tap = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, kh, kernelW), kw);
              return body(b, loc, kh, kw, tap, accs);
            });
      });
}

/// Emits one register tile: outputs `pixel0 .. pixel0 + numPixels` by
/// channel vectors `vector0 .. vector0 + numVectors`, accumulated over every
/// tap and channel group, then stored.
void buildTile(OpBuilder &b, Location loc, const DotProduct &dot,
               const LayerGeometry &layer, const KernelOperands &operands,
               bool isSignedStorage, int64_t numPixels, int64_t numVectors,
               Value pixel0, Value vector0) {
  TileFrame frame = buildTileFrame(b, loc, dot.lanes, operands.bias, numPixels,
                                   numVectors, pixel0, vector0);
  int64_t channelGroups = dot.getPaddedChannels(layer.channels) / dot.group;
  Value group = indexConstant(b, loc, dot.group);
  Value zero = indexConstant(b, loc, 0);
  // A tile's vectors start a panel: vector0 is a multiple of its width.
  Value panel = arith::DivUIOp::create(
      b, loc, vector0,
      indexConstant(b, loc, PanelShape::get(layer, dot).vectors));
  SmallVector<Value> accs = buildTapLoops(
      b, loc, layer, frame.inits,
      [&](OpBuilder &b, Location loc, Value kh, Value kw, Value tap,
          ValueRange accs) {
        return buildReductionLoop(
            b, loc, channelGroups, accs,
            [&](OpBuilder &b, Location loc, Value c, ValueRange accs) {
              SmallVector<Value> weightVectors;
              for (int64_t j = 0; j < numVectors; ++j)
                weightVectors.push_back(buildWeightLoad(
                    b, loc, dot, operands.weights,
                    ValueRange{panel, tap, c, indexConstant(b, loc, j), zero}));
              Value channel = arith::MulIOp::create(b, loc, c, group);
              SmallVector<Value> next(accs);
              for (int64_t p = 0; p < numPixels; ++p) {
                Value activations = buildActivationBroadcast(
                    b, loc, dot, operands.input,
                    operands.inputIndices(b, loc, frame.pixels[p], kh, kw,
                                          channel),
                    isSignedStorage);
                for (int64_t j = 0; j < numVectors; ++j)
                  next[p * numVectors + j] =
                      buildDotProduct(b, loc, dot, next[p * numVectors + j],
                                      activations, weightVectors[j]);
              }
              return next;
            });
      });
  storeTile(b, loc, dot.lanes, operands, accs, frame.pixels,
            frame.channelOffsets);
}

/// Emits one AMX tile: outputs `pixel0 .. pixel0 + numPixels` (at most 32)
/// by channel vectors `vector0 .. vector0 + numVectors` (at most 2), in
/// accumulator tiles of up to 16 pixels by 16 lanes. Each step over 64 input
/// channels loads one activation tile per 16 pixels (a row per pixel, 64
/// bytes apart by `operands.pixelStride`) and one weight tile per vector (16
/// rows of L x G bytes: 16 consecutive channel groups of the panel) and
/// issues tdpbusd for each accumulator. The accumulators then go through
/// the thread's tile buffer into the vector epilogue.
void buildAmxTile(OpBuilder &b, Location loc, const DotProduct &dot,
                  const LayerGeometry &layer, const KernelOperands &operands,
                  int64_t numPixels, int64_t numVectors, Value pixel0,
                  Value vector0) {
  IntegerType i8 = b.getI8Type(), i32 = b.getI32Type();
  TileFrame frame = buildTileFrame(b, loc, dot.lanes, /*bias=*/nullptr,
                                   numPixels, numVectors, pixel0, vector0);
  // Every tile has 16 rows of 64 bytes, even for fewer pixels: LLVM gives
  // each of the 8 tile registers one shape per function, and the pixel
  // counts of many layers would need more shapes than that. The rows past
  // the pixels read the slack that the patterns add to the activations'
  // copy, and are never stored.
  SmallVector<int64_t> rows;
  for (int64_t p = 0; p < numPixels; p += kAmxRows)
    rows.push_back(std::min(kAmxRows, numPixels - p));
  auto tileType = amx::TileType::get({kAmxRows, kAmxRowBytes}, i8);
  auto accTileType = amx::TileType::get({kAmxRows, dot.lanes}, i32);
  // The accumulators start as the bias of their channels, a row read 16
  // times (stride 0). Unlike tile_zero, whose equal calls LLVM merges across
  // layers into one long-lived tile, the loads stay where they are.
  Value sameRow = indexConstant(b, loc, 0);
  SmallVector<Value> inits;
  for (size_t i = 0; i < rows.size(); ++i)
    for (int64_t j = 0; j < numVectors; ++j)
      inits.push_back(amx::TileLoadOp::create(
          b, loc, accTileType, operands.bias,
          ValueRange{frame.channelOffsets[j]}, sameRow));

  int64_t groupsPerStep = kAmxRowBytes / dot.group;
  int64_t steps = dot.getPaddedChannels(layer.channels) / kAmxRowBytes;
  PanelShape panels = PanelShape::get(layer, dot);
  Value panel = arith::DivUIOp::create(b, loc, vector0,
                                       indexConstant(b, loc, panels.vectors));
  // A weight tile's rows are consecutive channel groups of one vector.
  Value weightStride =
      indexConstant(b, loc, panels.vectors * dot.lanes * dot.group);
  Value pixelStride = indexConstant(b, loc, operands.pixelStride);
  Value zero = indexConstant(b, loc, 0);
  SmallVector<Value> accs = buildTapLoops(
      b, loc, layer, inits,
      [&](OpBuilder &b, Location loc, Value kh, Value kw, Value tap,
          ValueRange accs) {
        return buildReductionLoop(
            b, loc, steps, accs,
            [&](OpBuilder &b, Location loc, Value step, ValueRange accs) {
              Value c = arith::MulIOp::create(
                  b, loc, step, indexConstant(b, loc, groupsPerStep));
              SmallVector<Value> weightTiles;
              for (int64_t j = 0; j < numVectors; ++j)
                weightTiles.push_back(amx::TileLoadOp::create(
                    b, loc, tileType, operands.weights,
                    ValueRange{panel, tap, c, indexConstant(b, loc, j), zero},
                    weightStride));
              Value channel = arith::MulIOp::create(
                  b, loc, step, indexConstant(b, loc, kAmxRowBytes));
              SmallVector<Value> next(accs);
              for (size_t i = 0; i < rows.size(); ++i) {
                Value activations = amx::TileLoadOp::create(
                    b, loc, tileType, operands.input,
                    operands.inputIndices(b, loc, frame.pixels[i * kAmxRows],
                                          kh, kw, channel),
                    pixelStride);
                for (int64_t j = 0; j < numVectors; ++j) {
                  Value &acc = next[i * numVectors + j];
                  acc = amx::TileMulIOp::create(b, loc, acc.getType(),
                                                activations, weightTiles[j],
                                                acc, /*isZextLhs=*/true,
                                                /*isZextRhs=*/false);
                }
              }
              return next;
            });
      });

  Value buffer = operands.amxBuffer;
  auto accType = VectorType::get({dot.lanes}, i32);
  for (auto [i, count] : llvm::enumerate(rows)) {
    for (int64_t j = 0; j < numVectors; ++j) {
      Value row0 = indexConstant(b, loc, i * kAmxRows);
      Value lane0 = indexConstant(b, loc, j * dot.lanes);
      amx::TileStoreOp::create(b, loc, buffer, ValueRange{row0, lane0},
                               accs[i * numVectors + j]);
      // A loop over the pixels: unrolled, the 16 requantizes of each of a
      // network's many tiles would cost more compile time than the loop
      // costs at run time.
      scf::ForOp::create(
          b, loc, zero, indexConstant(b, loc, count), indexConstant(b, loc, 1),
          ValueRange{}, [&](OpBuilder &b, Location loc, Value q, ValueRange) {
            Value row = arith::AddIOp::create(b, loc, q, row0);
            Value sum = vector::LoadOp::create(b, loc, accType, buffer,
                                               ValueRange{row, lane0});
            Value pixel =
                arith::AddIOp::create(b, loc, frame.pixels[i * kAmxRows], q);
            storeTile(b, loc, dot.lanes, operands, sum, pixel,
                      frame.channelOffsets[j]);
            scf::YieldOp::create(b, loc);
          });
    }
  }
}

/// Covers `numPixels` outputs and every channel vector with register tiles.
/// The blocks of `dot.vectors` channel vectors are the outer loop, parallel
/// when `parallelVectorBlocks` is set, so that a block's weights stay in the
/// cache while the pixels stream past; the vectors left over get a narrower
/// tile, and the pixels left over tiles of one pixel.
/// One register tile of `numPixels` pixels from `pixel0` by `numVectors`
/// channel vectors from `vector0`.
using TileBuilder =
    function_ref<void(OpBuilder &, Location, int64_t numPixels,
                      int64_t numVectors, Value pixel0, Value vector0)>;
/// Called where the tiles that follow run on one thread: at the start of
/// each parallel iteration, and before the tiles outside of one.
using ThreadBuilder = function_ref<void(OpBuilder &, Location)>;

void buildTiles(OpBuilder &b, Location loc, const DotProduct &dot,
                const LayerGeometry &layer, Value numPixels,
                bool parallelVectorBlocks, ThreadBuilder beginThread,
                TileBuilder buildTile) {
  int64_t totalVectors = roundUp(layer.outChannels, dot.lanes) / dot.lanes;
  int64_t fullVectorBlocks = totalVectors / dot.vectors;
  int64_t restVectors = totalVectors % dot.vectors;
  Value pixelStep = indexConstant(b, loc, dot.pixels);
  Value zero = indexConstant(b, loc, 0);
  Value one = indexConstant(b, loc, 1);
  std::optional<int64_t> staticPixels = getConstantIntValue(numPixels);
  // numPixels - numPixels % P: where the single pixels start.
  Value fullPixels = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, numPixels, pixelStep), pixelStep);

  auto coverPixels = [&](OpBuilder &b, Location loc, int64_t tileVectors,
                         Value vector0) {
    // No code for a loop that never runs: it would only cost compile time.
    if (!staticPixels || *staticPixels >= dot.pixels)
      scf::ForOp::create(
          b, loc, zero, fullPixels, pixelStep, ValueRange{},
          [&](OpBuilder &b, Location loc, Value pixel0, ValueRange) {
            buildTile(b, loc, dot.pixels, tileVectors, pixel0, vector0);
            scf::YieldOp::create(b, loc);
          });
    if (staticPixels) {
      // The pixels left over, fewer than a tile holds, as one narrower tile.
      if (int64_t rest = *staticPixels % dot.pixels)
        buildTile(b, loc, rest, tileVectors,
                  indexConstant(b, loc, *staticPixels - rest), vector0);
      return;
    }
    scf::ForOp::create(
        b, loc, fullPixels, numPixels, one, ValueRange{},
        [&](OpBuilder &b, Location loc, Value pixel0, ValueRange) {
          buildTile(b, loc, 1, tileVectors, pixel0, vector0);
          scf::YieldOp::create(b, loc);
        });
  };
  bool begun = false;
  auto beginOnce = [&] {
    if (!begun)
      beginThread(b, loc);
    begun = true;
  };
  if (fullVectorBlocks > 0) {
    Value end = indexConstant(b, loc, fullVectorBlocks * dot.vectors);
    Value step = indexConstant(b, loc, dot.vectors);
    if (parallelVectorBlocks) {
      scf::ParallelOp::create(b, loc, ValueRange{zero}, ValueRange{end},
                              ValueRange{step},
                              [&](OpBuilder &b, Location loc, ValueRange ivs) {
                                beginThread(b, loc);
                                coverPixels(b, loc, dot.vectors, ivs[0]);
                              });
    } else {
      beginOnce();
      scf::ForOp::create(
          b, loc, zero, end, step, ValueRange{},
          [&](OpBuilder &b, Location loc, Value vector0, ValueRange) {
            coverPixels(b, loc, dot.vectors, vector0);
            scf::YieldOp::create(b, loc);
          });
    }
  }
  if (restVectors > 0) {
    beginOnce();
    coverPixels(b, loc, restVectors,
                indexConstant(b, loc, fullVectorBlocks * dot.vectors));
  }
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// The storage tensor type of a quantized tensor type.
RankedTensorType getStorageTensorType(Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  return type.clone(
      quant::QuantizedType::castToStorageType(type.getElementType()));
}

Value castToStorage(OpBuilder &b, Location loc, Value quantized) {
  return quant::StorageCastOp::create(b, loc, getStorageTensorType(quantized),
                                      quantized);
}

/// Marks a copy into or out of a kernel's layout to run as parallel loops
/// (qsim-parallel-loops), as the kernel itself does.
void markParallel(Operation *op) {
  op->setAttr("qsim.parallel", UnitAttr::get(op->getContext()));
}

/// Copies the 8-bit storage `input` ([N, C, H, W] when `toNHWC`, else
/// [N, C]) into the layout the kernel reads: NHWC, padded spatially by
/// `padding` (top, left, bottom, right) and in the channels to
/// `paddedChannels` with the zero point, and offset by 128 when the dot
/// product reads signed storage as unsigned. In the [N, C] layout,
/// `slackRows` rows of the zero point follow the last row. The copy writes
/// into a slice of the filled tensor, which bufferizes in place: no padded
/// intermediate and no strided memref.copy.
Value packActivations(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> padding, int64_t paddedChannels,
                      int64_t zeroPoint, bool flipSign, bool toNHWC,
                      int64_t slackRows = 0) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  int64_t channels = type.getDimSize(1);
  if (!toNHWC && !flipSign && paddedChannels == channels && slackRows == 0)
    return input;

  MLIRContext *ctx = b.getContext();
  Type i8 = b.getI8Type();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> packedSizes(sizes);
  SmallVector<AffineExpr> inputExprs;
  if (toNHWC) {
    // [N, C, H, W] -> [N, H, W, C]: out[n, h, w, c] = in[n, c, h, w].
    sizes = {sizes[0], sizes[2], sizes[3], sizes[1]};
    offsets[1] = b.getIndexAttr(padding[0]);
    offsets[2] = b.getIndexAttr(padding[1]);
    packedSizes = {sizes[0],
                   b.getIndexAttr(type.getDimSize(2) + padding[0] + padding[2]),
                   b.getIndexAttr(type.getDimSize(3) + padding[1] + padding[3]),
                   b.getIndexAttr(paddedChannels)};
    inputExprs = {getAffineDimExpr(0, ctx), getAffineDimExpr(3, ctx),
                  getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)};
  } else {
    packedSizes[1] = b.getIndexAttr(paddedChannels);
    if (std::optional<int64_t> rows = getConstantIntValue(sizes[0]))
      packedSizes[0] = b.getIndexAttr(*rows + slackRows);
    else if (slackRows > 0)
      packedSizes[0] = OpFoldResult(arith::AddIOp::create(
          b, loc, cast<Value>(sizes[0]),
          arith::ConstantIndexOp::create(b, loc, slackRows)));
    inputExprs = {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)};
  }

  auto flip = [&](OpBuilder &b, Location loc, Value v) -> Value {
    if (!flipSign)
      return v;
    return arith::XOrIOp::create(
        b, loc, v,
        arith::ConstantOp::create(b, loc,
                                  b.getIntegerAttr(i8, APInt(8, 0x80))));
  };
  Value padValue =
      flip(b, loc,
           arith::ConstantOp::create(
               b, loc,
               b.getIntegerAttr(i8, APInt(8, zeroPoint, /*isSigned=*/true,
                                          /*implicitTrunc=*/true))));
  Value packed = tensor::EmptyOp::create(b, loc, packedSizes, i8);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  auto fill = [&](ArrayRef<OpFoldResult> fillOffsets,
                  ArrayRef<OpFoldResult> fillSizes) {
    if (llvm::any_of(fillSizes, isZeroInteger))
      return;
    Value region = tensor::ExtractSliceOp::create(b, loc, packed, fillOffsets,
                                                  fillSizes, strides);
    Value filled =
        linalg::FillOp::create(b, loc, padValue, region).getResult(0);
    packed = tensor::InsertSliceOp::create(b, loc, filled, packed, fillOffsets,
                                           fillSizes, strides);
  };
  if (toNHWC && paddedChannels == channels) {
    // The copy writes every byte but the spatial border: fill only that.
    int64_t height = type.getDimSize(2), width = type.getDimSize(3);
    OpFoldResult zero = b.getIndexAttr(0);
    auto index = [&](int64_t value) -> OpFoldResult {
      return b.getIndexAttr(value);
    };
    OpFoldResult n = sizes[0], c = packedSizes[3], paddedW = packedSizes[2];
    fill({zero, zero, zero, zero}, {n, index(padding[0]), paddedW, c});
    fill({zero, index(padding[0] + height), zero, zero},
         {n, index(padding[2]), paddedW, c});
    fill({zero, index(padding[0]), zero, zero},
         {n, index(height), index(padding[1]), c});
    fill({zero, index(padding[0]), index(padding[1] + width), zero},
         {n, index(height), index(padding[3]), c});
  } else if (toNHWC || paddedChannels != channels) {
    packed = linalg::FillOp::create(b, loc, padValue, packed).getResult(0);
  } else if (slackRows > 0) {
    fill({sizes[0], b.getIndexAttr(0)},
         {b.getIndexAttr(slackRows), packedSizes[1]});
  }
  Value interior =
      tensor::ExtractSliceOp::create(b, loc, packed, offsets, sizes, strides);
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, inputExprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto copy = linalg::GenericOp::create(
      b, loc, interior.getType(), input, interior, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, flip(nb, nloc, args[0]));
      });
  markParallel(copy);
  Value copied = copy.getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, packed, offsets, sizes,
                                       strides);
}

/// The operands of a packed layer that do not depend on its shape kind.
struct PackedConstants {
  Value weights;
  Value bias;
};

/// Packs the weights and the corrected bias as constant buffers.
FailureOr<PackedConstants> buildPackedConstants(OpBuilder &b, Location loc,
                                                const DotProduct &dot,
                                                const LayerGeometry &layer,
                                                Value weights, Value bias,
                                                int64_t offset) {
  FailureOr<ShiftedWeights> shifted =
      readShiftedWeights(weights, bias, layer.outChannels);
  if (failed(shifted))
    return failure();
  SmallVector<int8_t> packed;
  SmallVector<int32_t> correctedBias;
  if (failed(packWeights(layer, dot, *shifted, offset, packed, correctedBias)))
    return failure();

  int64_t taps = layer.kernelH * layer.kernelW;
  int64_t channelGroups = dot.getPaddedChannels(layer.channels) / dot.group;
  PanelShape panels = PanelShape::get(layer, dot);
  auto weightType =
      RankedTensorType::get({panels.count, taps, channelGroups, panels.vectors,
                             dot.lanes * dot.group},
                            b.getI8Type());
  auto biasType = RankedTensorType::get({roundUp(layer.outChannels, dot.lanes)},
                                        b.getI32Type());
  Value weightTensor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(weightType, ArrayRef<int8_t>(packed)));
  Value biasTensor = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(biasType, ArrayRef<int32_t>(correctedBias)));
  return PackedConstants{toReadOnlyBuffer(b, loc, weightTensor),
                         toReadOnlyBuffer(b, loc, biasTensor)};
}

/// Allocates the kernel's output buffer of `shape` and `elementType`, with
/// the dynamic batch of `like`.
Value allocateOutput(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     Type elementType, Value like) {
  SmallVector<Value> dynamicSizes;
  if (ShapedType::isDynamic(shape[0]))
    dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, 0));
  return memref::AllocOp::create(b, loc, MemRefType::get(shape, elementType),
                                 dynamicSizes);
}

Value toTensor(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(type.getShape(), type.getElementType()),
      buffer, /*restrict=*/true, /*writable=*/true);
}

/// A constant buffer of `values`, padded with zeros to `size`.
template <typename T>
Value buildChannelBuffer(OpBuilder &b, Location loc, Type elementType,
                         ArrayRef<T> values, int64_t size) {
  SmallVector<T> padded(values);
  padded.resize(size, T(0));
  auto type = RankedTensorType::get({size}, elementType);
  Value tensor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<T>(padded)));
  return toReadOnlyBuffer(b, loc, tensor);
}

/// The qsim.requantize that alone reads `layer`'s accumulators, when the
/// kernel can apply it in its epilogue: half-even rounding, 8- or 16-bit
/// result storage, and per-axis types only along the channel axis 1.
RequantizeOp getFusableRequantize(Operation *layer) {
  Value acc = layer->getResult(0);
  if (!acc.hasOneUse())
    return {};
  auto requantize = dyn_cast<RequantizeOp>(*acc.getUsers().begin());
  if (!requantize || requantize.getRounding() != RoundingMode::HalfEven)
    return {};
  quant::QuantizedType outType =
      getUniformQuantElementType(requantize.getOutput().getType());
  unsigned width = outType.getStorageTypeIntegralWidth();
  if (width != 8 && width != 16)
    return {};
  for (Value value : {requantize.getInput(), requantize.getOutput()}) {
    UniformQuantParams params =
        getUniformQuantParams(getUniformQuantElementType(value.getType()));
    if (params.isPerAxis() && *params.axis != 1)
      return {};
  }
  return requantize;
}

/// The constants of `requantize`'s epilogue for `outChannels` channels
/// padded to `paddedOut`, computed as qsim.requantize's lowering does.
RequantizeEpilogue buildEpilogue(OpBuilder &b, Location loc,
                                 RequantizeOp requantize, int64_t outChannels,
                                 int64_t paddedOut) {
  RequantizeConstants constants =
      getRequantizeConstants(requantize, outChannels);
  SmallVector<int32_t> outZeros(constants.outZeros.begin(),
                                constants.outZeros.end());
  Type f64 = b.getF64Type();
  RequantizeEpilogue epilogue;
  epilogue.multipliers =
      buildChannelBuffer<double>(b, loc, f64, constants.multipliers, paddedOut);
  epilogue.lows =
      buildChannelBuffer<double>(b, loc, f64, constants.lows, paddedOut);
  epilogue.highs =
      buildChannelBuffer<double>(b, loc, f64, constants.highs, paddedOut);
  epilogue.outZeros =
      buildChannelBuffer<int32_t>(b, loc, b.getI32Type(), outZeros, paddedOut);
  if (llvm::any_of(constants.inZeros, [](double z) { return z != 0.0; }))
    epilogue.inZeros =
        buildChannelBuffer<double>(b, loc, f64, constants.inZeros, paddedOut);
  epilogue.storageType = b.getIntegerType(
      getUniformQuantElementType(requantize.getOutput().getType())
          .getStorageTypeIntegralWidth());
  return epilogue;
}

//===----------------------------------------------------------------------===//
// Depthwise convolutions
//===----------------------------------------------------------------------===//

/// The tiles of a depthwise kernel for the CPU that `dot` targets: vectors
/// of 16 i32 lanes on AVX-512, else 8. The products are plain vector
/// multiplies: a depthwise conv sums only over the taps, which leaves no
/// group of channels for vpdpbusd or vpmaddwd to add up.
DotProduct getDepthwiseTiling(const DotProduct &dot) {
  if (dot.kind == DotProductKind::Vnni || dot.kind == DotProductKind::Amx)
    return {DotProductKind::Generic, 1, 16, 4, 4};
  return {DotProductKind::Generic, 1, 8, 4, 2};
}

/// Packs depthwise weights [C, 1, KH, KW] as i32 w' = w - z_w[c] into
/// [KH * KW][Cp], with the corrected bias bias[c] - offset * sum w'[c].
FailureOr<PackedConstants> buildDepthwiseConstants(OpBuilder &b, Location loc,
                                                   const DotProduct &tiling,
                                                   const LayerGeometry &layer,
                                                   Value weights, Value bias,
                                                   int64_t offset) {
  FailureOr<ShiftedWeights> shifted =
      readShiftedWeights(weights, bias, layer.channels);
  if (failed(shifted))
    return failure();
  int64_t taps = layer.kernelH * layer.kernelW;
  int64_t paddedChannels = roundUp(layer.channels, tiling.lanes);
  SmallVector<int32_t> packed(taps * paddedChannels, 0);
  SmallVector<int32_t> correctedBias(paddedChannels, 0);
  for (int64_t c = 0; c < layer.channels; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      int64_t w = shifted->weights[c * taps + t];
      packed[t * paddedChannels + c] = static_cast<int32_t>(w);
      sum += w;
    }
    correctedBias[c] = correctBias(shifted->bias[c], offset, sum);
  }
  auto weightType =
      RankedTensorType::get({taps, paddedChannels}, b.getI32Type());
  Value weightTensor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(weightType, ArrayRef<int32_t>(packed)));
  return PackedConstants{toReadOnlyBuffer(b, loc, weightTensor),
                         buildChannelBuffer<int32_t>(b, loc, b.getI32Type(),
                                                     correctedBias,
                                                     paddedChannels)};
}

/// One depthwise tile: acc[p][j] = bias' + sum over the taps of x~ * w',
/// where x~ is the vector of channels j at pixel p's tap, widened to i32.
void buildDepthwiseTile(OpBuilder &b, Location loc, const DotProduct &tiling,
                        const LayerGeometry &layer,
                        const KernelOperands &operands, bool isSignedStorage,
                        int64_t numPixels, int64_t numVectors, Value pixel0,
                        Value vector0) {
  auto accType = VectorType::get({tiling.lanes}, b.getI32Type());
  auto byteType = VectorType::get({tiling.lanes}, b.getI8Type());
  TileFrame frame = buildTileFrame(b, loc, tiling.lanes, operands.bias,
                                   numPixels, numVectors, pixel0, vector0);
  SmallVector<Value> accs = buildTapLoops(
      b, loc, layer, frame.inits,
      [&](OpBuilder &b, Location loc, Value kh, Value kw, Value tap,
          ValueRange accs) {
        SmallVector<Value> weightVectors;
        for (Value channel : frame.channelOffsets)
          weightVectors.push_back(vector::LoadOp::create(
              b, loc, accType, operands.weights, ValueRange{tap, channel}));
        SmallVector<Value> next(accs);
        for (int64_t p = 0; p < numPixels; ++p) {
          for (int64_t j = 0; j < numVectors; ++j) {
            Value bytes = vector::LoadOp::create(
                b, loc, byteType, operands.input,
                operands.inputIndices(b, loc, frame.pixels[p], kh, kw,
                                      frame.channelOffsets[j]));
            Value wide =
                isSignedStorage
                    ? Value(arith::ExtSIOp::create(b, loc, accType, bytes))
                    : Value(arith::ExtUIOp::create(b, loc, accType, bytes));
            Value product =
                arith::MulIOp::create(b, loc, wide, weightVectors[j]);
            next[p * numVectors + j] = arith::AddIOp::create(
                b, loc, next[p * numVectors + j], product);
          }
        }
        return next;
      });
  storeTile(b, loc, tiling.lanes, operands, accs, frame.pixels,
            frame.channelOffsets);
}

/// The dot product that the pass's `dot` uses for an ungrouped layer: AMX
/// falls back to VNNI (which every AMX CPU has) when `autoSelect` is set and
/// the layer has too few input channels to fill a tile row.
DotProduct selectDotProduct(const DotProduct &dot, bool autoSelect,
                            const LayerGeometry &layer) {
  if (dot.kind == DotProductKind::Amx && autoSelect &&
      layer.channels < kAmxMinChannels)
    return DotProduct::get(DotProductKind::Vnni);
  return dot;
}

/// One register tile of `numPixels` by `numVectors` of an ungrouped layer,
/// with the dot product's own tile builder.
void buildDotProductTile(OpBuilder &b, Location loc, const DotProduct &dot,
                         const LayerGeometry &layer,
                         const KernelOperands &operands, bool isSignedStorage,
                         int64_t numPixels, int64_t numVectors, Value pixel0,
                         Value vector0) {
  if (dot.kind == DotProductKind::Amx)
    buildAmxTile(b, loc, dot, layer, operands, numPixels, numVectors, pixel0,
                 vector0);
  else
    buildTile(b, loc, dot, layer, operands, isSignedStorage, numPixels,
              numVectors, pixel0, vector0);
}

/// What the two patterns share: the checks, the packed constants, the
/// packed activations and the output buffer of a layer, and the
/// replacement of the layer (with its fused requantize) by the kernel's
/// result.
struct LayerKernel {
  DotProduct dot;
  LayerGeometry layer;
  UniformQuantParams input;
  RequantizeOp requantize;
  KernelOperands operands;
  /// The activations' 8-bit storage tensor.
  Value storage;
  int64_t paddedOut = 0;

  /// Checks that the kernel computes `op` exactly and builds its constants
  /// with `pack`, which receives the activation offset; `layer` must hold
  /// the geometry.
  LogicalResult
  prepare(PatternRewriter &rewriter, Operation *op, Value input,
          function_ref<FailureOr<PackedConstants>(int64_t offset)> pack) {
    Location loc = op->getLoc();
    quant::QuantizedType inputType =
        getUniformQuantElementType(input.getType());
    auto inputShape = cast<RankedTensorType>(input.getType()).getShape();
    if (!inputType || inputType.getStorageTypeIntegralWidth() != 8 ||
        llvm::any_of(inputShape.drop_front(), ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "activations are not 8-bit");
    this->input = getUniformQuantParams(inputType);
    int64_t offset = this->input.zeroPoints.front();
    if (this->input.isSigned && dot.readsUnsignedActivations())
      offset += 128;
    FailureOr<PackedConstants> constants = pack(offset);
    if (failed(constants))
      return rewriter.notifyMatchFailure(op, "weights do not pack");
    operands.weights = constants->weights;
    operands.bias = constants->bias;
    paddedOut = roundUp(layer.outChannels, dot.lanes);
    requantize = getFusableRequantize(op);
    if (requantize)
      operands.epilogue = buildEpilogue(rewriter, loc, requantize,
                                        layer.outChannels, paddedOut);
    storage = castToStorage(rewriter, loc, input);
    return success();
  }

  bool flipsSign() const {
    return input.isSigned && dot.readsUnsignedActivations();
  }

  /// Allocates the AMX kernel's tile buffer for the tiles that follow on one
  /// thread (buildTiles' `beginThread`): every tile of a parallel iteration
  /// reuses it, which costs neither a malloc per tile nor stack per tile.
  void allocateTileBuffer(OpBuilder &b, Location loc) {
    if (dot.kind != DotProductKind::Amx)
      return;
    operands.amxBuffer = memref::AllocOp::create(
        b, loc,
        MemRefType::get({dot.pixels, dot.vectors * dot.lanes}, b.getI32Type()),
        /*alignment=*/b.getI64IntegerAttr(kAmxRowBytes));
  }

  /// Allocates the output: [leading..., Op] of i32, or of the requantized
  /// storage.
  void allocate(OpBuilder &b, Location loc, SmallVector<int64_t> shape) {
    shape.push_back(paddedOut);
    Type elementType = operands.epilogue ? Type(operands.epilogue->storageType)
                                         : Type(b.getI32Type());
    operands.output = allocateOutput(b, loc, shape, elementType, storage);
  }

  /// The output as a tensor with its channels cut to the layer's, laid out
  /// by `permutation` (of a result of the output's rank) into a contiguous
  /// tensor.
  Value buildResult(OpBuilder &b, Location loc, ArrayRef<int64_t> permutation) {
    Value result = toTensor(b, loc, operands.output);
    auto type = cast<RankedTensorType>(result.getType());
    int64_t rank = type.getRank();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, result);
    sizes[rank - 1] = b.getIndexAttr(layer.outChannels);
    if (paddedOut != layer.outChannels)
      result = tensor::ExtractSliceOp::create(
          b, loc, result, SmallVector<OpFoldResult>(rank, b.getIndexAttr(0)),
          sizes, SmallVector<OpFoldResult>(rank, b.getIndexAttr(1)));
    SmallVector<OpFoldResult> resultSizes =
        applyPermutation(ArrayRef<OpFoldResult>(sizes), permutation);
    Value empty =
        tensor::EmptyOp::create(b, loc, resultSizes, type.getElementType());
    if (isIdentityPermutation(permutation) && paddedOut == layer.outChannels)
      return result;
    Operation *copy =
        isIdentityPermutation(permutation)
            ? linalg::CopyOp::create(b, loc, result, empty).getOperation()
            : linalg::TransposeOp::create(b, loc, result, empty, permutation)
                  .getOperation();
    markParallel(copy);
    return copy->getResult(0);
  }

  /// Replaces `op` (and its fused requantize) by `result`.
  void replace(PatternRewriter &rewriter, Operation *op, Value result) {
    Operation *replaced = requantize ? requantize.getOperation() : op;
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
        replaced, replaced->getResult(0).getType(), result);
    if (requantize)
      rewriter.eraseOp(op);
  }
};

/// qsim.conv2d as a kernel over padded NHWC activations: one parallel
/// iteration per (image, output row), the output pixels of the row tiled.
/// An ungrouped conv reduces over taps and input channels with the dot
/// product; a depthwise conv (one output channel per input channel) is a
/// per-channel stencil over the taps, vectorized along the channels.
struct Conv2DToKernel final : OpRewritePattern<Conv2DOp> {
  Conv2DToKernel(MLIRContext *ctx, DotProduct dot, bool autoSelect)
      : OpRewritePattern(ctx), dot(dot), autoSelect(autoSelect) {}

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto weightType = cast<RankedTensorType>(op.getWeights().getType());
    auto outputType = cast<RankedTensorType>(op.getOutput().getType());
    int64_t inChannels =
        cast<RankedTensorType>(op.getInput().getType()).getDimSize(1);
    bool depthwise = static_cast<int64_t>(op.getGroups()) == inChannels &&
                     weightType.getDimSize(0) == inChannels &&
                     weightType.getDimSize(1) == 1 && inChannels > 1;
    if (op.getGroups() != 1 && !depthwise)
      return rewriter.notifyMatchFailure(op, "grouped");
    LayerKernel kernel;
    LayerGeometry &layer = kernel.layer;
    layer.channels = inChannels;
    layer.outChannels = weightType.getDimSize(0);
    layer.kernelH = weightType.getDimSize(2);
    layer.kernelW = weightType.getDimSize(3);
    layer.strideH = op.getStrides()[0];
    layer.strideW = op.getStrides()[1];
    layer.dilationH = op.getDilations()[0];
    layer.dilationW = op.getDilations()[1];
    kernel.dot = depthwise ? getDepthwiseTiling(dot)
                           : selectDotProduct(dot, autoSelect, layer);
    auto pack = [&](int64_t offset) {
      if (depthwise)
        return buildDepthwiseConstants(rewriter, loc, kernel.dot, layer,
                                       op.getWeights(), op.getBias(), offset);
      return buildPackedConstants(rewriter, loc, kernel.dot, layer,
                                  op.getWeights(), op.getBias(), offset);
    };
    if (failed(kernel.prepare(rewriter, op, op.getInput(), pack)))
      return failure();

    // A depthwise kernel loads whole channel vectors of the activations.
    int64_t paddedChannels = depthwise
                                 ? kernel.paddedOut
                                 : kernel.dot.getPaddedChannels(layer.channels);
    SmallVector<int64_t> padding(op.getPadding());
    if (kernel.dot.kind == DotProductKind::Amx) {
      // An AMX tile of a row's last pixels reads up to 15 pixels (of stride
      // sw) past them, which in the last row of the last image would be past
      // the buffer: more bottom padding keeps those reads inside it.
      int64_t paddedW =
          cast<RankedTensorType>(op.getInput().getType()).getDimSize(3) +
          padding[1] + padding[3];
      padding[2] += ((kAmxRows - 1) * layer.strideW + paddedW - 1) / paddedW;
    }
    Value packed =
        packActivations(rewriter, loc, kernel.storage, padding, paddedChannels,
                        kernel.input.zeroPoints.front(), kernel.flipsSign(),
                        /*toNHWC=*/true);
    KernelOperands &operands = kernel.operands;
    operands.input = toReadOnlyBuffer(rewriter, loc, packed);
    operands.pixelStride = layer.strideW * paddedChannels;
    int64_t outH = outputType.getDimSize(2), outW = outputType.getDimSize(3);
    kernel.allocate(rewriter, loc, {outputType.getDimSize(0), outH, outW});

    Value zero = indexConstant(rewriter, loc, 0);
    Value one = indexConstant(rewriter, loc, 1);
    Value batch = memref::DimOp::create(rewriter, loc, operands.output, 0);
    scf::ParallelOp::create(
        rewriter, loc, ValueRange{zero, zero},
        ValueRange{batch, indexConstant(rewriter, loc, outH)},
        ValueRange{one, one}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
          Value n = ivs[0], oh = ivs[1];
          Value rowBase = arith::MulIOp::create(
              b, loc, oh, indexConstant(b, loc, layer.strideH));
          operands.inputIndices = [&](OpBuilder &b, Location loc, Value ow,
                                      Value kh, Value kw, Value channel) {
            Value ih = arith::AddIOp::create(
                b, loc, rowBase,
                arith::MulIOp::create(b, loc, kh,
                                      indexConstant(b, loc, layer.dilationH)));
            Value iw = arith::AddIOp::create(
                b, loc,
                arith::MulIOp::create(b, loc, ow,
                                      indexConstant(b, loc, layer.strideW)),
                arith::MulIOp::create(b, loc, kw,
                                      indexConstant(b, loc, layer.dilationW)));
            return SmallVector<Value>{n, ih, iw, channel};
          };
          operands.outputIndices = [&](OpBuilder &, Location, Value ow,
                                       Value channel) {
            return SmallVector<Value>{n, oh, ow, channel};
          };
          buildTiles(
              b, loc, kernel.dot, layer, indexConstant(b, loc, outW),
              /*parallelVectorBlocks=*/false,
              [&](OpBuilder &b, Location loc) {
                kernel.allocateTileBuffer(b, loc);
              },
              [&](OpBuilder &b, Location loc, int64_t numPixels,
                  int64_t numVectors, Value pixel0, Value vector0) {
                if (depthwise)
                  buildDepthwiseTile(b, loc, kernel.dot, layer, operands,
                                     kernel.input.isSigned, numPixels,
                                     numVectors, pixel0, vector0);
                else
                  buildDotProductTile(b, loc, kernel.dot, layer, operands,
                                      kernel.input.isSigned, numPixels,
                                      numVectors, pixel0, vector0);
              });
        });

    // [N, OH, OW, O] -> [N, O, OH, OW].
    kernel.replace(rewriter, op,
                   kernel.buildResult(rewriter, loc, {0, 3, 1, 2}));
    return success();
  }

  DotProduct dot;
  bool autoSelect;
};

/// qsim.linear as a kernel whose pixels are the rows of its input, the
/// blocks of output features in parallel.
struct LinearToKernel final : OpRewritePattern<LinearOp> {
  LinearToKernel(MLIRContext *ctx, DotProduct dot, bool autoSelect)
      : OpRewritePattern(ctx), dot(dot), autoSelect(autoSelect) {}

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto weightType = cast<RankedTensorType>(op.getWeights().getType());
    auto outputType = cast<RankedTensorType>(op.getOutput().getType());
    LayerKernel kernel;
    // The weights [F, K] are a [F, K, 1, 1] window.
    kernel.layer.channels = weightType.getDimSize(1);
    kernel.layer.outChannels = weightType.getDimSize(0);
    kernel.dot = selectDotProduct(dot, autoSelect, kernel.layer);
    auto pack = [&](int64_t offset) {
      return buildPackedConstants(rewriter, loc, kernel.dot, kernel.layer,
                                  op.getWeights(), op.getBias(), offset);
    };
    if (failed(kernel.prepare(rewriter, op, op.getInput(), pack)))
      return failure();

    int64_t paddedChannels =
        kernel.dot.getPaddedChannels(kernel.layer.channels);
    // An AMX tile of the last rows reads up to 15 rows past them.
    int64_t slackRows = 0;
    if (kernel.dot.kind == DotProductKind::Amx)
      slackRows = outputType.isDynamicDim(0)
                      ? kAmxRows - 1
                      : roundUp(outputType.getDimSize(0), kAmxRows) -
                            outputType.getDimSize(0);
    Value packed =
        packActivations(rewriter, loc, kernel.storage, {}, paddedChannels,
                        kernel.input.zeroPoints.front(), kernel.flipsSign(),
                        /*toNHWC=*/false, slackRows);
    KernelOperands &operands = kernel.operands;
    operands.input = toReadOnlyBuffer(rewriter, loc, packed);
    operands.pixelStride = paddedChannels;
    kernel.allocate(rewriter, loc, {outputType.getDimSize(0)});
    operands.inputIndices = [](OpBuilder &, Location, Value row, Value, Value,
                               Value channel) {
      return SmallVector<Value>{row, channel};
    };
    operands.outputIndices = [](OpBuilder &, Location, Value row,
                                Value channel) {
      return SmallVector<Value>{row, channel};
    };
    // A static batch lets the rows left over be one tile.
    Value rows =
        outputType.isDynamicDim(0)
            ? Value(memref::DimOp::create(rewriter, loc, operands.output, 0))
            : indexConstant(rewriter, loc, outputType.getDimSize(0));
    buildTiles(
        rewriter, loc, kernel.dot, kernel.layer, rows,
        /*parallelVectorBlocks=*/true,
        [&](OpBuilder &b, Location loc) { kernel.allocateTileBuffer(b, loc); },
        [&](OpBuilder &b, Location loc, int64_t numPixels, int64_t numVectors,
            Value pixel0, Value vector0) {
          buildDotProductTile(b, loc, kernel.dot, kernel.layer, operands,
                              kernel.input.isSigned, numPixels, numVectors,
                              pixel0, vector0);
        });
    kernel.replace(rewriter, op, kernel.buildResult(rewriter, loc, {0, 1}));
    return success();
  }

  DotProduct dot;
  bool autoSelect;
};

/// Rewrites each layer of `func` once with `patterns`; nothing else is
/// folded or simplified here.
LogicalResult applyKernelPatterns(func::FuncOp func,
                                  RewritePatternSet &&patterns) {
  GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  config.enableFolding(false);
  return applyPatternsGreedily(func, std::move(patterns), config);
}

/// Where a layer's NHWC activations copy reads the NCHW result of the layer
/// before it (through a storage cast and back), the copy reads that layer's
/// NHWC output instead: the two permutations compose to the identity, so a
/// chain of kernels keeps its activations NHWC and only copies them into the
/// next padded buffer. The NCHW result goes when nothing else reads it.
void foldLayoutRoundTrips(func::FuncOp func) {
  SmallVector<linalg::GenericOp> copies;
  func.walk([&](linalg::GenericOp copy) {
    if (copy->hasAttr("qsim.parallel") && copy.getNumDpsInputs() == 1)
      copies.push_back(copy);
  });
  for (linalg::GenericOp copy : copies) {
    OpOperand *input = copy.getDpsInputOperand(0);
    auto toStorage = input->get().getDefiningOp<quant::StorageCastOp>();
    if (!toStorage)
      continue;
    auto toQuantized =
        toStorage.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!toQuantized || toQuantized.getInput().getType() != toStorage.getType())
      continue;
    auto transpose =
        toQuantized.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!transpose || !transpose->hasAttr("qsim.parallel"))
      continue;
    SmallVector<AffineMap> maps = copy.getIndexingMapsArray();
    maps[0] = transpose.getMatchingIndexingMap(transpose.getDpsInputOperand(0))
                  .compose(maps[0]);
    copy.setIndexingMapsAttr(ArrayAttr::get(
        func.getContext(),
        llvm::map_to_vector(maps, [](AffineMap map) -> Attribute {
          return AffineMapAttr::get(map);
        })));
    input->set(transpose.getInput());
    Operation *init = transpose.getInit().getDefiningOp();
    for (Operation *op : {toStorage.getOperation(), toQuantized.getOperation(),
                          transpose.getOperation(), init})
      if (op && op->use_empty())
        op->erase();
  }
}

//===----------------------------------------------------------------------===//
// Float kernels
//===----------------------------------------------------------------------===//

/// A float conv or matmul as the float kernel sees it: outputs [rows][cols]
/// per parallel iteration, each the sum over a reduction of up to three
/// loops of x (a vector along the columns) times w (a scalar per row).
struct FloatLayer {
  /// Rows (output channels, or matmul rows) and columns (output pixels of a
  /// row, or matmul columns) of one parallel iteration.
  int64_t cols = 0;
  Value rows;
  /// Trip counts of the reduction loops, outermost first.
  SmallVector<int64_t, 3> reduction;
  /// Indices of the first x of the vector at (column `col`, reduction
  /// `red`), of the scalar w at (row `row`, `red`), and of the output (and
  /// init) at (`row`, `col`).
  std::function<SmallVector<Value>(OpBuilder &, Location, Value col,
                                   ValueRange red)>
      xIndices;
  std::function<SmallVector<Value>(OpBuilder &, Location, Value row,
                                   ValueRange red)>
      wIndices;
  std::function<SmallVector<Value>(OpBuilder &, Location, Value row, Value col)>
      outIndices;
  Value x, w, init, output;
  /// The distance between the x of neighbouring columns: 1 loads a vector,
  /// more gathers one (a conv strided along the width).
  int64_t xStride = 1;
};

/// The `width` x of a vector from `indices` on, `stride` apart.
Value loadFloatVector(OpBuilder &b, Location loc, Value x, ValueRange indices,
                      int64_t width, int64_t stride) {
  auto vectorType = VectorType::get({width}, b.getF32Type());
  if (stride == 1)
    return vector::LoadOp::create(b, loc, vectorType, x, indices);
  SmallVector<int32_t> offsets;
  for (int64_t i = 0; i < width; ++i)
    offsets.push_back(static_cast<int32_t>(i * stride));
  auto offsetType = VectorType::get({width}, b.getI32Type());
  Value offsetVector = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(offsetType, ArrayRef<int32_t>(offsets)));
  auto maskType = VectorType::get({width}, b.getI1Type());
  Value mask =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(maskType, true));
  Value passThrough = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, 0.0f));
  return vector::GatherOp::create(b, loc, vectorType, x, indices, offsetVector,
                                  mask, passThrough);
}

/// The tile of a float kernel: `rowsPerTile` rows by `vectorsPerTile`
/// vectors of `lanes` columns.
struct FloatTiling {
  int64_t lanes;
  int64_t rowsPerTile;
  int64_t vectorsPerTile;
};

/// Emits the tile at (row0 .. row0 + numRows, col0 .. col0 + numVectors *
/// width): acc = init, then acc += x * w over the reduction in order.
void buildFloatTile(OpBuilder &b, Location loc, const FloatLayer &layer,
                    int64_t numRows, int64_t numVectors, int64_t width,
                    Value row0, Value col0) {
  auto vectorType = VectorType::get({width}, b.getF32Type());
  SmallVector<Value> rows, cols;
  for (int64_t r = 0; r < numRows; ++r)
    rows.push_back(
        arith::AddIOp::create(b, loc, row0, indexConstant(b, loc, r)));
  for (int64_t v = 0; v < numVectors; ++v)
    cols.push_back(
        arith::AddIOp::create(b, loc, col0, indexConstant(b, loc, v * width)));
  SmallVector<Value> inits;
  for (int64_t r = 0; r < numRows; ++r)
    for (int64_t v = 0; v < numVectors; ++v)
      inits.push_back(
          vector::LoadOp::create(b, loc, vectorType, layer.init,
                                 layer.outIndices(b, loc, rows[r], cols[v])));

  // The reduction loops, nested; `red` collects their induction variables.
  SmallVector<Value, 3> red;
  std::function<SmallVector<Value>(OpBuilder &, Location, size_t, ValueRange)>
      reduce = [&](OpBuilder &b, Location loc, size_t depth,
                   ValueRange accs) -> SmallVector<Value> {
    if (depth == layer.reduction.size()) {
      SmallVector<Value> xs;
      for (int64_t v = 0; v < numVectors; ++v)
        xs.push_back(loadFloatVector(b, loc, layer.x,
                                     layer.xIndices(b, loc, cols[v], red),
                                     width, layer.xStride));
      SmallVector<Value> next(accs);
      for (int64_t r = 0; r < numRows; ++r) {
        Value scalar = memref::LoadOp::create(
            b, loc, layer.w, layer.wIndices(b, loc, rows[r], red));
        Value splat = vector::BroadcastOp::create(b, loc, vectorType, scalar);
        for (int64_t v = 0; v < numVectors; ++v) {
          Value product = arith::MulFOp::create(b, loc, xs[v], splat);
          next[r * numVectors + v] =
              arith::AddFOp::create(b, loc, next[r * numVectors + v], product);
        }
      }
      return next;
    }
    return buildReductionLoop(
        b, loc, layer.reduction[depth], accs,
        [&](OpBuilder &b, Location loc, Value iv, ValueRange accs) {
          red.push_back(iv);
          SmallVector<Value> result = reduce(b, loc, depth + 1, accs);
          red.pop_back();
          return result;
        });
  };
  SmallVector<Value> accs = reduce(b, loc, 0, inits);
  for (int64_t r = 0; r < numRows; ++r)
    for (int64_t v = 0; v < numVectors; ++v)
      vector::StoreOp::create(b, loc, accs[r * numVectors + v], layer.output,
                              layer.outIndices(b, loc, rows[r], cols[v]));
}

/// Covers every row and column of one parallel iteration with tiles: full
/// row blocks, then single rows; along the columns full vector blocks, then
/// single vectors, then one narrower vector for the last columns.
void buildFloatTiles(OpBuilder &b, Location loc, const FloatLayer &layer,
                     const FloatTiling &tiling) {
  int64_t blockCols = tiling.vectorsPerTile * tiling.lanes;
  int64_t fullBlocks = layer.cols / blockCols;
  int64_t restVectors = (layer.cols % blockCols) / tiling.lanes;
  int64_t restLanes = layer.cols % tiling.lanes;
  auto coverCols = [&](OpBuilder &b, Location loc, int64_t numRows,
                       Value row0) {
    if (fullBlocks > 0)
      scf::ForOp::create(
          b, loc, indexConstant(b, loc, 0),
          indexConstant(b, loc, fullBlocks * blockCols),
          indexConstant(b, loc, blockCols), ValueRange{},
          [&](OpBuilder &b, Location loc, Value col0, ValueRange) {
            buildFloatTile(b, loc, layer, numRows, tiling.vectorsPerTile,
                           tiling.lanes, row0, col0);
            scf::YieldOp::create(b, loc);
          });
    int64_t col = fullBlocks * blockCols;
    if (restVectors > 0)
      buildFloatTile(b, loc, layer, numRows, restVectors, tiling.lanes, row0,
                     indexConstant(b, loc, col));
    col += restVectors * tiling.lanes;
    if (restLanes > 0)
      buildFloatTile(b, loc, layer, numRows, 1, restLanes, row0,
                     indexConstant(b, loc, col));
  };
  Value step = indexConstant(b, loc, tiling.rowsPerTile);
  Value fullRows = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, layer.rows, step), step);
  scf::ForOp::create(b, loc, indexConstant(b, loc, 0), fullRows, step,
                     ValueRange{},
                     [&](OpBuilder &b, Location loc, Value row0, ValueRange) {
                       coverCols(b, loc, tiling.rowsPerTile, row0);
                       scf::YieldOp::create(b, loc);
                     });
  scf::ForOp::create(b, loc, fullRows, layer.rows, indexConstant(b, loc, 1),
                     ValueRange{},
                     [&](OpBuilder &b, Location loc, Value row0, ValueRange) {
                       coverCols(b, loc, 1, row0);
                       scf::YieldOp::create(b, loc);
                     });
}

bool isF32Tensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32();
}

/// Allocates the float kernel's output like `init` and returns it with the
/// read-only buffers of `x`, `w` and `init`.
void prepareFloatBuffers(OpBuilder &b, Location loc, FloatLayer &layer, Value x,
                         Value w, Value init) {
  layer.x = toReadOnlyBuffer(b, loc, x);
  layer.w = toReadOnlyBuffer(b, loc, w);
  layer.init = toReadOnlyBuffer(b, loc, init);
  auto type = cast<RankedTensorType>(init.getType());
  layer.output =
      allocateOutput(b, loc, type.getShape(), type.getElementType(), init);
}

/// linalg.conv_2d_nchw_fchw on f32 (a width stride gathers x): one parallel
/// iteration per (image, output row); its rows are the output channels,
/// its columns the output pixels of the row.
struct FloatConvToKernel final : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  FloatConvToKernel(MLIRContext *ctx, FloatTiling tiling)
      : OpRewritePattern(ctx), tiling(tiling) {}

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2)
      return rewriter.notifyMatchFailure(op, "not on tensors");
    Value x = op.getDpsInputOperand(0)->get();
    Value w = op.getDpsInputOperand(1)->get();
    Value init = op.getDpsInitOperand(0)->get();
    if (!isF32Tensor(x) || !isF32Tensor(w) || !isF32Tensor(init))
      return rewriter.notifyMatchFailure(op, "not f32");
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    if (llvm::any_of(xType.getShape().drop_front(), ShapedType::isDynamic) ||
        !wType.hasStaticShape() ||
        llvm::any_of(outType.getShape().drop_front(), ShapedType::isDynamic))
      return rewriter.notifyMatchFailure(op, "dynamic sizes");
    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());

    Location loc = op.getLoc();
    FloatLayer layer;
    prepareFloatBuffers(rewriter, loc, layer, x, w, init);
    layer.cols = outType.getDimSize(3);
    layer.xStride = strides[1];
    layer.reduction = {wType.getDimSize(1), wType.getDimSize(2),
                       wType.getDimSize(3)};
    Value zero = indexConstant(rewriter, loc, 0);
    Value one = indexConstant(rewriter, loc, 1);
    Value batch = memref::DimOp::create(rewriter, loc, layer.output, 0);
    scf::ParallelOp::create(
        rewriter, loc, ValueRange{zero, zero},
        ValueRange{batch, indexConstant(rewriter, loc, outType.getDimSize(2))},
        ValueRange{one, one}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
          Value n = ivs[0], oh = ivs[1];
          Value rowBase = arith::MulIOp::create(
              b, loc, oh, indexConstant(b, loc, strides[0]));
          layer.rows = indexConstant(b, loc, outType.getDimSize(1));
          layer.xIndices = [&](OpBuilder &b, Location loc, Value ow,
                               ValueRange red) {
            Value ih = arith::AddIOp::create(
                b, loc, rowBase,
                arith::MulIOp::create(b, loc, red[1],
                                      indexConstant(b, loc, dilations[0])));
            Value iw = arith::AddIOp::create(
                b, loc,
                arith::MulIOp::create(b, loc, ow,
                                      indexConstant(b, loc, strides[1])),
                arith::MulIOp::create(b, loc, red[2],
                                      indexConstant(b, loc, dilations[1])));
            return SmallVector<Value>{n, red[0], ih, iw};
          };
          layer.wIndices = [](OpBuilder &, Location, Value f, ValueRange red) {
            return SmallVector<Value>{f, red[0], red[1], red[2]};
          };
          layer.outIndices = [&](OpBuilder &, Location, Value f, Value ow) {
            return SmallVector<Value>{n, f, oh, ow};
          };
          buildFloatTiles(b, loc, layer, tiling);
        });
    rewriter.replaceOp(op, toTensor(rewriter, loc, layer.output));
    return success();
  }

  FloatTiling tiling;
};

/// `matrix` when it is a constant; the constant [K, N] of a linalg.transpose
/// of a constant [N, K] (a Gemm with transposed weights), folded here since
/// the kernel reads the rows of [K, N] and the transpose would otherwise run
/// on every call; null otherwise.
Value foldTransposedConstant(PatternRewriter &rewriter, Value matrix) {
  auto transpose = matrix.getDefiningOp<linalg::TransposeOp>();
  DenseFPElementsAttr weights;
  if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{1, 0} ||
      !matchPattern(transpose.getInput(), m_Constant(&weights)) ||
      !weights.getElementType().isF32())
    return {};
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  SmallVector<float> source(weights.getValues<float>());
  SmallVector<float> transposed(source.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      transposed[r * cols + c] = source[c * rows + r];
  return arith::ConstantOp::create(
      rewriter, transpose.getLoc(),
      DenseElementsAttr::get(type, ArrayRef<float>(transposed)));
}

/// linalg.matmul on f32 with the default maps: one parallel iteration per
/// block of rows; a tile's rows are rows of the result, its columns the
/// result's columns.
struct FloatMatmulToKernel final : OpRewritePattern<linalg::MatmulOp> {
  FloatMatmulToKernel(MLIRContext *ctx, FloatTiling tiling)
      : OpRewritePattern(ctx), tiling(tiling) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2)
      return rewriter.notifyMatchFailure(op, "not on tensors");
    if (op.getIndexingMapsArray() !=
        linalg::MatmulOp::getDefaultIndexingMaps(getContext()))
      return rewriter.notifyMatchFailure(op, "transposing maps");
    Value a = op.getDpsInputOperand(0)->get();
    Value bMatrix = op.getDpsInputOperand(1)->get();
    Value init = op.getDpsInitOperand(0)->get();
    if (!isF32Tensor(a) || !isF32Tensor(bMatrix) || !isF32Tensor(init))
      return rewriter.notifyMatchFailure(op, "not f32");
    auto aType = cast<RankedTensorType>(a.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    if (aType.isDynamicDim(1) || outType.isDynamicDim(1) ||
        cast<RankedTensorType>(bMatrix.getType()).isDynamicDim(1))
      return rewriter.notifyMatchFailure(op, "dynamic sizes");

    Location loc = op.getLoc();
    if (Value folded = foldTransposedConstant(rewriter, bMatrix))
      bMatrix = folded;
    DenseFPElementsAttr constantB;
    if (matchPattern(bMatrix, m_Constant(&constantB)) &&
        !aType.isDynamicDim(1)) {
      replaceByPanels(rewriter, op, a, constantB, init);
      return success();
    }
    FloatLayer layer;
    // x is the matrix whose rows are vectorized (B), w the scalars (A).
    prepareFloatBuffers(rewriter, loc, layer, bMatrix, a, init);
    layer.cols = outType.getDimSize(1);
    layer.reduction = {aType.getDimSize(1)};
    layer.rows = memref::DimOp::create(rewriter, loc, layer.output, 0);
    layer.xIndices = [](OpBuilder &, Location, Value col, ValueRange red) {
      return SmallVector<Value>{red[0], col};
    };
    layer.wIndices = [](OpBuilder &, Location, Value row, ValueRange red) {
      return SmallVector<Value>{row, red[0]};
    };
    layer.outIndices = [](OpBuilder &, Location, Value row, Value col) {
      return SmallVector<Value>{row, col};
    };
    // The blocks of rows in parallel: a strip of whole rows per iteration.
    Value step = indexConstant(rewriter, loc, tiling.rowsPerTile);
    Value totalRows = layer.rows;
    scf::ParallelOp::create(
        rewriter, loc, ValueRange{indexConstant(rewriter, loc, 0)},
        ValueRange{totalRows}, ValueRange{step},
        [&](OpBuilder &b, Location loc, ValueRange ivs) {
          Value row0 = ivs[0];
          Value rest = arith::SubIOp::create(b, loc, totalRows, row0);
          Value count = arith::MinUIOp::create(b, loc, rest, step);
          FloatLayer strip = layer;
          strip.rows = count;
          strip.wIndices = [&](OpBuilder &b, Location loc, Value row,
                               ValueRange red) {
            return SmallVector<Value>{arith::AddIOp::create(b, loc, row0, row),
                                      red[0]};
          };
          strip.outIndices = [&](OpBuilder &b, Location loc, Value row,
                                 Value col) {
            return SmallVector<Value>{arith::AddIOp::create(b, loc, row0, row),
                                      col};
          };
          buildFloatTiles(b, loc, strip, tiling);
        });
    rewriter.replaceOp(op, toTensor(rewriter, loc, layer.output));
    return success();
  }

  /// With a constant B [K, N], the columns are packed at compile time into
  /// panels [N / W][K][W] of one tile's W columns (zeros past N), and the
  /// panels are the parallel loop: a tile reads its columns of B front to
  /// back, where rows of B stride N floats a step (4 KB for 1024 columns: a
  /// new page, which the prefetchers do not cross, every step), and a panel
  /// stays in the cache while every row of A passes it. Each output still
  /// sums its products in k order.
  void replaceByPanels(PatternRewriter &rewriter, linalg::MatmulOp op, Value a,
                       DenseFPElementsAttr constantB, Value init) const {
    Location loc = op.getLoc();
    auto bType = cast<RankedTensorType>(constantB.getType());
    int64_t depth = bType.getDimSize(0), cols = bType.getDimSize(1);
    int64_t width = tiling.vectorsPerTile * tiling.lanes;
    int64_t fullPanels = cols / width, restCols = cols % width;
    int64_t panels = fullPanels + (restCols ? 1 : 0);
    SmallVector<float> source(constantB.getValues<float>());
    SmallVector<float> packed(panels * depth * width, 0.0f);
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t n = 0; n < cols; ++n)
        packed[((n / width) * depth + k) * width + n % width] =
            source[k * cols + n];
    auto packedType =
        RankedTensorType::get({panels, depth, width}, rewriter.getF32Type());
    Value packedB = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(packedType, ArrayRef<float>(packed)));

    FloatLayer layer;
    prepareFloatBuffers(rewriter, loc, layer, packedB, a, init);
    layer.reduction = {depth};
    layer.rows = memref::DimOp::create(rewriter, loc, layer.output, 0);
    layer.wIndices = [](OpBuilder &, Location, Value row, ValueRange red) {
      return SmallVector<Value>{row, red[0]};
    };
    // Every row and the `panelCols` columns of panel `panel`.
    auto coverPanel = [&](OpBuilder &b, Location loc, Value panel,
                          int64_t panelCols) {
      Value col0 =
          arith::MulIOp::create(b, loc, panel, indexConstant(b, loc, width));
      FloatLayer strip = layer;
      strip.cols = panelCols;
      strip.xIndices = [&](OpBuilder &, Location, Value col, ValueRange red) {
        return SmallVector<Value>{panel, red[0], col};
      };
      strip.outIndices = [&](OpBuilder &b, Location loc, Value row, Value col) {
        return SmallVector<Value>{row,
                                  arith::AddIOp::create(b, loc, col0, col)};
      };
      buildFloatTiles(b, loc, strip, tiling);
    };
    if (fullPanels > 0)
      scf::ParallelOp::create(
          rewriter, loc, ValueRange{indexConstant(rewriter, loc, 0)},
          ValueRange{indexConstant(rewriter, loc, fullPanels)},
          ValueRange{indexConstant(rewriter, loc, 1)},
          [&](OpBuilder &b, Location loc, ValueRange ivs) {
            coverPanel(b, loc, ivs[0], width);
          });
    if (restCols > 0)
      coverPanel(rewriter, loc, indexConstant(rewriter, loc, fullPanels),
                 restCols);
    rewriter.replaceOp(op, toTensor(rewriter, loc, layer.output));
  }

  FloatTiling tiling;
};

struct ConvertLinalgToKernelsPass final
    : qsim::impl::ConvertLinalgToKernelsBase<ConvertLinalgToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    unsigned width = lanes;
    if (width == 0)
      width = llvm::sys::getHostCPUFeatures().lookup("avx512f") ? 16 : 8;
    if (width != 4 && width != 8 && width != 16) {
      getOperation().emitError()
          << "lanes must be 0, 4, 8 or 16, got " << width;
      return signalPassFailure();
    }
    // Accumulators, the x vectors and a broadcast weight fill the vector
    // registers (32 with AVX-512, 16 otherwise) without spilling.
    FloatTiling tiling =
        width == 16 ? FloatTiling{16, 6, 4} : FloatTiling{int64_t(width), 6, 2};
    RewritePatternSet patterns(&getContext());
    patterns.add<FloatConvToKernel, FloatMatmulToKernel>(&getContext(), tiling);
    if (failed(applyKernelPatterns(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct ConvertQSimToKernelsPass final
    : qsim::impl::ConvertQSimToKernelsBase<ConvertQSimToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<DotProductKind> kind = parseKernel(kernel);
    if (!kind) {
      getOperation().emitError()
          << "unknown kernel '" << kernel
          << "': expected auto, amx, vnni, avx2 or generic";
      return signalPassFailure();
    }
    DotProduct dot = DotProduct::get(*kind);
    RewritePatternSet patterns(&getContext());
    patterns.add<Conv2DToKernel, LinearToKernel>(&getContext(), dot,
                                                 /*autoSelect=*/kernel ==
                                                     "auto");
    if (failed(applyKernelPatterns(getOperation(), std::move(patterns))))
      return signalPassFailure();
    foldLayoutRoundTrips(getOperation());
  }
};

/// Replaces an x86 dot-product op by the call of its LLVM intrinsic.
template <typename OpTy>
void replaceByIntrinsic(OpTy op, StringRef intrinsic) {
  OpBuilder b(op);
  Operation *call = LLVM::CallIntrinsicOp::create(b, op.getLoc(), op.getType(),
                                                  b.getStringAttr(intrinsic),
                                                  op->getOperands());
  op.replaceAllUsesWith(call->getResult(0));
  op.erase();
}

/// Makes `func`, which runs AMX tiles, first request the tile state from
/// Linux: a module that mlir-runner loads must do so itself. The request is
/// idempotent and process-wide, so every call may make it.
LogicalResult requestAmxPermission(func::FuncOp func, SymbolTable &symbols) {
  constexpr StringLiteral kCallee = "arch_prctl";
  OpBuilder b(func.getContext());
  Location loc = func.getLoc();
  auto calleeType =
      b.getFunctionType({b.getI32Type(), b.getI64Type()}, {b.getI32Type()});
  Operation *existing = symbols.lookup(kCallee);
  if (!existing) {
    b.setInsertionPointToStart(&symbols.getOp()->getRegion(0).front());
    auto callee = func::FuncOp::create(b, loc, kCallee, calleeType);
    callee.setPrivate();
  } else if (auto callee = dyn_cast<func::FuncOp>(existing);
             !callee || callee.getFunctionType() != calleeType) {
    return existing->emitError()
           << "the symbol 'arch_prctl' is not the function " << calleeType
           << " that the AMX kernels call to request the tile state";
  }
  b.setInsertionPointToStart(&func.getBody().front());
  Value code = arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(kArchRequestXCompPerm));
  Value feature = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(kXFeatureXTileData));
  func::CallOp::create(b, loc, kCallee, calleeType.getResults(),
                       ValueRange{code, feature});
  return success();
}

struct ConvertQSimX86ToLLVMPass final
    : qsim::impl::ConvertQSimX86ToLLVMBase<ConvertQSimX86ToLLVMPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([](Operation *op) {
      if (auto dot = dyn_cast<X86DotU8S8Op>(op))
        replaceByIntrinsic(dot, "llvm.x86.avx512.vpdpbusd.512");
      else if (auto dot = dyn_cast<X86PairDotI16Op>(op))
        replaceByIntrinsic(dot, "llvm.x86.avx2.pmadd.wd");
    });
    SmallVector<func::FuncOp> amxFunctions;
    getOperation()->walk([&](func::FuncOp func) {
      bool usesAmx = func.getBody()
                         .walk([](Operation *op) {
                           return isa<amx::AMXDialect>(op->getDialect())
                                      ? WalkResult::interrupt()
                                      : WalkResult::advance();
                         })
                         .wasInterrupted();
      if (usesAmx)
        amxFunctions.push_back(func);
    });
    if (amxFunctions.empty())
      return;
    // A func.func's parent is a symbol table (the symbol verifier checks
    // that): the one where arch_prctl is declared.
    SymbolTable symbols(amxFunctions.front()->getParentOp());
    for (func::FuncOp func : amxFunctions)
      if (failed(requestAmxPermission(func, symbols)))
        return signalPassFailure();
  }
};

} // namespace

/// Whether Linux lets this process use the AMX tiles (which also grants
/// it); false elsewhere.
static bool requestAmxTileState() {
#if defined(__linux__) && defined(__x86_64__)
  return syscall(SYS_arch_prctl, kArchRequestXCompPerm, kXFeatureXTileData) ==
         0;
#else
  return false;
#endif
}

SmallVector<StringRef> mlir::qsim::getHostKernels() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  SmallVector<StringRef> kernels;
  // The AMX kernel leaves depthwise and narrow layers to the VNNI kernel.
  if (features.lookup("amx-int8") && features.lookup("amx-tile") &&
      features.lookup("avx512vnni") && features.lookup("avx512bw") &&
      requestAmxTileState())
    kernels.push_back("amx");
  if (features.lookup("avx512vnni") && features.lookup("avx512bw"))
    kernels.push_back("vnni");
  if (features.lookup("avx2"))
    kernels.push_back("avx2");
  kernels.push_back("generic");
  return kernels;
}
