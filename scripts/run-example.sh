#!/usr/bin/env bash
# Installs what is missing, builds qsim and runs the bundled examples: the
# notebook's three examples and a two-layer INT8 conv net, each lowered with
# qsim-opt --qsim-lower-to-llvm and JIT-run with mlir-runner.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" qsim-opt

llvm_lib=/usr/lib/llvm-22/lib
run() {
  "$build/bin/qsim-opt" "$1" --qsim-lower-to-llvm |
    /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
      -shared-libs="$llvm_lib/libmlir_c_runner_utils.so,$llvm_lib/libmlir_runner_utils.so" |
    grep -v '^Unranked Memref'
}

echo "== examples/notebook.mlir: the notebook's examples"
run "$root/examples/notebook.mlir"
echo
echo "== examples/two-layer-convnet.mlir: float output, INT8 output (storage), INT8 output (dequantized)"
run "$root/examples/two-layer-convnet.mlir"
