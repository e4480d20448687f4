#!/usr/bin/env bash
# Installs what is missing, builds qsim and runs the main job: post-training
# quantization of two models trained on the 8x8 handwritten digits, a CNN and
# a residual CNN (calibrate on 200 training images, quantize per channel and
# per tensor, JIT-run float and INT8 on the 450 test images); the digits
# ResNet trained in PyTorch and imported from ONNX (PyTorch's and qsim's float
# and INT8 side by side); a pretrained ONNX model, PaddleOCR's text-direction
# classifier, checked against ONNX Runtime; then the notebook's three
# examples.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
bash "$root/scripts/install-deps.sh"
bash "$root/scripts/install-npm-deps.sh"
bash "$root/scripts/build.sh" qsim-opt qsim-run qsim-import-onnx

echo "== post-training quantization of examples/digits and examples/digits-resnet"
/usr/bin/python3 "$root/examples/digits/ptq.py" --bin "$build/bin" \
  --work "$build/examples/digits" --check
echo
echo "== the digits ResNet trained in PyTorch, exported to ONNX, quantized by PyTorch and by qsim"
/usr/bin/python3 "$root/examples/onnx/digits_resnet_table.py" --bin "$build/bin" \
  --work "$build/examples/digits-resnet-onnx" --check
echo
echo "== examples/ppocr-cls: PaddleOCR's pretrained text-direction classifier, imported from ONNX"
/usr/bin/python3 "$root/examples/ppocr-cls/run.py" --bin "$build/bin" \
  --work "$build/examples/ppocr-cls" --check
echo
echo "== examples/notebook.mlir: the notebook's examples"
"$build/bin/qsim-run" "$root/examples/notebook.mlir" | grep -v '^Unranked Memref'
