//===- AffineParamsTest.cpp - tests of the affine-parameter math ----------===//
//
// Every expected value here was computed by hand from the formulas in
// DESIGN.md (or, where noted, by the notebook).
//
//===----------------------------------------------------------------------===//

#include "qsim/Quant/AffineParams.h"

#include "gtest/gtest.h"

#include <cmath>

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

} // namespace
