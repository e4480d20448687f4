//===- ObserversTest.cpp - tests of the calibration observers -------------===//
//
// Every expected value here is computed by hand from the definitions in
// qsim/Calibration/Observers.h; the arithmetic is in the comments. Where a
// realistic distribution makes the exact answer impractical by hand, the
// test asserts hand-derived bounds instead.
//
//===----------------------------------------------------------------------===//

#include "qsim/Calibration/Observers.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace mlir::qsim;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

ObserverOptions makeOptions(ObserverKind kind, unsigned numBins = 2048) {
  ObserverOptions options;
  options.kind = kind;
  options.numBins = numBins;
  return options;
}

/// Runs both calibration passes over `batches`, as calibration does.
RangeObserver calibrate(const ObserverOptions &options,
                        const std::vector<std::vector<float>> &batches) {
  RangeObserver observer(options);
  for (const std::vector<float> &batch : batches)
    observer.observeRange(batch);
  if (observer.needsHistogram())
    for (const std::vector<float> &batch : batches)
      observer.observeHistogram(batch);
  return observer;
}

/// The integers lo, lo + 1, ..., hi as floats.
std::vector<float> iota(int lo, int hi) {
  std::vector<float> values;
  for (int v = lo; v <= hi; ++v)
    values.push_back(static_cast<float>(v));
  return values;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

TEST(ObserverKindTest, NamesRoundTrip) {
  for (ObserverKind kind : {ObserverKind::MinMax, ObserverKind::Percentile,
                            ObserverKind::Entropy, ObserverKind::Mse})
    EXPECT_EQ(parseObserverKind(getObserverName(kind)), kind);
  EXPECT_EQ(getObserverName(ObserverKind::MinMax), "minmax");
  EXPECT_EQ(getObserverName(ObserverKind::Percentile), "percentile");
  EXPECT_EQ(getObserverName(ObserverKind::Entropy), "entropy");
  EXPECT_EQ(getObserverName(ObserverKind::Mse), "mse");
  EXPECT_EQ(parseObserverKind("MinMax"), std::nullopt);
  EXPECT_EQ(parseObserverKind("kl"), std::nullopt);
  EXPECT_EQ(parseObserverKind(""), std::nullopt);
}

//===----------------------------------------------------------------------===//
// MinMax
//===----------------------------------------------------------------------===//

// Four batches; the NaN and both infinities are skipped, which leaves the
// finite values 1, -2, 3.5, 0.25: min -2, max 3.5, count 4.
TEST(MinMaxObserverTest, SeveralBatchesSkipNonFinite) {
  RangeObserver observer =
      calibrate(makeOptions(ObserverKind::MinMax),
                {{1.0f, -2.0f, kNaN}, {kInf, 3.5f, -kInf}, {}, {0.25f}});
  EXPECT_FALSE(observer.needsHistogram());
  EXPECT_EQ(observer.getCount(), 4);
  // NaN, +inf and -inf: three values skipped, and counted.
  EXPECT_EQ(observer.getNonFiniteCount(), 3);
  EXPECT_EQ(observer.getObservedMin(), -2.0);
  EXPECT_EQ(observer.getObservedMax(), 3.5);
  EXPECT_EQ(observer.getRange(), std::make_pair(-2.0, 3.5));
  EXPECT_TRUE(observer.getHistogram().empty());
}

// A single value is both min and max; the range need not contain 0 (the
// quantizer widens it).
TEST(MinMaxObserverTest, SingleValue) {
  RangeObserver observer =
      calibrate(makeOptions(ObserverKind::MinMax), {{kNaN, 0.75f}});
  EXPECT_EQ(observer.getCount(), 1);
  EXPECT_EQ(observer.getRange(), std::make_pair(0.75, 0.75));
}

// Never observed, or observed only non-finite values: count 0, range [0, 0],
// for every kind (the histogram pass adds nothing either).
TEST(ObserverTest, EmptyObserverGivesZeroRange) {
  for (ObserverKind kind : {ObserverKind::MinMax, ObserverKind::Percentile,
                            ObserverKind::Entropy, ObserverKind::Mse}) {
    RangeObserver fresh(makeOptions(kind));
    EXPECT_EQ(fresh.getCount(), 0);
    EXPECT_EQ(fresh.getObservedMin(), 0.0);
    EXPECT_EQ(fresh.getObservedMax(), 0.0);
    EXPECT_EQ(fresh.getRange(), std::make_pair(0.0, 0.0));

    RangeObserver nonFinite = calibrate(makeOptions(kind), {{kNaN, kInf}, {}});
    EXPECT_EQ(nonFinite.getCount(), 0);
    // Counted by the first pass only, though both passes see them.
    EXPECT_EQ(nonFinite.getNonFiniteCount(), 2);
    EXPECT_TRUE(nonFinite.getHistogram().empty());
    EXPECT_EQ(nonFinite.getRange(), std::make_pair(0.0, 0.0));
  }
}

TEST(ObserverTest, NeedsHistogram) {
  EXPECT_FALSE(
      RangeObserver(makeOptions(ObserverKind::MinMax)).needsHistogram());
  EXPECT_TRUE(
      RangeObserver(makeOptions(ObserverKind::Percentile)).needsHistogram());
  EXPECT_TRUE(
      RangeObserver(makeOptions(ObserverKind::Entropy)).needsHistogram());
  EXPECT_TRUE(RangeObserver(makeOptions(ObserverKind::Mse)).needsHistogram());
}

// Fallbacks to [min, max]: a histogram kind whose second pass never ran, and
// a constant activation (no bin width to clip at).
TEST(ObserverTest, FallsBackToMinMax) {
  for (ObserverKind kind :
       {ObserverKind::Percentile, ObserverKind::Entropy, ObserverKind::Mse}) {
    RangeObserver onePass(makeOptions(kind, 4));
    onePass.observeRange(std::vector<float>{-1.0f, 2.0f, 100.0f});
    EXPECT_EQ(onePass.getRange(), std::make_pair(-1.0, 100.0));

    RangeObserver constant =
        calibrate(makeOptions(kind, 4), {{-3.0f, -3.0f}, {-3.0f}});
    EXPECT_EQ(constant.getRange(), std::make_pair(-3.0, -3.0));
  }
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

// The 101 integers -50..50 in 10 bins over [-50, 50]: width 10, bin k =
// [-50 + 10k, -40 + 10k), the last closed, so bins 0..8 hold 10 values and
// bin 9 holds 40..50, 11 values (the second pass is split over two batches).
// N = 101.
//
// p = 80: the target is 80% of 101 = 80.8.
//   From the bottom the cumulative counts are 10, 20, ..., 80 (bin 7), 90
//   (bin 8): first reached at bin 8, upper = its upper edge e_9 = 40.
//   From the top: 11, 21, ..., 71 (bin 3), 81 (bin 2): lower = e_2 = -30.
// p = 90: the target is 90.9: bottom 90 (bin 8) < 90.9 <= 101 (bin 9), upper
//   = e_10 = 50; top 81 (bin 2) < 90.9 <= 91 (bin 1), lower = e_1 = -40.
// The extra value at 50 makes both ranges asymmetric.
TEST(PercentileObserverTest, SignedIntegers) {
  ObserverOptions options = makeOptions(ObserverKind::Percentile, 10);
  options.percentile = 80;
  RangeObserver p80 = calibrate(options, {iota(-50, 0), iota(1, 50)});
  EXPECT_EQ(p80.getCount(), 101);
  EXPECT_EQ(p80.getHistogram(),
            llvm::ArrayRef<int64_t>({10, 10, 10, 10, 10, 10, 10, 10, 10, 11}));
  EXPECT_EQ(p80.getHistogramBounds(), std::make_pair(-50.0, 50.0));
  EXPECT_EQ(p80.getRange(), std::make_pair(-30.0, 40.0));

  options.percentile = 90;
  RangeObserver p90 = calibrate(options, {iota(-50, 0), iota(1, 50)});
  EXPECT_EQ(p90.getRange(), std::make_pair(-40.0, 50.0));
}

// 0..100 (a ReLU output): the same histogram shape over [0, 100]. p = 80
// gives upper = e_9 = 90 as above; the mirror rule would give lower = e_2 =
// 20, but a non-negative activation keeps its min, 0.
TEST(PercentileObserverTest, NonNegativeKeepsMin) {
  ObserverOptions options = makeOptions(ObserverKind::Percentile, 10);
  options.percentile = 80;
  RangeObserver observer = calibrate(options, {iota(0, 100)});
  EXPECT_EQ(observer.getRange(), std::make_pair(0.0, 90.0));
}

// p = 100: the cumulative count reaches N only at the last nonempty bin from
// either side, which holds the max (resp. the min): exactly [min, max], even
// for min/max with no short binary expansion.
TEST(PercentileObserverTest, HundredIsMinMax) {
  ObserverOptions options = makeOptions(ObserverKind::Percentile, 7);
  options.percentile = 100;
  RangeObserver observer =
      calibrate(options, {{-1.3f, 0.1f}, {2.7f, 0.5f, kNaN}});
  EXPECT_EQ(observer.getRange(), std::make_pair(static_cast<double>(-1.3f),
                                                static_cast<double>(2.7f)));
}

// Second-pass values outside the first pass's range are clamped into the end
// bins: over [0, 4] with 4 bins, -1 goes to bin 0 and 9 to bin 3.
TEST(PercentileObserverTest, HistogramClampsStrayValues) {
  RangeObserver observer(makeOptions(ObserverKind::Percentile, 4));
  observer.observeRange(std::vector<float>{0.0f, 4.0f});
  observer.observeHistogram(std::vector<float>{-1.0f, 0.0f, 1.0f, 4.0f, 9.0f});
  // 0 -> bin 0; 1 -> 1 * 4 / 4 = 1; 4 -> 4, clamped to 3.
  EXPECT_EQ(observer.getHistogram(), llvm::ArrayRef<int64_t>({2, 1, 0, 2}));
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

// A 2-bit format has 2^(2-1) = 2 quantized bins, so with 4 histogram bins
// the candidates are i = 2, 3, 4, each checkable by hand. The values: 15 x
// 0.5, 15 x -0.5, 10 x 1.5 and one outlier at -4: |x| over [0, 4] in bins of
// width 1 is h = [30, 10, 0, 1], N = 41.
//   i = 2: P = [30, 10 + 1] (outliers into the last bin); Q merges groups of
//          2 / 2 = 1 bin: [30, 10]. No zeros, so no smoothing:
//          KL = 30/41 ln((30/41)/(30/40)) + 11/41 ln((11/41)/(10/40))
//             = (30 ln(40/41) + 11 ln(44/41)) / 41 = 0.000878.
//   i = 3: P = [30, 10, 0 + 1]; groups of 3 / 2 = 1 bin, the last group
//          taking the remainder: [30], [10 + 0] spread over bins 1 and 2
//          (both nonzero in P): Q = [30, 5, 5]:
//          KL = (30 ln(40/41) + 10 ln(80/41) + ln(8/41)) / 41 = 0.105113.
//   i = 4: P = [30, 10, 0, 1]; groups of 2: [30 + 10] over bins 0 and 1,
//          [0 + 1] over bin 3 only (P is 0 in bin 2): Q = [20, 20, 0, 1].
//          Smoothing (one zero, three nonzeros, e = 0.0001, e1 = e / 3):
//          P = [30 - e1, 10 - e1, e, 1 - e1], Q = [20 - e1, 20 - e1, e,
//          1 - e1], both summing to 41; the last two terms cancel:
//          KL = ((30 - e1) ln((30 - e1)/(20 - e1))
//                + (10 - e1) ln((10 - e1)/(20 - e1))) / 41 = 0.127622.
// i = 2 wins: T = e_2 = 2, and the range is [max(-4, -2), min(1.5, 2)] =
// [-2, 1.5]: the outlier is clipped.
TEST(EntropyObserverTest, HandComputedTwoBits) {
  double e = 0.0001, e1 = e / 3;
  double kl2 = (30 * std::log(40.0 / 41) + 11 * std::log(44.0 / 41)) / 41;
  double kl3 = (30 * std::log(40.0 / 41) + 10 * std::log(80.0 / 41) +
                std::log(8.0 / 41)) /
               41;
  double kl4 = ((30 - e1) * std::log((30 - e1) / (20 - e1)) +
                (10 - e1) * std::log((10 - e1) / (20 - e1))) /
               41;
  EXPECT_NEAR(kl2, 0.000878, 1e-6);
  EXPECT_NEAR(kl3, 0.105113, 1e-6);
  EXPECT_NEAR(kl4, 0.127622, 1e-6);

  llvm::SmallVector<double> divergences;
  EXPECT_EQ(findEntropyThresholdBins({30, 10, 0, 1}, 2, &divergences), 2u);
  ASSERT_EQ(divergences.size(), 3u);
  EXPECT_NEAR(divergences[0], kl2, 1e-12);
  EXPECT_NEAR(divergences[1], kl3, 1e-12);
  EXPECT_NEAR(divergences[2], kl4, 1e-12);

  ObserverOptions options = makeOptions(ObserverKind::Entropy, 4);
  options.format = StorageFormat{2, /*isSigned=*/true, /*narrowRange=*/false};
  std::vector<float> bulk(15, 0.5f), negative(15, -0.5f), wide(10, 1.5f);
  RangeObserver observer = calibrate(options, {bulk, negative, wide, {-4.0f}});
  EXPECT_EQ(observer.getHistogramBounds(), std::make_pair(0.0, 4.0));
  EXPECT_EQ(observer.getHistogram(), llvm::ArrayRef<int64_t>({30, 10, 0, 1}));
  EXPECT_EQ(observer.getRange(), std::make_pair(-2.0, 1.5));

  // The same histogram with bins 0 and 1 equal, h = [10, 10, 0, 1]: at
  // i = 4, Q = [10, 10, 0, 1] = P, so KL = 0 and nothing is clipped. The
  // entropy criterion keeps an outlier when the bulk loses nothing to it.
  divergences.clear();
  EXPECT_EQ(findEntropyThresholdBins({10, 10, 0, 1}, 2, &divergences), 4u);
  EXPECT_EQ(divergences[2], 0.0);
}

// No candidate (fewer bins than quantized bins) means no clipping.
TEST(EntropyObserverTest, TooFewBinsKeepsEverything) {
  EXPECT_EQ(findEntropyThresholdBins({5, 0, 1}, 4), 3u);
  EXPECT_EQ(findEntropyThresholdBins({}, 128), 0u);
}

// Every bin equally full: 8 bits (128 quantized bins), 256 bins over |x| in
// [0, 256] of width 1, two values per bin: +(j + 0.25) and -(j + 0.75) for
// j = 0..254, and 255.25 and -256 in the last bin. At i = 256 each group of
// 2 bins holds 4, spread back as 2 and 2: Q = P and KL = 0 exactly. Every
// i < 256 piles the 2 (256 - i) clipped values into P's last bin while Q
// stays flat, so KL > 0. Hence T = e_256 = 256 and the range is
// [max(-256, -256), min(255.25, 256)] = [-256, 255.25].
TEST(EntropyObserverTest, EqualBinsKeepWholeRange) {
  std::vector<float> values;
  for (int j = 0; j < 256; ++j) {
    values.push_back(j + 0.25f);
    values.push_back(j == 255 ? -256.0f : -(j + 0.75f));
  }
  ObserverOptions options = makeOptions(ObserverKind::Entropy, 256);
  RangeObserver observer = calibrate(options, {values});
  EXPECT_EQ(observer.getHistogram(),
            llvm::ArrayRef<int64_t>(std::vector<int64_t>(256, 2)));
  llvm::SmallVector<double> divergences;
  EXPECT_EQ(
      findEntropyThresholdBins(observer.getHistogram(), 128, &divergences),
      256u);
  ASSERT_EQ(divergences.size(), 129u);
  EXPECT_EQ(divergences.back(), 0.0);
  for (size_t k = 0; k + 1 < divergences.size(); ++k)
    EXPECT_GT(divergences[k], 0.0) << "i = " << 128 + k;
  EXPECT_EQ(observer.getRange(), std::make_pair(-256.0, 255.25));
}

/// 10000 values of a Laplace(0, 0.1) distribution, deterministically: the
/// quantiles -0.1 ln(1 - u) at u = (k + 0.5) / 10000, signs alternating. The
/// largest |x| is 0.1 ln(20000) = 0.990.
std::vector<float> laplaceBulk() {
  std::vector<float> values;
  constexpr int n = 10000;
  for (int k = 0; k < n; ++k) {
    double x = -0.1 * std::log(1.0 - (k + 0.5) / n);
    values.push_back(static_cast<float>(k % 2 == 0 ? x : -x));
  }
  return values;
}

// A peaked bulk (the Laplace values above, |x| <= 0.990) with four far
// outliers at +-20, default 2048 bins, 8 bits. The bins have width 20/2048,
// so the bulk fills the first ~102 and the candidates start at i = 128, T =
// 1.25: every threshold keeps the whole bulk. At i = 128 the groups are
// single bins, so Q = P except in the last bin, where P holds the 4
// outliers and Q nothing (eps after smoothing):
//   KL ~ (10000/10004) ln(10000/10004) + (4/10004) ln((4/10004)/(1e-4/10000))
//      = -0.000400 + 0.000400 * 10.596 = 0.00384.
// At i = 2048 the bulk is merged into groups of 16 bins, which flattens its
// peak: a much larger divergence, so the outliers are clipped.
TEST(EntropyObserverTest, FarOutliersAreClipped) {
  std::vector<float> bulk = laplaceBulk();
  RangeObserver observer = calibrate(makeOptions(ObserverKind::Entropy),
                                     {bulk, {20.0f, -20.0f, 20.0f, -20.0f}});
  llvm::SmallVector<double> divergences;
  findEntropyThresholdBins(observer.getHistogram(), 128, &divergences);
  ASSERT_EQ(divergences.size(), 2048u - 128u + 1u);
  EXPECT_NEAR(divergences.front(), 0.00384, 0.00002);
  EXPECT_GT(divergences.back(), 10 * divergences.front());

  auto [lo, hi] = observer.getRange();
  EXPECT_EQ(lo, -hi); // the threshold clips both sides
  EXPECT_GE(hi, 1.25);
  EXPECT_GT(hi, 0.990);
  EXPECT_LT(hi, 20.0);
}

// A dense uniform distribution over [-1, 1]: 100000 values, every bin of |x|
// within one count of 48.8, so Q is P up to rounding at i = 2048 and any
// clipping only adds the outlier pile: the threshold stays at the max.
TEST(EntropyObserverTest, UniformKeepsMax) {
  std::vector<float> values;
  constexpr int n = 100000;
  for (int k = 0; k < n; ++k)
    values.push_back(static_cast<float>(-1.0 + 2.0 * (k + 0.5) / n));
  RangeObserver observer =
      calibrate(makeOptions(ObserverKind::Entropy), {values});
  auto [lo, hi] = observer.getRange();
  double maxAbs = observer.getObservedMax();
  EXPECT_EQ(observer.getObservedMin(), -maxAbs);
  EXPECT_GE(hi, 0.99 * maxAbs);
  EXPECT_LE(hi, maxAbs);
  EXPECT_EQ(lo, -hi);
}

//===----------------------------------------------------------------------===//
// MSE
//===----------------------------------------------------------------------===//

// Unsigned 2 bits (codes 0..3), 2 bins over [0, 2] (width 1): the values
// 0, 0.25, 0.5, 0.75 fall in bin 0 (center 0.5), 2.0 in bin 1 (center 1.5).
//   alpha = 1: [0, 2], s = 2/3, z = 0; 0.5 / s = 0.75 -> 1 -> 2/3, error
//     (1/6)^2 four times; 1.5 / s = 2.25 -> 2 -> 4/3, error (1/6)^2 once:
//     5/36.
//   alpha = 0.75: [0, 1.5], s = 0.5: both centers are codes (1 and 3), error
//     exactly 0.
//   Any larger alpha has s in (0.5, 2/3]: 0.5 / s rounds to 1, error
//     (0.5 - s)^2 > 0. So 0.75 wins, and the range is [0, 1.5].
TEST(MseObserverTest, HandComputedTwoBits) {
  StorageFormat u2{2, /*isSigned=*/false, /*narrowRange=*/false};
  AffineParams full = computeAffineParams(0, 2, u2, /*symmetric=*/false);
  EXPECT_DOUBLE_EQ(computeQuantizationError({4, 1}, 0, 2, full), 5.0 / 36);
  AffineParams clipped = computeAffineParams(0, 1.5, u2, /*symmetric=*/false);
  EXPECT_EQ(computeQuantizationError({4, 1}, 0, 2, clipped), 0.0);

  ObserverOptions options = makeOptions(ObserverKind::Mse, 2);
  options.format = u2;
  RangeObserver observer =
      calibrate(options, {{0.0f, 0.25f}, {0.5f, 0.75f, 2.0f}});
  EXPECT_EQ(observer.getHistogram(), llvm::ArrayRef<int64_t>({4, 1}));
  EXPECT_EQ(observer.getRange(), std::make_pair(0.0, 1.5));
}

// 10^6 values uniform over [0, 1] and one outlier at 10, u8 (255 steps). For
// the range [0, 10 alpha], s = 10 alpha / 255 and (continuum estimate) the
// bulk's rounding error is N s^2 / 12 = 10^6 * 100 alpha^2 / (12 * 255^2) =
// 128.2 alpha^2, the outlier's clipping error (10 - 10 alpha)^2. The sum is
// least at 256.4 alpha = 200 (1 - alpha), alpha = 0.438: the outlier is
// clipped to about 4.4 while the bulk [0, 1] stays inside.
TEST(MseObserverTest, OutlierIsClipped) {
  std::vector<float> values;
  constexpr int n = 1000000;
  for (int k = 0; k < n; ++k)
    values.push_back(static_cast<float>((k + 0.5) / n));
  values.push_back(10.0f);
  RangeObserver observer = calibrate(makeOptions(ObserverKind::Mse), {values});
  auto [lo, hi] = observer.getRange();
  EXPECT_GE(lo, observer.getObservedMin() * 0.3);
  EXPECT_LE(lo, observer.getObservedMin());
  EXPECT_GT(hi, 1.0);
  EXPECT_LT(hi, 10.0);
  EXPECT_NEAR(hi, 4.38, 0.3);
}

// Uniform data loses more to any clipping than it gains in resolution:
// clipping the top 1% of 10^5 values over [0, 1] costs about N 0.01^3 / 3 =
// 0.033, while the finer scale saves only N (1 - 0.99^2) s^2 / 12 = 0.0026
// (s = 1/255). So alpha = 1: the range is exactly [min, max]. The same
// holds for a symmetric int8 activation over [-1, 1].
TEST(MseObserverTest, UniformKeepsFullRange) {
  constexpr int n = 100000;
  std::vector<float> positive, signedValues;
  for (int k = 0; k < n; ++k) {
    positive.push_back(static_cast<float>((k + 0.5) / n));
    signedValues.push_back(static_cast<float>(-1.0 + 2.0 * (k + 0.5) / n));
  }
  RangeObserver u8 = calibrate(makeOptions(ObserverKind::Mse), {positive});
  EXPECT_EQ(u8.getRange(),
            std::make_pair(u8.getObservedMin(), u8.getObservedMax()));

  ObserverOptions options = makeOptions(ObserverKind::Mse);
  options.format = StorageFormat{8, /*isSigned=*/true, /*narrowRange=*/false};
  options.symmetric = true;
  RangeObserver i8 = calibrate(options, {signedValues});
  EXPECT_EQ(i8.getRange(),
            std::make_pair(i8.getObservedMin(), i8.getObservedMax()));
}

} // namespace
