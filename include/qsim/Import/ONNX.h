//===- ONNX.h - import ONNX models into MLIR --------------------*- C++ -*-===//
//
// The ONNX importer: reads a ModelProto with Debian's ONNX protobuf classes
// and emits one func.func @main in the forms the qsim front end quantizes.
// Float ops become linalg on tensors in NCHW, as torch-mlir's TorchToLinalg
// emits the same network; QuantizeLinear and DequantizeLinear with constant
// scales become qsim.quantize and qsim.dequantize on the file's own types,
// so that an already-quantized (QDQ) model runs with its own integers.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_IMPORT_ONNX_H
#define QSIM_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir {
class MLIRContext;

namespace qsim {

struct ONNXImportOptions {
  /// Shapes for graph inputs, by input name, or sizes of symbolic
  /// dimensions, by symbol (a one-element shape): every dimension of an
  /// input that is symbolic or unknown in the model must be given here; a
  /// given shape must agree with the model's fixed dimensions.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// The opsets of the default ONNX domain the importer accepts.
constexpr int64_t kMinONNXOpset = 7;
constexpr int64_t kMaxONNXOpset = 21;

/// Imports the serialized ONNX model in `bytes`. `modelPath` names the file
/// in diagnostics, and its directory holds the external-data files. Errors
/// (a malformed file, an unsupported op, an opset out of range, a shape that
/// does not infer) are one message each, naming the node, its op type,
/// domain and opset where there is one.
llvm::Expected<OwningOpRef<ModuleOp>>
importONNXModel(MLIRContext &context, llvm::StringRef bytes,
                llvm::StringRef modelPath, const ONNXImportOptions &options);

/// Parses a `--input-shape` value, `NAME=D0xD1x...`, into `options`.
llvm::Error parseONNXInputShape(llvm::StringRef text,
                                ONNXImportOptions &options);

/// Registers in `registry` the dialects the importer emits.
void registerONNXImportDialects(DialectRegistry &registry);

} // namespace qsim
} // namespace mlir

#endif // QSIM_IMPORT_ONNX_H
