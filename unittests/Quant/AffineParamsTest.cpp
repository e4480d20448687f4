//===- AffineParamsTest.cpp - tests of the affine-parameter math ----------===//
//
// Every expected value here was computed by hand from the formulas in
// DESIGN.md (or, where noted, by the notebook or by PyTorch).
//
//===----------------------------------------------------------------------===//

#include "qsim/Quant/AffineParams.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace mlir::qsim;

namespace {

constexpr StorageFormat kU8{8, /*isSigned=*/false, /*narrowRange=*/false};
constexpr StorageFormat kI8{8, /*isSigned=*/true, /*narrowRange=*/false};
constexpr StorageFormat kI8Narrow{8, /*isSigned=*/true, /*narrowRange=*/true};

TEST(StorageFormatTest, Bounds) {
  EXPECT_EQ(kU8.getMin(), 0);
  EXPECT_EQ(kU8.getMax(), 255);
  EXPECT_EQ(kI8.getMin(), -128);
  EXPECT_EQ(kI8.getMax(), 127);
  EXPECT_EQ(kI8Narrow.getMin(), -127);
  EXPECT_EQ((StorageFormat{4, true, false}.getMin()), -8);
  EXPECT_EQ((StorageFormat{16, false, false}.getMax()), 65535);
  EXPECT_EQ((StorageFormat{2, true, true}.getMin()), -1);
}

// The notebook: [-1.2, 1.0] as uint8 gives s = 2.2 / 255 and z = 139; the
// lower bound is float32(-1.2) as NumPy's x.min() returns it.
TEST(AffineParamsTest, NotebookAsymmetricU8) {
  double a = static_cast<double>(-1.2f);
  AffineParams p = computeAffineParams(a, 1.0, kU8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(p.scale, (1.0 - a) / 255.0);
  EXPECT_EQ(p.scale, 0.008627451167387121);
  EXPECT_EQ(p.zeroPoint, 139);
  EXPECT_EQ(p.qmin, 0);
  EXPECT_EQ(p.qmax, 255);
  // ... and quantizes the notebook's x to its printed x_q.
  EXPECT_EQ(quantizeValues({-1.2f, -0.1f, 0.0f, 0.3f, 1.0f}, p),
            (llvm::SmallVector<int64_t>{0, 127, 139, 174, 255}));
}

// Symmetric signed: z = 0 exactly, s = 2m / 255.
TEST(AffineParamsTest, SymmetricSigned) {
  AffineParams p = computeAffineParams(-0.5, 2.0, kI8, /*symmetric=*/true);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, 0);
  AffineParams narrow =
      computeAffineParams(-3.0, 1.0, kI8Narrow, /*symmetric=*/true);
  EXPECT_DOUBLE_EQ(narrow.scale, 6.0 / 254.0);
  EXPECT_EQ(narrow.zeroPoint, 0);
  EXPECT_EQ(narrow.qmin, -127);
}

// Symmetric unsigned: z = round_half_even(127.5) = 128.
TEST(AffineParamsTest, SymmetricUnsigned) {
  AffineParams p = computeAffineParams(-1.0, 1.0, kU8, /*symmetric=*/true);
  EXPECT_DOUBLE_EQ(p.scale, 2.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, 128);
}

// The notebook forces z = 0 for every signed range and so clips [-1, 3];
// qsim keeps the asymmetric zero point: s = 4 / 255,
// z = round(-128 + 1 / s) = round(-64.25) = -64.
TEST(AffineParamsTest, AsymmetricSignedKeepsZeroPoint) {
  AffineParams p = computeAffineParams(-1.0, 3.0, kI8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -64);
  // The whole range is representable: 3 -> round(191.25) - 64 = 127,
  // -1 -> round(-63.75) - 64 = -128, 0 -> z.
  EXPECT_EQ(quantizeValues({3.0f, -1.0f, 0.0f}, p),
            (llvm::SmallVector<int64_t>{127, -128, -64}));
}

// Degenerate ranges: all zeros gives s = 1, and 0 maps to z.
TEST(AffineParamsTest, AllZeros) {
  AffineParams u = computeAffineParams(0.0, 0.0, kU8, /*symmetric=*/false);
  EXPECT_EQ(u.scale, 1.0);
  EXPECT_EQ(u.zeroPoint, 0);
  AffineParams s = computeAffineParams(0.0, 0.0, kI8, /*symmetric=*/true);
  EXPECT_EQ(s.scale, 1.0);
  EXPECT_EQ(s.zeroPoint, 0);
  AffineParams a = computeAffineParams(0.0, 0.0, kI8, /*symmetric=*/false);
  EXPECT_EQ(a.scale, 1.0);
  EXPECT_EQ(a.zeroPoint, -128);
  EXPECT_EQ(quantizeValues({0.0f}, a), (llvm::SmallVector<int64_t>{-128}));
}

// A constant range [c, c] is widened to hold 0: [0, c].
TEST(AffineParamsTest, ConstantPositiveRange) {
  AffineParams p = computeAffineParams(2.55, 2.55, kU8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(p.scale, 0.01);
  EXPECT_EQ(p.zeroPoint, 0);
}

// One-sided ranges: [2, 5] -> [0, 5]; [-5, -2] -> [-5, 0].
TEST(AffineParamsTest, OneSidedRanges) {
  AffineParams pos = computeAffineParams(2.0, 5.0, kU8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(pos.scale, 5.0 / 255.0);
  EXPECT_EQ(pos.zeroPoint, 0);
  AffineParams neg = computeAffineParams(-5.0, -2.0, kU8, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(neg.scale, 5.0 / 255.0);
  EXPECT_EQ(neg.zeroPoint, 255);
  AffineParams negSigned =
      computeAffineParams(-5.0, -2.0, kI8, /*symmetric=*/false);
  EXPECT_EQ(negSigned.zeroPoint, 127);
}

// Other bit widths: 4-bit unsigned over [-1, 2]: s = 3 / 15 = 0.2,
// z = round(0 + 1 / 0.2) = 5.
TEST(AffineParamsTest, FourBits) {
  AffineParams p =
      computeAffineParams(-1.0, 2.0, StorageFormat{4, false, false},
                          /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(p.scale, 0.2);
  EXPECT_EQ(p.zeroPoint, 5);
  EXPECT_EQ(p.qmax, 15);
}

// Biases: round half to even of b / (s_x s_w), saturated to int32.
TEST(QuantizeBiasTest, RoundsHalfToEvenAndSaturates) {
  EXPECT_EQ(quantizeBias(0.5, 1.0), 0);
  EXPECT_EQ(quantizeBias(1.5, 1.0), 2);
  EXPECT_EQ(quantizeBias(-2.5, 1.0), -2);
  EXPECT_EQ(quantizeBias(0.1, 0.001), 100);
  EXPECT_EQ(quantizeBias(1e12, 1.0), 2147483647);
  EXPECT_EQ(quantizeBias(-1e12, 1.0), -2147483647 - 1);
  EXPECT_EQ(quantizeBias(std::nan(""), 1.0), 0);
}

// Valid scales are the normal float32 values: 2^-126 up to the largest
// float, (2 - 2^-23) * 2^127.
TEST(IsValidScaleTest, NormalFloat32Only) {
  EXPECT_TRUE(isValidScale(1.0));
  EXPECT_TRUE(isValidScale(std::ldexp(1.0, -126)));
  EXPECT_TRUE(isValidScale((2 - std::ldexp(1.0, -23)) * std::ldexp(1.0, 127)));
  EXPECT_FALSE(isValidScale(std::ldexp(1.0, -127)));
  EXPECT_FALSE(isValidScale(std::ldexp(1.0, 128)));
  EXPECT_FALSE(isValidScale(0.0));
  EXPECT_FALSE(isValidScale(-1.0));
  EXPECT_FALSE(isValidScale(INFINITY));
  EXPECT_FALSE(isValidScale(std::nan("")));
}

// A bias saturates when round(b / s) leaves [-2^31, 2^31 - 1].
TEST(BiasSaturatesTest, Int32Bounds) {
  EXPECT_FALSE(biasSaturates(2147483647.0, 1.0));
  EXPECT_TRUE(biasSaturates(2147483648.0, 1.0));
  EXPECT_FALSE(biasSaturates(-2147483648.0, 1.0));
  EXPECT_TRUE(biasSaturates(-2147483649.0, 1.0));
  // 2147483647.4 rounds down to 2^31 - 1.
  EXPECT_FALSE(biasSaturates(2147483647.4, 1.0));
  EXPECT_TRUE(biasSaturates(1.0, 1e-12));
  EXPECT_TRUE(biasSaturates(std::nan(""), 1.0));
}

// QuantizationTarget::PyTorch. The expected values were computed by
// PyTorch 1.13: MinMaxObserver(...).calculate_qparams() on each range,
// torch.quantize_per_tensor for the codes.
TEST(PyTorchTargetTest, ActivationParams) {
  constexpr auto torch = QuantizationTarget::PyTorch;
  // -1 / s is -127.49999 in float32, so z = 127 (float64 says 128).
  AffineParams p = computeAffineParams(-1.0, 1.0, kU8, false, torch);
  EXPECT_EQ(p.scale, 0.007843137718737125);
  EXPECT_EQ(p.zeroPoint, 127);
  EXPECT_EQ(computeAffineParams(-1.0, 1.0, kU8, false).zeroPoint, 128);
  p = computeAffineParams(-0.3, 2.7, kU8, false, torch);
  EXPECT_EQ(p.scale, 0.0117647061124444);
  EXPECT_EQ(p.zeroPoint, 26);
  // A positive range widens to hold 0.
  p = computeAffineParams(0.5, 3.0, kU8, false, torch);
  EXPECT_EQ(p.scale, 0.0117647061124444);
  EXPECT_EQ(p.zeroPoint, 0);
  // An empty range takes the scale eps = 2^-23.
  p = computeAffineParams(0.0, 0.0, kU8, false, torch);
  EXPECT_EQ(p.scale, 1.1920928955078125e-07);
  EXPECT_EQ(p.zeroPoint, 0);
}

TEST(PyTorchTargetTest, SymmetricWeightParams) {
  constexpr auto torch = QuantizationTarget::PyTorch;
  // per_tensor_symmetric: m / 127.5, or m / 127 with quant_min = -127.
  AffineParams p = computeAffineParams(-0.3, 2.7, kI8, true, torch);
  EXPECT_EQ(p.scale, 0.021176470443606377);
  EXPECT_EQ(p.zeroPoint, 0);
  p = computeAffineParams(-0.3, 2.7, kI8Narrow, true, torch);
  EXPECT_EQ(p.scale, 0.021259842440485954);
  EXPECT_EQ(p.zeroPoint, 0);
}

// x = -0.273939937 at s = 0.00214854861 (fbgemm's own example): x * (1.0f /
// s) is the tie -127.5 in float32, which rounds to even, -128, as
// torch.quantize_per_tensor(x, s, 0, torch.qint8) gives; x / s is
// -127.49999, code -127.
TEST(PyTorchTargetTest, ReciprocalQuantization) {
  float s = 0.00214854861f, x = -0.273939937f;
  EXPECT_EQ(quantizeValue(x, s, 0, -128, 127, /*byReciprocal=*/true), -128);
  EXPECT_EQ(quantizeValue(x, s, 0, -128, 127), -127);
}

// torch.quantize_per_tensor(b, s, 0, torch.qint32) of the biases 0.1, -0.2
// and 1e9 at s = 6.1514809275077e-05.
// Ties k + 0.5 of x / s: half to even by default, away from zero as C's
// round (TFLite) with halfAway; other values round alike, and the zero
// point and the clamp apply after the rounding.
TEST(QuantizeValueTest, TiesHalfAway) {
  EXPECT_EQ(quantizeValue(2.5f, 1.0, 0, -128, 127), 2);
  EXPECT_EQ(quantizeValue(2.5f, 1.0, 0, -128, 127, false, /*halfAway=*/true),
            3);
  EXPECT_EQ(quantizeValue(-2.5f, 1.0, 0, -128, 127), -2);
  EXPECT_EQ(quantizeValue(-2.5f, 1.0, 0, -128, 127, false, true), -3);
  EXPECT_EQ(quantizeValue(0.75f, 0.5, 3, -128, 127, false, true), 5);
  EXPECT_EQ(quantizeValue(2.4f, 1.0, 0, -128, 127, false, true), 2);
  EXPECT_EQ(quantizeValue(126.5f, 1.0, 1, -128, 127, false, true), 127);
}

TEST(PyTorchTargetTest, Bias) {
  constexpr auto torch = QuantizationTarget::PyTorch;
  double s = 6.1514809275077e-05;
  EXPECT_EQ(quantizeBias(0.1f, s, torch), 1626);
  EXPECT_EQ(quantizeBias(-0.2f, s, torch), -3251);
  EXPECT_EQ(quantizeBias(1e9f, s, torch), 2147483647);
  EXPECT_TRUE(biasSaturates(1e9f, s, torch));
}

// The float32 multiplier in ONNX Runtime's order (s_in / s_y) and
// PyTorch's (s_in * (1 / s_y)); NumPy float32 gives 1.8686613e-02 and
// 1.8686611e-02.
TEST(Float32MultiplierTest, Orders) {
  double in = 6.405920721590519e-4, out = 3.428080305457115e-2;
  EXPECT_EQ(computeFloat32Multiplier(in, out, false), 1.8686613e-02f);
  EXPECT_EQ(computeFloat32Multiplier(in, out, true), 1.8686611e-02f);
}

// QuantizationTarget::OnnxRuntime. The expected values come from
// examples/onnx/make_qdq_digits.py's NumPy model of quantize_static's
// compute_scale_zp and quantize_bias_static_impl.
TEST(OnnxRuntimeTargetTest, Params) {
  constexpr auto ort = QuantizationTarget::OnnxRuntime;
  // The float64 -1 / s is -127.5 exactly: z = round_half_even(127.5) = 128.
  AffineParams p = computeAffineParams(-1.0, 1.0, kU8, false, ort);
  EXPECT_EQ(p.scale, 0.007843137718737125);
  EXPECT_EQ(p.zeroPoint, 128);
  // Symmetric int8 weights span [-127, 127]; the storage keeps -128.
  p = computeAffineParams(-0.5, 1.0, kI8, true, ort);
  EXPECT_EQ(p.scale, 0.007874015718698502);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -128);
  // A range too small for a normal scale takes 1.0 and z = 0.
  p = computeAffineParams(0.0, 0.0, kU8, false, ort);
  EXPECT_EQ(p.scale, 1.0);
  EXPECT_EQ(p.zeroPoint, 0);
  // The bias: round(float32(b) / float32(s)), 1619 for 0.1 at
  // s = 6.1756989681253233e-05.
  EXPECT_EQ(quantizeBias(0.1f, 6.1756989681253233e-05, ort), 1619);
  EXPECT_EQ(quantizeBias(-0.2f, 6.1756989681253233e-05, ort), -3238);
}

// quantize_static's reduce_range: symmetric int8 weights over [-64, 64],
// s = m / 64, the storage keeping [-128, 127]; other targets ignore it.
TEST(OnnxRuntimeTargetTest, ReduceRange) {
  StorageFormat i8{8, /*isSigned=*/true, /*narrowRange=*/false};
  AffineParams p = computeAffineParams(-0.5, 1.28, i8, true,
                                       QuantizationTarget::OnnxRuntime, true);
  EXPECT_EQ(p.scale, static_cast<double>(static_cast<float>(1.28f / 64.0)));
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -128);
  EXPECT_EQ(p.qmax, 127);
  AffineParams full = computeAffineParams(-0.5, 1.28, i8, true,
                                          QuantizationTarget::OnnxRuntime);
  EXPECT_EQ(full.scale, static_cast<double>(static_cast<float>(1.28f / 127.0)));
  EXPECT_EQ(
      computeAffineParams(-0.5, 1.28, i8, true, QuantizationTarget::NumPy, true)
          .scale,
      computeAffineParams(-0.5, 1.28, i8, true).scale);
}

TEST(QuantizationTargetTest, Parse) {
  EXPECT_EQ(parseQuantizationTarget("numpy"), QuantizationTarget::NumPy);
  EXPECT_EQ(parseQuantizationTarget("pytorch"), QuantizationTarget::PyTorch);
  EXPECT_EQ(parseQuantizationTarget("onnxruntime"),
            QuantizationTarget::OnnxRuntime);
  EXPECT_EQ(parseQuantizationTarget("tosa"), QuantizationTarget::Tosa);
  EXPECT_EQ(parseQuantizationTarget("tflite"), QuantizationTarget::Tflite);
  EXPECT_EQ(parseQuantizationTarget("PyTorch"), std::nullopt);
  EXPECT_EQ(parseQuantizationTarget(""), std::nullopt);
}

// TOSA has no float division: its programs quantize by the reciprocal.
TEST(QuantizationTargetTest, ReciprocalScaling) {
  EXPECT_FALSE(quantizesByReciprocal(QuantizationTarget::NumPy));
  EXPECT_TRUE(quantizesByReciprocal(QuantizationTarget::PyTorch));
  EXPECT_FALSE(quantizesByReciprocal(QuantizationTarget::OnnxRuntime));
  EXPECT_TRUE(quantizesByReciprocal(QuantizationTarget::Tosa));
  EXPECT_FALSE(quantizesByReciprocal(QuantizationTarget::Tflite));
  EXPECT_TRUE(roundsHalfAway(QuantizationTarget::Tflite));
  EXPECT_FALSE(roundsHalfAway(QuantizationTarget::NumPy));
  EXPECT_FALSE(roundsHalfAway(QuantizationTarget::Tosa));
}

// fakeQuantAttrsToType over int8: [-3, 507] gives s = 510 / 255 = 2 and
// the zero point -128 + 1.5 = -126.5 from the minimum (its error 129.5 is
// below the maximum's 380.5), rounded away from zero to -127 where NumPy's
// half to even gives -126. [-1, 2] gives z = -128 + 85 = -43 either way;
// the scale 3 / 255 is stored as float32.
TEST(TfliteTargetTest, ActivationParams) {
  StorageFormat i8{8, /*isSigned=*/true, /*narrowRange=*/false};
  AffineParams tie =
      computeAffineParams(-3.0, 507.0, i8, false, QuantizationTarget::Tflite);
  EXPECT_EQ(tie.scale, 2.0);
  EXPECT_EQ(tie.zeroPoint, -127);
  EXPECT_EQ(computeAffineParams(-3.0, 507.0, i8, false).zeroPoint, -126);
  AffineParams p =
      computeAffineParams(-1.0, 2.0, i8, false, QuantizationTarget::Tflite);
  EXPECT_EQ(p.scale, static_cast<double>(static_cast<float>(3.0 / 255.0)));
  EXPECT_NE(p.scale, 3.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -43);
  // A range entirely on one side still holds 0; an empty one gets scale 1.
  EXPECT_EQ(computeAffineParams(0.5, 2.0, i8, false, QuantizationTarget::Tflite)
                .zeroPoint,
            -128);
  AffineParams zero =
      computeAffineParams(0.0, 0.0, i8, false, QuantizationTarget::Tflite);
  EXPECT_EQ(zero.scale, 1.0);
  EXPECT_EQ(zero.zeroPoint, -128);
}

// Symmetric narrow weights: s = 2m / 254 = m / 127, z = 0.
TEST(TfliteTargetTest, WeightParams) {
  StorageFormat narrow{8, /*isSigned=*/true, /*narrowRange=*/true};
  AffineParams p =
      computeAffineParams(-0.5, 1.27, narrow, true, QuantizationTarget::Tflite);
  EXPECT_EQ(p.scale, static_cast<double>(static_cast<float>(1.27 / 127.0)));
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -127);
  EXPECT_EQ(p.qmax, 127);
}

// The bias rounds half away from zero in float64.
TEST(TfliteTargetTest, Bias) {
  EXPECT_EQ(quantizeBias(2.5, 1.0, QuantizationTarget::Tflite), 3);
  EXPECT_EQ(quantizeBias(-2.5, 1.0, QuantizationTarget::Tflite), -3);
  EXPECT_EQ(quantizeBias(2.5, 1.0), 2);
  EXPECT_EQ(quantizeBias(1e12, 1.0, QuantizationTarget::Tflite),
            std::numeric_limits<int32_t>::max());
}

} // namespace
