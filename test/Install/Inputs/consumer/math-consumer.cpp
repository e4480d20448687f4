// Calls the quantizer's math and the .npy format of an installed qsim, on
// LLVM Support alone.

#include "qsim/Quant/AffineParams.h"
#include "qsim/Support/Npy.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

int main() {
  mlir::qsim::StorageFormat int8{8, /*isSigned=*/true, /*narrowRange=*/false};
  mlir::qsim::AffineParams params =
      mlir::qsim::computeAffineParams(-1.0, 3.0, int8, /*symmetric=*/false);
  llvm::outs() << llvm::format("scale %.9g zero point %lld\n", params.scale,
                               static_cast<long long>(params.zeroPoint));
  for (float x : {-1.0f, 0.5f, 3.0f, 10.0f})
    llvm::outs() << "quantize " << x << " -> "
                 << mlir::qsim::quantizeValue(x, params.scale, params.zeroPoint,
                                              params.qmin, params.qmax)
                 << "\n";

  mlir::qsim::NpyArray array;
  array.dtype = mlir::qsim::NpyDType::Int8;
  array.shape = {2, 3};
  array.data.assign(6, 0);
  llvm::Expected<mlir::qsim::NpyArray> parsed =
      mlir::qsim::parseNpy(mlir::qsim::serializeNpy(array));
  if (!parsed) {
    llvm::errs() << llvm::toString(parsed.takeError()) << "\n";
    return 1;
  }
  llvm::outs() << "npy " << mlir::qsim::getNpyDTypeName(parsed->dtype) << " "
               << parsed->getShapeString() << "\n";
  return 0;
}
