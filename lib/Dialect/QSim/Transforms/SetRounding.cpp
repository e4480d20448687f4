//===- SetRounding.cpp - choose the rounding of every requantize ----------===//
//
// Switches the requantizations of a program to a runtime's integer
// arithmetic: each qsim.requantize gets the rounding mode and the
// per-channel multiplier and shift that the runtime's converter would
// compute from the same scales.
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/FixedPoint.h"
#include "qsim/Dialect/QSim/IR/QSimOps.h"
#include "qsim/Dialect/QSim/Transforms/Passes.h"

namespace mlir::qsim {
#define GEN_PASS_DEF_QSIMSETROUNDING
#include "qsim/Dialect/QSim/Transforms/Passes.h.inc"
} // namespace mlir::qsim

using namespace mlir;
using namespace mlir::qsim;

namespace {

/// Sets `op`'s rounding to `mode` with the pairs (or, for
/// float32_half_even, the f32 multipliers formed by `scaling`) of its scale
/// ratios.
LogicalResult setRounding(RequantizeOp op, RoundingMode mode,
                          QuantizeScaling scaling) {
  if (mode == RoundingMode::Float32HalfEven) {
    op.setFloat32Rounding(scaling == QuantizeScaling::Reciprocal);
    return op.verify();
  }
  if (isFixedPointRounding(mode))
    return op.setFixedPointRounding(mode);
  op.setRoundingAttr(RoundingModeAttr::get(op.getContext(), mode));
  op.removeMultiplierAttr();
  op.removeShiftAttr();
  op.removeFloatMultiplierAttr();
  return success();
}

/// tflite_double gives an 8-bit add TFLite's ADD arithmetic, tosa_single
/// and tosa_double an add of at most 16 bits TOSA's rescale chain,
/// float32_half_even with `divide` ONNX Runtime's QLinearAdd and with
/// `reciprocal` (PyTorch) QNNPACK's add, qnnpack and xnnpack those kernels'
/// adds, and half_even qsim's float64 one back. tflite_single has no add of
/// its own, and the runtimes add other types with other kernels, not
/// modelled.
LogicalResult setRounding(AddOp op, RoundingMode mode,
                          QuantizeScaling scaling) {
  // PyTorch's float32 requantization comes with QNNPACK's add.
  if (mode == RoundingMode::Float32HalfEven &&
      scaling == QuantizeScaling::Reciprocal)
    mode = RoundingMode::Qnnpack;
  if (mode == RoundingMode::TfliteDouble)
    return op.hasEightBitStorage() ? op.setTfliteRounding() : success();
  if (mode == RoundingMode::TosaSingle || mode == RoundingMode::TosaDouble)
    return op.hasTosaAddForm(mode) ? op.setTosaRounding(mode) : success();
  if (mode == RoundingMode::Float32HalfEven)
    return op.hasEightBitStorage() ? op.setFloat32Rounding() : success();
  if (mode == RoundingMode::Qnnpack)
    return op.hasQnnpackAddForm() ? op.setQnnpackRounding() : success();
  if (mode == RoundingMode::Xnnpack)
    return op.hasXnnpackAddForm() ? op.setXnnpackRounding() : success();
  if (mode == RoundingMode::HalfEven) {
    op.removeRoundingParameters();
    op.setRounding(mode);
  }
  return success();
}

/// TOSA's AVG_POOL2D rounds once whatever its rescales do: tosa_single and
/// tosa_double give every average pool it computes tosa_single, half_even
/// gives back the float64 mean, and the other modes leave pools alone.
void setRounding(AvgPool2DOp op, RoundingMode mode) {
  if (mode == RoundingMode::HalfEven)
    op.setRounding(mode);
  else if ((mode == RoundingMode::TosaSingle ||
            mode == RoundingMode::TosaDouble) &&
           op.hasTosaAvgPoolForm())
    op.setRounding(RoundingMode::TosaSingle);
}

/// tosa_single and tosa_double give every 8-bit product TOSA's rescale,
/// mul, rescale chain computes its pair, half_even its float64 rounding
/// back; the other modes leave products alone.
LogicalResult setRounding(MulOp op, RoundingMode mode) {
  if (mode == RoundingMode::HalfEven) {
    op.setRounding(mode);
    op.removeMultiplierAttr();
    op.removeShiftAttr();
    return success();
  }
  return op.hasTosaMulForm(mode) ? op.setTosaRounding(mode) : success();
}

struct QSimSetRoundingPass final
    : qsim::impl::QSimSetRoundingBase<QSimSetRoundingPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<RoundingMode> parsed = symbolizeRoundingMode(mode);
    if (!parsed) {
      getOperation().emitError("qsim-set-rounding: unknown mode '")
          << mode
          << "' (expected half_even, tflite_double, tflite_single, "
             "tosa_single, tosa_double, float32_half_even, qnnpack or "
             "xnnpack)";
      return signalPassFailure();
    }
    std::optional<QuantizeScaling> scaling =
        symbolizeQuantizeScaling(floatMultiplier);
    if (!scaling) {
      getOperation().emitError("qsim-set-rounding: unknown float-multiplier '")
          << floatMultiplier << "' (expected divide or reciprocal)";
      return signalPassFailure();
    }
    // qnnpack and xnnpack are add kernels: requantizations keep theirs.
    bool addOnly =
        *parsed == RoundingMode::Qnnpack || *parsed == RoundingMode::Xnnpack;
    WalkResult result = getOperation().walk([&](Operation *op) {
      LogicalResult set = success();
      if (auto requantize = dyn_cast<RequantizeOp>(op); requantize && !addOnly)
        set = setRounding(requantize, *parsed, *scaling);
      else if (auto add = dyn_cast<AddOp>(op))
        set = setRounding(add, *parsed, *scaling);
      else if (auto pool = dyn_cast<AvgPool2DOp>(op); pool && !addOnly)
        setRounding(pool, *parsed);
      else if (auto mul = dyn_cast<MulOp>(op); mul && !addOnly)
        set = setRounding(mul, *parsed);
      return failed(set) ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
