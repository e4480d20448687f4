//===- QSimBase.td - qsim dialect, enums and type constraints -*- tablegen -*-===//
//
// The qsim dialect definition, its attributes and the type constraints shared
// by its ops. Quantized values are tensors of the upstream quant dialect's
// `!quant.uniform` types, so every scale and zero point an op needs is read
// from the types of its operands and results.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QSIMBASE_TD
#define QSIM_DIALECT_QSIM_IR_QSIMBASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

//===----------------------------------------------------------------------===//
// Dialect
//===----------------------------------------------------------------------===//

def QSim_Dialect : Dialect {
  let name = "qsim";
  let cppNamespace = "::mlir::qsim";
  let summary = "INT8 post-training quantization ops with explicit zero points";
  let description = [{
    The qsim dialect models the integer arithmetic of a post-training
    quantized network exactly: quantize and dequantize at the float
    boundary, convolutions and matrix products that accumulate
    `(x_q - z_x) * (w_q - z_w)` in 32-bit integers, requantization of the
    accumulator to the next layer's type, and activations applied in the
    quantized domain.

    Values are tensors of the upstream quant dialect's uniform types, per
    tensor (`!quant.uniform<u8:f32, 0.0086:139>`) or per axis
    (`!quant.uniform<i8:f32:0, {0.01, 0.02}>`). The INT32 accumulator of a
    convolution or linear op is itself typed, with scale `s_x * s_w` (one per
    output channel for per-axis weights) and zero point 0, so `requantize`
    needs nothing but its input and output types.
  }];
  let dependentDialects = [
    "::mlir::quant::QuantDialect"
  ];
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QSim_RoundingHalfEven : I32EnumAttrCase<"HalfEven", 0, "half_even">;
def QSim_RoundingTfliteDouble
    : I32EnumAttrCase<"TfliteDouble", 1, "tflite_double">;
def QSim_RoundingTfliteSingle
    : I32EnumAttrCase<"TfliteSingle", 2, "tflite_single">;
def QSim_RoundingTosaSingle : I32EnumAttrCase<"TosaSingle", 3, "tosa_single">;
def QSim_RoundingTosaDouble : I32EnumAttrCase<"TosaDouble", 4, "tosa_double">;
def QSim_RoundingFloat32HalfEven
    : I32EnumAttrCase<"Float32HalfEven", 5, "float32_half_even">;
def QSim_RoundingQnnpack : I32EnumAttrCase<"Qnnpack", 6, "qnnpack">;
def QSim_RoundingXnnpack : I32EnumAttrCase<"Xnnpack", 7, "xnnpack">;

def QSim_RoundingMode : I32EnumAttr<"RoundingMode",
    "how requantize rounds the scaled accumulator",
    [QSim_RoundingHalfEven, QSim_RoundingTfliteDouble,
     QSim_RoundingTfliteSingle, QSim_RoundingTosaSingle,
     QSim_RoundingTosaDouble, QSim_RoundingFloat32HalfEven,
     QSim_RoundingQnnpack, QSim_RoundingXnnpack]> {
  let cppNamespace = "::mlir::qsim";
  let genSpecializedAttr = 0;
}

def QSim_RoundingModeAttr : EnumAttr<QSim_Dialect, QSim_RoundingMode,
                                     "rounding"> {
  let summary = "rounding mode of a requantization";
  let description = [{
    `half_even`: the product `acc * M` is computed in float64 and rounded to
    the nearest integer, ties to even (NumPy's `np.round`).

    `float32_half_even`: `float32(acc - z_in) * m` in float32, with the f32
    multiplier `m` that `qsim.requantize` carries as `float_multiplier`,
    rounded half to even: PyTorch's QNNPACK and ONNX Runtime's MLAS
    requantization (docs/QSim.md).

    The fixed-point modes compute `(acc - z_in) * M` in integers only, from
    a 32-bit `multiplier` and a `shift` per channel that `qsim.requantize`
    carries (docs/QSim.md gives each mode's pseudocode and its source):

    - `tflite_double`: TFLite's reference `MultiplyByQuantizedMultiplier`,
      gemmlowp's `SaturatingRoundingDoublingHighMul` then
      `RoundingDivideByPOT` (two roundings); `shift` is TFLite's exponent
      (positive: a left shift before the multiplication).
    - `tflite_single`: TFLite's `MultiplyByQuantizedMultiplier` built with
      `TFLITE_SINGLE_ROUNDING`, as ruy's conv and fully-connected kernels
      compute it: `(x * m + 2^(30 - shift)) >> (31 - shift)`.
    - `tosa_single`, `tosa_double`: the TOSA specification's
      `apply_scale_32` with `double_round` false or true; `shift` is TOSA's
      right shift (2 to 62).

    `qnnpack` and `xnnpack` are `qsim.add`'s only: PyTorch's QNNPACK add
    and XNNPACK's 8-bit add (which LiteRT runs TFLite's ADD on), in int32
    with two multipliers and one right shift that rounds half away from
    zero (QNNPACK) or half up (XNNPACK's rounding bias).
  }];
  let assemblyFormat = "`<` $value `>`";
}

def QSim_ScalingDivide : I32EnumAttrCase<"Divide", 0, "divide">;
def QSim_ScalingReciprocal : I32EnumAttrCase<"Reciprocal", 1, "reciprocal">;

def QSim_QuantizeScaling : I32EnumAttr<"QuantizeScaling",
    "how quantize scales a real value by 1 / s",
    [QSim_ScalingDivide, QSim_ScalingReciprocal]> {
  let cppNamespace = "::mlir::qsim";
  let genSpecializedAttr = 0;
}

def QSim_QuantizeScalingAttr : EnumAttr<QSim_Dialect, QSim_QuantizeScaling,
                                        "scaling"> {
  let summary = "how a quantization scales its input";
  let description = [{
    `divide`: `x / s` in float32, as ONNX's QuantizeLinear defines it.
    `reciprocal`: `x * (1.0f / s)` in float32, the reciprocal rounded to
    float32 first, as PyTorch's quantize_per_tensor and quantize_per_channel
    compute it. The two differ where `x / s` lies within an ulp of a tie.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def QSim_QuantizeHalfEven : I32EnumAttrCase<"HalfEven", 0, "half_even">;
def QSim_QuantizeHalfAway : I32EnumAttrCase<"HalfAway", 1, "half_away">;

def QSim_QuantizeRounding : I32EnumAttr<"QuantizeRounding",
    "how quantize rounds the scaled value",
    [QSim_QuantizeHalfEven, QSim_QuantizeHalfAway]> {
  let cppNamespace = "::mlir::qsim";
  let genSpecializedAttr = 0;
}

def QSim_QuantizeRoundingAttr : EnumAttr<QSim_Dialect, QSim_QuantizeRounding,
                                         "quantize_rounding"> {
  let summary = "how a quantization rounds the scaled value";
  let description = [{
    `half_even`: ties to even, as ONNX's QuantizeLinear (`nearbyint`) and
    PyTorch's quantize_val do. `half_away`: ties away from zero, as C's
    `round` and so TFLite's reference Quantize (`TfLiteRound(x / s)`) and
    its converter's weight and bias quantization do. They differ only on
    exact ties `k + 0.5`.
  }];
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QSim_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type">;

def QSim_QuantizedTensor : RankedTensorOf<[QSim_UniformQuantizedType]>;

def QSim_FloatTensor : RankedTensorOf<[F32]>;

def QSim_BiasTensor : 1DTensorOf<[I32]>;

//===----------------------------------------------------------------------===//
// Base op
//===----------------------------------------------------------------------===//

class QSim_Op<string mnemonic, list<Trait> traits = []>
    : Op<QSim_Dialect, mnemonic, traits>;

#endif // QSIM_DIALECT_QSIM_IR_QSIMBASE_TD
