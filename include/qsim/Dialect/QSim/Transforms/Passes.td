//===- Passes.td - qsim dialect transformations ---------------*- tablegen -*-===//
//
// Passes that rewrite qsim ops into other qsim ops.
//
//===----------------------------------------------------------------------===//

#ifndef QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD
#define QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QSimFuseActivations : Pass<"qsim-fuse-activations", "::mlir::func::FuncOp"> {
  let summary = "Fold a qsim.relu or qsim.clamp after qsim.requantize into "
                "its clamp bounds (Conv+ReLU fusion)";
  let description = [{
    In the quantized domain a ReLU is `max(y, z_y)` and a clamp is
    `min(max(y, quantize(min)), quantize(max))`. Applied to the result of a
    `qsim.requantize`, both are a tightening of the requantize's own clamp:

    ```
    lo' = max(lo, z_y)                       (relu)
    lo' = max(lo, quantize(min)), hi' = min(hi, quantize(max))   (clamp)
    ```

    which is exactly equal, integer for integer, to the unfused form. The
    rewrite happens only when the requantize has no other user (those users
    need the unclamped values), when its result type has one zero point
    (per-tensor, or per-axis with equal parameters), and when the tightened
    range is not empty.

    Example:

    ```mlir
    %y = qsim.requantize %acc : tensor<4x!quant.uniform<i32:f32, 1.0E-3>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    %r = qsim.relu %y : tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    ```

    becomes

    ```mlir
    %r = qsim.requantize %acc {clamp_min = 10 : i64} : tensor<4x!quant.uniform<i32:f32, 1.0E-3>> -> tensor<4x!quant.uniform<u8:f32, 0.04:10>>
    ```
  }];
  let dependentDialects = ["::mlir::qsim::QSimDialect"];
}

def QSimSetRounding : Pass<"qsim-set-rounding", "::mlir::func::FuncOp"> {
  let summary = "Give every qsim.requantize a rounding mode, computing the "
                "fixed-point multiplier and shift of the integer modes";
  let description = [{
    Sets the `rounding` of every `qsim.requantize` to `mode`. For a
    fixed-point mode (`tflite_double`, `tflite_single`, `tosa_single`,
    `tosa_double`) it computes, per channel, `M = s_in / s_y` in float64
    from the op's types and encodes it as that runtime's converter does
    (TFLite's `QuantizeMultiplier`; TOSA's scale32 encoding; docs/QSim.md),
    writing the pairs as the op's `multiplier` and `shift` (one entry when
    every channel has the same pair). `half_even` removes them again.
    `tflite_double` also gives every 8-bit `qsim.add` TFLite's ADD
    arithmetic (the left shift of 20 and the three pairs TFLite's kernel
    prepares from the scales), and `half_even` gives it back its float64
    one. `tosa_single` and `tosa_double` give every add of at most 16 bits
    whose values TOSA's `apply_scale_32` takes the rescale chain of TOSA's
    legalizations (each input rescaled to int32 by `2^l s / 2S`, the sum
    by `2S / (2^l s_y)`, `l = 20`, 15 for a 16-bit result; see
    `qsim.add`), every 8-bit `qsim.mul` the pair of TOSA's product chain,
    and every average pool that TOSA's AVG_POOL2D computes
    (equal scales, no counted padding) `tosa_single`, the pool's only
    rounding; `half_even` gives products and pools back their float64
    rounding; `tflite_single` leaves adds, products and pools alone.

    For `float32_half_even` it computes, per channel, the f32 multiplier
    `m` from the scales rounded to f32, as the target runtime forms it:
    `float-multiplier=divide` (the default) is `s_in / s_y`, ONNX Runtime's
    QLinearConv; `float-multiplier=reciprocal` is `s_in * (1.0f / s_y)`,
    PyTorch's QNNPACK. It writes them as `float_multiplier`. With
    `divide` it also gives every 8-bit `qsim.add` ONNX Runtime's
    QLinearAdd arithmetic (the f32 ratios and offset of MLAS's kernel);
    with `reciprocal`, every quint8 add of operands of one shape QNNPACK's
    (`qnnpack`, its multipliers and shift).

    `qnnpack` and `xnnpack` are add kernels: they give every add that the
    kernel computes (QNNPACK: quint8 of one shape; XNNPACK: 8-bit of one
    signedness, the XNNPACK add LiteRT runs TFLite's ADD on) its
    multipliers and shift, and leave every requantization as it is.

    An `M` that the target cannot encode (TOSA: `M >= 2^31`), or a pair the
    op's verifier then rejects (TOSA's input range for a small shift), is
    an error at the op, and the pass fails.

    Example: with `mode=tflite_double`,

    ```mlir
    %y = qsim.requantize %acc : tensor<8x!quant.uniform<i32:f32, 1.0E-2>> -> tensor<8x!quant.uniform<i8:f32, 4.0E-2:-3>>
    ```

    becomes (M = 0.25 is 2^30 * 2^(-1 - 31))

    ```mlir
    %y = qsim.requantize %acc {multiplier = array<i32: 1073741824>, rounding = #qsim.rounding<tflite_double>, shift = array<i32: -1>} : tensor<8x!quant.uniform<i32:f32, 1.0E-2>> -> tensor<8x!quant.uniform<i8:f32, 4.0E-2:-3>>
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"\"",
           "The rounding mode (required): half_even, tflite_double, "
           "tflite_single, tosa_single, tosa_double, float32_half_even, "
           "qnnpack or xnnpack">,
    Option<"floatMultiplier", "float-multiplier", "std::string",
           /*default=*/"\"divide\"",
           "How float32_half_even forms m from the f32 scales: divide "
           "(s_in / s_y) or reciprocal (s_in * (1.0f / s_y))">
  ];
  let dependentDialects = ["::mlir::qsim::QSimDialect"];
}

def QSimWriteManifest : Pass<"qsim-write-manifest", "::mlir::ModuleOp"> {
  let summary = "Write the quantization manifest of every op that computes "
                "new integers as JSON";
  let description = [{
    Writes `file`: a JSON object whose `layers` list has one entry, in
    program order, per op that computes integers a runtime must reproduce:
    each `qsim.conv2d` and `qsim.linear` (with the requantize that reads
    it), `qsim.add`, `qsim.mul`, `qsim.avg_pool2d`, each `qsim.concat`
    that requantizes an input, and each `qsim.requantize` that is not a
    layer's. Every entry has `op`, `name` (the location's name, such as an
    ONNX node's, or "") and `location`; quantization parameters are
    objects of `storage` (`u8`, `i8`, ...), `axis` when per axis,
    `scales` and `zero_points`. Multipliers are the float64 ratios for
    `half_even`, the exact f32 values for `float32_half_even`, and the
    integer multipliers, with `shift`, for the fixed-point modes. `clamp`
    holds the storage-domain bounds, fused activations included.

    - conv and linear: `input`, `weights`; `bias` (the int32 values, or
      null when there is none or it is not a constant); `accumulator`:
      its parameters, `bound` (per output channel, the bound of
      `qsim-check-accumulators`; beyond 2^63 as a decimal string) and
      `may_overflow`; `requantize` (null when the accumulator is not read
      by exactly one `qsim.requantize`): `rounding`, `multiplier`,
      `shift`, `clamp`, `output` and `activation` when a `qsim.relu` or
      `qsim.clamp` follows unfused;
    - add and mul: `inputs`, `output`, `rounding`, `multiplier` and
      `shift` as the op's attributes hold them (for `half_even` the
      float64 `s_a / s_y` and `s_b / s_y` of an add, `s_a s_b / s_y` of a
      product), for `tflite_double` `left_shift`, for
      `float32_half_even` `offset`, and `clamp`;
    - avg_pool2d: `input`, `output`, `kernel`, `strides`, `padding`,
      `count_include_pad`, `rounding`, `multiplier` (`s_x / s_y`, for
      `half_even`) and `clamp`;
    - concat: `inputs`, `output`, `axis`, `rounding`, `multiplier` (one
      `s_in / s_y` per input) and `clamp`;
    - requantize: `input` and the fields of a layer's `requantize`.

    The IR is not changed. `qsim-quantize manifest=FILE` and `qsim-ptq
    manifest=FILE` write the same file for their result.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "The JSON file to write (required)">
  ];
}

def QSimRecordSignatures : Pass<"qsim-record-signatures", "::mlir::ModuleOp"> {
  let summary = "Record each public function's tensor-level type as "
                "qsim.signature";
  let description = [{
    Lowering to the LLVM dialect erases tensor shapes, element types and
    quantization parameters from function signatures: a
    `tensor<1x3x8x8x!quant.uniform<u8:f32, 0.02:128>>` argument becomes five
    pointer and integer arguments. This pass attaches the function type as
    it is before lowering, printed as a `qsim.signature` string attribute,
    to every public `func.func` with a body; the attribute survives
    `convert-func-to-llvm`, so `qsim-run` can call an already-lowered module
    with .npy inputs and write typed .npy outputs. It is a string rather than
    a type so that tools without the quant dialect (`mlir-runner`) still
    parse the lowered module. An existing attribute is kept.
  }];
}

def QSimCheckAccumulators : Pass<"qsim-check-accumulators", "::mlir::ModuleOp"> {
  let summary = "Report every conv/linear whose INT32 accumulator may "
                "overflow";
  let description = [{
    Bounds the accumulator of every `qsim.conv2d` and `qsim.linear`, per
    output channel `c`, over every input its type can hold:

    ```
    bound[c] = |bias[c]| + sum_k |w[c, k] - z_w[c]| * max |x - z_x|
    ```

    `max |x - z_x|` is taken over every code of the input's storage integer
    (0..255 for `u8`). The weights are the actual storage integers of an
    `arith.constant` (dense or splat) reinterpreted by `quant.scast`, and the
    bias the values of an `arith.constant`. Weights that are not such a
    constant are bounded by their storage range (`|w - z_w| <=
    max |q - z_w|`), a bias that is not a constant by `2^31`. Every term is
    bounded by its absolute value, so every partial sum, in any order, lies
    within the bound; padded taps hold `z_x` and add 0. A bound of at most
    `INT32_MAX` (2147483647) thus proves that the channel never wraps.

    Each op with a channel above `INT32_MAX` is reported at its location,
    with the worst channel, its bound and how many channels exceed it. The
    bounds are exact unsigned 128-bit integers. Reports are errors, and the
    pass fails, unless `warn-only` is set.
  }];
  let options = [
    Option<"warnOnly", "warn-only", "bool", /*default=*/"false",
           "Report overflows as warnings and succeed">
  ];
}

def QSimCheckStaticSizes : Pass<"qsim-check-static-sizes", "::mlir::ModuleOp"> {
  let summary = "Refuse tensors and memrefs whose static byte size "
                "overflows int64";
  let description = [{
    The lowered code computes a buffer's byte count in 64-bit arithmetic,
    so a static shape such as `tensor<4611686018427387904x4xf32>` wraps to a
    small allocation that the code then writes far past. This pass reports
    every value and every function argument or result of a ranked tensor
    or memref type whose element count times element size does not fit in
    int64, naming the type, and fails. `qsim-lower-to-llvm` runs it first.
  }];
}

def QSimDefineAllocFunctions : Pass<"qsim-define-alloc-functions",
                                    "::mlir::ModuleOp"> {
  let summary = "Define the generic memref allocation functions so that a "
                "failed allocation is a diagnostic";
  let description = [{
    `finalize-memref-to-llvm` with `use-generic-functions` allocates through
    `_mlir_memref_to_llvm_alloc(i64) -> ptr` (and the aligned variant) and
    frees through `_mlir_memref_to_llvm_free(ptr)`. This pass replaces each
    such declaration of the module with a definition in the LLVM dialect:
    the allocation functions call `malloc` (`aligned_alloc`) and, when it
    returns null for a non-zero size, write
    `qsim: error: cannot allocate N bytes` to stderr and `exit(1)`; the free
    function calls `free`. Code lowered by `qsim-lower-to-llvm` therefore
    fails the same way under `qsim-run` and `mlir-runner`, instead of
    writing through a null pointer.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def QSimStridedCopiesToLinalg : Pass<"qsim-strided-copies-to-linalg",
                                     "::mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy between strided buffers into linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` whose source or target
    is not contiguous (a padded tensor's interior, a slice) to a call of the
    runtime's `memrefCopy`, which walks the elements one by one through
    their strides. This pass rewrites every such copy into `linalg.copy`,
    which `convert-linalg-to-loops` turns into plain loops that LLVM
    optimizes; contiguous copies stay `memref.copy` (a `memcpy`).
    `qsim-lower-to-llvm` runs it after bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QSimParallelLoops : Pass<"qsim-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Lower the linalg ops marked qsim.parallel to scf.parallel";
  let description = [{
    The packed kernels copy their activations into the kernel's layout and
    their results back out with linalg ops that carry the unit attribute
    `qsim.parallel`. This pass tiles each such op on buffers by one along
    its two outer dimensions into an `scf.parallel` around the op on
    subviews, which
    `convert-scf-to-openmp` then runs on threads like the kernels
    themselves; every other linalg op stays for `convert-linalg-to-loops`.
    `qsim-lower-to-llvm` runs it after bufferization.

    A marked copy of bytes over four loops whose input and output are
    contiguous along different loops (the NCHW to NHWC copies, which may
    also flip the sign bit) is a transpose: it becomes an `scf.parallel`
    over its other two loops, in which each 16x16 block takes 16 `vector.load`s
    along the input's contiguous loop, one `vector.shuffle` and 16
    `vector.store`s along the output's, and the rows and columns left over
    are copied byte by byte.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // QSIM_DIALECT_QSIM_TRANSFORMS_PASSES_TD
