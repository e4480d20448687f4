//===- ElementwiseEvaluationTest.cpp - tests of the body evaluator --------===//
//
// The bodies are written as torch-mlir's TorchToLinalg emits them (read from
// its Uncategorized.cpp and DecomposeComplexOps.cpp). The references are the
// functions' definitions computed in double with math.h; the evaluator works
// in f32, so they agree to a few f32 ulps.
//
//===----------------------------------------------------------------------===//

#include "qsim/Conversion/LinalgToQSim/ElementwiseEvaluation.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <functional>
#include <string>

using namespace mlir;
using namespace mlir::qsim;

namespace {

constexpr double kInputs[] = {-8.0, -3.5, -3.0, -1.0, -0.25, 0.0,
                              0.5,  1.0,  2.75, 3.0,  6.5,   8.0};

class ElementwiseEvaluationTest : public ::testing::Test {
protected:
  ElementwiseEvaluationTest() {
    context.loadDialect<arith::ArithDialect, func::FuncDialect,
                        linalg::LinalgDialect, math::MathDialect,
                        tensor::TensorDialect>();
  }

  /// Parses `source` and returns its generics in order, and the first
  /// argument of its function.
  SmallVector<linalg::GenericOp> parse(StringRef source) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module) << source.str();
    SmallVector<linalg::GenericOp> generics;
    if (!module)
      return generics;
    module->walk([&](linalg::GenericOp op) { generics.push_back(op); });
    module->walk([&](func::FuncOp func) { argument = func.getArgument(0); });
    return generics;
  }

  /// Checks the function of the one generic in `source` against
  /// `reference` on every input.
  void expectUnary(StringRef source, const std::function<double(double)> &ref) {
    SmallVector<linalg::GenericOp> generics = parse(source);
    ASSERT_EQ(generics.size(), 1u);
    for (double x : kInputs) {
      std::string reason;
      FailureOr<float> y = evaluateUnaryElementwise(generics[0], x, &reason);
      ASSERT_TRUE(succeeded(y)) << reason;
      expectClose(*y, ref(x), x);
    }
  }

  static void expectClose(float actual, double expected, double x) {
    double tolerance = 4 * FLT_EPSILON * std::max(1.0, std::fabs(expected));
    EXPECT_NEAR(actual, expected, tolerance) << "at x = " << x;
  }

  /// The reason `get` gives for not accepting the one generic in `source`.
  std::string unaryFailure(StringRef source) {
    SmallVector<linalg::GenericOp> generics = parse(source);
    EXPECT_EQ(generics.size(), 1u);
    if (generics.size() != 1)
      return "";
    std::string reason;
    EXPECT_TRUE(failed(UnaryElementwiseFunction::get(generics[0], reason)));
    return reason;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  Value argument;
};

// torch-mlir's AtenSigmoidOp payload: 1 / (exp(-x) + 1).
TEST_F(ElementwiseEvaluationTest, Sigmoid) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = arith.negf %in : f32
        %one = arith.constant 1.000000e+00 : f32
        %2 = math.exp %1 : f32
        %3 = arith.addf %2, %one : f32
        %4 = arith.divf %one, %3 : f32
        linalg.yield %4 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
}

TEST_F(ElementwiseEvaluationTest, Tanh) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = math.tanh %in : f32
        linalg.yield %1 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              [](double x) { return std::tanh(x); });
}

// AtenGeluOp with approximate = "none": x * 0.5 * (1 + erf((x - 0) / sqrt(2))).
TEST_F(ElementwiseEvaluationTest, GeluErf) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %zero = arith.constant 0.000000e+00 : f32
        %one = arith.constant 1.000000e+00 : f32
        %1 = arith.subf %in, %zero : f32
        %two = arith.constant 2.000000e+00 : f32
        %2 = math.sqrt %two : f32
        %3 = arith.divf %1, %2 : f32
        %4 = math.erf %3 : f32
        %one_1 = arith.constant 1.000000e+00 : f32
        %5 = arith.addf %one_1, %4 : f32
        %half = arith.constant 5.000000e-01 : f32
        %6 = arith.mulf %half, %5 : f32
        %7 = arith.mulf %in, %6 : f32
        linalg.yield %7 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              [](double x) { return 0.5 * x * (1.0 + std::erf(x / M_SQRT2)); });
}

// AtenGeluOp with approximate = "tanh", with its math.fpowi of an i64 3 and
// torch-mlir's beta constant.
TEST_F(ElementwiseEvaluationTest, GeluTanh) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %three = arith.constant 3 : i64
        %1 = math.fpowi %in, %three : f32, i64
        %alpha = arith.constant 4.471500e-02 : f32
        %2 = arith.mulf %1, %alpha : f32
        %3 = arith.addf %in, %2 : f32
        %beta = arith.constant 0.79772403520000002 : f32
        %4 = arith.mulf %beta, %3 : f32
        %5 = math.tanh %4 : f32
        %one = arith.constant 1.000000e+00 : f32
        %6 = arith.addf %one, %5 : f32
        %half = arith.constant 5.000000e-01 : f32
        %7 = arith.mulf %half, %6 : f32
        %8 = arith.mulf %in, %7 : f32
        linalg.yield %8 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              [](double x) {
                return 0.5 * x *
                       (1.0 + std::tanh(0.7977240352174656 *
                                        (x + 0.044715 * x * x * x)));
              });
}

double hardswish(double x) {
  return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
}

// aten.hardswish as DecomposeComplexOps decomposes it: add.Scalar (3 and
// alpha 1 as captured i64 constants through sitofp), relu, minimum with a
// rank-0 6 (cmpf olt + select), div.Scalar, mul.Tensor with the input.
constexpr const char *kHardswishChain = R"mlir(
  func.func @f(%x: tensor<8xf32>) -> tensor<8xf32> {
    %c3 = arith.constant 3 : i64
    %c1 = arith.constant 1 : i64
    %c6 = arith.constant 6 : i64
    %zero = arith.constant 0.000000e+00 : f32
    %six = arith.constant dense<6.000000e+00> : tensor<f32>
    %e = tensor.empty() : tensor<8xf32>
    %add = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %0 = arith.sitofp %c3 : i64 to f32
      %1 = arith.sitofp %c1 : i64 to f32
      %2 = arith.mulf %0, %1 : f32
      %3 = arith.addf %in, %2 : f32
      linalg.yield %3 : f32
    } -> tensor<8xf32>
    %relu = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%add : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %0 = arith.cmpf ugt, %in, %zero : f32
      %1 = arith.select %0, %in, %zero : f32
      linalg.yield %1 : f32
    } -> tensor<8xf32>
    %min = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%relu, %six : tensor<8xf32>, tensor<f32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %0 = arith.cmpf olt, %in, %in_1 : f32
      %1 = arith.select %0, %in, %in_1 : f32
      linalg.yield %1 : f32
    } -> tensor<8xf32>
    %div = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%min : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %0 = arith.sitofp %c6 : i64 to f32
      %1 = arith.divf %in, %0 : f32
      linalg.yield %1 : f32
    } -> tensor<8xf32>
    %mul = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%div, %x : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %0 = arith.mulf %in, %in_1 : f32
      linalg.yield %0 : f32
    } -> tensor<8xf32>
    return %mul : tensor<8xf32>
  })mlir";

TEST_F(ElementwiseEvaluationTest, HardswishChain) {
  SmallVector<linalg::GenericOp> generics = parse(kHardswishChain);
  ASSERT_EQ(generics.size(), 5u);
  std::string reason;
  FailureOr<UnaryElementwiseFunction> function =
      UnaryElementwiseFunction::get(generics, argument, reason);
  ASSERT_TRUE(succeeded(function)) << reason;
  for (double x : kInputs)
    expectClose(function->evaluate(x), hardswish(x), x);
}

// The hardswish chain after --linalg-fuse-elementwise-ops --canonicalize:
// one generic reading the input once.
TEST_F(ElementwiseEvaluationTest, HardswishFused) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<8xf32>) -> tensor<8xf32> {
      %cst = arith.constant 3.000000e+00 : f32
      %cst_0 = arith.constant 6.000000e+00 : f32
      %cst_1 = arith.constant 0.000000e+00 : f32
      %e = tensor.empty() : tensor<8xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
      ^bb0(%in: f32, %out: f32):
        %2 = arith.addf %in, %cst : f32
        %3 = arith.cmpf ugt, %2, %cst_1 : f32
        %4 = arith.select %3, %2, %cst_1 : f32
        %5 = arith.cmpf olt, %4, %cst_0 : f32
        %6 = arith.select %5, %4, %cst_0 : f32
        %7 = arith.divf %6, %cst_0 : f32
        %8 = arith.mulf %7, %in : f32
        linalg.yield %8 : f32
      } -> tensor<8xf32>
      return %0 : tensor<8xf32>
    })mlir",
              hardswish);
}

// Hardtanh(-1, 1) (forms.md 5) through the predicates ult and ugt, and
// NaN through the unordered predicates: ult(NaN, -1) is true, so the
// select gives -1 rather than NaN.
TEST_F(ElementwiseEvaluationTest, HardtanhPredicates) {
  SmallVector<linalg::GenericOp> generics = parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %min = arith.constant -1.000000e+00 : f32
      %max = arith.constant 1.000000e+00 : f32
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = arith.cmpf ult, %in, %min : f32
        %2 = arith.select %1, %min, %in : f32
        %3 = arith.cmpf ugt, %2, %max : f32
        %4 = arith.select %3, %max, %2 : f32
        linalg.yield %4 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir");
  ASSERT_EQ(generics.size(), 1u);
  for (double x : kInputs)
    EXPECT_EQ(*evaluateUnaryElementwise(generics[0], x),
              std::min(std::max(x, -1.0), 1.0));
  EXPECT_EQ(*evaluateUnaryElementwise(generics[0], std::nan("")), -1.0f);
}

// sitofp reads an i1 as signed (true is -1), uitofp as unsigned (1).
TEST_F(ElementwiseEvaluationTest, BooleanToFloat) {
  expectUnary(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %zero = arith.constant 0.000000e+00 : f32
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = arith.cmpf ogt, %in, %zero : f32
        %2 = arith.sitofp %1 : i1 to f32
        %3 = arith.uitofp %1 : i1 to f32
        %4 = arith.mulf %3, %in : f32
        %5 = arith.addf %2, %4 : f32
        linalg.yield %5 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir",
              [](double x) { return x > 0 ? x - 1.0 : 0.0; });
}

TEST_F(ElementwiseEvaluationTest, RejectsTwoInputs) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %in_1: f32, %out: f32):
        %1 = arith.addf %in, %in_1 : f32
        linalg.yield %1 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir"),
            "the generic has several non-constant inputs");
}

TEST_F(ElementwiseEvaluationTest, RejectsVaryingConstant) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
      %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %e = tensor.empty() : tensor<2xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x, %c : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) {
      ^bb0(%in: f32, %in_1: f32, %out: f32):
        %1 = arith.mulf %in, %in_1 : f32
        linalg.yield %1 : f32
      } -> tensor<2xf32>
      return %0 : tensor<2xf32>
    })mlir"),
            "input #1 of generic #0 is a constant that is not the same on "
            "every element");
}

TEST_F(ElementwiseEvaluationTest, RejectsUnknownOp) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = math.sin %in : f32
        linalg.yield %1 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir"),
            "generic #0: the body's 'math.sin' cannot be evaluated");
}

TEST_F(ElementwiseEvaluationTest, RejectsReduction) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<f32> {
      %e = tensor.empty() : tensor<f32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%x : tensor<4xf32>) outs(%e : tensor<f32>) {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      } -> tensor<f32>
      return %0 : tensor<f32>
    })mlir"),
            "generic #0: the generic is not elementwise (it has a reduction "
            "loop)");
}

TEST_F(ElementwiseEvaluationTest, RejectsReadInit) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<4xf32>, %acc: tensor<4xf32>) -> tensor<4xf32> {
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%acc : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = arith.addf %in, %out : f32
        linalg.yield %1 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir"),
            "generic #0: the generic's body reads its init");
}

TEST_F(ElementwiseEvaluationTest, RejectsCapturedArgument) {
  EXPECT_EQ(unaryFailure(R"mlir(
    func.func @f(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %1 = arith.mulf %in, %s : f32
        linalg.yield %1 : f32
      } -> tensor<4xf32>
      return %0 : tensor<4xf32>
    })mlir"),
            "generic #0: the body's 'arith.mulf' uses a value from outside "
            "the body that is not a scalar constant");
}

//===----------------------------------------------------------------------===//
// matchChannelAffine
//===----------------------------------------------------------------------===//

// y = (k[c] - x) / d[c] = -x / d[c] + k[c] / d[c], with k and d read through
// (d0, d1, d2, d3) -> (d1) on C-element constants.
TEST_F(ElementwiseEvaluationTest, ChannelAffineSubtractedFromConstant) {
  SmallVector<linalg::GenericOp> generics = parse(R"mlir(
    func.func @f(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
      %k = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
      %d = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
      %e = tensor.empty() : tensor<1x2x2x2xf32>
      %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %k, %d : tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<1x2x2x2xf32>) {
      ^bb0(%in: f32, %kc: f32, %dc: f32, %out: f32):
        %1 = arith.subf %kc, %in : f32
        %2 = arith.divf %1, %dc : f32
        linalg.yield %2 : f32
      } -> tensor<1x2x2x2xf32>
      return %0 : tensor<1x2x2x2xf32>
    })mlir");
  ASSERT_EQ(generics.size(), 1u);
  std::string reason;
  FailureOr<ChannelAffine> affine =
      matchChannelAffine(generics, argument, /*channelDim=*/1, 2, reason);
  ASSERT_TRUE(succeeded(affine)) << reason;
  EXPECT_EQ(affine->scale, (SmallVector<double>{-0.5, -0.25}));
  EXPECT_EQ(affine->shift, (SmallVector<double>{0.5, 0.5}));
}

class ChannelAffineFailureTest : public ElementwiseEvaluationTest {
protected:
  std::string failure(StringRef body, StringRef constantMap = "(0, d1, 0, 0)",
                      StringRef constantType = "tensor<1x2x1x1xf32>",
                      StringRef constant = "dense<[[[[1.0]], [[2.0]]]]>") {
    std::string source =
        (R"mlir(
      func.func @f(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
        %c = arith.constant )mlir" +
         constant + " : " + constantType + R"mlir(
        %e = tensor.empty() : tensor<1x2x2x2xf32>
        %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> )mlir" +
         constantMap +
         R"mlir(>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %c : tensor<1x2x2x2xf32>, )mlir" +
         constantType + R"mlir() outs(%e : tensor<1x2x2x2xf32>) {
        ^bb0(%in: f32, %k: f32, %out: f32):
          )mlir" +
         body + R"mlir(
        } -> tensor<1x2x2x2xf32>
        return %0 : tensor<1x2x2x2xf32>
      })mlir")
            .str();
    SmallVector<linalg::GenericOp> generics = parse(source);
    EXPECT_EQ(generics.size(), 1u);
    if (generics.size() != 1)
      return "";
    std::string reason;
    EXPECT_TRUE(failed(
        matchChannelAffine(generics, argument, /*channelDim=*/1, 2, reason)));
    return reason;
  }
};

TEST_F(ChannelAffineFailureTest, Max) {
  EXPECT_EQ(failure("%1 = arith.maximumf %in, %k : f32\n"
                    "linalg.yield %1 : f32"),
            "generic #0: the body's 'arith.maximumf' of a value that depends "
            "on the input is not affine");
}

TEST_F(ChannelAffineFailureTest, Square) {
  EXPECT_EQ(failure("%1 = arith.mulf %in, %in : f32\n"
                    "linalg.yield %1 : f32"),
            "generic #0: the body's 'arith.mulf' multiplies two values that "
            "depend on the input");
}

TEST_F(ChannelAffineFailureTest, DivisionByInput) {
  EXPECT_EQ(failure("%1 = arith.divf %k, %in : f32\n"
                    "linalg.yield %1 : f32"),
            "generic #0: the body's 'arith.divf' divides by a value that "
            "depends on the input");
}

TEST_F(ChannelAffineFailureTest, ConstantAlongWidth) {
  EXPECT_EQ(failure("%1 = arith.mulf %in, %k : f32\n"
                    "linalg.yield %1 : f32",
                    "(0, 0, 0, d3)", "tensor<1x1x1x2xf32>",
                    "dense<[[[[1.0, 2.0]]]]>"),
            "generic #0: constant input #1: it varies along a dimension other "
            "than the channel");
}

TEST_F(ChannelAffineFailureTest, ConstantResult) {
  EXPECT_EQ(failure("linalg.yield %k : f32"),
            "generic #0: its result does not depend on the input");
}

} // namespace
