//===- Passes.td - qsim conversion passes ---------------------*- tablegen -*-===//
//
// Every pass that converts between qsim and another dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_CONVERSION_PASSES_TD
#define QSIM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQSimToLinalg : Pass<"convert-qsim-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower qsim ops and quant.scast to integer linalg/arith/tensor";
  let description = [{
    Rewrites every qsim op into `linalg.generic` ops over the storage
    integers of its quantized types (`i8`, `i32`, ...), with the scales,
    zero points and multipliers of the types folded into constants, and
    removes `quant.scast`. Unsigned storage stays in signless integers and
    is widened by zero-extension. Quantized types do not survive the pass:
    function signatures, calls and returns are converted too, as are the
    region-free `tensor` ops (reshapes, slices, casts) that move quantized
    values around. An op that still carries a quantized type afterwards is
    an error.

    The generated arithmetic is the formula in each op's description:
    `qsim.quantize` divides and rounds in f32, `qsim.requantize` multiplies
    and rounds in f64, convolutions and linear layers accumulate
    `(x - z_x) * (w - z_w)` in i32.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertQSimToTosa : Pass<"convert-qsim-to-tosa", "::mlir::ModuleOp"> {
  let summary = "Export a program quantized with target=tosa as TOSA";
  let description = [{
    Rewrites every qsim op into the TOSA ops that compute the same integers
    on the storage types (`i8`, `i32`, ...), for upstream's `tosa-to-linalg`
    pipelines or any other TOSA consumer. Running the export through
    `--qsim-tosa-to-linalg` gives, bit for bit, what `convert-qsim-to-linalg`
    gives for the qsim program.

    | qsim | TOSA |
    |------|------|
    | `quantize` (`scaling = reciprocal`) | `mul` by `1.0f / s`, `equal` + `select` (NaN to 0), `clamp` to `[qmin - z, qmax - z]`, `cast` to i32 (half to even), `add` of `z`, `cast` |
    | `dequantize` | `cast` to i32, `sub` of `z`, `cast` to f32, `mul` by `s` |
    | `conv2d` | `transpose` to NHWC, `conv2d` (OHWI weights) or `depthwise_conv2d` (`groups = C`, HWCM weights), `transpose` back |
    | `linear` | `reshape` to `[1, N, K]`, `matmul` by the transposed weights, `add` of the bias, `reshape` |
    | `requantize` (`tosa_single`, `tosa_double`) | `rescale` (`scale32`, the op's multipliers and shifts, `per_channel` on a last axis moved there by `transpose`), `clamp` when `clamp_min`/`clamp_max` narrow the range |
    | `add` (`tosa_single`, `tosa_double`) | `rescale` of each input to i32 (a lower-rank operand `reshape`d first), `add` in i32, `rescale` of the sum, `clamp` when `clamp_min`/`clamp_max` narrow the range |
    | `mul` (`tosa_single`, `tosa_double`, 8-bit) | `rescale` of each input to i32 by 1, `mul` in i32 (shift 0), `rescale` of the product, `clamp` when the bounds narrow the range |
    | `relu`, `clamp` | `clamp` with the storage bounds |
    | `max_pool2d` (no dilation) | `max_pool2d` in NHWC |
    | `avg_pool2d` (`tosa_single`) | `avg_pool2d` in NHWC, the zero points, an i32 accumulator |
    | `concat` of equal types | `concat` |
    | `table` (i8 to i8) | `table` |
    | `quant.scast` of a constant | `const` |
    | reshapes and transposes of quantized values | `reshape`, `transpose` |

    The zero points become TOSA's zero-point operands, the padding
    `[top, left, bottom, right]` TOSA's `[top, bottom, left, right]`. TOSA
    requires a convolution or pooling window to end exactly on the padded
    input; where qsim's floor division leaves rows (or columns) unread at
    the end, the export drops them, from the bottom padding first and then
    with a `slice` of the input, which leaves every output unchanged. Weight
    transposes and reshapes are folded into the constants. Ops that touch
    no quantized value (the float parts of a model) are left as they are.

    A program that TOSA cannot compute exactly is an error at the op, before
    anything is rewritten: unsigned storage (TOSA tensors are signed),
    `qsim.quantize` by division (TOSA only multiplies), a requantization
    rounding other than `tosa_single`/`tosa_double`, zero points that vary
    per channel, grouped (not depthwise) convolutions, dilated pooling, a
    zero point on a 16-bit add or pool operand (TOSA takes zero points on
    i8 only), and requantizing `concat` and adds, products and average
    pools in other roundings, whose float64 roundings TOSA's rescale chains
    and AVG_POOL2D do not reproduce.
    `qsim-ptq target=tosa` quantizes a model so that it exports.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::tosa::TosaDialect"
  ];
}

def ConvertQuantizedTosaToQSim
    : Pass<"convert-quantized-tosa-to-qsim", "::mlir::ModuleOp"> {
  let summary = "Import an integer (already quantized) TOSA program as qsim "
                "ops";
  let description = [{
    Rewrites the integer layers of a TOSA program, as a TOSA front end
    emits them for an int8 model (and as `convert-qsim-to-tosa` exports
    them), into the qsim ops that compute the same integers:

    | TOSA | qsim |
    |------|------|
    | `conv2d` (i8 input and constant weights, constant i32 bias and zero points, i32 result) | `transpose` to NCHW, `conv2d` (OIHW weights), `transpose` back |
    | `depthwise_conv2d` (the same) | the same, `groups = C` and `[C*M, 1, KH, KW]` weights |
    | `matmul` (i8 by one constant i8 matrix for every batch) | `collapse_shape` to rows, `linear` by the transposed matrix, `expand_shape` |
    | `add` of a constant varying along the last axis, after a layer | the layer's bias |
    | `rescale` (`scale32`, signed, `SINGLE_ROUND` or `DOUBLE_ROUND`) | `requantize` with `tosa_single` or `tosa_double` and the rescale's multipliers and shifts; per channel on the last axis (NCHW's channels after a layer) |
    | `clamp` of i8 or i16 after a rescale | the requantize's `clamp_min`/`clamp_max` |
    | `rescale` of two 8- or 16-bit values to i32, i32 `add`, `rescale` of the sum (one rounding mode, one pair each) | `add` with `tosa_single` or `tosa_double` and the three pairs |
    | `clamp` of i8 or i16 | `clamp` |
    | `max_pool2d` of i8 or i16 | `max_pool2d` in NCHW |
    | `avg_pool2d` of i8 or i16 (constant zero points, a window sum within int32) | `avg_pool2d` with `tosa_single` in NCHW |

    A layer takes the bias add, the rescale and the clamp that follow it
    when each is the only user of the value before, so that a TOSA layer
    becomes one qsim layer (`conv2d`, `requantize` with its fused clamp).

    Integer TOSA has no scales: every type the import makes has the
    nominal scale 1 and the zero point of its TOSA op (per-axis, with
    repeated scales and zero points, where a rescale is per channel). The
    integers qsim computes depend on no scale, so they are exactly TOSA's;
    a `qsim.dequantize` or manifest of an imported program shows the
    nominal scales. The function signature and every value between
    rewritten ops keep their storage types (`i8`, `i32`): each rewrite
    reads and writes storage through `quant.scast`, and the casts and
    transposes that meet between two rewritten ops cancel.

    Every other TOSA op, and each of the ops above that the import cannot
    take, stays TOSA with a remark at the op that gives the reason (`stays
    TOSA: its rounding mode is neither SINGLE_ROUND nor DOUBLE_ROUND`);
    qsim's lowering computes it as upstream's `tosa-to-linalg` does, so the
    program computes the same integers either way. Not taken: unsigned
    rescales, `scale32 = false`, `INEXACT_ROUND`, i16 activations (TOSA
    accumulates them in int48), weights that are not constants, and a
    rescale whose shift leaves `apply_scale_32`'s input range narrower than
    its input type (TOSA requires the range of the values at run time; qsim
    checks it on the types). `table` and `concat` stay TOSA,
    and so does an `add` chain whose rescales round differently or whose
    sum the last rescale's shift cannot take for every input.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qsim::QSimDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertQSimToKernels : Pass<"convert-qsim-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Lower qsim.conv2d and qsim.linear to register-blocked vector kernels";
  let description = [{
    Rewrites the integer layers that a packed kernel can compute exactly into
    loops of vector code over buffers: the weights are packed at compile time
    into panels `[out/(J*L)][taps][in/G][J][L][G]` (G input channels per
    32-bit lane, L lanes, the J vectors of one tile), the activations are copied into a padded NHWC (or row-major)
    buffer, and every output tile of P pixels by J vectors of L channels is
    accumulated in registers. The dot product is the one the `kernel` option
    names:

    - `amx`: AMX `tdpbusd` (u8 x s8 into i32) through the `amx` dialect.
      The same panels (G = 4, L = 16) are read as weight tiles of 16 channel
      groups; the input channels are padded to 64, one tile row per output
      pixel; a tile is up to 32 pixels by 32 channels, in four accumulator
      tiles, stored through a stack buffer into the epilogue. Depthwise
      layers run on the VNNI kernel, and so, under `auto`, do layers with
      fewer than 33 input channels, which would fill less than half a tile
      row. The lowered function requests the tile state from Linux
      (`arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`) on entry.
    - `vnni`: AVX-512 VNNI `vpdpbusd` (u8 x s8 into i32, G = 4, L = 16),
      through `llvm.call_intrinsic`. Signed activations are offset by 128.
    - `avx2`: AVX2 `vpmaddwd` on operands widened to i16 (G = 2, L = 8).
    - `generic`: vector `muli`/`addi` in i32 (G = 1, L = 8), for any target.
    - `auto`: the best of these that the host CPU runs.

    Every kernel is exact: the activation zero point (and the 128 offset) is
    folded into the bias as `-offset * sum(w - z_w)` at pack time, padded
    taps hold the zero point, and the i32 sums wrap as the reference's do.
    A depthwise conv (one output channel per input channel) gets its own
    kernel: a per-channel stencil over the taps, vectorized along the
    channels, multiplying the widened activations by `w - z_w` in i32.

    A layer is rewritten only when its activations are 8-bit and its weights
    and bias are constants, and, unless it is depthwise, when it is
    ungrouped and every `w - z_w` fits in i8; other layers are left for
    `convert-qsim-to-linalg`. The outer loops are
    `scf.parallel`, which `convert-scf-to-openmp` runs on threads.
  }];
  let options = [
    Option<"kernel", "kernel", "std::string", /*default=*/"\"auto\"",
           "Dot product of the kernels: auto, amx, vnni, avx2 or generic">
  ];
  let dependentDialects = [
    "::mlir::amx::AMXDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertLinalgToKernels : Pass<"convert-linalg-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Lower float linalg convolutions and matmuls to register-blocked vector kernels";
  let description = [{
    Rewrites `linalg.conv_2d_nchw_fchw` (a stride along the width gathers
    its inputs) and
    `linalg.matmul` (default indexing maps) on f32 into loops of vector code
    over buffers, the float paths that calibration and float reference runs
    execute. A conv vectorizes along the output row, a matmul along the
    columns of its result; a register tile holds J output channels (rows)
    by P vectors, each weight is broadcast once per tile and reduction step.

    The results equal the plain loops' bit for bit: every output still sums
    its products in the named op's order (input channel, then kernel row,
    then kernel column; k for a matmul), starting from the init value, with
    separate `mulf` and `addf` (no contraction into FMA). The vector width
    is the host's (16 lanes with AVX-512, else 8) unless `lanes` says
    otherwise. Dynamic sizes other than the batch (the rows of a matmul) are
    left to the loops.

    A matmul whose B is a constant (a Gemm's weights, transposed at compile
    time when the model transposes them) has B packed into panels
    `[N / W][K][W]` of one tile's W = P x lanes columns, zero past N; the
    panels are the parallel loop, so that a tile reads its columns of B
    contiguously and each panel stays in the cache while the rows of A pass.
    Other matmuls run in parallel blocks of rows and read B as it is.
  }];
  let options = [
    Option<"lanes", "lanes", "unsigned", /*default=*/"0",
           "f32 lanes of a vector: 0 for the host's, or 4, 8 or 16">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertQSimX86ToLLVM : Pass<"convert-qsim-x86-to-llvm"> {
  let summary = "Lower qsim's x86 dot-product ops to LLVM intrinsic calls";
  let description = [{
    Rewrites `qsim.x86.dot_u8s8` into
    `llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"` and
    `qsim.x86.pair_dot_i16` into `llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"`.
    It runs after buffer deallocation, which rejects the intrinsic calls'
    unknown side effects. The module then needs a target with AVX-512 VNNI
    (resp. AVX2) to compile.

    A `func.func` that holds `amx` ops gets, on entry, a call of glibc's
    `arch_prctl(0x1023, 18)` (ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA),
    declared in the enclosing module: Linux faults the first tile
    instruction of a process that has not requested the tile state. The
    `amx` ops themselves become intrinsic calls in `convert-to-llvm`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

//===----------------------------------------------------------------------===//
// Float to qsim
//===----------------------------------------------------------------------===//

// The weight options every float-to-qsim conversion takes.
defvar WeightQuantizationOptions = [
  Option<"weightGranularity", "weight-granularity", "std::string",
         /*default=*/"\"per-channel\"",
         "per-channel or per-tensor weight scales">,
  Option<"weightScheme", "weight-scheme", "std::string",
         /*default=*/"\"symmetric\"", "symmetric or asymmetric weights">,
  Option<"weightBits", "weight-bits", "unsigned", /*default=*/"8",
         "bits of the signed weight storage (2 to 16)">,
  Option<"narrowRange", "narrow-range", "bool", /*default=*/"false",
         "weights in [-(2^(b-1) - 1), 2^(b-1) - 1], as [-127, 127]">
];

// The runtime whose quantization formulas a float-to-qsim pass reproduces.
defvar TargetOption = Option<"target", "target", "std::string",
    /*default=*/"\"numpy\"",
    "Whose formulas choose the parameters and round: numpy (qsim's own, in "
    "float64), pytorch (torch.ao's observers and QNNPACK, in float32), "
    "onnxruntime (quantize_static and MLAS), tosa (the TOSA "
    "specification's RESCALE, int8 activations) or tflite (the TFLite "
    "converter's parameters and each TFLite kernel's fixed-point "
    "requantization)">;

// How target=tflite requantizes.
defvar TfliteRoundingOption = Option<"tfliteRounding", "tflite-rounding",
    "std::string", /*default=*/"\"runtime\"",
    "target=tflite's requantization: runtime (as TFLite's optimized kernels "
    "round: CONV_2D and FULLY_CONNECTED once, through ruy; "
    "DEPTHWISE_CONV_2D twice, as gemmlowp), double (TFLite's reference "
    "kernels, gemmlowp's two roundings everywhere) or single">;

// Whether the passes that analyze a float model fold BatchNorm first; all
// of them must agree, or the observer names differ.
defvar FoldBatchNormOption = Option<"foldBatchNorm", "fold-batch-norm", "bool",
    /*default=*/"true",
    "Fold BatchNorm into the conv or linear layer before it first, as "
    "qsim-fold-batch-norm does">;

// The activation options of the passes that attach ranges.
defvar ActivationQuantizationOptions = [
  FoldBatchNormOption,
  Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
         "JSON file of calibrated activation ranges">,
  Option<"activationType", "activation-type", "std::string",
         /*default=*/"\"\"",
         "u8 or i8 activations (asymmetric either way); by default the "
         "target's own: i8 for tosa and tflite, u8 otherwise">,
  Option<"activationBits", "activation-bits", "unsigned", /*default=*/"8",
         "bits of the activation storage (2 to 16)">,
  Option<"reduceRange", "reduce-range", "bool", /*default=*/"false",
         "Choose each activation's scale and zero point over half its "
         "storage range ([0, 127] for u8, [-64, 63] for i8), as torch.ao's "
         "reduce_range does; the storage keeps its full range. Under "
         "target=onnxruntime, quantize_static's reduce_range: the weights' "
         "over [-64, 64] instead">
];

def QSimInstrument : Pass<"qsim-instrument", "::mlir::ModuleOp"> {
  let summary = "Return every activation the quantizer needs a range for";
  let description = [{
    Finds the float ops that `qsim-quantize` will make integer (the
    recognizers its conversion patterns use: conv, depthwise, grouped conv
    and matmul layers of linalg and TOSA, with their bias and fused
    ReLU/clamp) and makes each activation they read or produce an extra
    result of its function: the source of each input (a function argument,
    another op's output, or any other op's result, looking through
    reshapes, transposes and max pooling) and each output, taken after the
    fused activation. The function gets a `qsim.observers` array attribute
    naming the extra results in order, with the names `qsim-attach-ranges`
    looks up in the statistics file: `<func>/arg<N>`, `<func>/<op>.output`
    and `<func>/<op>.input` (the op is named by the front end's NameLoc on
    the anchor, or `conv<K>` / `linear<K>`, K counting the quantizable ops).

    `qsim-run --calibrate` runs the instrumented model on calibration data
    and feeds the extra results to the observers. Functions with more than
    one block, or with callers, are left alone. BatchNorm is folded into
    the layer before it first, unless `fold-batch-norm=false`.
  }];
  let options = [FoldBatchNormOption];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QSimAttachRanges : Pass<"qsim-attach-ranges", "::mlir::ModuleOp"> {
  let summary = "Attach calibrated ranges to the activations as "
                "quantize/dequantize pairs";
  let description = [{
    The only reader of the statistics file (written by
    `qsim-run --calibrate`). For every activation `qsim-instrument` names,
    it computes the affine parameters of its calibrated range (asymmetric,
    `activation-type`, `activation-bits` wide) and replaces every use of the
    float value `x` by `qsim.dequantize(qsim.quantize(x))` of that type:

    ```mlir
    %q = qsim.quantize %x : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32, 0.0078431372549019607:128>>
    %r = qsim.dequantize %q : tensor<1x8x!quant.uniform<u8:f32, 0.0078431372549019607:128>> -> tensor<1x8xf32>
    ```

    The conversions (`convert-linalg-to-qsim`, `convert-tosa-to-qsim`)
    rewrite each float op between such pairs, as they would an imported
    QDQ model. A missing entry, a malformed file or a range whose scale is
    not a normal f32 is an error naming the entry.
  }];
  let options = !listconcat(ActivationQuantizationOptions, [TargetOption]);
  let dependentDialects = ["::mlir::qsim::QSimDialect",
                           "::mlir::quant::QuantDialect"];
}

def ConvertLinalgToQSim : Pass<"convert-linalg-to-qsim", "::mlir::ModuleOp"> {
  let summary = "Rewrite float linalg layers between quantize/dequantize "
                "pairs into qsim ops";
  let description = [{
    Applies the linalg-to-qsim patterns, and the patterns that move
    `qsim.dequantize` across data-movement ops, to a float model whose
    activations carry ranges as `qsim.quantize`/`qsim.dequantize` pairs
    (`qsim-attach-ranges`, or an imported QDQ model). Each layer
    (`linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw`,
    `linalg.conv_2d_ngchw_gfchw`, `linalg.matmul`, with a zero-fill or
    bias-broadcast init, a bias add and a ReLU/ReLU6/clamp) whose input is
    a `qsim.dequantize` and whose output feeds a `qsim.quantize` becomes
    `qsim.conv2d`/`qsim.linear`, `qsim.requantize` to the output type and
    `qsim.relu`/`qsim.clamp`, with weights quantized at compile time and
    the bias in int32 at the accumulator scale. Everything else stays float.
  }];
  let options = !listconcat(WeightQuantizationOptions,
                            [TargetOption, TfliteRoundingOption]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qsim::QSimDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertTosaToQSim : Pass<"convert-tosa-to-qsim", "::mlir::ModuleOp"> {
  let summary = "Rewrite float TOSA layers between quantize/dequantize pairs "
                "into qsim ops";
  let description = [{
    As `convert-linalg-to-qsim`, for `tosa.conv2d`, `tosa.depthwise_conv2d`
    (constant zero points of 0) and `tosa.matmul` (any batch, one constant
    weight matrix for all batches) with their bias, `tosa.add` of a bias and
    `tosa.clamp`. The channels-last layers are transposed to NCHW and back
    on quantized values.
  }];
  let options = !listconcat(WeightQuantizationOptions,
                            [TargetOption, TfliteRoundingOption]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qsim::QSimDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def QSimQuantize : Pass<"qsim-quantize", "::mlir::ModuleOp"> {
  let summary = "Post-training quantization of a float model with "
                "calibrated ranges";
  let description = [{
    The whole float-to-qsim rewrite of a calibrated model:

    1. `qsim-attach-ranges`: every activation `qsim-instrument` names gets
       its calibrated range from the `stats` file, as a
       `qsim.quantize`/`qsim.dequantize` pair;
    2. the linalg-to-qsim and TOSA-to-qsim conversion patterns rewrite each
       layer between its pairs (weights quantized at compile time per
       output channel or per tensor, symmetric or not, `weight-bits` wide;
       the bias in int32 at the accumulator scale `s_x * s_w`, rounded half
       to even and saturated); `qsim.dequantize` moves forward across
       reshapes, transposes and max pooling, and a `quantize(dequantize(q))`
       of equal types folds, so chained layers meet on quantized values;
    3. a pair no qsim op consumed is removed, so ops that stay float compute
       in float on float values;
    4. every float op left is reported, as a remark at its location with
       the reason the pattern gave (`qsim-quantize: 'linalg.conv_2d_nchw_fchw'
       stays float: its weights are not a constant f32 tensor`) and, with
       `report=FILE`, as a JSON list;
    5. the result is checked as `qsim-check-accumulators` checks it: a
       conv/linear whose INT32 accumulator may overflow is an error, or a
       warning with `allow-accumulator-overflow`;
    6. with `manifest=FILE`, the quantization manifest of the result is
       written as `qsim-write-manifest` writes it.

    A model never fails to compile because an op is not supported: it stays
    float, between `qsim.dequantize` and `qsim.quantize`.
  }];
  let options = !listconcat(ActivationQuantizationOptions,
                            WeightQuantizationOptions,
                            [TargetOption, TfliteRoundingOption,
    Option<"allowAccumulatorOverflow", "allow-accumulator-overflow", "bool",
           /*default=*/"false",
           "Warn, rather than fail, when qsim-check-accumulators finds a "
           "conv/linear whose INT32 accumulator may overflow">,
    Option<"reportFile", "report", "std::string", /*default=*/"\"\"",
           "Write the float ops left, with the reason each stayed float, "
           "to this JSON file">,
    Option<"manifestFile", "manifest", "std::string", /*default=*/"\"\"",
           "Write the quantization manifest of the result (as "
           "qsim-write-manifest does) to this JSON file">
  ]);
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::qsim::QSimDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def QSimFoldBatchNorm : Pass<"qsim-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold a per-channel affine chain (inference BatchNorm) into "
                "the float weights and bias of the conv before it";
  let description = [{
    Float to float, before quantization. A `linalg.conv_2d_nchw_fchw`,
    `linalg.depthwise_conv_2d_nchw_chw` (weights possibly through a
    `tensor.collapse_shape`) or `linalg.conv_2d_ngchw_gfchw` (between its
    expand and collapse shapes) with constant f32 weights `W` and an init
    that is a constant `linalg.fill` or a constant bias broadcast
    (`linalg.broadcast` or the equivalent `linalg.generic`), followed by a
    chain of single-use elementwise `linalg.generic`s that computes
    `y = a[c] * x + b[c]` (the four generics of a decomposed BatchNorm, or
    the one fused generic), becomes one conv with

    ```
    W'[c]    = a[c] * W[c]
    bias'[c] = a[c] * bias[c] + b[c]
    ```

    computed in double and stored as new f32 constants, the bias broadcast
    into the init with `linalg.broadcast`. Likewise a `linalg.matmul` into a
    zero fill, with a `[K, F]` constant or a `linalg.transpose` of an
    `[F, K]` constant as weights, followed by its bias add and a
    BatchNorm1d: the folded bias is added by a broadcasting generic after
    the new matmul. The conv or matmul keeps its location. The
    chain is proven affine by evaluating its bodies symbolically, so any
    spelling of the arithmetic folds; constant sub-expressions such as
    `rsqrt(var + eps)` are evaluated in f32 as the float model computes them.

    Left unchanged: a conv whose result has several users, non-constant
    weights or BatchNorm parameters, a chain that is not affine (the affine
    prefix of a chain folds), a chain that only adds a bias (`a[c] == 1`),
    and any channel with `a[c]` zero, infinite or NaN.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QSIM_CONVERSION_PASSES_TD
