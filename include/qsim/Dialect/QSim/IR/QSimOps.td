//===- QSimOps.td - qsim op definitions -----------------------*- tablegen -*-===//
//
// The qsim ops. Each description gives the exact formula its lowering
// implements, an example and the invariants its verifier checks; the formulas
// are the contract every lowering must match bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_IR_QSIMOPS_TD
#define QSIM_DIALECT_QSIM_IR_QSIMOPS_TD

include "qsim/Dialect/QSim/IR/QSimBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

def QSim_QuantizeOp : QSim_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "quantize a float tensor";
  let description = [{
    Quantizes every element of an f32 tensor with the scale `s` and zero
    point `z` of the result type (per-axis types use the slice's own `s` and
    `z`):

    ```
    q = clamp(round_half_to_even(x / s) + z, qmin, qmax)
    ```

    `x / s` is computed in float32 with `s` rounded to float32, as ONNX
    `QuantizeLinear` does; `z` is added after rounding. `qmin`/`qmax` are the
    storage bounds of the result type, narrow ranges such as
    `i8<-127:127>` included. A NaN quantizes to `z`.

    With `scaling = #qsim.scaling<reciprocal>`, `x / s` is replaced by
    `x * r`, `r = 1.0f / s` rounded to float32, as PyTorch quantizes
    (`zp + nearbyint(x * (1.0f / scale))`).

    With `rounding = #qsim.quantize_rounding<half_away>`, ties round away
    from zero instead, as TFLite's reference Quantize kernel
    (`zero_point + TfLiteRound(x / scale)`, C's `round`) does.

    Example:

    ```mlir
    %q = qsim.quantize %x : tensor<5xf32> -> tensor<5x!quant.uniform<u8:f32, 0.0086274511673871002:139>>
    %p = qsim.quantize %x {scaling = #qsim.scaling<reciprocal>} : tensor<5xf32> -> tensor<5x!quant.uniform<u8:f32, 0.0086274511673871002:139>>
    %t = qsim.quantize %x {rounding = #qsim.quantize_rounding<half_away>} : tensor<5xf32> -> tensor<5x!quant.uniform<i8:f32, 0.0086274511673871002:11>>
    ```

    Invariants: the input is an f32 tensor, the result a tensor of the same
    shape whose element type is a uniform quantized type expressed in f32.
  }];

  let arguments = (ins
    QSim_FloatTensor:$input,
    DefaultValuedAttr<QSim_QuantizeScalingAttr,
                      "::mlir::qsim::QuantizeScaling::Divide">:$scaling,
    DefaultValuedAttr<QSim_QuantizeRoundingAttr,
                      "::mlir::qsim::QuantizeRounding::HalfEven">:$rounding
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

def QSim_DequantizeOp : QSim_Op<"dequantize",
                                [Pure, SameOperandsAndResultShape]> {
  let summary = "dequantize a quantized tensor to f32";
  let description = [{
    Maps every element back to its real value, in float32:

    ```
    x = s * (q - z)
    ```

    Example:

    ```mlir
    %x = qsim.dequantize %q : tensor<5x!quant.uniform<u8:f32, 0.0086274511673871002:139>> -> tensor<5xf32>
    ```

    Invariants: the result is an f32 tensor of the input's shape, and the
    input's quantized type is expressed in f32.
  }];

  let arguments = (ins QSim_QuantizedTensor:$input);
  let results = (outs QSim_FloatTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

def QSim_Conv2DOp : QSim_Op<"conv2d", [Pure]> {
  let summary = "quantized 2-D convolution accumulating in INT32";
  let description = [{
    A grouped 2-D convolution of an NCHW input with OIHW weights
    (`O x C/groups x KH x KW`), accumulated in 32-bit integers:

    ```
    acc[n, o, y, x] = bias[o]
        + sum_{c, ky, kx} (in[n, g*C/groups + c, y*sh + ky*dh - pt, x*sw + kx*dw - pl] - z_x)
                        * (w[o, c, ky, kx] - z_w[o])
    ```

    where `g = o / (O/groups)`. Taps that fall into the padding hold `z_x`, so
    they add 0. Depthwise convolution is `groups = C`. Products and sums wrap
    modulo 2^32, as an INT32 accumulator does.

    The input is per-tensor quantized. The weights are per-tensor or
    per-axis on axis 0, with any zero points, `i8` or `u8` (any storage of 2
    to 16 bits). The result is the accumulator, typed
    `!quant.uniform<i32:f32:1, {s_x*s_w[o], ...}>` with zero points 0
    (per-tensor `!quant.uniform<i32:f32, s_x*s_w>` when the weights are).
    The optional bias is a plain `i32` tensor of `O` values at that scale.

    Output spatial sizes follow from the attributes:
    `OH = (H + pt + pb - dh*(KH-1) - 1) / sh + 1`, likewise `OW`.

    Example:

    ```mlir
    %acc = qsim.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<4x3x3x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<4xi32>)
        -> tensor<1x4x4x4x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.006, 0.008}>>
    ```

    Invariants: ranks 4, 4 (and 1 for the bias); `C` and `O` divisible by
    `groups`; the weights' second dimension is `C/groups`; the result shape
    follows from the attributes; the accumulator's scales equal
    `s_x * s_w` to a relative 1e-6; strides and dilations positive, padding
    non-negative. Only the batch dimension may be dynamic.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    QSim_QuantizedTensor:$weights,
    Optional<QSim_BiasTensor>:$bias,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<I64Attr, "1">:$groups
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input `,` $weights (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

def QSim_LinearOp : QSim_Op<"linear", [Pure]> {
  let summary = "quantized fully connected layer accumulating in INT32";
  let description = [{
    `acc = x * W^T + b` for an input `[N, K]` and weights `[F, K]`, in 32-bit
    integers with explicit zero points:

    ```
    acc[n, f] = bias[f] + sum_k (x[n, k] - z_x) * (w[f, k] - z_w[f])
    ```

    The rules of `qsim.conv2d` apply: a per-tensor input; per-tensor weights
    or per-axis weights on axis 0; the result is the accumulator typed
    `!quant.uniform<i32:f32:1, {s_x*s_w[f], ...}>` (axis 1), or per-tensor;
    the optional bias is `F` plain `i32` values.

    Example:

    ```mlir
    %acc = qsim.linear %x, %w : (tensor<2x16x!quant.uniform<u8:f32, 0.05:3>>,
                                 tensor<10x16x!quant.uniform<i8:f32, 0.02>>)
        -> tensor<2x10x!quant.uniform<i32:f32, 1.0E-3>>
    ```

    Invariants: ranks 2, 2 (1 for the bias); matching `K`; result `[N, F]`;
    accumulator scales equal to `s_x * s_w` to a relative 1e-6. Only `N` may
    be dynamic.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    QSim_QuantizedTensor:$weights,
    Optional<QSim_BiasTensor>:$bias
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input `,` $weights (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

def QSim_RequantizeOp : QSim_Op<"requantize",
                                [Pure, SameOperandsAndResultShape]> {
  let summary = "rescale a quantized tensor (normally an accumulator) to another type";
  let description = [{
    ```
    y = clamp(round_half_to_even((q - z_in[c]) * M[c]) + z_y[c], lo, hi)
    M[c] = s_in[c] / s_y[c]
    ```

    For an accumulator `z_in` is 0 and this is the notebook's `acc * M`; a
    non-zero `z_in` lets requantize rescale between two activation types.
    `M` is computed in float64 at compile time and the product is taken in
    float64, as NumPy multiplies an int32 array by a Python float.
    Per-axis scales of the input (and output) broadcast along their quantized
    axis, which must be the same when both are per-axis. `lo`/`hi` are
    `clamp_min`/`clamp_max`, in the output storage domain, defaulting to the
    output type's storage bounds. A fused ReLU is `clamp_min = z_y`.

    `rounding` selects how `acc * M` is rounded; `half_even` (the default)
    is NumPy's `np.round`. The integer-only fixed-point modes
    (`tflite_double`, `tflite_single`, `tosa_single`, `tosa_double`) are
    separate values of this attribute, never a silent substitute: they
    compute `(q - z_in) * M` from the integer `multiplier` and `shift`
    arrays (one entry, or one per channel of the per-axis side), which
    they require and `half_even` forbids. `M` is then what the pair
    encodes, not the types' scale ratio: `--qsim-set-rounding` computes
    the pair from the scales as the target's own converter does.

    `float32_half_even` computes `float32(q - z_in) * m` in float32 and
    rounds it half to even, as PyTorch's QNNPACK and ONNX Runtime's MLAS
    do. It requires `float_multiplier`, one positive normal f32 `m` per
    channel (or one for all), which every other mode forbids: each runtime
    forms `m` from the scales in its own float32 order (PyTorch
    `(s_x * s_w) * (1 / s_y)`, ONNX Runtime `s_x * s_w / s_y`), so
    `--qsim-set-rounding` computes it as the target does. The
    verifier checks the target's requirements: TFLite's multiplier in
    [0, 2^31 - 1] and shift in [-31, 30]; TOSA's multiplier >= 0, shift in
    [2, 62], and an input range within the `±2^(shift - 1)` that
    `apply_scale_32` requires. The fixed-point input `q - z_in` must fit in
    int32, so an i32 input needs `z_in = 0`.

    Example:

    ```mlir
    %y = qsim.requantize %acc {clamp_min = 10 : i64}
        : tensor<1x4x4x4x!quant.uniform<i32:f32:1, {0.002, 0.004, 0.006, 0.008}>>
        -> tensor<1x4x4x4x!quant.uniform<u8:f32, 0.04:10>>
    ```

    A fixed-point requantization (TFLite's encoding of M = 0.25 is
    multiplier 2^30 and shift -1):

    ```mlir
    %y = qsim.requantize %acc {rounding = #qsim.rounding<tflite_double>,
                               multiplier = array<i32: 1073741824>,
                               shift = array<i32: -1>}
        : tensor<8x!quant.uniform<i32:f32, 0.01>>
        -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
    ```

    The float32 form, as PyTorch's QNNPACK computes it:

    ```mlir
    %y = qsim.requantize %acc {rounding = #qsim.rounding<float32_half_even>,
                               float_multiplier = array<f32: 0.25>}
        : tensor<8x!quant.uniform<i32:f32, 0.01>>
        -> tensor<8x!quant.uniform<i8:f32, 0.04:-3>>
    ```

    Invariants: identical shapes; per-axis input and output on the same
    axis; `clamp_min` and `clamp_max` lie in the output storage range and
    `clamp_min <= clamp_max`; `multiplier`, `shift` and `float_multiplier`
    as above.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    DefaultValuedAttr<QSim_RoundingModeAttr,
                      "::mlir::qsim::RoundingMode::HalfEven">:$rounding,
    OptionalAttr<I64Attr>:$clamp_min,
    OptionalAttr<I64Attr>:$clamp_max,
    OptionalAttr<DenseI32ArrayAttr>:$multiplier,
    OptionalAttr<DenseI32ArrayAttr>:$shift,
    OptionalAttr<DenseF32ArrayAttr>:$float_multiplier
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// The lower clamp bound in the output storage domain: `clamp_min` when
    /// present, otherwise the output type's storage minimum.
    int64_t getLowerBound();
    /// The upper clamp bound: `clamp_max`, or the storage maximum.
    int64_t getUpperBound();
    /// Whether `rounding` is one of the integer fixed-point modes, which
    /// read `multiplier` and `shift`.
    bool isFixedPoint();
    /// Switches to float32_half_even with the f32 multipliers of the types'
    /// scales, formed as s_in * (1.0f / s_y) with `byReciprocal` (PyTorch)
    /// or s_in / s_y (ONNX Runtime); one entry when all channels agree. Any
    /// fixed-point pair is removed.
    void setFloat32Rounding(bool byReciprocal);
    /// Switches to the fixed-point `mode` with the pairs that its runtime's
    /// encoder computes from each channel's ratio s_in / s_y in float64;
    /// one pair when all channels agree. Fails, with an error on the op,
    /// when the encoding cannot hold a ratio or the pairs break the
    /// verifier (as a TOSA shift that leaves the input range too narrow).
    ::mlir::LogicalResult setFixedPointRounding(RoundingMode mode);
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ReluOp
//===----------------------------------------------------------------------===//

def QSim_ReluOp : QSim_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "ReLU in the quantized domain";
  let description = [{
    `y = max(q, z)`: the zero point is the code of the real value 0, so this
    is exactly ReLU of the dequantized value. Per-axis types use each
    slice's own `z`.

    Example:

    ```mlir
    %y = qsim.relu %x : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.04:10>>
    ```
  }];

  let arguments = (ins QSim_QuantizedTensor:$input);
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

def QSim_ClampOp : QSim_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "clamp a quantized tensor to a real-valued range";
  let description = [{
    Clamps to real-valued bounds, applied in the storage domain:

    ```
    y = min(max(q, quantize(min)), quantize(max))
    ```

    where `quantize` is `qsim.quantize`'s formula applied to the float32
    value of the bound (so `quantize(0) = z`). ReLU6 is `min = 0.0`,
    `max = 6.0`. Per-axis types use each slice's own bounds.

    Example:

    ```mlir
    %y = qsim.clamp %x {min = 0.0, max = 6.0} : tensor<1x4x4x4x!quant.uniform<u8:f32, 0.04:10>>
    ```

    Invariants: `min <= max`, neither is NaN.
  }];

  let arguments = (ins QSim_QuantizedTensor:$input, F64Attr:$min, F64Attr:$max);
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MaxPool2DOp
//===----------------------------------------------------------------------===//

def QSim_MaxPool2DOp : QSim_Op<"max_pool2d", [Pure]> {
  let summary = "2-D max pooling of a quantized NCHW tensor";
  let description = [{
    ```
    y[n, c, oy, ox] = max_{ky, kx} q[n, c, oy*sh + ky*dh - pt, ox*sw + kx*dw - pl]
    ```

    compared as signed or unsigned storage integers; padded taps hold the
    storage minimum, so they never win over a real element (and a window of
    padding alone, possible with dilation, gives the storage minimum, the
    code of -inf clamped, as float pooling of -inf padding would after
    quantization). Quantization
    is monotone, so this is exactly the max pooling of the real values
    quantized with the same type: the result type equals the input type.

    Example:

    ```mlir
    %y = qsim.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : tensor<1x8x8x8x!quant.uniform<u8:f32, 0.02>> -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.02>>
    ```

    Invariants: rank 4; equal element types; positive kernel, strides and
    dilations; non-negative padding smaller than the dilated kernel; the
    result's spatial size follows from the attributes; a per-axis type is
    quantized on the channels (axis 1).
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    DenseI64ArrayAttr:$kernel,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// AddOp
//===----------------------------------------------------------------------===//

def QSim_AddOp : QSim_Op<"add", [Pure]> {
  let summary = "elementwise sum of two quantized tensors, with broadcasting";
  let description = [{
    Adds two tensors that each have their own scale and zero point and
    quantizes the sum to the result type:

    ```
    y = clamp(round_half_to_even(M_a * (a - z_a) + M_b * (b - z_b)) + z_y, lo, hi)
    M_a = s_a / s_y,  M_b = s_b / s_y
    ```

    `M_a` and `M_b` are computed in float64 at compile time. The expression
    is evaluated as written, in float64: the two products, then their sum,
    then the rounding (`a - z_a` and `b - z_b` are exact). `lo`/`hi` are
    `clamp_min`/`clamp_max`, in the output storage domain, defaulting to the
    output storage bounds; a ReLU after a residual add is
    `clamp_min = z_y`.

    `rounding` is `half_even` (the float64 formula above),
    `float32_half_even` (ONNX Runtime's, below), `qnnpack` (PyTorch's,
    below), `xnnpack` (XNNPACK's, below), `tosa_single` or `tosa_double`
    (TOSA's, below) or `tflite_double`, TFLite's integer ADD kernel
    (`tensorflow/lite/kernels/internal/reference/add.h`, `AddElementwise`),
    from the `multiplier` and `shift` pairs of the two inputs and the
    output and the `left_shift` `l`, all required:

    ```
    a' = R(int32((a - z_a) << l), m_a, s_a)
    b' = R(int32((b - z_b) << l), m_b, s_b)
    y  = clamp(R(a' + b', m_y, s_y) + z_y, lo, hi)
    ```

    where `R(x, m, s)` is `tflite_double`'s
    `MultiplyByQuantizedMultiplier`: gemmlowp's
    `SaturatingRoundingDoublingHighMul`, then `RoundingDivideByPOT`.
    TFLite's `Prepare` chooses `l = 20` and the pairs of `s_a / 2S`,
    `s_b / 2S` and `2S / (2^l s_y)`, `S = max(s_a, s_b)`, with
    `QuantizeMultiplier`; `--qsim-set-rounding=mode=tflite_double` (and
    `target=tflite`) compute them so.

    `float32_half_even` is ONNX Runtime's QLinearAdd on x86 (MLAS,
    `onnxruntime/core/mlas/lib/intrinsics/avx2/qladd_avx2.cpp`,
    `MlasQLinearAddKernelAvx2Helper`), from the `float_multiplier` pair
    `[r_a, r_b]` and the `float_offset` `F`, all f32 and required, and the
    storage integers `a` and `b` converted to f32 (exactly):

    ```
    y = clamp(round_half_to_even(fma(a, r_a, fma(b, r_b, F))), lo, hi)
    ```

    `fma` is a fused multiply-add in f32 (one rounding). When `lhs` is
    broadcast along the result's last dimension whose size is not 1 and
    `rhs` is not, ONNX Runtime folds the `lhs` term in first:
    `fma(b, r_b, fma(a, r_a, F))`. A sum outside int32 becomes INT32_MIN,
    as `cvtps2dq` gives, and so the storage minimum. ONNX Runtime forms
    `r_a = s_a / s_y`, `r_b = s_b / s_y` and
    `F = z_y - fma(r_a, z_a, r_b * z_b)` in f32 (the compiler contracts
    its `r_a * z_a + r_b * z_b`); `--qsim-set-rounding=mode=float32_half_even`
    (and `target=onnxruntime`) compute them so. Its 16-bit adds take
    another path, not modelled: the mode needs 8-bit storage.

    `qnnpack` is PyTorch's QNNPACK add of two quint8 tensors of one shape
    (`aten/src/ATen/native/quantized/cpu/qnnpack/src/q8vadd/sse2.c` and
    `pytorch_qnnp_compute_add_quantization_params`), in int32 arithmetic
    that wraps, from the `multiplier` pair `[m_a, m_b]` and the one
    `shift` `s`:

    ```
    acc = -(m_a z_a + m_b z_b) + m_a a + m_b b
    r   = (acc & (2^s - 1)) - (acc < 0)
    y   = clamp((acc >> s) + (r > (2^s - 1) >> 1) + z_y, lo, hi)
    ```

    that is `acc / 2^s` rounded half away from zero. QNNPACK's set-up
    takes the f32 ratios `r = s_a / s_y`, `s_b / s_y`, the shift
    `21 - exponent(max(r))` and `m = lrintf(r * 2^s)`;
    `--qsim-set-rounding="mode=float32_half_even float-multiplier=reciprocal"`
    (PyTorch's requantization) and `target=pytorch` compute them so.
    PyTorch adds other types, and operands of two shapes, with other
    kernels, not modelled.

    `xnnpack` is XNNPACK's 8-bit add (`qs8-vadd`, `qs8-vaddc`), which
    LiteRT's default delegate runs TFLite's ADD on: the same `multiplier`
    pair and `shift`, a rounding bias and an arithmetic shift (ties
    towards +infinity), any broadcast:

    ```
    acc = 2^(s - 1) - (m_a z_a + m_b z_b) + m_a a + m_b b
    y   = clamp((acc >> s) + z_y, lo, hi)
    ```

    The set-up takes the f32 ratios `r`, the shift `20 - exponent(max(r))`
    and `m = round(r * 2^s)`; `--qsim-set-rounding=mode=xnnpack` computes
    them so for every add of 8-bit storage of one signedness whose ratios
    lie in `[2^-10, 2^8)`.

    `tosa_single` and `tosa_double` are the integer add that TOSA's
    legalizations emit (TFLite's ADD in
    `tensorflow/compiler/mlir/tosa/transforms/legalize_tfl.cc`, and
    ExecuTorch's Arm backend): each input `tosa.rescale`d to int32, an int32
    `tosa.add`, the sum rescaled to the result, every rescale TOSA's
    `apply_scale_32` (SINGLE_ROUND or DOUBLE_ROUND, see `qsim.requantize`)
    with the `multiplier` and `shift` pairs of the lhs, the rhs and the
    result:

    ```
    a' = apply_scale_32(a - z_a, m_a, s_a)
    b' = apply_scale_32(b - z_b, m_b, s_b)
    y  = clamp(apply_scale_32(a' + b', m_y, s_y) + z_y, lo, hi)
    ```

    The legalizations take the scale32 pairs of `2^l s_a / 2S`,
    `2^l s_b / 2S` and `2S / (2^l s_y)`, `S = max(s_a, s_b)` in float64,
    `l = 20` (15 for a 16-bit result); `--qsim-set-rounding=mode=tosa_double`
    (and `target=tosa`) compute them so, for storage of at most 16 bits.

    The shapes broadcast as in NumPy: aligned on their trailing dimensions,
    each pair of sizes equal or one of them 1 (a missing leading dimension
    counts as 1), the result having the broadcast shape. A dimension may be
    dynamic where both operands have it dynamic (their sizes must then be
    equal at run time) or where the other operand's size is 1.

    Example:

    ```mlir
    %y = qsim.add %a, %b {clamp_min = 10 : i64}
        : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<8x1x1x!quant.uniform<i8:f32, 0.05:-3>>)
        -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.04:10>>
    ```

    Invariants: per-tensor types of 2 to 16 storage bits on both operands
    and the result; broadcast-compatible shapes whose broadcast is the
    result shape; `clamp_min` and `clamp_max` in the output storage range
    and `clamp_min <= clamp_max`; with `tflite_double`, three TFLite pairs
    and a `left_shift` of 0 to 30 that keeps every `(q - z) << l` in int32;
    with `float32_half_even`, 8-bit storage, two positive normal
    `float_multiplier` values and a finite `float_offset`; with `qnnpack`,
    u8 types, operands of one shape, two multipliers in `[0, 2^22)` and a
    shift in `[13, 31]`; with `xnnpack`, 8-bit types of one signedness,
    two multipliers in `[0, 2^21]` and a shift in `[1, 31]`; with
    `tosa_single` and `tosa_double`, three TOSA pairs (multiplier >= 0,
    shift in `[2, 62]`) for which every `q - z` of the operands' storage
    ranges and every sum of their rescaled values lies within what
    `apply_scale_32` takes with its shift (`[-2^(shift-1), 2^(shift-1))`);
    with `half_even`, none of them.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$lhs,
    QSim_QuantizedTensor:$rhs,
    DefaultValuedAttr<QSim_RoundingModeAttr,
                      "::mlir::qsim::RoundingMode::HalfEven">:$rounding,
    OptionalAttr<I64Attr>:$clamp_min,
    OptionalAttr<I64Attr>:$clamp_max,
    OptionalAttr<DenseI32ArrayAttr>:$multiplier,
    OptionalAttr<DenseI32ArrayAttr>:$shift,
    OptionalAttr<I64Attr>:$left_shift,
    OptionalAttr<DenseF32ArrayAttr>:$float_multiplier,
    OptionalAttr<F32Attr>:$float_offset
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The lower clamp bound in the output storage domain: `clamp_min` when
    /// present, otherwise the output type's storage minimum.
    int64_t getLowerBound();
    /// The upper clamp bound: `clamp_max`, or the storage maximum.
    int64_t getUpperBound();
    /// Whether TFLite's and ONNX Runtime's 8-bit add kernels can compute
    /// this add: both operands and the result have storage of at most 8
    /// bits.
    bool hasEightBitStorage();
    /// Switches to tflite_double with the left shift and the three pairs
    /// that TFLite's ADD kernel prepares from the types' scales. Fails, with
    /// an error on the op, for storage wider than 8 bits, which TFLite adds
    /// with another kernel.
    ::mlir::LogicalResult setTfliteRounding();
    /// Switches to float32_half_even with the f32 ratios and offset that
    /// ONNX Runtime's QLinearAdd forms from the types' scales and zero
    /// points. Fails, with an error on the op, for storage wider than 8
    /// bits.
    ::mlir::LogicalResult setFloat32Rounding();
    /// Whether PyTorch's QNNPACK add kernel computes this add: u8 operands
    /// and result, the operands of one shape, scale ratios s_a / s_y and
    /// s_b / s_y in [2^-14, 2^8).
    bool hasQnnpackAddForm();
    /// Switches to qnnpack with the multipliers and shift that QNNPACK
    /// computes from the types' scales. Fails, with an error on the op,
    /// without hasQnnpackAddForm.
    ::mlir::LogicalResult setQnnpackRounding();
    /// Whether XNNPACK's 8-bit add computes this add: 8-bit storage of one
    /// signedness, scale ratios s_a / s_y and s_b / s_y in [2^-10, 2^8).
    bool hasXnnpackAddForm();
    /// Switches to xnnpack with the multipliers and shift that XNNPACK
    /// computes from the types' scales. Fails, with an error on the op,
    /// without hasXnnpackAddForm.
    ::mlir::LogicalResult setXnnpackRounding();
    /// Whether TOSA's rescale chain computes this add with `mode`
    /// (tosa_single or tosa_double): storage of at most 16 bits, pairs that
    /// TOSA's encoding holds, and values within apply_scale_32's range.
    bool hasTosaAddForm(::mlir::qsim::RoundingMode mode);
    /// Switches to `mode` (tosa_single or tosa_double) with the pairs of
    /// TOSA's legalization of an integer add. Fails, with an error on the
    /// op and the op unchanged, without hasTosaAddForm.
    ::mlir::LogicalResult setTosaRounding(::mlir::qsim::RoundingMode mode);
    /// Whether float32_half_even folds the lhs term in first: lhs is
    /// broadcast along the result's last dimension of a size other than 1,
    /// and rhs is not.
    bool isLhsFoldedFirst();
    /// Removes the attributes of every rounding mode but half_even's.
    void removeRoundingParameters();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MulOp
//===----------------------------------------------------------------------===//

def QSim_MulOp : QSim_Op<"mul", [Pure]> {
  let summary = "elementwise product of two quantized tensors, with broadcasting";
  let description = [{
    Multiplies two tensors that each have their own scale and zero point and
    quantizes the product to the result type:

    ```
    y = clamp(round_half_to_even(M * p) + z_y, lo, hi)
    p = (a - z_a) * (b - z_b)
    M = s_a * s_b / s_y
    ```

    `p` is exact (in 64-bit integers), then converted to float64. `M` is
    computed in float64 at compile time, the product `s_a * s_b` first, then
    the division by `s_y`; `M * p` is a float64 product. `clamp_min`,
    `clamp_max` and the broadcasting of the shapes are those of `qsim.add`.

    `rounding = tosa_single` or `tosa_double` is the integer product that
    TOSA's legalizations emit (TFLite's MUL in `legalize_tfl.cc`): each
    operand rescaled to int32 by 1 (`a - z_a` exactly), an int32
    `tosa.mul` with shift 0, and the product rescaled to the result with
    `apply_scale_32` and the one `multiplier`/`shift` pair of
    `M = s_a s_b / s_y` (scale32):

    ```
    y = clamp(apply_scale_32((a - z_a) * (b - z_b), m, shift) + z_y, lo, hi)
    ```

    `--qsim-set-rounding=mode=tosa_*` and `target=tosa` compute the pair
    for a product of 8-bit storage whose every value `apply_scale_32` takes
    with the pair's shift.

    Example (a squeeze-and-excitation gate scaling each channel):

    ```mlir
    %y = qsim.mul %x, %gate
        : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<1x8x1x1x!quant.uniform<u8:f32, 0.00390625>>)
        -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.02:128>>
    ```

    Invariants: those of `qsim.add`; with `tosa_single` and `tosa_double`,
    8-bit storage and one TOSA pair (multiplier >= 0, shift in `[2, 62]`)
    whose `apply_scale_32` takes every product of the storage ranges; with
    `half_even`, no pair.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$lhs,
    QSim_QuantizedTensor:$rhs,
    DefaultValuedAttr<QSim_RoundingModeAttr,
                      "::mlir::qsim::RoundingMode::HalfEven">:$rounding,
    OptionalAttr<I64Attr>:$clamp_min,
    OptionalAttr<I64Attr>:$clamp_max,
    OptionalAttr<DenseI32ArrayAttr>:$multiplier,
    OptionalAttr<DenseI32ArrayAttr>:$shift
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The lower clamp bound in the output storage domain: `clamp_min` when
    /// present, otherwise the output type's storage minimum.
    int64_t getLowerBound();
    /// The upper clamp bound: `clamp_max`, or the storage maximum.
    int64_t getUpperBound();
    /// Whether TOSA's rescale, mul, rescale chain computes this product
    /// with `mode` (tosa_single or tosa_double): 8-bit storage, a pair that
    /// TOSA's encoding holds and whose shift takes every product.
    bool hasTosaMulForm(::mlir::qsim::RoundingMode mode);
    /// Switches to `mode` with the scale32 pair of s_a s_b / s_y. Fails,
    /// with an error on the op and the op unchanged, without
    /// hasTosaMulForm.
    ::mlir::LogicalResult setTosaRounding(::mlir::qsim::RoundingMode mode);
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

def QSim_ConcatOp : QSim_Op<"concat", [Pure]> {
  let summary = "concatenate quantized tensors, requantizing to the result type";
  let description = [{
    Concatenates its inputs along `axis`. An input whose element type equals
    the result's is copied; any other is requantized to the result type
    with `qsim.requantize`'s formula:

    ```
    y = clamp(round_half_to_even((s_in / s_y) * (q - z_in)) + z_y, qmin_y, qmax_y)
    ```

    with the multiplier `s_in / s_y` computed in float64 at compile time and
    the product in float64; `qmin_y`/`qmax_y` are the result's storage
    bounds. `rounding` is `qsim.requantize`'s attribute.

    Example (channel concatenation of two branches at different scales):

    ```mlir
    %y = qsim.concat %a, %b {axis = 1 : i64}
        : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.02:128>>,
           tensor<1x4x4x4x!quant.uniform<u8:f32, 0.03:120>>)
        -> tensor<1x12x4x4x!quant.uniform<u8:f32, 0.02:128>>
    ```

    Invariants: at least one input; per-tensor types of 2 to 16 storage
    bits; inputs and result of one rank, with `0 <= axis < rank`; every
    dimension but `axis` identical on all inputs and the result; the sizes on
    `axis` static, the result's their sum. Off the axis a dimension may be
    dynamic when it is dynamic on every input and on the result (the sizes
    must then agree at run time).
  }];

  let arguments = (ins
    Variadic<QSim_QuantizedTensor>:$inputs,
    I64Attr:$axis,
    DefaultValuedAttr<QSim_RoundingModeAttr,
                      "::mlir::qsim::RoundingMode::HalfEven">:$rounding
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// AvgPool2DOp
//===----------------------------------------------------------------------===//

def QSim_AvgPool2DOp : QSim_Op<"avg_pool2d", [Pure]> {
  let summary = "2-D average pooling of a quantized NCHW tensor";
  let description = [{
    Averages each `KH x KW` window of the real values and quantizes the mean
    to the result type:

    ```
    S[n, c, oy, ox] = sum_{ky, kx in bounds} (q[n, c, oy*sh + ky - pt, ox*sw + kx - pl] - z_x)
    y = clamp(round_half_to_even((double(S) * M) / double(count)) + z_y, qmin, qmax)
    M = s_x / s_y
    ```

    `S` is exact in int64: storage is at most 16 bits and a window at most
    2^32 taps, so `|S| < 2^48`, which int64 and float64 both hold exactly.
    Padded taps are real zeros: they add 0 to `S`. `count` is `KH * KW`
    when `count_include_pad` is set, otherwise the number of taps of the
    window that lie inside the input. `M` is computed in float64 at compile
    time; the product `double(S) * M`, then the division by `count`, are
    float64 operations evaluated in that order, then rounded as `rounding`
    says (`half_even`, the default, is NumPy's `np.round`). With equal
    input and result types `M = 1` and the result is the correctly rounded
    mean. A global average pool is `kernel = [H, W]`.

    `rounding = tosa_single` is TOSA's integer AVG_POOL2D, which keeps the
    scale (the input and result scales must be equal, the zero points may
    differ) and divides the int32 sum of the in-bounds taps (padding is
    never counted) with `apply_scale_32` by the specification's
    `reciprocal_scale(count)`, single rounding:

    ```
    k     = ceil(log2(count)),  m = ((2^30 + 1) << k) / count,  shift = 30 + k
    y     = clamp(((S * m + 2^(shift - 1)) >> shift) + z_y, qmin, qmax)
    ```

    `--qsim-set-rounding=mode=tosa_*` and `target=tosa` set it on the
    pools it computes.

    Example:

    ```mlir
    %y = qsim.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                             padding = array<i64: 1, 1, 1, 1>, count_include_pad = false}
        : tensor<1x8x8x8x!quant.uniform<u8:f32, 0.02:3>> -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.01:5>>
    ```

    Invariants: rank 4; per-tensor input and result types of at most 16
    bits (they may differ); 2 positive kernel sizes and strides; 4
    non-negative padding values (top, left, bottom, right, as in
    `qsim.max_pool2d`) each smaller than the kernel, so that no window is
    all padding; a window of at most 2^32 taps that fits in the padded
    input; result spatial sizes `(H + pt + pb - KH) / sh + 1` and
    `(W + pl + pr - KW) / sw + 1`; equal channels. C, H and W are static,
    N may be dynamic. With `tosa_single`, equal scales, no padding when
    `count_include_pad` is set, and `KH * KW * max|q - z_x|` within int32.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    DenseI64ArrayAttr:$kernel,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
    DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
    DefaultValuedAttr<QSim_RoundingModeAttr,
                      "::mlir::qsim::RoundingMode::HalfEven">:$rounding
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let extraClassDeclaration = [{
    /// Whether TOSA's AVG_POOL2D computes this pool (rounding tosa_single):
    /// equal input and result scales, no padding in the divisor, a window
    /// sum within int32.
    bool hasTosaAvgPoolForm();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// TableOp
//===----------------------------------------------------------------------===//

def QSim_TableOp : QSim_Op<"table", [Pure]> {
  let summary = "elementwise lookup table on an 8-bit (or narrower) quantized tensor";
  let description = [{
    Maps every input code through a table with one entry per code of the
    input storage type:

    ```
    y = table[q - qmin_storage]
    ```

    where `qmin_storage` is the minimum of the storage type itself (0 for
    `u<b>`, `-2^(b-1)` for `i<b>`; a narrow range such as `i8<-127:127>`
    still has 256 entries, entry 0 unused). The entries are codes of the
    result type. A quantizer builds the table at compile time by
    dequantizing every input code, applying an elementwise real function
    (sigmoid, tanh, GELU, ...) and quantizing the result with
    `qsim.quantize`'s formula (`mlir::qsim::buildTable`), as TFLite and
    `tosa.table` do for 8-bit activations.

    Example:

    ```mlir
    %y = qsim.table %x {table = dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]> : tensor<16xi32>}
        : tensor<1x8x!quant.uniform<u4:f32, 0.5:8>> -> tensor<1x8x!quant.uniform<u8:f32, 0.25:2>>
    ```

    Invariants: identical input and result shapes; per-tensor input and
    result types; input storage of at most 8 bits, result storage of at
    most 16; a rank-1 table of `2^b` entries for `b`-bit input storage,
    each within the result storage range `[qmin, qmax]`.
  }];

  let arguments = (ins
    QSim_QuantizedTensor:$input,
    I32ElementsAttr:$table
  );
  let results = (outs QSim_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// x86 dot products
//===----------------------------------------------------------------------===//

def QSim_X86DotU8S8Op : QSim_Op<"x86.dot_u8s8",
    [Pure, AllTypesMatch<["acc", "result"]>]> {
  let summary = "AVX-512 VNNI vpdpbusd: four u8 x s8 products into each i32";
  let description = [{
    `r[i] = acc[i] + sum_{k < 4} zext(a[4i + k]) * sext(b[4i + k])`, modulo
    2^32 (vpdpbusd, not the saturating vpdpbusds). The packed kernels of
    `convert-qsim-to-kernels` compute with it; `convert-qsim-x86-to-llvm`
    lowers it to `llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"`, which
    x86vector does not provide. Unlike the intrinsic call, the op has no
    side effects, so that bufferization and buffer deallocation see through
    the kernels that hold it.

    Example:

    ```mlir
    %r = qsim.x86.dot_u8s8 %acc, %a, %b
        : vector<16xi32>, vector<64xi8>, vector<64xi8>
    ```
  }];

  let arguments = (ins FixedVectorOfLengthAndType<[16], [I32]>:$acc,
                       FixedVectorOfLengthAndType<[64], [I8]>:$a,
                       FixedVectorOfLengthAndType<[64], [I8]>:$b);
  let results = (outs FixedVectorOfLengthAndType<[16], [I32]>:$result);
  let assemblyFormat = [{
    $acc `,` $a `,` $b attr-dict `:` type($acc) `,` type($a) `,` type($b)
  }];
}

def QSim_X86PairDotI16Op : QSim_Op<"x86.pair_dot_i16", [Pure]> {
  let summary = "AVX2 vpmaddwd: pairs of i16 products into each i32";
  let description = [{
    `r[i] = sext(a[2i]) * sext(b[2i]) + sext(a[2i + 1]) * sext(b[2i + 1])`
    in i32 (vpmaddwd; only two products of -32768 overflow it, which 8-bit
    operands never reach). `convert-qsim-x86-to-llvm` lowers it to
    `llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"`.

    Example:

    ```mlir
    %r = qsim.x86.pair_dot_i16 %a, %b
        : vector<16xi16>, vector<16xi16> -> vector<8xi32>
    ```
  }];

  let arguments = (ins FixedVectorOfLengthAndType<[16], [I16]>:$a,
                       FixedVectorOfLengthAndType<[16], [I16]>:$b);
  let results = (outs FixedVectorOfLengthAndType<[8], [I32]>:$result);
  let assemblyFormat = [{
    $a `,` $b attr-dict `:` type($a) `,` type($b) `->` type($result)
  }];
}

#endif // QSIM_DIALECT_QSIM_IR_QSIMOPS_TD
