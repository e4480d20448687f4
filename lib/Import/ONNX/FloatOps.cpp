//===- FloatOps.cpp - ONNX float ops as linalg on tensors -----------------===//
//
// Each importer writes one ONNX op in the form torch-mlir's TorchToLinalg
// writes the same torch op, so that the qsim front end's recognizers see
// what they see in torch-mlir's output: convs into a bias broadcast after a
// zero tensor.pad, linear layers as a matmul with a transposed weight and a
// broadcasting bias add, BatchNorm as four elementwise generics, pooling as
// linalg pooling ops, activations as elementwise generics. Shape
// computations on constants (Shape, Gather, Concat, Slice, Unsqueeze, ...)
// are folded at import, so that Reshape sees a constant shape.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qsim::onnx_import;

/// Reads kernel_shape (or `kernel`), strides, dilations, pads, auto_pad and
/// ceil_mode of a 2-D conv or pooling `node` over `inputShape` (NCHW), and
/// computes the output sizes. `ceil_mode` adds the high padding the last
/// window needs; a window must start inside the input or its low padding.
FailureOr<Window> mlir::qsim::onnx_import::readWindow(
    Importer &importer, const onnx::NodeProto &node,
    ArrayRef<int64_t> inputShape, ArrayRef<int64_t> kernel,
    bool allowCeilMode) {
  Window window;
  size_t spatial = inputShape.size() - 2;
  window.kernel.assign(kernel.begin(), kernel.end());
  auto readList = [&](StringRef name, SmallVector<int64_t> &list,
                      int64_t defaultValue, size_t size) -> LogicalResult {
    auto values = importer.getInts(node, name);
    if (failed(values))
      return failure();
    if (!*values) {
      list.assign(size, defaultValue);
      return success();
    }
    if ((*values)->size() != size)
      return importer.fail("attribute '" + name + "' has " +
                           Twine((*values)->size()) + " values, expected " +
                           Twine(size));
    list.assign((*values)->begin(), (*values)->end());
    return success();
  };
  SmallVector<int64_t> pads;
  if (failed(readList("strides", window.strides, 1, spatial)) ||
      failed(readList("dilations", window.dilations, 1, spatial)) ||
      failed(readList("pads", pads, 0, 2 * spatial)))
    return failure();
  for (size_t i = 0; i < spatial; ++i) {
    if (window.strides[i] < 1 || window.dilations[i] < 1 ||
        window.kernel[i] < 1)
      return importer.fail("kernel sizes, strides and dilations must be "
                           "positive");
    if (pads[i] < 0 || pads[i + spatial] < 0)
      return importer.fail("pads must not be negative");
  }
  FailureOr<std::string> autoPad =
      importer.getString(node, "auto_pad", "NOTSET");
  FailureOr<int64_t> ceilMode = importer.getInt(node, "ceil_mode", 0);
  if (failed(autoPad) || failed(ceilMode))
    return failure();
  if (*ceilMode && !allowCeilMode)
    return importer.fail("ceil_mode is not an attribute of this op");
  for (size_t i = 0; i < spatial; ++i) {
    int64_t size = inputShape[i + 2];
    int64_t extent = (window.kernel[i] - 1) * window.dilations[i] + 1;
    int64_t stride = window.strides[i];
    int64_t low = pads[i], high = pads[i + spatial];
    if (*autoPad == "VALID") {
      low = high = 0;
    } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
      int64_t out = (size + stride - 1) / stride;
      int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - size);
      int64_t smaller = total / 2;
      low = *autoPad == "SAME_UPPER" ? smaller : total - smaller;
      high = total - low;
    } else if (*autoPad != "NOTSET") {
      return importer.fail("auto_pad '" + *autoPad +
                           "' is not one of "
                           "NOTSET, SAME_UPPER, SAME_LOWER, VALID");
    }
    int64_t padded = size + low + high;
    if (padded < extent)
      return importer.fail("the window (" + Twine(extent) +
                           ") is larger than the padded input (" +
                           Twine(padded) + ")");
    int64_t out = (padded - extent) / stride + 1;
    int64_t ceilPadding = 0;
    if (*ceilMode) {
      int64_t ceilOut = (padded - extent + stride - 1) / stride + 1;
      if ((ceilOut - 1) * stride >= size + low)
        --ceilOut;
      ceilPadding =
          std::max<int64_t>(0, (ceilOut - 1) * stride + extent - padded);
      out = ceilOut;
    }
    window.low.push_back(low);
    window.high.push_back(high + ceilPadding);
    window.ceilPadding.push_back(ceilPadding);
    window.outputSizes.push_back(out);
  }
  return window;
}

/// The kernel sizes of a pooling op: its kernel_shape attribute.
static FailureOr<SmallVector<int64_t>>
readKernelShape(Importer &importer, const onnx::NodeProto &node,
                size_t spatial) {
  auto kernel = importer.getInts(node, "kernel_shape");
  if (failed(kernel))
    return failure();
  if (!*kernel || (*kernel)->size() != spatial)
    return importer.fail("kernel_shape must give " + Twine(spatial) + " sizes");
  return **kernel;
}

/// The 4-D float input of a 2-D conv or pooling op.
static FailureOr<RankedTensorType> getImageType(Importer &importer,
                                                Value input) {
  FailureOr<RankedTensorType> type = importer.getStaticType(input, "input X");
  if (failed(type))
    return failure();
  if (type->getRank() != 4)
    return importer.fail("only 2-D (NCHW) inputs are supported; X has rank " +
                         Twine(type->getRank()));
  if (!isa<FloatType>(type->getElementType()))
    return importer.fail("X must be a float tensor");
  return type;
}

static SmallVector<int64_t> padding4D(const Window &window, bool high) {
  ArrayRef<int64_t> sizes = high ? window.high : window.low;
  return {0, 0, sizes[0], sizes[1]};
}

/// The NCHW output of a conv with `channels` outputs, starting as `bias`
/// broadcast over it (linalg.broadcast, as torch-mlir writes it) or zero.
static Value createConvInit(Importer &importer, RankedTensorType type,
                            Value bias) {
  if (!bias)
    return importer.createFill(type, 0.0);
  Value empty = importer.createEmpty(type);
  return linalg::BroadcastOp::create(importer.builder(), bias, empty,
                                     ArrayRef<int64_t>{0, 2, 3})
      .getResult()[0];
}

//===----------------------------------------------------------------------===//
// Conv, ConvTranspose
//===----------------------------------------------------------------------===//

/// Emits a 2-D grouped convolution of the padded input `padded` with OIHW
/// `weights` into `init`: the named op torch-mlir picks for the grouping.
static Value createConv(Importer &importer, Value padded, Value weights,
                        Value init, int64_t groups, const Window &window) {
  ImplicitLocOpBuilder &b = importer.builder();
  auto inputType = cast<RankedTensorType>(padded.getType());
  auto weightType = cast<RankedTensorType>(weights.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  auto strides = b.getI64VectorAttr(window.strides);
  auto dilations = b.getI64VectorAttr(window.dilations);
  int64_t channels = inputType.getDimSize(1);
  int64_t filters = weightType.getDimSize(0);
  if (groups == 1)
    return linalg::Conv2DNchwFchwOp::create(
               b, TypeRange{initType}, ValueRange{padded, weights},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  if (groups == channels && filters == channels) {
    Value collapsed =
        importer.createReshape(weights, {filters, kernel[0], kernel[1]});
    return linalg::DepthwiseConv2DNchwChwOp::create(
               b, TypeRange{initType}, ValueRange{padded, collapsed},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  }
  ArrayRef<int64_t> in = inputType.getShape();
  ArrayRef<int64_t> out = initType.getShape();
  Value groupedInput = importer.createReshape(
      padded, {in[0], groups, channels / groups, in[2], in[3]});
  Value groupedWeights = importer.createReshape(
      weights, {groups, filters / groups, weightType.getDimSize(1), kernel[0],
                kernel[1]});
  Value groupedInit = importer.createReshape(
      init, {out[0], groups, filters / groups, out[2], out[3]});
  Value grouped = linalg::Conv2DNgchwGfchwOp::create(
                      b, TypeRange{groupedInit.getType()},
                      ValueRange{groupedInput, groupedWeights},
                      ValueRange{groupedInit}, strides, dilations)
                      .getResult(0);
  return importer.createReshape(grouped, out);
}

LogicalResult Importer::importConv(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0), w = input(node, 1),
                   bias = input(node, 2, /*optional=*/true);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  FailureOr<RankedTensorType> xType = getImageType(*this, *x);
  FailureOr<RankedTensorType> wType = getStaticType(*w, "weights W");
  if (failed(xType) || failed(wType))
    return failure();
  if (wType->getRank() != 4 ||
      wType->getElementType() != xType->getElementType())
    return fail("W must be a 4-D tensor of X's element type");
  FailureOr<int64_t> groups = getInt(node, "group", 1);
  if (failed(groups))
    return failure();
  int64_t channels = xType->getDimSize(1), filters = wType->getDimSize(0);
  if (*groups < 1 || channels % *groups || filters % *groups ||
      wType->getDimSize(1) * *groups != channels)
    return fail("W's shape does not match X's " + Twine(channels) +
                " channels in " + Twine(*groups) + " groups");
  if (auto kernel = getInts(node, "kernel_shape");
      succeeded(kernel) && *kernel &&
      **kernel != wType->getShape().drop_front(2))
    return fail("kernel_shape does not match W's shape");
  FailureOr<Window> window =
      readWindow(*this, node, xType->getShape(),
                 wType->getShape().drop_front(2), /*allowCeilMode=*/false);
  if (failed(window))
    return failure();
  if (*bias) {
    FailureOr<RankedTensorType> biasType = getStaticType(*bias, "bias B");
    if (failed(biasType))
      return failure();
    if (biasType->getShape() != ArrayRef<int64_t>{filters})
      return fail("B must have one element per output channel");
  }
  Value padded =
      createPad(*x, padding4D(*window, false), padding4D(*window, true), 0.0);
  auto outType =
      RankedTensorType::get({xType->getDimSize(0), filters,
                             window->outputSizes[0], window->outputSizes[1]},
                            xType->getElementType());
  Value init = createConvInit(*this, outType, *bias);
  setOutput(node, 0, createConv(*this, padded, *w, init, *groups, *window));
  return success();
}

LogicalResult Importer::importConvTranspose(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0), w = input(node, 1),
                   bias = input(node, 2, /*optional=*/true);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  FailureOr<RankedTensorType> xType = getImageType(*this, *x);
  FailureOr<RankedTensorType> wType = getStaticType(*w, "weights W");
  if (failed(xType) || failed(wType))
    return failure();
  FailureOr<int64_t> groups = getInt(node, "group", 1);
  if (failed(groups))
    return failure();
  if (*groups != 1)
    return fail("only group 1 is supported");
  if (wType->getRank() != 4 || wType->getDimSize(0) != xType->getDimSize(1) ||
      wType->getElementType() != xType->getElementType())
    return fail("W must be [C, M, kH, kW] for X's C channels");
  ArrayRef<int64_t> kernel = wType->getShape().drop_front(2);
  int64_t filters = wType->getDimSize(1);

  SmallVector<int64_t> strides, dilations, pads, outputPadding, outputShape;
  auto readList = [&](StringRef name, SmallVector<int64_t> &list,
                      int64_t defaultValue, size_t size) -> LogicalResult {
    auto values = getInts(node, name);
    if (failed(values))
      return failure();
    if (!*values) {
      list.assign(size, defaultValue);
      return success();
    }
    list.assign((*values)->begin(), (*values)->end());
    if (list.size() != size)
      return fail("attribute '" + name + "' has " + Twine(list.size()) +
                  " values, expected " + Twine(size));
    return success();
  };
  if (failed(readList("strides", strides, 1, 2)) ||
      failed(readList("dilations", dilations, 1, 2)) ||
      failed(readList("pads", pads, 0, 4)) ||
      failed(readList("output_padding", outputPadding, 0, 2)))
    return failure();
  auto givenShape = getInts(node, "output_shape");
  FailureOr<std::string> autoPad = getString(node, "auto_pad", "NOTSET");
  if (failed(givenShape) || failed(autoPad))
    return failure();
  if (*autoPad != "NOTSET" && *autoPad != "VALID" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER")
    return fail("auto_pad '" + *autoPad +
                "' is not one of NOTSET, "
                "SAME_UPPER, SAME_LOWER, VALID");
  SmallVector<int64_t> outSizes(2);
  for (int i = 0; i < 2; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || outputPadding[i] < 0 ||
        pads[i] < 0 || pads[i + 2] < 0)
      return fail("strides and dilations must be positive, pads and "
                  "output_padding not negative");
    int64_t size = xType->getDimSize(2 + i);
    int64_t full = strides[i] * (size - 1) + outputPadding[i] +
                   (kernel[i] - 1) * dilations[i] + 1;
    std::optional<int64_t> target;
    if (*givenShape) {
      ArrayRef<int64_t> given = **givenShape;
      if (given.size() != 2 && given.size() != 4)
        return fail("output_shape must give 2 (or 4) sizes");
      target = given[given.size() - 2 + i];
    } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
      target = size * strides[i];
    }
    if (target) {
      int64_t total = full - *target;
      // A larger output_shape than the op reaches is zero input beyond the
      // end, as ONNX Runtime computes it: more output padding.
      if (total < 0) {
        outputPadding[i] -= total;
        full -= total;
        total = 0;
      }
      bool upper = *autoPad != "SAME_LOWER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[i + 2] = total - pads[i];
    } else if (*autoPad == "VALID") {
      pads[i] = pads[i + 2] = 0;
    }
    outSizes[i] = full - pads[i] - pads[i + 2];
    if (outSizes[i] < 1)
      return fail("the output would be empty");
  }

  // The transposed conv is a conv of the input, dilated by the strides and
  // padded by (kernel - 1) * dilation minus the pads, with the weights
  // flipped and their two leading dimensions swapped.
  Type element = xType->getElementType();
  ArrayRef<int64_t> in = xType->getShape();
  SmallVector<int64_t> dilatedShape = {
      in[0], in[1], (in[2] - 1) * strides[0] + 1, (in[3] - 1) * strides[1] + 1};
  Value dilated = *x;
  if (strides[0] != 1 || strides[1] != 1) {
    Value zeros = createFill(RankedTensorType::get(dilatedShape, element), 0.0);
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes, sliceStrides;
    for (int64_t dim : in)
      sizes.push_back(b.getIndexAttr(dim));
    sliceStrides = {b.getIndexAttr(1), b.getIndexAttr(1),
                    b.getIndexAttr(strides[0]), b.getIndexAttr(strides[1])};
    dilated = tensor::InsertSliceOp::create(b, *x, zeros, offsets, sizes,
                                            sliceStrides);
  }
  SmallVector<int64_t> low(4, 0), high(4, 0), cropLow(4, 0), cropHigh(4, 0);
  for (int i = 0; i < 2; ++i) {
    int64_t edge = (kernel[i] - 1) * dilations[i];
    int64_t before = edge - pads[i];
    int64_t after = edge - pads[i + 2] + outputPadding[i];
    (before >= 0 ? low : cropLow)[2 + i] = std::abs(before);
    (after >= 0 ? high : cropHigh)[2 + i] = std::abs(after);
  }
  Value padded = createPad(dilated, low, high, 0.0);
  if (llvm::any_of(cropLow, [](int64_t v) { return v; }) ||
      llvm::any_of(cropHigh, [](int64_t v) { return v; })) {
    auto paddedType = cast<RankedTensorType>(padded.getType());
    SmallVector<OpFoldResult> offsets, sizes, ones(4, b.getIndexAttr(1));
    for (int i = 0; i < 4; ++i) {
      offsets.push_back(b.getIndexAttr(cropLow[i]));
      sizes.push_back(
          b.getIndexAttr(paddedType.getDimSize(i) - cropLow[i] - cropHigh[i]));
    }
    padded = tensor::ExtractSliceOp::create(b, padded, offsets, sizes, ones);
  }

  AffineExpr d0, d1, d2, d3;
  bindDims(&context, d0, d1, d2, d3);
  auto flipMap = AffineMap::get(
      4, 0, {d1, d0, kernel[0] - 1 - d2, kernel[1] - 1 - d3}, &context);
  Value flipped = createGeneric(
      RankedTensorType::get({filters, in[1], kernel[0], kernel[1]}, element),
      ValueRange{*w}, {flipMap},
      [](ImplicitLocOpBuilder &, ValueRange args) { return args[0]; });

  Window window;
  window.strides = {1, 1};
  window.dilations = dilations;
  auto outType = RankedTensorType::get(
      {in[0], filters, outSizes[0], outSizes[1]}, element);
  Value init = createConvInit(*this, outType, *bias);
  setOutput(node, 0, createConv(*this, padded, flipped, init, 1, window));
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm, MatMul
//===----------------------------------------------------------------------===//

/// A linalg.matmul of 2-D `lhs` and `rhs` into a zero fill.
static Value createMatmul(Importer &importer, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto type = RankedTensorType::get(
      {lhsType.getDimSize(0), rhsType.getDimSize(1)}, lhsType.getElementType());
  Value init = importer.createFill(type, 0.0);
  return linalg::MatmulOp::create(importer.builder(), TypeRange{type},
                                  ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}

/// x * factor elementwise, for Gemm's alpha and beta.
static Value createScaled(Importer &importer, Value x, double factor) {
  auto type = cast<RankedTensorType>(x.getType());
  Value scalar = importer.createScalar(type.getElementType(), factor);
  return importer.createGeneric(
      type, ValueRange{x},
      {importer.builder().getMultiDimIdentityMap(type.getRank())},
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        return arith::MulFOp::create(b, args[0], scalar);
      });
}

/// A bias add, as torch-mlir writes aten.add.Tensor with alpha 1.
static FailureOr<Value> createAdd(Importer &importer, Value x, Value bias) {
  Type element = cast<RankedTensorType>(x.getType()).getElementType();
  return importer.createBroadcastingGeneric(
      ValueRange{x, bias}, element,
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        return arith::AddFOp::create(b, args[0], args[1]);
      });
}

LogicalResult Importer::importGemm(const onnx::NodeProto &node) {
  FailureOr<Value> a = input(node, 0), bValue = input(node, 1),
                   c = input(node, 2, /*optional=*/true);
  if (failed(a) || failed(bValue) || failed(c))
    return failure();
  FailureOr<RankedTensorType> aType = getStaticType(*a, "input A");
  FailureOr<RankedTensorType> bType = getStaticType(*bValue, "input B");
  if (failed(aType) || failed(bType))
    return failure();
  if (aType->getRank() != 2 || bType->getRank() != 2 ||
      !isa<FloatType>(aType->getElementType()) ||
      aType->getElementType() != bType->getElementType())
    return fail("A and B must be 2-D float tensors of one element type");
  FailureOr<int64_t> transA = getInt(node, "transA", 0),
                     transB = getInt(node, "transB", 0);
  FailureOr<float> alpha = getFloat(node, "alpha", 1.0f),
                   beta = getFloat(node, "beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  Value lhs = *transA ? createTranspose(*a, {1, 0}) : *a;
  Value rhs = *transB ? createTranspose(*bValue, {1, 0}) : *bValue;
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (lhsType.getDimSize(1) != rhsType.getDimSize(0))
    return fail("A and B do not multiply: inner sizes " +
                Twine(lhsType.getDimSize(1)) + " and " +
                Twine(rhsType.getDimSize(0)));
  Value result = createMatmul(*this, lhs, rhs);
  if (*alpha != 1.0f)
    result = createScaled(*this, result, *alpha);
  if (*c && *beta != 0.0f) {
    Value bias = *c;
    // A [1, N] bias constant becomes the [N] torch's linear layers have.
    auto biasType = dyn_cast<RankedTensorType>(bias.getType());
    int64_t columns = rhsType.getDimSize(1);
    if (DenseElementsAttr elements = getConstant(bias);
        elements && biasType && biasType.getRank() == 2 &&
        biasType.getDimSize(0) == 1 && biasType.getDimSize(1) == columns)
      bias = createConstant(elements.reshape(
          RankedTensorType::get({columns}, biasType.getElementType())));
    if (*beta != 1.0f)
      bias = createScaled(*this, bias, *beta);
    FailureOr<Value> sum = createAdd(*this, result, bias);
    if (failed(sum))
      return failure();
    if (cast<RankedTensorType>(sum->getType()).getShape() !=
        cast<RankedTensorType>(result.getType()).getShape())
      return fail("C does not broadcast to A * B's shape");
    result = *sum;
  }
  setOutput(node, 0, result);
  return success();
}

LogicalResult Importer::importMatMul(const onnx::NodeProto &node) {
  FailureOr<Value> a = input(node, 0), bValue = input(node, 1);
  if (failed(a) || failed(bValue))
    return failure();
  FailureOr<RankedTensorType> aType = getStaticType(*a, "input A");
  FailureOr<RankedTensorType> bType = getStaticType(*bValue, "input B");
  if (failed(aType) || failed(bType))
    return failure();
  Type element = aType->getElementType();
  if (!isa<FloatType>(element) || bType->getElementType() != element)
    return fail("A and B must be float tensors of one element type");
  if (aType->getRank() == 0 || bType->getRank() == 0)
    return fail("A and B must have rank 1 or more");

  // As NumPy: a 1-D A is a row, a 1-D B a column, dropped again after.
  Value lhs = *a, rhs = *bValue;
  bool rowVector = aType->getRank() == 1, columnVector = bType->getRank() == 1;
  if (rowVector)
    lhs = createReshape(lhs, {1, aType->getDimSize(0)});
  if (columnVector)
    rhs = createReshape(rhs, {bType->getDimSize(0), 1});
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t m = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t k = lhsType.getDimSize(lhsType.getRank() - 1);
  int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);
  if (rhsType.getDimSize(rhsType.getRank() - 2) != k)
    return fail("A and B do not multiply: inner sizes " + Twine(k) + " and " +
                Twine(rhsType.getDimSize(rhsType.getRank() - 2)));
  SmallVector<int64_t> lhsBatch(lhsType.getShape().drop_back(2));
  SmallVector<int64_t> rhsBatch(rhsType.getShape().drop_back(2));
  FailureOr<SmallVector<int64_t>> batch =
      getBroadcastShape({RankedTensorType::get(lhsBatch, element),
                         RankedTensorType::get(rhsBatch, element)});
  if (failed(batch))
    return failure();
  int64_t batchCount = 1;
  for (int64_t dim : *batch)
    batchCount *= dim;

  Value result;
  SmallVector<int64_t> resultShape(*batch);
  if (rhsBatch.empty()) {
    // One weight matrix for every row: the batch folds into M.
    Value rows = createReshape(lhs, {batchCount * m, k});
    result = createMatmul(*this, rows, rhs);
  } else {
    auto broadcastTo = [&](Value operand, int64_t rows, int64_t columns) {
      SmallVector<int64_t> shape(*batch);
      shape.append({rows, columns});
      auto type = cast<RankedTensorType>(operand.getType());
      if (type.getShape() != ArrayRef<int64_t>(shape))
        operand = createGeneric(
            RankedTensorType::get(shape, element), ValueRange{operand},
            {getBroadcastMap(type.getShape(), shape)},
            [](ImplicitLocOpBuilder &, ValueRange args) { return args[0]; });
      return createReshape(operand, {batchCount, rows, columns});
    };
    Value batchedLhs = broadcastTo(lhs, m, k);
    Value batchedRhs = broadcastTo(rhs, k, n);
    auto type = RankedTensorType::get({batchCount, m, n}, element);
    Value init = createFill(type, 0.0);
    result = linalg::BatchMatmulOp::create(b, TypeRange{type},
                                           ValueRange{batchedLhs, batchedRhs},
                                           ValueRange{init})
                 .getResult(0);
  }
  if (!rowVector)
    resultShape.push_back(m);
  if (!columnVector)
    resultShape.push_back(n);
  setOutput(node, 0, createReshape(result, resultShape));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

/// Folds an integer binary op on two constant tensors (shape arithmetic).
static DenseElementsAttr foldIntegerBinary(Importer &importer, StringRef opType,
                                           DenseElementsAttr lhs,
                                           DenseElementsAttr rhs) {
  if (!lhs || !rhs)
    return {};
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  Type element = lhsType.getElementType();
  if (element != rhsType.getElementType() || !element.isSignlessInteger() ||
      element.isInteger(1) || lhs.getNumElements() > 64 ||
      rhs.getNumElements() > 64)
    return {};
  // Shape arithmetic is 1-D against 1-D or a scalar.
  if (lhsType.getRank() > 1 || rhsType.getRank() > 1)
    return {};
  int64_t count = std::max(lhs.getNumElements(), rhs.getNumElements());
  if ((lhs.getNumElements() != count && lhs.getNumElements() != 1) ||
      (rhs.getNumElements() != count && rhs.getNumElements() != 1))
    return {};
  auto read = [](DenseElementsAttr elements) {
    SmallVector<int64_t> values;
    for (const APInt &value : elements.getValues<APInt>())
      values.push_back(value.getSExtValue());
    return values;
  };
  SmallVector<int64_t> a = read(lhs), c = read(rhs);
  SmallVector<int64_t> result;
  for (int64_t i = 0; i < count; ++i) {
    int64_t x = a[a.size() == 1 ? 0 : i], y = c[c.size() == 1 ? 0 : i];
    if (opType == "Add")
      result.push_back(x + y);
    else if (opType == "Sub")
      result.push_back(x - y);
    else if (opType == "Mul")
      result.push_back(x * y);
    else if (y != 0)
      result.push_back(x / y);
    else
      return {};
  }
  SmallVector<int64_t> shape;
  if (lhsType.getRank() == 1 || rhsType.getRank() == 1)
    shape.push_back(count);
  unsigned width = element.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t value : result)
    values.push_back(APInt(width, value, /*isSigned=*/true,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(RankedTensorType::get(shape, element), values);
}

LogicalResult Importer::importBinary(const onnx::NodeProto &node) {
  FailureOr<Value> lhs = input(node, 0), rhs = input(node, 1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<RankedTensorType> lhsType = getStaticType(*lhs, "input A");
  FailureOr<RankedTensorType> rhsType = getStaticType(*rhs, "input B");
  if (failed(lhsType) || failed(rhsType))
    return failure();
  Type element = lhsType->getElementType();
  if (rhsType->getElementType() != element)
    return fail("A and B have different element types");
  StringRef opType = node.op_type();
  if (DenseElementsAttr folded = foldIntegerBinary(
          *this, opType, getConstant(*lhs), getConstant(*rhs))) {
    setOutput(node, 0, createConstant(folded));
    return success();
  }
  bool isFloat = isa<FloatType>(element);
  if (!isFloat && (!element.isSignlessInteger() || element.isInteger(1)))
    return fail("only float and signed integer operands are supported");
  FailureOr<Value> result = createBroadcastingGeneric(
      ValueRange{*lhs, *rhs}, element,
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        Value x = args[0], y = args[1];
        if (opType == "Add")
          return isFloat ? arith::AddFOp::create(b, x, y).getResult()
                         : arith::AddIOp::create(b, x, y).getResult();
        if (opType == "Sub")
          return isFloat ? arith::SubFOp::create(b, x, y).getResult()
                         : arith::SubIOp::create(b, x, y).getResult();
        if (opType == "Mul")
          return isFloat ? arith::MulFOp::create(b, x, y).getResult()
                         : arith::MulIOp::create(b, x, y).getResult();
        return isFloat ? arith::DivFOp::create(b, x, y).getResult()
                       : arith::DivSIOp::create(b, x, y).getResult();
      });
  if (failed(result))
    return failure();
  setOutput(node, 0, *result);
  return success();
}

/// max(lo, min(hi, x)) as torch-mlir writes aten.clamp: compare and select,
/// so that NaN passes through as in ONNX Runtime.
static Value createClamp(ImplicitLocOpBuilder &b, Value x, Value lo, Value hi) {
  if (lo) {
    Value below = arith::CmpFOp::create(b, arith::CmpFPredicate::ULT, x, lo);
    x = arith::SelectOp::create(b, below, lo, x);
  }
  if (hi) {
    Value above = arith::CmpFOp::create(b, arith::CmpFPredicate::UGT, x, hi);
    x = arith::SelectOp::create(b, above, hi, x);
  }
  return x;
}

LogicalResult Importer::importUnary(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input X");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element))
    return fail("X must be a float tensor");
  StringRef opType = node.op_type();
  float defaultAlpha = opType == "LeakyRelu"   ? 0.01f
                       : opType == "HardSwish" ? 1.0f / 6.0f
                                               : 0.2f;
  FailureOr<float> alpha = getFloat(node, "alpha", defaultAlpha);
  FailureOr<float> beta = getFloat(node, "beta", 0.5f);
  if (failed(alpha) || failed(beta))
    return failure();
  auto scalar = [&](ImplicitLocOpBuilder &b, double value) -> Value {
    return arith::ConstantOp::create(b, b.getFloatAttr(element, value));
  };
  Value result = createGeneric(
      type, ValueRange{*x}, {b.getMultiDimIdentityMap(type.getRank())},
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        Value v = args[0];
        if (opType == "Relu") {
          Value zero = scalar(b, 0.0);
          Value positive =
              arith::CmpFOp::create(b, arith::CmpFPredicate::UGT, v, zero);
          return arith::SelectOp::create(b, positive, v, zero);
        }
        if (opType == "LeakyRelu") {
          Value zero = scalar(b, 0.0);
          Value positive =
              arith::CmpFOp::create(b, arith::CmpFPredicate::UGT, v, zero);
          Value scaled = arith::MulFOp::create(b, v, scalar(b, *alpha));
          return arith::SelectOp::create(b, positive, v, scaled);
        }
        if (opType == "Sigmoid") {
          Value negated = arith::NegFOp::create(b, v);
          Value exp = math::ExpOp::create(b, negated);
          Value one = scalar(b, 1.0);
          Value sum = arith::AddFOp::create(b, exp, one);
          return arith::DivFOp::create(b, one, sum);
        }
        if (opType == "Tanh")
          return math::TanhOp::create(b, v);
        // HardSigmoid, and HardSwish = x * HardSigmoid(x) with 1/6 and 1/2.
        Value affine = arith::AddFOp::create(
            b, arith::MulFOp::create(b, v, scalar(b, *alpha)),
            scalar(b, opType == "HardSwish" ? 0.5 : *beta));
        Value clamped = createClamp(b, affine, scalar(b, 0.0), scalar(b, 1.0));
        if (opType == "HardSigmoid")
          return clamped;
        return arith::MulFOp::create(b, v, clamped);
      });
  setOutput(node, 0, result);
  return success();
}

LogicalResult Importer::importClip(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input X");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element))
    return fail("X must be a float tensor");
  // Opsets before 11 give the bounds as attributes, later ones as optional
  // rank-0 inputs.
  std::optional<double> lo, hi;
  SmallVector<Value> boundInputs;
  if (opset < 11) {
    const onnx::AttributeProto *min = findAttribute(node, "min");
    const onnx::AttributeProto *max = findAttribute(node, "max");
    FailureOr<float> minValue = getFloat(node, "min", 0.0f);
    FailureOr<float> maxValue = getFloat(node, "max", 0.0f);
    if (failed(minValue) || failed(maxValue))
      return failure();
    if (min)
      lo = *minValue;
    if (max)
      hi = *maxValue;
  } else {
    for (int index : {1, 2}) {
      FailureOr<Value> bound = input(node, index, /*optional=*/true);
      if (failed(bound))
        return failure();
      if (!*bound)
        continue;
      auto boundType = dyn_cast<RankedTensorType>(bound->getType());
      if (!boundType || boundType.getNumElements() != 1 ||
          boundType.getElementType() != element)
        return fail("min and max must be one-element tensors of X's type");
      if (DenseElementsAttr constant = getConstant(*bound)) {
        double value =
            (*constant.getValues<APFloat>().begin()).convertToDouble();
        (index == 1 ? lo : hi) = value;
        continue;
      }
      // A bound computed at run time: read it as a broadcast operand.
      boundInputs.push_back(createReshape(*bound, {}));
      (index == 1 ? lo : hi) = std::numeric_limits<double>::quiet_NaN();
    }
  }
  SmallVector<Value> operands = {*x};
  operands.append(boundInputs);
  bool loInput = lo && std::isnan(*lo), hiInput = hi && std::isnan(*hi);
  FailureOr<Value> result = createBroadcastingGeneric(
      operands, element,
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        int next = 1;
        auto bound = [&](std::optional<double> value, bool isInput) -> Value {
          if (!value)
            return {};
          if (isInput)
            return args[next++];
          return arith::ConstantOp::create(b, b.getFloatAttr(element, *value));
        };
        Value loValue = bound(lo, loInput);
        Value hiValue = bound(hi, hiInput);
        return createClamp(b, args[0], loValue, hiValue);
      });
  if (failed(result))
    return failure();
  setOutput(node, 0, *result);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions: Softmax, ReduceMean
//===----------------------------------------------------------------------===//

/// Reduces `x` over the `reduced` dimensions with `combine`, starting from
/// `initial`; the result keeps them as size 1 when `keepDims`.
static Value createReduction(
    Importer &importer, Value x, ArrayRef<bool> reduced, bool keepDims,
    double initial,
    function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> combine) {
  ImplicitLocOpBuilder &b = importer.builder();
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> outputExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    iterators.push_back(reduced[dim] ? utils::IteratorType::reduction
                                     : utils::IteratorType::parallel);
    if (!reduced[dim]) {
      shape.push_back(type.getDimSize(dim));
      outputExprs.push_back(b.getAffineDimExpr(dim));
    } else if (keepDims) {
      shape.push_back(1);
      outputExprs.push_back(b.getAffineConstantExpr(0));
    }
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value init = importer.createFill(resultType, initial);
  auto outputMap =
      AffineMap::get(type.getRank(), 0, outputExprs, b.getContext());
  return importer.createGeneric(
      resultType, ValueRange{x}, {b.getMultiDimIdentityMap(type.getRank())},
      [&](ImplicitLocOpBuilder &nested, ValueRange args) {
        return combine(nested, args[0], args[1]);
      },
      iterators, init, outputMap);
}

LogicalResult Importer::importSoftmax(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element) || type.getRank() == 0)
    return fail("the input must be a float tensor of rank 1 or more");
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = getInt(node, "axis", opset < 13 ? 1 : -1);
  if (failed(axis))
    return failure();
  if (*axis < -rank || *axis >= rank)
    return fail("axis " + Twine(*axis) + " is out of range for rank " +
                Twine(rank));
  int64_t normalized = *axis < 0 ? *axis + rank : *axis;
  // Before opset 13, Softmax works on the input coerced to 2-D at `axis`.
  Value operand = *x;
  int64_t reducedDim = normalized;
  if (opset < 13) {
    int64_t rows = 1, columns = 1;
    for (int64_t dim = 0; dim < rank; ++dim)
      (dim < normalized ? rows : columns) *= type.getDimSize(dim);
    operand = createReshape(*x, {rows, columns});
    reducedDim = 1;
  }
  auto operandType = cast<RankedTensorType>(operand.getType());
  int64_t operandRank = operandType.getRank();
  SmallVector<bool> reduced(operandRank, false);
  reduced[reducedDim] = true;
  Value max = createReduction(
      *this, operand, reduced, /*keepDims=*/true,
      -std::numeric_limits<double>::infinity(),
      [](ImplicitLocOpBuilder &b, Value in, Value acc) -> Value {
        return arith::MaximumFOp::create(b, in, acc);
      });
  AffineMap identity = b.getMultiDimIdentityMap(operandRank);
  AffineMap keptMap = getBroadcastMap(
      cast<RankedTensorType>(max.getType()).getShape(), operandType.getShape());
  Value exp =
      createGeneric(operandType, ValueRange{operand, max}, {identity, keptMap},
                    [](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
                      return math::ExpOp::create(
                          b, arith::SubFOp::create(b, args[0], args[1]));
                    });
  Value sum = createReduction(
      *this, exp, reduced, /*keepDims=*/true, 0.0,
      [](ImplicitLocOpBuilder &b, Value in, Value acc) -> Value {
        return arith::AddFOp::create(b, in, acc);
      });
  Value result =
      createGeneric(operandType, ValueRange{exp, sum}, {identity, keptMap},
                    [](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
                      return arith::DivFOp::create(b, args[0], args[1]);
                    });
  setOutput(node, 0, createReshape(result, type.getShape()));
  return success();
}

/// Divides every element of `x` by `count`, as torch-mlir ends a mean.
static Value createDivideByCount(Importer &importer, Value x, double count) {
  auto type = cast<RankedTensorType>(x.getType());
  Value divisor = importer.createScalar(type.getElementType(), count);
  return importer.createGeneric(
      type, ValueRange{x},
      {importer.builder().getMultiDimIdentityMap(type.getRank())},
      [&](ImplicitLocOpBuilder &b, ValueRange args) -> Value {
        return arith::DivFOp::create(b, args[0], divisor);
      });
}

LogicalResult Importer::importReduceMean(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x =
      staticInput(node, 0, "input data");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  if (!isa<FloatType>(type.getElementType()))
    return fail("data must be a float tensor");
  int64_t rank = type.getRank();
  FailureOr<int64_t> keepDims = getInt(node, "keepdims", 1);
  FailureOr<int64_t> noopWithEmptyAxes =
      getInt(node, "noop_with_empty_axes", 0);
  if (failed(keepDims) || failed(noopWithEmptyAxes))
    return failure();
  // Opset 18 moved the axes from an attribute to an optional input.
  SmallVector<int64_t> axes;
  if (opset < 18) {
    auto attribute = getInts(node, "axes");
    if (failed(attribute))
      return failure();
    if (*attribute)
      axes = **attribute;
  } else {
    FailureOr<Value> axesInput = input(node, 1, /*optional=*/true);
    if (failed(axesInput))
      return failure();
    if (*axesInput) {
      FailureOr<SmallVector<int64_t>> values =
          getConstantInts(*axesInput, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  }
  if (axes.empty() && *noopWithEmptyAxes) {
    setOutput(node, 0, *x);
    return success();
  }
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      return fail("axis " + Twine(axis) + " is out of range for rank " +
                  Twine(rank));
    reduced[axis < 0 ? axis + rank : axis] = true;
  }
  double count = 1;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (reduced[dim])
      count *= type.getDimSize(dim);
  Value sum = createReduction(
      *this, *x, reduced, *keepDims != 0, 0.0,
      [](ImplicitLocOpBuilder &b, Value in, Value acc) -> Value {
        return arith::AddFOp::create(b, in, acc);
      });
  setOutput(node, 0, createDivideByCount(*this, sum, count));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

LogicalResult Importer::importBatchNormalization(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input X");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element) || type.getRank() < 2)
    return fail("X must be a float tensor of rank 2 or more");
  FailureOr<float> epsilon = getFloat(node, "epsilon", 1e-5f);
  FailureOr<int64_t> training = getInt(node, "training_mode", 0);
  if (failed(epsilon) || failed(training))
    return failure();
  if (*training)
    return fail("training_mode is not supported (only inference)");
  for (int index = 1; index < node.output_size(); ++index)
    if (!node.output(index).empty())
      return fail("the running mean and variance outputs are training "
                  "outputs, which are not supported");
  int64_t rank = type.getRank(), channels = type.getDimSize(1);
  SmallVector<int64_t> paramShape(rank, 1);
  paramShape[1] = channels;

  // scale, B, mean, var: [C] each.
  SmallVector<Value> params;
  for (int index = 1; index <= 4; ++index) {
    FailureOr<Value> param = input(node, index);
    if (failed(param))
      return failure();
    auto paramType = dyn_cast<RankedTensorType>(param->getType());
    if (!paramType || paramType.getShape() != ArrayRef<int64_t>{channels} ||
        paramType.getElementType() != element)
      return fail("input " + Twine(index) + " must be a [" + Twine(channels) +
                  "] tensor of X's element type");
    params.push_back(*param);
  }
  // (x - mean) * invstd * scale + B, four generics as torch-mlir decomposes
  // aten.batch_norm; invstd is folded to a constant when var is one.
  Value invstd;
  DenseElementsAttr variance = getConstant(params[3]);
  auto paramType = RankedTensorType::get(paramShape, element);
  if (variance && element.isF32()) {
    SmallVector<float> values;
    for (float v : variance.getValues<float>())
      values.push_back(1.0f / std::sqrt(v + *epsilon));
    invstd =
        createConstant(DenseElementsAttr::get(paramType, ArrayRef(values)));
  } else {
    Value eps = createScalar(element, *epsilon);
    invstd = createGeneric(
        cast<RankedTensorType>(params[3].getType()), ValueRange{params[3]},
        {b.getMultiDimIdentityMap(1)},
        [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
          Value sum = arith::AddFOp::create(nested, args[0], eps);
          return math::RsqrtOp::create(nested, sum);
        });
    invstd = createReshape(invstd, paramShape);
  }
  auto reshaped = [&](Value param) -> Value {
    if (DenseElementsAttr elements = getConstant(param))
      return createConstant(elements.reshape(paramType));
    return createReshape(param, paramShape);
  };
  Value scale = reshaped(params[0]), bias = reshaped(params[1]),
        mean = reshaped(params[2]);
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  AffineMap channelMap = getBroadcastMap(paramShape, type.getShape());
  auto step = [&](Value lhs, Value rhs, StringRef kind) {
    return createGeneric(
        type, ValueRange{lhs, rhs}, {identity, channelMap},
        [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
          if (kind == "sub")
            return arith::SubFOp::create(nested, args[0], args[1]);
          if (kind == "add")
            return arith::AddFOp::create(nested, args[0], args[1]);
          return arith::MulFOp::create(nested, args[0], args[1]);
        });
  };
  Value centered = step(*x, mean, "sub");
  Value normalized = step(centered, invstd, "mul");
  Value scaled = step(normalized, scale, "mul");
  setOutput(node, 0, step(scaled, bias, "add"));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

LogicalResult Importer::importMaxPool(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  if (node.output_size() > 1 && !node.output(1).empty())
    return fail("the Indices output is not supported");
  FailureOr<RankedTensorType> type = getImageType(*this, *x);
  if (failed(type))
    return failure();
  FailureOr<SmallVector<int64_t>> kernel = readKernelShape(*this, node, 2);
  if (failed(kernel))
    return failure();
  FailureOr<Window> window = readWindow(*this, node, type->getShape(), *kernel,
                                        /*allowCeilMode=*/true);
  if (failed(window))
    return failure();
  double lowest = -std::numeric_limits<double>::infinity();
  Value padded = createPad(*x, padding4D(*window, false),
                           padding4D(*window, true), lowest);
  auto outType =
      RankedTensorType::get({type->getDimSize(0), type->getDimSize(1),
                             window->outputSizes[0], window->outputSizes[1]},
                            type->getElementType());
  Value init = createFill(outType, lowest);
  Value shape =
      createEmpty(RankedTensorType::get(*kernel, type->getElementType()));
  Value result = linalg::PoolingNchwMaxOp::create(
                     b, TypeRange{outType}, ValueRange{padded, shape},
                     ValueRange{init}, b.getI64VectorAttr(window->strides),
                     b.getI64VectorAttr(window->dilations))
                     .getResult(0);
  setOutput(node, 0, result);
  return success();
}

/// A linalg.pooling_nchw_sum of `padded` with `kernel` into a zero fill.
static Value createSumPool(Importer &importer, Value padded,
                           ArrayRef<int64_t> kernel, const Window &window,
                           RankedTensorType outType) {
  ImplicitLocOpBuilder &b = importer.builder();
  Value init = importer.createFill(outType, 0.0);
  Value shape = importer.createEmpty(
      RankedTensorType::get(kernel, outType.getElementType()));
  return linalg::PoolingNchwSumOp::create(
             b, TypeRange{outType}, ValueRange{padded, shape}, ValueRange{init},
             b.getI64VectorAttr(window.strides),
             b.getI64VectorAttr(window.dilations))
      .getResult(0);
}

LogicalResult Importer::importAveragePool(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getImageType(*this, *x);
  if (failed(type))
    return failure();
  FailureOr<SmallVector<int64_t>> kernel = readKernelShape(*this, node, 2);
  FailureOr<int64_t> countIncludePad = getInt(node, "count_include_pad", 0);
  if (failed(kernel) || failed(countIncludePad))
    return failure();
  // The window over the ONNX pads alone, to tell them from the padding
  // that ceil_mode adds, which no count includes.
  FailureOr<Window> window = readWindow(*this, node, type->getShape(), *kernel,
                                        /*allowCeilMode=*/true);
  if (failed(window))
    return failure();
  Value padded =
      createPad(*x, padding4D(*window, false), padding4D(*window, true), 0.0);
  auto outType =
      RankedTensorType::get({type->getDimSize(0), type->getDimSize(1),
                             window->outputSizes[0], window->outputSizes[1]},
                            type->getElementType());
  Value sum = createSumPool(*this, padded, *kernel, *window, outType);

  // The number of elements each window averages: those of the input, or
  // with count_include_pad those of the op's own padding too, never the
  // padding ceil_mode adds.
  SmallVector<SmallVector<double>> counts(2);
  bool uniform = true;
  for (int i = 0; i < 2; ++i) {
    int64_t size = type->getDimSize(2 + i);
    int64_t first = *countIncludePad ? -window->low[i] : 0;
    int64_t last = *countIncludePad
                       ? size + window->high[i] - window->ceilPadding[i]
                       : size;
    for (int64_t out = 0; out < window->outputSizes[i]; ++out) {
      int64_t start = out * window->strides[i] - window->low[i];
      int64_t count = 0;
      for (int64_t k = 0; k < (*kernel)[i]; ++k) {
        int64_t position = start + k * window->dilations[i];
        if (position >= first && position < last)
          ++count;
      }
      counts[i].push_back(count);
      if (count != (*kernel)[i])
        uniform = false;
    }
  }
  if (uniform) {
    setOutput(node, 0,
              createDivideByCount(*this, sum, (*kernel)[0] * (*kernel)[1]));
    return success();
  }
  SmallVector<float> divisors;
  for (double rows : counts[0])
    for (double columns : counts[1])
      divisors.push_back(static_cast<float>(rows * columns));
  auto divisorType = RankedTensorType::get(
      {window->outputSizes[0], window->outputSizes[1]}, b.getF32Type());
  Value divisor =
      createConstant(DenseElementsAttr::get(divisorType, ArrayRef(divisors)));
  AffineExpr d0, d1, d2, d3;
  bindDims(&context, d0, d1, d2, d3);
  Value result = createGeneric(
      outType, ValueRange{sum, divisor},
      {b.getMultiDimIdentityMap(4), AffineMap::get(4, 0, {d2, d3}, &context)},
      [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
        Value count = args[1];
        if (count.getType() != args[0].getType())
          count = arith::ExtFOp::create(nested, args[0].getType(), count);
        return arith::DivFOp::create(nested, args[0], count);
      });
  setOutput(node, 0, result);
  return success();
}

LogicalResult Importer::importGlobalAveragePool(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> type = getImageType(*this, *x);
  if (failed(type))
    return failure();
  // As torch-mlir decomposes adaptive_avg_pool2d to 1x1: a sum pool whose
  // kernel and stride are the whole image, divided by its size.
  int64_t height = type->getDimSize(2), width = type->getDimSize(3);
  Window window;
  window.strides = {height, width};
  window.dilations = {1, 1};
  auto outType = RankedTensorType::get(
      {type->getDimSize(0), type->getDimSize(1), 1, 1}, type->getElementType());
  Value sum = createSumPool(*this, *x, {height, width}, window, outType);
  setOutput(node, 0, createDivideByCount(*this, sum, height * width));
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

/// `value` reshaped to `shape`: a constant stays a constant.
static Value reshapeValue(Importer &importer, Value value,
                          ArrayRef<int64_t> shape) {
  if (DenseElementsAttr elements = importer.getConstant(value)) {
    auto type = RankedTensorType::get(shape, elements.getElementType());
    if (elements.getType() == type)
      return value;
    return importer.createConstant(elements.reshape(type));
  }
  return importer.createReshape(value, shape);
}

LogicalResult Importer::importFlatten(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = getInt(node, "axis", 1);
  if (failed(axis))
    return failure();
  if (*axis < -rank || *axis > rank)
    return fail("axis " + Twine(*axis) + " is out of range for rank " +
                Twine(rank));
  int64_t split = *axis < 0 ? *axis + rank : *axis;
  int64_t rows = 1, columns = 1;
  for (int64_t dim = 0; dim < rank; ++dim)
    (dim < split ? rows : columns) *= type.getDimSize(dim);
  setOutput(node, 0, reshapeValue(*this, *x, {rows, columns}));
  return success();
}

LogicalResult Importer::importReshape(const onnx::NodeProto &node) {
  if (opset < 5)
    return fail("Reshape before opset 5 is not supported");
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "data");
  if (failed(x))
    return failure();
  FailureOr<Value> shapeInput = input(node, 1);
  if (failed(shapeInput))
    return failure();
  RankedTensorType type = x->getType();
  FailureOr<SmallVector<int64_t>> requested =
      getConstantInts(*shapeInput, "the shape (a value the importer can "
                                   "compute from constants and static shapes)");
  if (failed(requested))
    return failure();
  FailureOr<int64_t> allowZero = getInt(node, "allowzero", 0);
  if (failed(allowZero))
    return failure();
  SmallVector<int64_t> shape;
  int64_t known = 1;
  std::optional<size_t> inferred;
  for (auto [index, dim] : llvm::enumerate(*requested)) {
    if (dim == 0 && !*allowZero) {
      if (index >= static_cast<size_t>(type.getRank()))
        return fail("shape copies dimension " + Twine(index) +
                    ", which the input does not have");
      dim = type.getDimSize(index);
    }
    if (dim == -1) {
      if (inferred)
        return fail("shape has more than one -1");
      inferred = index;
      shape.push_back(1);
      continue;
    }
    if (dim < 0)
      return fail("shape has the negative size " + Twine(dim));
    shape.push_back(dim);
    known *= dim;
  }
  int64_t count = type.getNumElements();
  if (inferred) {
    if (known == 0 || count % known)
      return fail("cannot infer the -1 of the shape from " + Twine(count) +
                  " elements");
    shape[*inferred] = count / known;
  } else if (known != count) {
    return fail("shape holds " + Twine(known) + " elements, the input " +
                Twine(count));
  }
  setOutput(node, 0, reshapeValue(*this, *x, shape));
  return success();
}

LogicalResult Importer::importTranspose(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  int64_t rank = type.getRank();
  auto perm = getInts(node, "perm");
  if (failed(perm))
    return failure();
  SmallVector<int64_t> permutation;
  if (*perm)
    permutation = **perm;
  else
    for (int64_t dim = rank - 1; dim >= 0; --dim)
      permutation.push_back(dim);
  SmallVector<bool> seen(rank, false);
  if (static_cast<int64_t>(permutation.size()) != rank)
    return fail("perm has " + Twine(permutation.size()) + " entries for rank " +
                Twine(rank));
  for (int64_t dim : permutation) {
    if (dim < 0 || dim >= rank || seen[dim])
      return fail("perm is not a permutation of the dimensions");
    seen[dim] = true;
  }
  setOutput(node, 0, createTranspose(*x, permutation));
  return success();
}

LogicalResult Importer::importConcat(const onnx::NodeProto &node) {
  SmallVector<Value> operands;
  SmallVector<RankedTensorType> types;
  for (int index = 0; index < node.input_size(); ++index) {
    FailureOr<Value> operand = input(node, index);
    if (failed(operand))
      return failure();
    FailureOr<RankedTensorType> type = getStaticType(*operand, "an input");
    if (failed(type))
      return failure();
    operands.push_back(*operand);
    types.push_back(*type);
  }
  if (operands.empty())
    return fail("Concat needs at least one input");
  int64_t rank = types.front().getRank();
  FailureOr<int64_t> axis = getInt(node, "axis", 0);
  if (failed(axis))
    return failure();
  if (rank == 0 || *axis < -rank || *axis >= rank)
    return fail("axis " + Twine(*axis) + " is out of range for rank " +
                Twine(rank));
  int64_t dim = *axis < 0 ? *axis + rank : *axis;
  for (RankedTensorType type : types) {
    if (type.getRank() != rank ||
        type.getElementType() != types.front().getElementType())
      return fail("the inputs differ in rank or element type");
    for (int64_t other = 0; other < rank; ++other)
      if (other != dim && type.getDimSize(other) != types[0].getDimSize(other))
        return fail("the inputs differ in dimension " + Twine(other));
  }
  // Shape vectors built from constants fold.
  Type element = types.front().getElementType();
  if (rank == 1 && element.isSignlessInteger() &&
      llvm::all_of(operands, [&](Value v) { return getConstant(v); })) {
    SmallVector<int64_t> values;
    for (Value operand : operands)
      for (const APInt &value : getConstant(operand).getValues<APInt>())
        values.push_back(value.getSExtValue());
    setOutput(node, 0,
              createIntTensor(values, {int64_t(values.size())}, element));
    return success();
  }
  // Empty inputs contribute nothing; tensor.concat rejects none of them,
  // but a single input is the input itself.
  SmallVector<Value> nonEmpty;
  for (auto [operand, type] : llvm::zip(operands, types))
    if (type.getDimSize(dim) != 0)
      nonEmpty.push_back(operand);
  if (nonEmpty.size() == 1) {
    setOutput(node, 0, nonEmpty.front());
    return success();
  }
  if (nonEmpty.empty())
    nonEmpty.push_back(operands.front());
  setOutput(node, 0, tensor::ConcatOp::create(b, dim, nonEmpty));
  return success();
}

/// The axes of Squeeze/Unsqueeze: an attribute before opset 13, an input
/// from opset 13 on.
static FailureOr<std::optional<SmallVector<int64_t>>>
readAxes(Importer &importer, const onnx::NodeProto &node) {
  if (importer.getOpset() < 13)
    return importer.getInts(node, "axes");
  FailureOr<Value> axes = importer.input(node, 1, /*optional=*/true);
  if (failed(axes))
    return failure();
  if (!*axes)
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> values =
      importer.getConstantInts(*axes, "axes");
  if (failed(values))
    return failure();
  return std::optional<SmallVector<int64_t>>(*values);
}

LogicalResult Importer::importSqueeze(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "data");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  auto axes = readAxes(*this, node);
  if (failed(axes))
    return failure();
  int64_t rank = type.getRank();
  SmallVector<bool> dropped(rank, false);
  if (*axes) {
    for (int64_t axis : **axes) {
      if (axis < -rank || axis >= rank)
        return fail("axis " + Twine(axis) + " is out of range for rank " +
                    Twine(rank));
      int64_t dim = axis < 0 ? axis + rank : axis;
      if (type.getDimSize(dim) != 1)
        return fail("dimension " + Twine(dim) + " has size " +
                    Twine(type.getDimSize(dim)) + ", not 1");
      dropped[dim] = true;
    }
  } else {
    for (int64_t dim = 0; dim < rank; ++dim)
      dropped[dim] = type.getDimSize(dim) == 1;
  }
  SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!dropped[dim])
      shape.push_back(type.getDimSize(dim));
  setOutput(node, 0, reshapeValue(*this, *x, shape));
  return success();
}

LogicalResult Importer::importUnsqueeze(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "data");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  auto axes = readAxes(*this, node);
  if (failed(axes))
    return failure();
  if (!*axes)
    return fail("axes are required");
  int64_t rank = type.getRank() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : **axes) {
    if (axis < -rank || axis >= rank)
      return fail("axis " + Twine(axis) + " is out of range for rank " +
                  Twine(rank));
    int64_t dim = axis < 0 ? axis + rank : axis;
    if (inserted[dim])
      return fail("axis " + Twine(axis) + " is given twice");
    inserted[dim] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t dim = 0; dim < rank; ++dim)
    shape.push_back(inserted[dim] ? 1 : type.getDimSize(next++));
  setOutput(node, 0, reshapeValue(*this, *x, shape));
  return success();
}

LogicalResult Importer::importSlice(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "data");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    auto startsAttr = getInts(node, "starts"), endsAttr = getInts(node, "ends"),
         axesAttr = getInts(node, "axes");
    if (failed(startsAttr) || failed(endsAttr) || failed(axesAttr))
      return failure();
    if (!*startsAttr || !*endsAttr)
      return fail("starts and ends are required");
    starts = **startsAttr;
    ends = **endsAttr;
    if (*axesAttr)
      axes = **axesAttr;
  } else {
    const char *names[] = {"starts", "ends", "axes", "steps"};
    SmallVector<int64_t> *lists[] = {&starts, &ends, &axes, &steps};
    for (int index = 1; index <= 4; ++index) {
      FailureOr<Value> operand = input(node, index, /*optional=*/index > 2);
      if (failed(operand))
        return failure();
      if (!*operand)
        continue;
      FailureOr<SmallVector<int64_t>> values =
          getConstantInts(*operand, names[index - 1]);
      if (failed(values))
        return failure();
      *lists[index - 1] = *values;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return fail("starts, ends, axes and steps differ in length");

  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes[i];
    if (axis < -rank || axis >= rank)
      return fail("axis " + Twine(axis) + " is out of range for rank " +
                  Twine(rank));
    axis = axis < 0 ? axis + rank : axis;
    if (seen[axis])
      return fail("axis " + Twine(axes[i]) + " is given twice");
    seen[axis] = true;
    int64_t size = type.getDimSize(axis), step = steps[i];
    if (step == 0)
      return fail("a step is 0");
    // ONNX's clamping: negative indices count from the end; starts clamp to
    // [0, size] (or [0, size - 1] stepping back), ends to [-1, size].
    auto adjust = [&](int64_t index) {
      if (index < 0)
        index = index < -size ? -size - 1 : index;
      return index < 0 ? index + size : index;
    };
    int64_t start = adjust(starts[i]), end = adjust(ends[i]);
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, size);
      end = std::clamp<int64_t>(end, 0, size);
    } else {
      start = std::clamp<int64_t>(start, 0, size - 1);
      end = std::clamp<int64_t>(end, -1, size - 1);
    }
    int64_t count =
        step > 0 ? std::max<int64_t>(0, (end - start + step - 1) / step)
                 : std::max<int64_t>(0, (start - end - step - 1) / -step);
    offsets[axis] = start;
    sizes[axis] = count;
    strides[axis] = step;
  }

  // Shape vectors fold.
  if (DenseElementsAttr elements = getConstant(*x);
      elements && rank == 1 && elements.getElementType().isSignlessInteger()) {
    SmallVector<int64_t> values;
    for (const APInt &value : elements.getValues<APInt>())
      values.push_back(value.getSExtValue());
    SmallVector<int64_t> result;
    for (int64_t i = 0; i < sizes[0]; ++i)
      result.push_back(values[offsets[0] + i * strides[0]]);
    setOutput(node, 0,
              createIntTensor(result, {int64_t(result.size())},
                              elements.getElementType()));
    return success();
  }
  // An empty slice reads nothing; its offsets need not lie inside.
  if (llvm::is_contained(sizes, 0))
    llvm::fill(offsets, 0);
  auto resultType = RankedTensorType::get(sizes, type.getElementType());
  if (llvm::all_of(strides, [](int64_t s) { return s > 0; })) {
    SmallVector<OpFoldResult> offsetAttrs, sizeAttrs, strideAttrs;
    for (int64_t dim = 0; dim < rank; ++dim) {
      offsetAttrs.push_back(b.getIndexAttr(offsets[dim]));
      sizeAttrs.push_back(b.getIndexAttr(sizes[dim]));
      strideAttrs.push_back(b.getIndexAttr(strides[dim]));
    }
    setOutput(node, 0,
              tensor::ExtractSliceOp::create(b, resultType, *x, offsetAttrs,
                                             sizeAttrs, strideAttrs));
    return success();
  }
  // A negative step reads backwards: a generic with the map start + step*d.
  SmallVector<AffineExpr> exprs;
  for (int64_t dim = 0; dim < rank; ++dim)
    exprs.push_back(b.getAffineDimExpr(dim) * strides[dim] + offsets[dim]);
  if (llvm::is_contained(sizes, 0)) {
    setOutput(node, 0, createEmpty(resultType));
    return success();
  }
  setOutput(node, 0,
            createGeneric(resultType, ValueRange{*x},
                          {AffineMap::get(rank, 0, exprs, &context)},
                          [](ImplicitLocOpBuilder &, ValueRange args) {
                            return args[0];
                          }));
  return success();
}

LogicalResult Importer::importGather(const onnx::NodeProto &node) {
  FailureOr<Value> data = input(node, 0), indices = input(node, 1);
  if (failed(data) || failed(indices))
    return failure();
  FailureOr<RankedTensorType> dataType = getStaticType(*data, "data");
  FailureOr<RankedTensorType> indexType = getStaticType(*indices, "indices");
  if (failed(dataType) || failed(indexType))
    return failure();
  if (!indexType->getElementType().isInteger(64) &&
      !indexType->getElementType().isInteger(32))
    return fail("indices must be int32 or int64");
  int64_t rank = dataType->getRank();
  FailureOr<int64_t> axis = getInt(node, "axis", 0);
  if (failed(axis))
    return failure();
  if (rank == 0 || *axis < -rank || *axis >= rank)
    return fail("axis " + Twine(*axis) + " is out of range for rank " +
                Twine(rank));
  int64_t dim = *axis < 0 ? *axis + rank : *axis;
  int64_t size = dataType->getDimSize(dim);
  SmallVector<int64_t> shape(dataType->getShape().take_front(dim));
  llvm::append_range(shape, indexType->getShape());
  llvm::append_range(shape, dataType->getShape().drop_front(dim + 1));

  // Shape arithmetic folds: a 1-D int64 constant gathered by constants.
  DenseElementsAttr dataConstant = getConstant(*data);
  DenseElementsAttr indexConstant = getConstant(*indices);
  if (dataConstant && indexConstant && rank == 1 &&
      dataConstant.getElementType().isSignlessInteger()) {
    SmallVector<int64_t> values;
    for (const APInt &value : dataConstant.getValues<APInt>())
      values.push_back(value.getSExtValue());
    SmallVector<int64_t> result;
    for (const APInt &index : indexConstant.getValues<APInt>()) {
      int64_t i = index.getSExtValue();
      if (i < -size || i >= size)
        return fail("index " + Twine(i) + " is out of range for size " +
                    Twine(size));
      result.push_back(values[i < 0 ? i + size : i]);
    }
    setOutput(node, 0,
              createIntTensor(result, shape, dataConstant.getElementType()));
    return success();
  }
  if (indexConstant) {
    for (const APInt &index : indexConstant.getValues<APInt>())
      if (index.getSExtValue() < -size || index.getSExtValue() >= size)
        return fail("index " + Twine(index.getSExtValue()) +
                    " is out of range for size " + Twine(size));
  }
  if (size == 0)
    return fail("cannot gather from an empty dimension");
  // out[a..., i..., b...] = data[a..., indices[i...], b...]. An index out of
  // range, which ONNX leaves undefined, is clamped so that the read stays
  // inside the tensor.
  int64_t indexRank = indexType->getRank();
  int64_t resultRank = shape.size();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t i = 0; i < indexRank; ++i)
    indexExprs.push_back(b.getAffineDimExpr(dim + i));
  auto indexMap = AffineMap::get(resultRank, 0, indexExprs, &context);
  auto resultType = RankedTensorType::get(shape, dataType->getElementType());
  Value source = *data;
  Value result = createGeneric(
      resultType, ValueRange{*indices}, {indexMap},
      [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
        Value index =
            arith::IndexCastOp::create(nested, nested.getIndexType(), args[0]);
        Value sizeValue = arith::ConstantIndexOp::create(nested, size);
        Value zero = arith::ConstantIndexOp::create(nested, 0);
        Value last = arith::ConstantIndexOp::create(nested, size - 1);
        Value negative = arith::CmpIOp::create(
            nested, arith::CmpIPredicate::slt, index, zero);
        Value wrapped = arith::SelectOp::create(
            nested, negative, arith::AddIOp::create(nested, index, sizeValue),
            index);
        Value clamped = arith::MaxSIOp::create(
            nested, zero, arith::MinSIOp::create(nested, wrapped, last));
        SmallVector<Value> coordinates;
        for (int64_t i = 0; i < dim; ++i)
          coordinates.push_back(linalg::IndexOp::create(nested, i));
        coordinates.push_back(clamped);
        for (int64_t i = dim + indexRank; i < resultRank; ++i)
          coordinates.push_back(linalg::IndexOp::create(nested, i));
        return tensor::ExtractOp::create(nested, source, coordinates);
      });
  setOutput(node, 0, result);
  return success();
}

LogicalResult Importer::importCast(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "input");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  FailureOr<int64_t> to = getInt(node, "to", 0);
  if (failed(to))
    return failure();
  Type target = getElementType(*to);
  if (!target || target.isUnsignedInteger())
    return fail("casts to data type " + Twine(*to) + " are not supported");
  Type source = type.getElementType();
  if (source.isUnsignedInteger())
    return fail("casts from unsigned types are not supported");
  if (source == target) {
    setOutput(node, 0, *x);
    return success();
  }
  // Integer shape vectors fold.
  if (DenseElementsAttr elements = getConstant(*x);
      elements && source.isSignlessInteger() && target.isSignlessInteger() &&
      !target.isInteger(1) && elements.getNumElements() <= 64) {
    SmallVector<int64_t> values;
    for (const APInt &value : elements.getValues<APInt>())
      values.push_back(source.isInteger(1) ? value.getZExtValue()
                                           : value.getSExtValue());
    setOutput(node, 0, createIntTensor(values, type.getShape(), target));
    return success();
  }
  auto resultType = RankedTensorType::get(type.getShape(), target);
  Value result = createGeneric(
      resultType, ValueRange{*x}, {b.getMultiDimIdentityMap(type.getRank())},
      [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
        Value v = args[0];
        bool fromFloat = isa<FloatType>(source),
             toFloat = isa<FloatType>(target);
        if (target.isInteger(1)) {
          if (fromFloat)
            return arith::CmpFOp::create(
                nested, arith::CmpFPredicate::UNE, v,
                arith::ConstantOp::create(nested,
                                          nested.getFloatAttr(source, 0.0)));
          return arith::CmpIOp::create(
              nested, arith::CmpIPredicate::ne, v,
              arith::ConstantOp::create(nested,
                                        nested.getIntegerAttr(source, 0)));
        }
        if (fromFloat && toFloat)
          return source.getIntOrFloatBitWidth() < target.getIntOrFloatBitWidth()
                     ? arith::ExtFOp::create(nested, target, v).getResult()
                     : arith::TruncFOp::create(nested, target, v).getResult();
        if (fromFloat)
          return arith::FPToSIOp::create(nested, target, v);
        if (toFloat)
          return source.isInteger(1)
                     ? arith::UIToFPOp::create(nested, target, v).getResult()
                     : arith::SIToFPOp::create(nested, target, v).getResult();
        if (source.getIntOrFloatBitWidth() < target.getIntOrFloatBitWidth())
          return source.isInteger(1)
                     ? arith::ExtUIOp::create(nested, target, v).getResult()
                     : arith::ExtSIOp::create(nested, target, v).getResult();
        return arith::TruncIOp::create(nested, target, v);
      });
  setOutput(node, 0, result);
  return success();
}

LogicalResult Importer::importConstant(const onnx::NodeProto &node) {
  if (node.attribute_size() != 1)
    return fail("Constant needs exactly one attribute");
  const onnx::AttributeProto &attribute = node.attribute(0);
  StringRef name = attribute.name();
  if (name == "value") {
    if (attribute.type() != onnx::AttributeProto::TENSOR)
      return fail("attribute 'value' is not a tensor");
    FailureOr<DenseElementsAttr> elements = readTensor(attribute.t());
    if (failed(elements))
      return failure();
    setOutput(node, 0, createConstant(*elements));
    return success();
  }
  if (name == "value_float" &&
      attribute.type() == onnx::AttributeProto::FLOAT) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    setOutput(node, 0,
              createConstant(DenseElementsAttr::get(type, attribute.f())));
    return success();
  }
  if (name == "value_floats" &&
      attribute.type() == onnx::AttributeProto::FLOATS) {
    SmallVector<float> values(attribute.floats().begin(),
                              attribute.floats().end());
    auto type = RankedTensorType::get({int64_t(values.size())}, b.getF32Type());
    setOutput(node, 0,
              createConstant(DenseElementsAttr::get(type, ArrayRef(values))));
    return success();
  }
  if (name == "value_int" && attribute.type() == onnx::AttributeProto::INT) {
    setOutput(node, 0, createIntTensor({attribute.i()}, {}));
    return success();
  }
  if (name == "value_ints" && attribute.type() == onnx::AttributeProto::INTS) {
    SmallVector<int64_t> values(attribute.ints().begin(),
                                attribute.ints().end());
    setOutput(node, 0, createIntTensor(values, {int64_t(values.size())}));
    return success();
  }
  return fail("attribute '" + name + "' of this type is not supported");
}

LogicalResult Importer::importIdentity(const onnx::NodeProto &node) {
  FailureOr<Value> x = input(node, 0);
  if (failed(x))
    return failure();
  // Dropout in inference is the identity; in training, or with its mask
  // output, it is not.
  if (node.op_type() == "Dropout") {
    FailureOr<Value> training = input(node, 2, /*optional=*/true);
    if (failed(training))
      return failure();
    if (*training) {
      FailureOr<SmallVector<int64_t>> mode =
          getConstantInts(*training, "training_mode");
      if (failed(mode))
        return failure();
      if (llvm::any_of(*mode, [](int64_t v) { return v != 0; }))
        return fail("training_mode is not supported (only inference)");
    }
    // In inference the mask keeps every element.
    if (node.output_size() > 1 && !node.output(1).empty()) {
      FailureOr<RankedTensorType> type = getStaticType(*x, "data");
      if (failed(type))
        return failure();
      auto maskType = RankedTensorType::get(type->getShape(), b.getI1Type());
      setOutput(node, 1,
                createConstant(DenseElementsAttr::get(maskType, true)));
    }
  }
  setOutput(node, 0, *x);
  return success();
}

LogicalResult Importer::importShape(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "data");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  FailureOr<int64_t> start = getInt(node, "start", 0);
  FailureOr<int64_t> end = getInt(node, "end", INT64_MAX);
  if (failed(start) || failed(end))
    return failure();
  int64_t rank = type.getRank();
  auto clampIndex = [&](int64_t index) {
    if (index < 0)
      index += rank;
    return std::clamp<int64_t>(index, 0, rank);
  };
  int64_t first = clampIndex(*start), last = clampIndex(*end);
  SmallVector<int64_t> dims;
  for (int64_t dim = first; dim < last; ++dim)
    dims.push_back(type.getDimSize(dim));
  setOutput(node, 0, createIntTensor(dims, {int64_t(dims.size())}));
  return success();
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

LogicalResult Importer::importResize(const onnx::NodeProto &node) {
  FailureOr<TypedValue<RankedTensorType>> x = staticInput(node, 0, "X");
  if (failed(x))
    return failure();
  RankedTensorType type = x->getType();
  Type element = type.getElementType();
  if (!isa<FloatType>(element))
    return fail("X must be a float tensor");
  int64_t rank = type.getRank();
  FailureOr<std::string> mode = getString(node, "mode", "nearest");
  FailureOr<std::string> transform =
      getString(node, "coordinate_transformation_mode",
                opset < 11 ? "asymmetric" : "half_pixel");
  FailureOr<std::string> nearestMode =
      getString(node, "nearest_mode", "round_prefer_floor");
  FailureOr<int64_t> antialias = getInt(node, "antialias", 0);
  FailureOr<int64_t> excludeOutside = getInt(node, "exclude_outside", 0);
  if (failed(mode) || failed(transform) || failed(nearestMode) ||
      failed(antialias) || failed(excludeOutside))
    return failure();
  if (*mode != "nearest" && *mode != "linear")
    return fail("mode '" + *mode +
                "' is not supported (nearest and linear "
                "are)");
  if (*antialias)
    return fail("antialias is not supported");
  if (findAttribute(node, "axes") ||
      findAttribute(node, "keep_aspect_ratio_policy"))
    return fail("the axes and keep_aspect_ratio_policy attributes are not "
                "supported");

  // Scales (opset 10: input 1; later: input 2) or sizes (input 3).
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  int scalesIndex = opset < 11 ? 1 : 2;
  FailureOr<Value> scalesInput = input(node, scalesIndex, /*optional=*/true);
  FailureOr<Value> sizesInput = opset < 11 ? FailureOr<Value>(Value())
                                           : input(node, 3, /*optional=*/true);
  if (failed(scalesInput) || failed(sizesInput))
    return failure();
  if (*scalesInput) {
    auto scalesType = dyn_cast<RankedTensorType>(scalesInput->getType());
    if (scalesType && scalesType.getNumElements() == 0)
      *scalesInput = Value();
  }
  if (*scalesInput && *sizesInput)
    return fail("only one of scales and sizes may be given");
  if (*scalesInput) {
    FailureOr<SmallVector<double>> values =
        getConstantFloats(*scalesInput, "scales");
    if (failed(values))
      return failure();
    scales = *values;
    if (static_cast<int64_t>(scales.size()) != rank)
      return fail("scales has " + Twine(scales.size()) + " values for rank " +
                  Twine(rank));
    for (auto [dim, scale] : llvm::enumerate(scales)) {
      if (!(scale > 0))
        return fail("scales must be positive");
      sizes.push_back(static_cast<int64_t>(
          std::floor(type.getDimSize(dim) * static_cast<float>(scale))));
    }
  } else if (*sizesInput) {
    FailureOr<SmallVector<int64_t>> values =
        getConstantInts(*sizesInput, "sizes");
    if (failed(values))
      return failure();
    sizes = *values;
    if (static_cast<int64_t>(sizes.size()) != rank)
      return fail("sizes has " + Twine(sizes.size()) + " values for rank " +
                  Twine(rank));
    for (auto [dim, size] : llvm::enumerate(sizes)) {
      if (size < 1)
        return fail("sizes must be positive");
      scales.push_back(
          static_cast<double>(static_cast<float>(size) / type.getDimSize(dim)));
    }
  } else {
    return fail("one of scales and sizes must be given");
  }

  // Per dimension, the source coordinate of every output index.
  auto sourceCoordinate = [&](int64_t out, int64_t inSize, int64_t outSize,
                              double scale) -> FailureOr<double> {
    double x = out;
    if (*transform == "half_pixel")
      return (x + 0.5) / scale - 0.5;
    if (*transform == "pytorch_half_pixel")
      return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    if (*transform == "align_corners")
      return outSize > 1 ? x * (inSize - 1) / (outSize - 1) : 0.0;
    if (*transform == "asymmetric")
      return x / scale;
    if (*transform == "tf_half_pixel_for_nn")
      return (x + 0.5) / scale;
    return fail("coordinate_transformation_mode '" + *transform +
                "' is not supported");
  };
  struct Taps {
    SmallVector<int64_t> first, second;
    SmallVector<float> weight;
  };
  SmallVector<Taps> taps(rank);
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t inSize = type.getDimSize(dim), outSize = sizes[dim];
    for (int64_t out = 0; out < outSize; ++out) {
      FailureOr<double> coordinate =
          sourceCoordinate(out, inSize, outSize, scales[dim]);
      if (failed(coordinate))
        return failure();
      double c = *coordinate;
      if (*mode == "nearest") {
        double rounded;
        if (*nearestMode == "round_prefer_floor")
          rounded = std::ceil(c - 0.5);
        else if (*nearestMode == "round_prefer_ceil")
          rounded = std::floor(c + 0.5);
        else if (*nearestMode == "floor")
          rounded = std::floor(c);
        else if (*nearestMode == "ceil")
          rounded = std::ceil(c);
        else
          return fail("nearest_mode '" + *nearestMode + "' is not supported");
        int64_t index =
            std::clamp<int64_t>(static_cast<int64_t>(rounded), 0, inSize - 1);
        taps[dim].first.push_back(index);
        taps[dim].second.push_back(index);
        taps[dim].weight.push_back(0.0f);
        continue;
      }
      // Linear: outside the input, the edge value (ONNX pads by edge).
      c = std::clamp(c, 0.0, static_cast<double>(inSize - 1));
      int64_t low = static_cast<int64_t>(std::floor(c));
      int64_t high = std::min(low + 1, inSize - 1);
      taps[dim].first.push_back(low);
      taps[dim].second.push_back(high);
      taps[dim].weight.push_back(static_cast<float>(c - low));
    }
  }
  // The tap tables are constants read per output index; the body reads the
  // 2^k corners of the dimensions that change size and blends them.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> interpolated;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (sizes[dim] == type.getDimSize(dim) && scales[dim] == 1.0)
      continue;
    interpolated.push_back(dim);
    auto indexType = RankedTensorType::get({sizes[dim]}, b.getI64Type());
    auto weightType = RankedTensorType::get({sizes[dim]}, b.getF32Type());
    inputs.push_back(createConstant(
        DenseElementsAttr::get(indexType, ArrayRef(taps[dim].first))));
    inputs.push_back(createConstant(
        DenseElementsAttr::get(indexType, ArrayRef(taps[dim].second))));
    inputs.push_back(createConstant(
        DenseElementsAttr::get(weightType, ArrayRef(taps[dim].weight))));
    AffineMap map =
        AffineMap::get(rank, 0, {b.getAffineDimExpr(dim)}, &context);
    maps.append({map, map, map});
  }
  if (interpolated.size() > 4)
    return fail("more than 4 resized dimensions are not supported");
  auto resultType = RankedTensorType::get(sizes, element);
  if (interpolated.empty()) {
    setOutput(node, 0, *x);
    return success();
  }
  Value source = *x;
  bool linear = *mode == "linear";
  Value result = createGeneric(
      resultType, inputs, maps,
      [&](ImplicitLocOpBuilder &nested, ValueRange args) -> Value {
        SmallVector<Value> baseIndices;
        for (int64_t dim = 0; dim < rank; ++dim)
          baseIndices.push_back(linalg::IndexOp::create(nested, dim));
        auto toIndex = [&](Value v) -> Value {
          return arith::IndexCastOp::create(nested, nested.getIndexType(), v);
        };
        size_t corners = linear ? (size_t(1) << interpolated.size()) : 1;
        Value sum;
        for (size_t corner = 0; corner < corners; ++corner) {
          SmallVector<Value> indices(baseIndices);
          Value weight;
          for (auto [k, dim] : llvm::enumerate(interpolated)) {
            bool upper = (corner >> k) & 1;
            indices[dim] = toIndex(args[3 * k + (upper ? 1 : 0)]);
            if (!linear)
              continue;
            Value w = args[3 * k + 2];
            if (!upper)
              w = arith::SubFOp::create(
                  nested,
                  arith::ConstantOp::create(nested, nested.getF32FloatAttr(1)),
                  w);
            weight = weight
                         ? arith::MulFOp::create(nested, weight, w).getResult()
                         : w;
          }
          Value value = tensor::ExtractOp::create(nested, source, indices);
          if (!linear)
            return value;
          if (element != weight.getType())
            weight = arith::ExtFOp::create(nested, element, weight);
          Value term = arith::MulFOp::create(nested, value, weight);
          sum =
              sum ? arith::AddFOp::create(nested, sum, term).getResult() : term;
        }
        return sum;
      });
  setOutput(node, 0, result);
  return success();
}
