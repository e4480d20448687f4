#!/usr/bin/env bash
# Installs what is missing, builds qsim and runs the bundled examples with
# qsim-run: the notebook's three examples, then a two-layer conv net in float
# and in INT8 on a .npy input, compared with NumPy's float output.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/build.sh" qsim-opt qsim-run

qsim_run="$build/bin/qsim-run"
data="$build/examples/convnet"
/usr/bin/python3 "$root/examples/make_convnet.py" --emit-npy "$data"

echo "== examples/notebook.mlir: the notebook's examples"
"$qsim_run" "$root/examples/notebook.mlir" | grep -v '^Unranked Memref'
echo
echo "== examples/two-layer-convnet.mlir, float model, against NumPy's float output"
"$qsim_run" "$root/examples/two-layer-convnet.mlir" --entry float_model \
  --input "$data/input.npy" --compare "$data/float_output.npy"
echo
echo "== the same net in INT8 (u8 activations, per-channel i8 weights, fused ReLU)"
echo "   against NumPy's float output, then against NumPy's simulation of the integers"
"$qsim_run" "$root/examples/two-layer-convnet.mlir" --entry int8_model \
  --input "$data/input.npy" --output-dir "$data/int8" --dequantize-outputs \
  --repeat 1000 --warmup 10 \
  --compare "$data/float_output.npy"
"$qsim_run" "$root/examples/two-layer-convnet.mlir" --entry int8_model \
  --input "$data/input.npy" --compare "$data/int8_output.npy" --tolerance 0 |
  grep '^output'
echo
echo "INT8 outputs written to $data/int8/result0.npy (uint8 storage) and result0.dequantized.npy"
