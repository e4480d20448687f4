//===- Importer.cpp - ONNX ModelProto to MLIR -----------------------------===//
//
// The driver of the ONNX importer: checks the model's opsets, makes the
// graph's inputs the arguments of func.func @main and its initializers
// constants, imports the nodes in order (an ONNX graph is topologically
// sorted), and returns the graph's outputs. Also the helpers every op
// importer shares: attributes, constants, tensors, broadcasting generics.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "qsim/Dialect/QSim/IR/QSimDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/stubs/logging.h>

#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qsim;
using namespace mlir::qsim::onnx_import;

/// The largest tensor the importer reads: 2^32 elements, far beyond any
/// model this CPU simulator runs, and small enough that byte counts of any
/// element type fit in int64.
static constexpr int64_t kMaxTensorElements = int64_t(1) << 32;

//===----------------------------------------------------------------------===//
// Construction and the graph
//===----------------------------------------------------------------------===//

Importer::Importer(MLIRContext &context, const onnx::ModelProto &model,
                   StringRef modelPath, const ONNXImportOptions &options)
    : context(context), model(model), modelPath(modelPath.str()),
      options(options), b(UnknownLoc::get(&context), &context) {
  importers = {
      {"Conv", &Importer::importConv},
      {"ConvTranspose", &Importer::importConvTranspose},
      {"Gemm", &Importer::importGemm},
      {"MatMul", &Importer::importMatMul},
      {"Add", &Importer::importBinary},
      {"Sub", &Importer::importBinary},
      {"Mul", &Importer::importBinary},
      {"Div", &Importer::importBinary},
      {"Relu", &Importer::importUnary},
      {"LeakyRelu", &Importer::importUnary},
      {"Sigmoid", &Importer::importUnary},
      {"HardSigmoid", &Importer::importUnary},
      {"HardSwish", &Importer::importUnary},
      {"Tanh", &Importer::importUnary},
      {"Clip", &Importer::importClip},
      {"Softmax", &Importer::importSoftmax},
      {"BatchNormalization", &Importer::importBatchNormalization},
      {"MaxPool", &Importer::importMaxPool},
      {"AveragePool", &Importer::importAveragePool},
      {"GlobalAveragePool", &Importer::importGlobalAveragePool},
      {"ReduceMean", &Importer::importReduceMean},
      {"Flatten", &Importer::importFlatten},
      {"Reshape", &Importer::importReshape},
      {"Transpose", &Importer::importTranspose},
      {"Concat", &Importer::importConcat},
      {"Squeeze", &Importer::importSqueeze},
      {"Unsqueeze", &Importer::importUnsqueeze},
      {"Slice", &Importer::importSlice},
      {"Gather", &Importer::importGather},
      {"Cast", &Importer::importCast},
      {"Constant", &Importer::importConstant},
      {"Identity", &Importer::importIdentity},
      {"Dropout", &Importer::importIdentity},
      {"Shape", &Importer::importShape},
      {"Resize", &Importer::importResize},
      {"QuantizeLinear", &Importer::importQuantizeLinear},
      {"DequantizeLinear", &Importer::importDequantizeLinear},
      {"QLinearConv", &Importer::importQLinearConv},
      {"QLinearMatMul", &Importer::importQLinearMatMul},
      {"ConvInteger", &Importer::importConvInteger},
      {"MatMulInteger", &Importer::importMatMulInteger},
  };
}

llvm::Expected<OwningOpRef<ModuleOp>> Importer::run() {
  auto makeError = [](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   message.str());
  };
  if (!model.has_graph())
    return makeError(modelPath + ": the model has no graph");

  bool haveDefaultOpset = false;
  for (const onnx::OperatorSetIdProto &entry : model.opset_import()) {
    if (!entry.domain().empty() && entry.domain() != "ai.onnx")
      continue;
    haveDefaultOpset = true;
    opset = entry.version();
  }
  if (!haveDefaultOpset)
    return makeError(modelPath + ": the model imports no opset of the "
                                 "default domain (ai.onnx)");
  if (opset < kMinONNXOpset || opset > kMaxONNXOpset)
    return makeError(
        modelPath + ": opset " + Twine(opset) +
        " of ai.onnx is not supported (supported: " + Twine(kMinONNXOpset) +
        " to " + Twine(kMaxONNXOpset) + ")");

  context
      .loadDialect<arith::ArithDialect, func::FuncDialect,
                   linalg::LinalgDialect, math::MathDialect,
                   quant::QuantDialect, tensor::TensorDialect, QSimDialect>();
  Location fileLoc = FileLineColLoc::get(&context, modelPath, 0, 0);
  b.setLoc(fileLoc);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  func::FuncOp function;
  if (failed(importGraph(function)))
    return makeError(error);
  if (failed(verify(*module)))
    return makeError(modelPath + ": the imported module does not verify (an "
                                 "importer bug; please report it)");
  return std::move(module);
}

FailureOr<RankedTensorType>
Importer::getInputType(const onnx::ValueInfoProto &info) {
  const std::string &name = info.name();
  if (!info.type().has_tensor_type())
    return fail("graph input '" + name + "' is not a tensor");
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  Type element = getElementType(tensor.elem_type());
  if (!element)
    return fail("graph input '" + name + "' has an unsupported element type");
  auto given = options.inputShapes.find(name);
  if (!tensor.has_shape()) {
    if (given == options.inputShapes.end())
      return fail("graph input '" + name +
                  "' has no shape; give one with --input-shape " + name +
                  "=D0xD1x...");
    return RankedTensorType::get(given->second, element);
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value()) {
      shape.push_back(dim.dim_value());
      continue;
    }
    // A symbolic dimension named by --input-shape SYMBOL=SIZE.
    auto symbol = dim.has_dim_param()
                      ? options.inputShapes.find(dim.dim_param())
                      : options.inputShapes.end();
    if (symbol != options.inputShapes.end() && symbol->second.size() == 1)
      shape.push_back(symbol->second.front());
    else
      shape.push_back(ShapedType::kDynamic);
  }
  if (given != options.inputShapes.end()) {
    ArrayRef<int64_t> fixed = given->second;
    if (fixed.size() != shape.size())
      return fail("--input-shape " + name + " has rank " + Twine(fixed.size()) +
                  ", but the model's input has rank " + Twine(shape.size()));
    for (auto [index, pair] : llvm::enumerate(llvm::zip(shape, fixed))) {
      auto [modelDim, givenDim] = pair;
      if (!ShapedType::isDynamic(modelDim) && modelDim != givenDim)
        return fail("--input-shape " + name + " gives dimension " +
                    Twine(index) + " the size " + Twine(givenDim) +
                    ", but the model fixes it at " + Twine(modelDim));
    }
    shape.assign(fixed.begin(), fixed.end());
  }
  for (auto [index, dim] : llvm::enumerate(shape)) {
    if (dim < 0)
      return fail("dimension " + Twine(index) + " of graph input '" + name +
                  "' is symbolic; give its size with --input-shape " + name +
                  "=D0xD1x...");
  }
  return RankedTensorType::get(shape, element);
}

LogicalResult Importer::importGraph(func::FuncOp &function) {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers[tensor.name()] = &tensor;

  // An input that is also an initializer is a constant with a default (IR
  // version 4 and later); only the others are arguments.
  SmallVector<const onnx::ValueInfoProto *> arguments;
  SmallVector<Type> argumentTypes;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (initializers.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = getInputType(info);
    if (failed(type))
      return failure();
    arguments.push_back(&info);
    argumentTypes.push_back(*type);
  }
  for (const auto &[name, given] : options.inputShapes) {
    auto namesIt = [&, name = name](const onnx::ValueInfoProto *info) {
      if (info->name() == name)
        return true;
      if (!info->type().tensor_type().has_shape())
        return false;
      for (const auto &dim : info->type().tensor_type().shape().dim())
        if (dim.has_dim_param() && dim.dim_param() == name)
          return true;
      return false;
    };
    if (llvm::none_of(arguments, namesIt))
      return fail("--input-shape names '" + name.str() +
                  "', which is neither an input of the graph nor one of its "
                  "symbolic dimensions");
  }

  function =
      func::FuncOp::create(b, "main", b.getFunctionType(argumentTypes, {}));
  Block *entry = function.addEntryBlock();
  b.setInsertionPointToStart(entry);
  for (auto [info, argument] : llvm::zip(arguments, entry->getArguments())) {
    values[info->name()] = argument;
    argument.setLoc(NameLoc::get(b.getStringAttr(info->name())));
  }

  for (const onnx::TensorProto &tensor : graph.initializer()) {
    b.setLoc(NameLoc::get(b.getStringAttr(tensor.name())));
    FailureOr<DenseElementsAttr> elements = readTensor(tensor);
    if (failed(elements))
      return failure();
    values[tensor.name()] = createConstant(*elements);
  }

  for (const onnx::NodeProto &node : graph.node()) {
    if (failed(importNode(node)))
      return failure();
  }
  currentNode = nullptr;

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    auto found = values.find(info.name());
    if (found == values.end())
      return fail("graph output '" + info.name() + "' is never computed");
    results.push_back(found->second);
  }
  if (results.empty())
    return fail("the graph has no outputs");
  b.setLoc(FileLineColLoc::get(&context, modelPath, 0, 0));
  func::ReturnOp::create(b, results);
  // A DequantizeLinear may have retyped an integer argument to its
  // quantized type.
  function.setFunctionType(b.getFunctionType(entry->getArgumentTypes(),
                                             ValueRange(results).getTypes()));
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node) {
  currentNode = &node;
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  b.setLoc(NameLoc::get(b.getStringAttr(name)));
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return fail("the domain is not supported (only ai.onnx is)");
  auto found = importers.find(node.op_type());
  if (found == importers.end())
    return fail("the op is not supported");
  return (this->*found->second)(node);
}

//===----------------------------------------------------------------------===//
// Diagnostics, inputs and outputs
//===----------------------------------------------------------------------===//

LogicalResult Importer::fail(const Twine &message) {
  if (!error.empty())
    return failure();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << modelPath << ": ";
  if (currentNode) {
    const std::string &domain = currentNode->domain();
    int64_t domainOpset = opset;
    if (!domain.empty() && domain != "ai.onnx")
      for (const onnx::OperatorSetIdProto &entry : model.opset_import())
        if (entry.domain() == domain)
          domainOpset = entry.version();
    os << "node '"
       << (currentNode->name().empty()
               ? (currentNode->output_size() ? currentNode->output(0) : "")
               : currentNode->name())
       << "' (" << currentNode->op_type() << ", domain "
       << (domain.empty() ? "ai.onnx" : domain) << ", opset " << domainOpset
       << "): ";
  }
  os << message;
  // Names come from the file: a control character in one must not break
  // the message's one line.
  error.clear();
  for (char c : os.str()) {
    if (llvm::isPrint(c) || static_cast<unsigned char>(c) >= 0x80) {
      error.push_back(c);
      continue;
    }
    error += "\\x";
    error.push_back(llvm::hexdigit((c >> 4) & 0xf, /*LowerCase=*/true));
    error.push_back(llvm::hexdigit(c & 0xf, /*LowerCase=*/true));
  }
  return failure();
}

FailureOr<Value> Importer::input(const onnx::NodeProto &node, int index,
                                 bool optional) {
  if (index >= node.input_size() || node.input(index).empty()) {
    if (optional)
      return Value();
    return fail("input " + Twine(index) + " is missing");
  }
  auto found = values.find(node.input(index));
  if (found == values.end())
    return fail("input " + Twine(index) + " '" + node.input(index) +
                "' is not defined before the node");
  return found->second;
}

FailureOr<TypedValue<RankedTensorType>>
Importer::staticInput(const onnx::NodeProto &node, int index, StringRef what) {
  FailureOr<Value> value = input(node, index);
  if (failed(value))
    return failure();
  FailureOr<RankedTensorType> type = getStaticType(*value, what);
  if (failed(type))
    return failure();
  return cast<TypedValue<RankedTensorType>>(*value);
}

void Importer::setOutput(const onnx::NodeProto &node, int index, Value value) {
  if (index < node.output_size() && !node.output(index).empty())
    values[node.output(index)] = value;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *Importer::findAttribute(const onnx::NodeProto &node,
                                                    StringRef name) {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (attribute.name() == name)
      return &attribute;
  return nullptr;
}

FailureOr<int64_t> Importer::getInt(const onnx::NodeProto &node, StringRef name,
                                    int64_t defaultValue) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return defaultValue;
  if (attribute->type() != onnx::AttributeProto::INT)
    return fail("attribute '" + name + "' is not an int");
  return attribute->i();
}

FailureOr<float> Importer::getFloat(const onnx::NodeProto &node, StringRef name,
                                    float defaultValue) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return defaultValue;
  if (attribute->type() != onnx::AttributeProto::FLOAT)
    return fail("attribute '" + name + "' is not a float");
  return attribute->f();
}

FailureOr<std::string> Importer::getString(const onnx::NodeProto &node,
                                           StringRef name,
                                           StringRef defaultValue) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return defaultValue.str();
  if (attribute->type() != onnx::AttributeProto::STRING)
    return fail("attribute '" + name + "' is not a string");
  return attribute->s();
}

FailureOr<std::optional<SmallVector<int64_t>>>
Importer::getInts(const onnx::NodeProto &node, StringRef name) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return std::optional<SmallVector<int64_t>>();
  if (attribute->type() != onnx::AttributeProto::INTS)
    return fail("attribute '" + name + "' is not a list of ints");
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(attribute->ints().begin(), attribute->ints().end()));
}

FailureOr<std::optional<SmallVector<float>>>
Importer::getFloats(const onnx::NodeProto &node, StringRef name) {
  const onnx::AttributeProto *attribute = findAttribute(node, name);
  if (!attribute)
    return std::optional<SmallVector<float>>();
  if (attribute->type() != onnx::AttributeProto::FLOATS)
    return fail("attribute '" + name + "' is not a list of floats");
  return std::optional<SmallVector<float>>(SmallVector<float>(
      attribute->floats().begin(), attribute->floats().end()));
}

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType> Importer::getRankedType(Value value,
                                                    StringRef what) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return fail(what + " is not a ranked tensor");
  return type;
}

FailureOr<RankedTensorType> Importer::getStaticType(Value value,
                                                    StringRef what) {
  FailureOr<RankedTensorType> type = getRankedType(value, what);
  if (failed(type))
    return failure();
  if (!type->hasStaticShape())
    return fail(what + " does not have a static shape");
  return type;
}

DenseElementsAttr Importer::getConstant(Value value) {
  DenseElementsAttr elements;
  if (value && matchPattern(value, m_Constant(&elements)))
    return elements;
  return {};
}

FailureOr<SmallVector<int64_t>> Importer::getConstantInts(Value value,
                                                          StringRef what) {
  DenseElementsAttr elements = getConstant(value);
  if (!elements || !elements.getElementType().isInteger())
    return fail(what + " must be a constant integer tensor");
  SmallVector<int64_t> result;
  for (const APInt &element : elements.getValues<APInt>())
    result.push_back(element.getBitWidth() == 1 ? element.getZExtValue()
                                                : element.getSExtValue());
  return result;
}

FailureOr<SmallVector<double>> Importer::getConstantFloats(Value value,
                                                           StringRef what) {
  DenseElementsAttr elements = getConstant(value);
  if (!elements || !isa<FloatType>(elements.getElementType()))
    return fail(what + " must be a constant float tensor");
  SmallVector<double> result;
  for (const APFloat &element : elements.getValues<APFloat>())
    result.push_back(element.convertToDouble());
  return result;
}

Value Importer::createConstant(DenseElementsAttr elements) {
  return arith::ConstantOp::create(b, elements);
}

Value Importer::createIntTensor(ArrayRef<int64_t> values,
                                ArrayRef<int64_t> shape, Type element) {
  if (!element)
    element = b.getI64Type();
  auto type = RankedTensorType::get(shape, element);
  SmallVector<APInt> elements;
  unsigned width = element.getIntOrFloatBitWidth();
  for (int64_t value : values)
    elements.push_back(APInt(width, value, /*isSigned=*/width > 1,
                             /*implicitTrunc=*/true));
  return createConstant(DenseElementsAttr::get(type, elements));
}

Value Importer::createScalar(Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value Importer::createEmpty(RankedTensorType type) {
  return tensor::EmptyOp::create(b, type.getShape(), type.getElementType());
}

Value Importer::createFill(RankedTensorType type, double value) {
  Value scalar = createScalar(type.getElementType(), value);
  Value empty = createEmpty(type);
  return linalg::FillOp::create(b, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

Value Importer::createGeneric(RankedTensorType resultType, ValueRange inputs,
                              ArrayRef<AffineMap> inputMaps, BodyBuilder body,
                              ArrayRef<utils::IteratorType> iterators,
                              Value init, AffineMap outputMap) {
  int64_t rank = resultType.getRank();
  SmallVector<utils::IteratorType> iteratorTypes(iterators);
  if (iteratorTypes.empty())
    iteratorTypes.assign(rank, utils::IteratorType::parallel);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap ? outputMap
                           : b.getMultiDimIdentityMap(iteratorTypes.size()));
  if (!init)
    init = createEmpty(resultType);
  Location loc = b.getLoc();
  auto generic = linalg::GenericOp::create(
      b, TypeRange{resultType}, inputs, ValueRange{init}, maps, iteratorTypes,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange arguments) {
        ImplicitLocOpBuilder bodyBuilder(loc, nested);
        Value yielded = body(bodyBuilder, arguments);
        linalg::YieldOp::create(bodyBuilder, yielded);
      });
  return generic.getResult(0);
}

FailureOr<SmallVector<int64_t>>
Importer::getBroadcastShape(ArrayRef<RankedTensorType> types) {
  int64_t rank = 0;
  for (RankedTensorType type : types) {
    if (!type.hasStaticShape())
      return fail("an operand does not have a static shape");
    rank = std::max(rank, type.getRank());
  }
  SmallVector<int64_t> shape(rank, 1);
  for (RankedTensorType type : types) {
    int64_t offset = rank - type.getRank();
    for (auto [index, dim] : llvm::enumerate(type.getShape())) {
      int64_t &result = shape[offset + index];
      if (dim == result || dim == 1)
        continue;
      if (result != 1)
        return fail("the operands' shapes do not broadcast (dimension " +
                    Twine(offset + index) + " is " + Twine(result) + " and " +
                    Twine(dim) + ")");
      result = dim;
    }
  }
  return shape;
}

AffineMap Importer::getBroadcastMap(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - shape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [index, dim] : llvm::enumerate(shape)) {
    if (dim == 1 && resultShape[offset + index] != 1)
      exprs.push_back(b.getAffineConstantExpr(0));
    else
      exprs.push_back(b.getAffineDimExpr(offset + index));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, &context);
}

FailureOr<Value> Importer::createBroadcastingGeneric(ValueRange operands,
                                                     Type resultElementType,
                                                     BodyBuilder body) {
  SmallVector<RankedTensorType> types;
  for (Value operand : operands) {
    FailureOr<RankedTensorType> type = getStaticType(operand, "an operand");
    if (failed(type))
      return failure();
    types.push_back(*type);
  }
  FailureOr<SmallVector<int64_t>> shape = getBroadcastShape(types);
  if (failed(shape))
    return failure();
  SmallVector<AffineMap> maps;
  for (RankedTensorType type : types)
    maps.push_back(getBroadcastMap(type.getShape(), *shape));
  return createGeneric(RankedTensorType::get(*shape, resultElementType),
                       operands, maps, body);
}

Value Importer::createReshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (shape.size() < static_cast<size_t>(type.getRank())) {
    if (auto reassociation =
            getReassociationIndicesForCollapse(type.getShape(), shape))
      return tensor::CollapseShapeOp::create(b, resultType, value,
                                             *reassociation);
  } else if (shape.size() > static_cast<size_t>(type.getRank())) {
    if (auto reassociation =
            getReassociationIndicesForCollapse(shape, type.getShape()))
      return tensor::ExpandShapeOp::create(b, resultType, value,
                                           *reassociation);
  }
  // Through 1-D: every reshape of a static tensor is a collapse and an
  // expand. A rank-0 side needs no reassociation group.
  Value flat = value;
  int64_t count = type.getNumElements();
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all;
    if (type.getRank() > 0)
      all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
    flat = tensor::CollapseShapeOp::create(
        b, RankedTensorType::get({count}, type.getElementType()), value, all);
  }
  if (shape.size() == 1)
    return flat;
  SmallVector<ReassociationIndices> all;
  if (!shape.empty())
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, shape.size())));
  return tensor::ExpandShapeOp::create(b, resultType, flat, all);
}

Value Importer::createTranspose(Value value, ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t dim : permutation)
    shape.push_back(type.getDimSize(dim));
  Value init = createEmpty(RankedTensorType::get(shape, type.getElementType()));
  return linalg::TransposeOp::create(b, value, init, permutation)
      .getResult()[0];
}

Value Importer::createPad(Value value, ArrayRef<int64_t> low,
                          ArrayRef<int64_t> high, double padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    shape.push_back(type.getDimSize(dim) + low[dim] + high[dim]);
    lowSizes.push_back(b.getIndexAttr(low[dim]));
    highSizes.push_back(b.getIndexAttr(high[dim]));
  }
  Value scalar = createScalar(type.getElementType(), padValue);
  return tensor::PadOp::create(
      b, RankedTensorType::get(shape, type.getElementType()), value, lowSizes,
      highSizes, scalar);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

Type Importer::getElementType(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

FailureOr<std::string>
Importer::readExternalData(const onnx::TensorProto &tensor,
                           uint64_t expectedBytes) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
    } else if (entry.key() == "offset" || entry.key() == "length") {
      uint64_t number;
      if (StringRef(entry.value()).getAsInteger(10, number))
        return fail("tensor '" + tensor.name() + "' has an external-data " +
                    entry.key() + " that is not a number");
      if (entry.key() == "offset")
        offset = number;
      else
        length = number;
    }
  }
  if (location.empty())
    return fail("tensor '" + tensor.name() +
                "' is external but names no location");
  // As ONNX's checker: the data lies beside the model, never elsewhere.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                          llvm::sys::path::end(location)),
                         ".."))
    return fail("tensor '" + tensor.name() +
                "' has the external-data "
                "location '" +
                location +
                "', which is not a relative path below the model's folder");
  SmallString<256> path(llvm::sys::path::parent_path(modelPath));
  llvm::sys::path::append(path, location);
  if (length && *length != expectedBytes)
    return fail("tensor '" + tensor.name() +
                "' has an external-data "
                "length of " +
                Twine(*length) + " bytes, but its shape needs " +
                Twine(expectedBytes));
  auto file = llvm::MemoryBuffer::getFileSlice(path, expectedBytes, offset,
                                               /*IsVolatile=*/false);
  if (!file || (*file)->getBufferSize() != expectedBytes)
    return fail("cannot read " + Twine(expectedBytes) + " bytes at offset " +
                Twine(offset) + " of '" + path +
                "', the external data of "
                "tensor '" +
                tensor.name() + "'");
  return (*file)->getBuffer().str();
}

namespace {
/// Decodes little-endian raw bytes into `T`s.
template <typename T>
SmallVector<T> decodeRaw(StringRef bytes) {
  SmallVector<T> result(bytes.size() / sizeof(T));
  std::memcpy(result.data(), bytes.data(), result.size() * sizeof(T));
  return result;
}

template <typename T, typename Field>
SmallVector<T> convertField(const Field &field) {
  SmallVector<T> result;
  result.reserve(field.size());
  for (auto element : field)
    result.push_back(static_cast<T>(element));
  return result;
}
} // namespace

FailureOr<DenseElementsAttr>
Importer::readTensor(const onnx::TensorProto &tensor) {
  const std::string &name = tensor.name();
  Type element = getElementType(tensor.data_type());
  if (!element)
    return fail("tensor '" + name + "' has an unsupported data type (" +
                Twine(tensor.data_type()) + ")");
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return fail("tensor '" + name + "' has a negative dimension");
    if (dim != 0 && count > kMaxTensorElements / dim)
      return fail("tensor '" + name + "' has more than 2^32 elements");
    count *= dim;
    shape.push_back(dim);
  }
  auto type = RankedTensorType::get(shape, element);
  unsigned width = element.isInteger(1) ? 8 : element.getIntOrFloatBitWidth();
  uint64_t bytes = static_cast<uint64_t>(count) * (width / 8);

  std::string external;
  StringRef raw;
  bool hasRaw = tensor.has_raw_data();
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> data = readExternalData(tensor, bytes);
    if (failed(data))
      return failure();
    external = std::move(*data);
    raw = external;
    hasRaw = true;
  } else if (hasRaw) {
    raw = tensor.raw_data();
  }
  if (hasRaw && raw.size() != bytes)
    return fail("tensor '" + name + "' holds " + Twine(raw.size()) +
                " bytes, but its shape needs " + Twine(bytes));

  auto checkCount = [&](int size) -> LogicalResult {
    if (size != count)
      return fail("tensor '" + name + "' holds " + Twine(size) +
                  " elements, but its shape needs " + Twine(count));
    return success();
  };
  // Raw little-endian bytes, or the typed field ONNX keeps the type in.
  auto build = [&](auto element,
                   const auto &field) -> FailureOr<DenseElementsAttr> {
    using T = decltype(element);
    if (hasRaw)
      return DenseElementsAttr::get(type, ArrayRef(decodeRaw<T>(raw)));
    if (failed(checkCount(field.size())))
      return failure();
    return DenseElementsAttr::get(type, ArrayRef(convertField<T>(field)));
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return build(float(), tensor.float_data());
  case onnx::TensorProto::DOUBLE:
    return build(double(), tensor.double_data());
  case onnx::TensorProto::INT64:
    return build(int64_t(), tensor.int64_data());
  case onnx::TensorProto::INT32:
    return build(int32_t(), tensor.int32_data());
  case onnx::TensorProto::INT16:
    return build(int16_t(), tensor.int32_data());
  case onnx::TensorProto::INT8:
    return build(int8_t(), tensor.int32_data());
  case onnx::TensorProto::UINT8:
    return build(uint8_t(), tensor.int32_data());
  case onnx::TensorProto::BOOL: {
    SmallVector<bool> flags;
    if (hasRaw) {
      for (char byte : raw)
        flags.push_back(byte != 0);
    } else {
      if (failed(checkCount(tensor.int32_data_size())))
        return failure();
      for (int32_t value : tensor.int32_data())
        flags.push_back(value != 0);
    }
    return DenseElementsAttr::get(type, ArrayRef(flags));
  }
  default:
    return fail("tensor '" + name + "' has an unsupported data type");
  }
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

llvm::Expected<OwningOpRef<ModuleOp>>
mlir::qsim::importONNXModel(MLIRContext &context, StringRef bytes,
                            StringRef modelPath,
                            const ONNXImportOptions &options) {
  // A malformed file is reported once, by the error below; protobuf's own
  // log lines would only repeat it.
  google::protobuf::LogSilencer silencer;
  onnx::ModelProto model;
  // ParseFromArray takes an int size; a larger file is not a model we read.
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        modelPath + ": not a valid ONNX model (the protobuf does not parse)");
  Importer importer(context, model, modelPath, options);
  return importer.run();
}

llvm::Error mlir::qsim::parseONNXInputShape(StringRef text,
                                            ONNXImportOptions &options) {
  auto makeError = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--input-shape '" + text + "': " + why);
  };
  auto [name, dims] = text.rsplit('=');
  if (dims.empty() && !text.contains('='))
    return makeError("expected NAME=D0xD1x...");
  if (name.empty())
    return makeError("the input name is empty");
  if (options.inputShapes.count(name))
    return makeError("the input is given twice");
  SmallVector<int64_t> shape;
  if (!dims.empty()) {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t dim;
      if (part.getAsInteger(10, dim) || dim < 0 || dim > kMaxTensorElements)
        return makeError("'" + part + "' is not a dimension size");
      shape.push_back(dim);
    }
  }
  options.inputShapes[name] = shape;
  return llvm::Error::success();
}

void mlir::qsim::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, quant::QuantDialect, tensor::TensorDialect,
                  QSimDialect>();
}
