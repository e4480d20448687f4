//===- Importer.h - the ONNX importer's internals ---------------*- C++ -*-===//
//
// The state of one import: the ONNX values already emitted, the builder,
// the node being imported, and the helpers the op importers of
// FloatOps.cpp and QuantizedOps.cpp share. Private to lib/Import/ONNX.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_LIB_IMPORT_ONNX_IMPORTER_H
#define QSIM_LIB_IMPORT_ONNX_IMPORTER_H

#include "qsim/Import/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace mlir::qsim::onnx_import {

/// Builds the scalar a linalg.generic body yields from its block arguments
/// (the inputs' elements, then the output's).
using BodyBuilder =
    llvm::function_ref<Value(ImplicitLocOpBuilder &, ValueRange)>;

class Importer;

/// Imports one node; the node and its location are Importer's current ones.
using OpImporter = LogicalResult (Importer::*)(const onnx::NodeProto &);

class Importer {
public:
  Importer(MLIRContext &context, const onnx::ModelProto &model,
           llvm::StringRef modelPath, const ONNXImportOptions &options);

  llvm::Expected<OwningOpRef<ModuleOp>> run();

  //===--------------------------------------------------------------------===//
  // Op importers (FloatOps.cpp, QuantizedOps.cpp)
  //===--------------------------------------------------------------------===//

  LogicalResult importConv(const onnx::NodeProto &node);
  LogicalResult importConvTranspose(const onnx::NodeProto &node);
  LogicalResult importGemm(const onnx::NodeProto &node);
  LogicalResult importMatMul(const onnx::NodeProto &node);
  LogicalResult importBinary(const onnx::NodeProto &node);
  LogicalResult importUnary(const onnx::NodeProto &node);
  LogicalResult importClip(const onnx::NodeProto &node);
  LogicalResult importSoftmax(const onnx::NodeProto &node);
  LogicalResult importBatchNormalization(const onnx::NodeProto &node);
  LogicalResult importMaxPool(const onnx::NodeProto &node);
  LogicalResult importAveragePool(const onnx::NodeProto &node);
  LogicalResult importGlobalAveragePool(const onnx::NodeProto &node);
  LogicalResult importReduceMean(const onnx::NodeProto &node);
  LogicalResult importFlatten(const onnx::NodeProto &node);
  LogicalResult importReshape(const onnx::NodeProto &node);
  LogicalResult importTranspose(const onnx::NodeProto &node);
  LogicalResult importConcat(const onnx::NodeProto &node);
  LogicalResult importSqueeze(const onnx::NodeProto &node);
  LogicalResult importUnsqueeze(const onnx::NodeProto &node);
  LogicalResult importSlice(const onnx::NodeProto &node);
  LogicalResult importGather(const onnx::NodeProto &node);
  LogicalResult importCast(const onnx::NodeProto &node);
  LogicalResult importConstant(const onnx::NodeProto &node);
  LogicalResult importIdentity(const onnx::NodeProto &node);
  LogicalResult importShape(const onnx::NodeProto &node);
  LogicalResult importResize(const onnx::NodeProto &node);
  LogicalResult importQuantizeLinear(const onnx::NodeProto &node);
  LogicalResult importDequantizeLinear(const onnx::NodeProto &node);
  LogicalResult importQLinearConv(const onnx::NodeProto &node);
  LogicalResult importQLinearMatMul(const onnx::NodeProto &node);
  LogicalResult importConvInteger(const onnx::NodeProto &node);
  LogicalResult importMatMulInteger(const onnx::NodeProto &node);

  //===--------------------------------------------------------------------===//
  // Shared helpers
  //===--------------------------------------------------------------------===//

  /// Records `message` about the current node as the import's error.
  LogicalResult fail(const llvm::Twine &message);

  /// The current node's input `index`: null for an absent optional input.
  /// An input that names no value defined so far is an error (`fail`).
  FailureOr<Value> input(const onnx::NodeProto &node, int index,
                         bool optional = false);
  /// Input `index` of `node` with its ranked, static type; an absent input
  /// or another type is an error naming `what`.
  FailureOr<TypedValue<RankedTensorType>>
  staticInput(const onnx::NodeProto &node, int index, llvm::StringRef what);
  /// Binds the current node's output `index` to `value`.
  void setOutput(const onnx::NodeProto &node, int index, Value value);
  /// Binds the ONNX value `name` to `value` (for ops imported as others).
  void bindValue(llvm::StringRef name, Value value) { values[name] = value; }
  /// The value bound to `name`, or null.
  Value lookupValue(llvm::StringRef name) const { return values.lookup(name); }

  int64_t getOpset() const { return opset; }
  ImplicitLocOpBuilder &builder() { return b; }

  /// Attributes of the current node, with ONNX's defaults.
  const onnx::AttributeProto *findAttribute(const onnx::NodeProto &node,
                                            llvm::StringRef name);
  FailureOr<int64_t> getInt(const onnx::NodeProto &node, llvm::StringRef name,
                            int64_t defaultValue);
  FailureOr<float> getFloat(const onnx::NodeProto &node, llvm::StringRef name,
                            float defaultValue);
  FailureOr<std::string> getString(const onnx::NodeProto &node,
                                   llvm::StringRef name,
                                   llvm::StringRef defaultValue);
  /// An `ints` attribute; `std::nullopt` when the node does not have it.
  FailureOr<std::optional<llvm::SmallVector<int64_t>>>
  getInts(const onnx::NodeProto &node, llvm::StringRef name);
  /// A `floats` attribute; `std::nullopt` when the node does not have it.
  FailureOr<std::optional<llvm::SmallVector<float>>>
  getFloats(const onnx::NodeProto &node, llvm::StringRef name);

  /// The value's ranked tensor type, or an error naming `what`.
  FailureOr<RankedTensorType> getRankedType(Value value, llvm::StringRef what);
  /// As getRankedType, and every dimension static.
  FailureOr<RankedTensorType> getStaticType(Value value, llvm::StringRef what);

  /// The elements of a constant value (an initializer, a Constant node, or a
  /// value the importer folded), or null.
  DenseElementsAttr getConstant(Value value);
  /// The integer elements of a constant integer tensor, or an error naming
  /// `what`.
  FailureOr<llvm::SmallVector<int64_t>> getConstantInts(Value value,
                                                        llvm::StringRef what);
  /// The elements of a constant float tensor, as doubles.
  FailureOr<llvm::SmallVector<double>> getConstantFloats(Value value,
                                                         llvm::StringRef what);

  /// An arith.constant holding `elements`.
  Value createConstant(DenseElementsAttr elements);
  /// A constant integer tensor of `shape` holding `values`, truncated to
  /// `element` (default i64).
  Value createIntTensor(llvm::ArrayRef<int64_t> values,
                        llvm::ArrayRef<int64_t> shape, Type element = {});
  /// A scalar arith.constant of `type` (float or integer).
  Value createScalar(Type type, double value);
  /// A tensor.empty of `type`.
  Value createEmpty(RankedTensorType type);
  /// A linalg.fill of `type` with `value`.
  Value createFill(RankedTensorType type, double value);

  /// A linalg.generic producing `resultType` from `inputs` read through
  /// `inputMaps`; the output uses the identity map, or `outputMap`, and
  /// starts as `init` (a fresh tensor.empty when null).
  Value createGeneric(RankedTensorType resultType, ValueRange inputs,
                      llvm::ArrayRef<AffineMap> inputMaps, BodyBuilder body,
                      llvm::ArrayRef<utils::IteratorType> iterators = {},
                      Value init = {}, AffineMap outputMap = {});

  /// The NumPy broadcast of the operands' static shapes, or an error.
  FailureOr<llvm::SmallVector<int64_t>>
  getBroadcastShape(llvm::ArrayRef<RankedTensorType> types);
  /// The map reading an operand of `shape` broadcast to `resultShape`:
  /// leading dimensions dropped, size-1 dimensions read at 0.
  AffineMap getBroadcastMap(llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<int64_t> resultShape);
  /// An elementwise generic over the NumPy broadcast of `operands`.
  FailureOr<Value> createBroadcastingGeneric(ValueRange operands,
                                             Type resultElementType,
                                             BodyBuilder body);

  /// `value` reshaped to the static `shape` (same element count): a
  /// collapse_shape, an expand_shape, or a collapse to 1-D and an expand.
  Value createReshape(Value value, llvm::ArrayRef<int64_t> shape);
  /// `value` with its dimensions permuted (linalg.transpose).
  Value createTranspose(Value value, llvm::ArrayRef<int64_t> permutation);
  /// tensor.pad of `value` by `low`/`high` with the scalar `padValue`.
  Value createPad(Value value, llvm::ArrayRef<int64_t> low,
                  llvm::ArrayRef<int64_t> high, double padValue);

  /// The MLIR element type of ONNX's TensorProto data type, or null.
  Type getElementType(int32_t dataType);
  /// Reads a TensorProto (raw, typed or external data) into elements.
  FailureOr<DenseElementsAttr> readTensor(const onnx::TensorProto &tensor);

private:
  LogicalResult importGraph(func::FuncOp &function);
  FailureOr<RankedTensorType> getInputType(const onnx::ValueInfoProto &info);
  LogicalResult importNode(const onnx::NodeProto &node);
  FailureOr<std::string> readExternalData(const onnx::TensorProto &tensor,
                                          uint64_t expectedBytes);

  MLIRContext &context;
  const onnx::ModelProto &model;
  std::string modelPath;
  const ONNXImportOptions &options;
  ImplicitLocOpBuilder b;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<OpImporter> importers;
  /// The node being imported, for diagnostics.
  const onnx::NodeProto *currentNode = nullptr;
  std::string error;
};

/// The spatial geometry of a 2-D conv or pooling op over NCHW.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations;
  /// Padding before and after each spatial dimension.
  llvm::SmallVector<int64_t> low, high;
  /// The part of `high` that ceil_mode added beyond the op's own padding.
  llvm::SmallVector<int64_t> ceilPadding;
  llvm::SmallVector<int64_t> outputSizes;
};

/// Reads strides, dilations, pads, auto_pad (and ceil_mode when
/// `allowCeilMode`) of `node` over `inputShape` (NCHW) with `kernel`, and
/// computes the output sizes (FloatOps.cpp).
FailureOr<Window> readWindow(Importer &importer, const onnx::NodeProto &node,
                             llvm::ArrayRef<int64_t> inputShape,
                             llvm::ArrayRef<int64_t> kernel,
                             bool allowCeilMode);

} // namespace mlir::qsim::onnx_import

#endif // QSIM_LIB_IMPORT_ONNX_IMPORTER_H
