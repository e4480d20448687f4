//===- TableTest.cpp - tests of buildTable --------------------------------===//
//
// Checks the lookup tables buildTable builds against entries computed
// independently with NumPy: the input code dequantized in float32, the
// function evaluated in float64 and rounded to float32, and the result
// quantized with a float32 division and np.rint (round half to even).
//
//===----------------------------------------------------------------------===//

#include "qsim/Dialect/QSim/IR/QSimTable.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace mlir;

namespace {

class TableTest : public ::testing::Test {
protected:
  TableTest() { context.loadDialect<quant::QuantDialect>(); }

  /// A per-tensor type with `bits` of storage, expressed in f32.
  quant::UniformQuantizedType type(unsigned bits, bool isSigned, double scale,
                                   int64_t zeroPoint) {
    return quant::UniformQuantizedType::get(
        isSigned ? quant::QuantizationFlags::Signed : 0,
        IntegerType::get(&context, bits), Float32Type::get(&context), scale,
        zeroPoint,
        quant::QuantizedType::getDefaultMinimumForInteger(isSigned, bits),
        quant::QuantizedType::getDefaultMaximumForInteger(isSigned, bits));
  }

  static std::vector<int64_t> entries(DenseIntElementsAttr table) {
    std::vector<int64_t> values;
    for (const APInt &value : table.getValues<APInt>())
      values.push_back(value.getSExtValue());
    return values;
  }

  MLIRContext context;
};

/// Sigmoid as the front end evaluates it on a constant: in double, rounded
/// to float.
FailureOr<float> sigmoid(float x) {
  return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x))));
}

FailureOr<float> hyperbolicTangent(float x) {
  return static_cast<float>(std::tanh(static_cast<double>(x)));
}

TEST_F(TableTest, SigmoidOfSignedInputMatchesNumPy) {
  // i8 scale 1/16 to u8 scale 1/256: entry i is the code of sigmoid at
  // (i - 128) / 16.
  FailureOr<DenseIntElementsAttr> table = mlir::qsim::buildTable(
      type(8, true, 0.0625, 0), type(8, false, 1.0 / 256, 0), sigmoid);
  ASSERT_TRUE(succeeded(table));
  EXPECT_EQ(table->getType(),
            RankedTensorType::get({256}, IntegerType::get(&context, 32)));
  const std::vector<int64_t> expected = {
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
      0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   1,
      1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,   1,
      1,   2,   2,   2,   2,   2,   2,   2,   2,   2,   3,   3,   3,   3,   3,
      4,   4,   4,   4,   5,   5,   5,   6,   6,   6,   7,   7,   8,   8,   8,
      9,   10,  10,  11,  11,  12,  13,  14,  15,  15,  16,  17,  18,  19,  21,
      22,  23,  24,  26,  27,  29,  31,  32,  34,  36,  38,  40,  42,  44,  47,
      49,  52,  54,  57,  60,  63,  66,  69,  72,  75,  79,  82,  86,  89,  93,
      97,  100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 148, 152,
      156, 159, 163, 167, 170, 174, 177, 181, 184, 187, 190, 193, 196, 199, 202,
      204, 207, 209, 212, 214, 216, 218, 220, 222, 224, 225, 227, 229, 230, 232,
      233, 234, 235, 237, 238, 239, 240, 241, 241, 242, 243, 244, 245, 245, 246,
      246, 247, 248, 248, 248, 249, 249, 250, 250, 250, 251, 251, 251, 252, 252,
      252, 252, 253, 253, 253, 253, 253, 254, 254, 254, 254, 254, 254, 254, 254,
      254, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
      255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
      255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
      255,
  };
  EXPECT_EQ(entries(*table), expected);
}

TEST_F(TableTest, TanhOfUnsignedInputWithZeroPointsMatchesNumPy) {
  // u8 scale 0.05, z 100 to i8 scale 0.04, z -20: entry i is the code of
  // tanh(0.05 * (i - 100)).
  FailureOr<DenseIntElementsAttr> table = mlir::qsim::buildTable(
      type(8, false, 0.05, 100), type(8, true, 0.04, -20), hyperbolicTangent);
  ASSERT_TRUE(succeeded(table));
  const std::vector<int64_t> expected = {
      -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45,
      -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45,
      -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -45,
      -45, -45, -45, -45, -45, -45, -45, -45, -45, -45, -44, -44, -44, -44, -44,
      -44, -44, -44, -44, -44, -44, -43, -43, -43, -43, -43, -42, -42, -42, -42,
      -41, -41, -40, -40, -40, -39, -38, -38, -37, -37, -36, -35, -34, -33, -33,
      -32, -31, -29, -28, -27, -26, -25, -24, -22, -21, -20, -19, -18, -16, -15,
      -14, -13, -12, -11, -9,  -8,  -7,  -7,  -6,  -5,  -4,  -3,  -3,  -2,  -2,
      -1,  0,   0,   0,   1,   1,   2,   2,   2,   2,   3,   3,   3,   3,   3,
      4,   4,   4,   4,   4,   4,   4,   4,   4,   4,   4,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,   5,
      5,
  };
  EXPECT_EQ(entries(*table), expected);
}

TEST_F(TableTest, IdentityBetweenEqualTypesGivesEveryCode) {
  // quantize(dequantize(q)) = q for a normal scale: table[i] = i - 8 for i4.
  FailureOr<DenseIntElementsAttr> table =
      mlir::qsim::buildTable(type(4, true, 0.3, 2), type(4, true, 0.3, 2),
                             [](float x) -> FailureOr<float> { return x; });
  ASSERT_TRUE(succeeded(table));
  std::vector<int64_t> expected;
  for (int64_t q = -8; q < 8; ++q)
    expected.push_back(q);
  EXPECT_EQ(entries(*table), expected);
}

TEST_F(TableTest, NarrowInputStillCoversEveryStorageCode) {
  // i8<-127:127> input: 256 entries, entry 0 is code -128. The function
  // sees -128 * 0.5 = -64 there.
  auto narrow = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(&context, 8),
      Float32Type::get(&context), 0.5, 0, -127, 127);
  std::vector<float> seen;
  FailureOr<DenseIntElementsAttr> table = mlir::qsim::buildTable(
      narrow, type(8, false, 1.0, 0), [&](float x) -> FailureOr<float> {
        seen.push_back(x);
        return 1.0f;
      });
  ASSERT_TRUE(succeeded(table));
  ASSERT_EQ(seen.size(), 256u);
  EXPECT_EQ(seen.front(), -64.0f);
  EXPECT_EQ(seen.back(), 63.5f);
}

TEST_F(TableTest, NaNGivesTheZeroPointAndInfinitiesSaturate) {
  FailureOr<DenseIntElementsAttr> table = mlir::qsim::buildTable(
      type(2, false, 1.0, 0), type(8, false, 0.1, 7),
      [](float x) -> FailureOr<float> {
        if (x == 0.0f)
          return std::numeric_limits<float>::quiet_NaN();
        if (x == 1.0f)
          return std::numeric_limits<float>::infinity();
        if (x == 2.0f)
          return -std::numeric_limits<float>::infinity();
        return 0.25f; // 0.25 / 0.1 = 2.5 in float32, ties to 2, plus 7.
      });
  ASSERT_TRUE(succeeded(table));
  EXPECT_EQ(entries(*table), (std::vector<int64_t>{7, 255, 0, 9}));
}

TEST_F(TableTest, FailsWhenTheFunctionFails) {
  int calls = 0;
  FailureOr<DenseIntElementsAttr> table =
      mlir::qsim::buildTable(type(8, false, 0.1, 0), type(8, false, 0.1, 0),
                             [&](float x) -> FailureOr<float> {
                               ++calls;
                               if (x > 1.0f)
                                 return failure();
                               return x;
                             });
  EXPECT_TRUE(failed(table));
  // Stops at the first failure: codes 0 to 10 pass, 11 (1.1) fails.
  EXPECT_EQ(calls, 12);
}

TEST_F(TableTest, FailsOnWideTypes) {
  auto identity = [](float x) -> FailureOr<float> { return x; };
  EXPECT_TRUE(failed(mlir::qsim::buildTable(type(16, true, 0.1, 0),
                                            type(8, false, 0.1, 0), identity)));
  EXPECT_TRUE(failed(mlir::qsim::buildTable(type(8, true, 0.1, 0),
                                            type(32, true, 0.1, 0), identity)));
}

} // namespace
