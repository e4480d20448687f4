#!/usr/bin/env bash
# Installs every Debian 12 package qsim needs to build, test and run.
# Safe to run again: apt-get skips what is already installed.
set -euo pipefail

packages=(
  # Build.
  build-essential cmake ninja-build ccache git
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  # The JSON parser of the statistics reader.
  nlohmann-json3-dev
  # Unit tests.
  libgtest-dev
  # Reference computations, and the digits data set of the main example.
  python3 python3-numpy python3-sklearn
  # The sanitized build and the libFuzzer targets (scripts/test-sanitized.sh,
  # scripts/fuzz.sh): clang 22 and its sanitizer and libFuzzer runtimes.
  clang-22 libclang-rt-22-dev
  # The OpenMP runtime that runs the kernels' parallel loops (qsim-run, mlir-runner).
  libomp-22-dev
  # qsim-import-onnx: the ONNX protobuf definitions, their generated C++
  # classes and the protobuf runtime and compiler.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # The ONNX backend node tests of the conformance suite.
  libonnx-testdata
  # Python's onnx writes the test models; torch and torchvision export the
  # torchvision architectures and the PyTorch PTQ comparison.
  python3-onnx python3-torch python3-torchvision
  # The TFLite conformance test writes its .tflite flatbuffers with it.
  python3-flatbuffers
  # examples/ppocr-cls renders its text-line images with PIL in these fonts
  # (Latin: DejaVu, Liberation, FreeFont; Chinese: WenQuanYi Micro Hei).
  python3-pil fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-wqy-microhei
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "qsim: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
