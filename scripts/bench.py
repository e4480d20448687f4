#!/usr/bin/env python3
"""Times qsim's integer and float kernels beside ONNX Runtime and PyTorch.

    bench.py --bin BUILD/bin --work DIR [--rounds R] [--quick]
             [--workloads W1,W3,...] [--threads 1,2] [--budget-ms MS]
             [--qsim-option OPT ...]

Prints one table: for each workload and thread count, one row per tool,
with the median and minimum time of a call (compilation excluded), its
GOPS (2 * MACs / median), its share of this machine's measured peak, the
compile (or set-up) time, the tool's time relative to qsim's and how many
of its output elements differ from qsim's.

Workloads (scripts/bench_workloads.py builds them; u8 activations, int8
weights per output channel, symmetric, seeded):
  W1   conv 1x64x56x56 -> 64, 3x3, pad 1
  W2   conv 1x3x224x224 -> 32, 3x3, stride 2, pad 1
  W3   linear 64x1024 . 1024x1024
  W4   the digits CNN of examples/digits at batch 256, quantized as
       examples/onnx/make_qdq_digits.py does (needs sklearn)
  R18  the 3x3 convs of ResNet-18's four stages as a plain chain from
       1x64x56x56, each with a ReLU (16 convs, stride 2 into stages 2-4,
       no residual adds)
  W1f, W3f, W4f, ...  the float32 model of the same workload
Default: W1 W2 W3 W4 R18 W1f W3f W4f; --quick: W1 W3 W1f W3f, one round,
few repeats.

Each integer workload is written as an ONNX QDQ model (uint8 input ->
DequantizeLinear -> Conv / Gemm with int8 weights and an int32 bias through
DequantizeLinear -> QuantizeLinear -> uint8 output, opset 13) and imported
with qsim-import-onnx. The tools:
  qsim          qsim-run on the import (--threads N when qsim-run has it)
  ORT u8s8      ONNX Runtime (npm onnxruntime-node, scripts/onnxruntime-run.mjs
                --repeat), default optimizations: the QDQ groups fuse into
                QLinearConv / QGemm
  ORT s8s8      the same model with int8 activations (every code and zero
                point 128 lower, the same real values)
  torch <engine>  PyTorch quantized Conv2d / Linear modules with the same
                integers, scales and zero points, for each quantized engine
                this torch has of qnnpack, onednn, fbgemm; timed in this
                process
  ORT f32, torch f32  the float rows' peers
The "differ" column counts the output elements that are not equal to
qsim's, bit for bit (an s8s8 output is compared 128 higher). qsim's own
row counts its differences from a NumPy reference of qsim's arithmetic
(the exact integer accumulator, the float64 requantization of
docs/QSim.md), and for a float workload gives the largest difference from
a float64 NumPy reference. ONNX Runtime and PyTorch compute the
requantization multiplier in float32, qsim in float64: an output whose
scaled accumulator falls next to a rounding tie can differ by one code
(counted here, not hidden).

Peak: a kernel for the ISA in /proc/cpuinfo (amx_int8: tdpbusd on 6
accumulator tiles; else avx512_vnni: vpdpbusd on zmm; else avx2: vpmaddwd
on ymm; and float FMA on zmm or ymm), written as MLIR into DIR and run by
qsim-run: 24 (AVX2: 12) independent accumulator chains in a loop, so that its time gives the core's multiply-accumulate
throughput. With N threads, N copies run at once and their GOPS add up.

Every tool runs with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:
glibc.malloc.trim_threshold=1073741824 (this script re-executes itself
with it), the tools interleaved in each round; the table gives the best
of --rounds rounds (the lowest median, the lowest minimum, the lowest
compile time). A tool repeats its call as often as fills --budget-ms at
the speed it had in the rounds before, at least 3 times (--quick: 2); in
the first round qsim and ONNX Runtime make that least number of calls and
PyTorch sizes its repeats from its first calls. Numbers vary with the
machine and its load; nothing here is a pass/fail check.
"""

import argparse
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_workloads as bw  # noqa: E402

TUNABLES = "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824"
DEFAULT_WORKLOADS = "W1,W2,W3,W4,R18,W1f,W3f,W4f"
QUICK_WORKLOADS = "W1,W3,W1f,W3f"
MAX_REPEAT = 5000


# --------------------------------------------------------------------------
# Running tools
# --------------------------------------------------------------------------

GNU_TIME = "/usr/bin/time"


def run(cmd, env=None, rss_file=None):
    """Runs a command; returns its output and its peak RSS in MiB (None
    without GNU time). The RSS comes from GNU time, not from this process's
    wait4: a child forked from this process (PyTorch loaded) would count
    this process's pages in its peak, since Linux keeps the high-water mark
    of the memory a process had before its exec."""
    measured = rss_file is not None and os.access(GNU_TIME, os.X_OK)
    full = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd if measured else cmd
    proc = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env)
    if proc.returncode != 0:
        sys.exit(f"bench: command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}")
    rss = None
    if measured:
        with open(rss_file) as f:
            rss = float(f.read().split()[-1]) / 1024.0
    return proc.stdout, rss


def timing_table(output, what):
    """(min ms, median ms) of a qsim-run / onnxruntime-run timing table."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.split()[:2] == ["runs", "min"] and i + 1 < len(lines):
            fields = lines[i + 1].split()
            if len(fields) == 4 and fields[0].isdigit():
                return float(fields[1]), float(fields[2])
    sys.exit(f"bench: no timing table in the output of {what}:\n{output}")


def number_after(pattern, output, what):
    match = re.search(pattern, output)
    if not match:
        sys.exit(f"bench: '{pattern}' not in the output of {what}:\n{output}")
    return float(match.group(1))


class Measurement:
    """The rounds of one tool on one workload at one thread count."""

    def __init__(self):
        self.medians, self.mins, self.compiles, self.rss = [], [], [], []
        self.differ = None   # (count, total) or a text
        self.output = None   # the output of the first round

    def add(self, min_ms, median_ms, compile_ms=None, rss=None):
        self.mins.append(min_ms)
        self.medians.append(median_ms)
        if compile_ms is not None:
            self.compiles.append(compile_ms)
        if rss is not None:
            self.rss.append(rss)

    def median(self):
        return min(self.medians) if self.medians else None

    def min(self):
        return min(self.mins) if self.mins else None

    def compile(self):
        return min(self.compiles) if self.compiles else None


def repeats(estimate_ms, budget_ms, least):
    if not estimate_ms or estimate_ms <= 0:
        return least
    return max(least, min(MAX_REPEAT, int(math.ceil(budget_ms / estimate_ms))))


# --------------------------------------------------------------------------
# The peak kernels
# --------------------------------------------------------------------------

# name: (chains, accumulator type, operand type, the step, ops per step,
#        /proc/cpuinfo flags needed)
PEAKS = {
    "amx": (6, "!amx.tile<16x16xi32>", "!amx.tile<16x64xi8>", "tdpbusd", 2 * 16 * 16 * 64,
            ("amx_int8", "amx_tile")),
    "vnni": (24, "vector<16xi32>", "vector<64xi8>", "vpdpbusd", 2 * 64, ("avx512_vnni",)),
    "avx2": (12, "vector<8xi32>", "vector<16xi16>", "pmaddwd", 2 * 16, ("avx2",)),
    "fma512": (24, "vector<16xf32>", "vector<16xf32>", "fma", 2 * 16, ("avx512f",)),
    "fma256": (12, "vector<8xf32>", "vector<8xf32>", "fma", 2 * 8, ("avx2", "fma")),
}


def amx_peak_mlir(iterations):
    """The AMX peak: `iterations` steps of 6 independent tdpbusd (16 x 16 x
    64 u8*s8 products each) on two tiles of the input's first bytes, in a
    func.func of amx ops, which qsim's lowering gives the tile state request.
    Returns the sum of every accumulator element."""
    chains = PEAKS["amx"][0]
    acc, opnd = PEAKS["amx"][1], PEAKS["amx"][2]
    lines = [
        f"// The amx peak kernel of scripts/bench.py: {chains} chains x {iterations} steps.",
        "func.func @main(%seed: tensor<2xi32>) -> tensor<1xi32> {",
        "  %c0 = arith.constant 0 : index",
        "  %c1 = arith.constant 1 : index",
        "  %c16 = arith.constant 16 : index",
        f"  %n = arith.constant {iterations} : index",
        "  %x = tensor.extract %seed[%c0] : tensor<2xi32>",
        "  %y = tensor.extract %seed[%c1] : tensor<2xi32>",
        "  %xb = arith.trunci %x : i32 to i8",
        "  %yb = arith.trunci %y : i32 to i8",
        "  %abuf = memref.alloc() : memref<16x64xi8>",
        "  %bbuf = memref.alloc() : memref<16x64xi8>",
        "  linalg.fill ins(%xb : i8) outs(%abuf : memref<16x64xi8>)",
        "  linalg.fill ins(%yb : i8) outs(%bbuf : memref<16x64xi8>)",
        f"  %a = amx.tile_load %abuf[%c0, %c0] : memref<16x64xi8> into {opnd}",
        f"  %b = amx.tile_load %bbuf[%c0, %c0] : memref<16x64xi8> into {opnd}",
    ]
    for k in range(chains):
        lines.append(f"  %z{k} = amx.tile_zero : {acc}")
    names = ", ".join(f"%acc{k} = %z{k}" for k in range(chains))
    types = ", ".join([acc] * chains)
    lines.append(f"  %r:{chains} = scf.for %i = %c0 to %n step %c1 iter_args({names}) -> ({types}) {{")
    for k in range(chains):
        lines.append(f"    %next{k} = amx.tile_muli %a zext, %b, %acc{k} : {opnd}, {opnd}, {acc}")
    lines.append(f"    scf.yield {', '.join(f'%next{k}' for k in range(chains))} : {types}")
    lines.append("  }")
    lines.append(f"  %out = memref.alloc() : memref<{16 * chains}x16xi32>")
    for k in range(chains):
        lines.append(f"  %row{k} = arith.constant {16 * k} : index")
        lines.append(f"  amx.tile_store %out[%row{k}, %c0], %r#{k} : memref<{16 * chains}x16xi32>, {acc}")
    lines += [
        f"  %t = bufferization.to_tensor %out restrict : memref<{16 * chains}x16xi32> to tensor<{16 * chains}x16xi32>",
        "  %zero = arith.constant 0 : i32",
        "  %e = tensor.empty() : tensor<i32>",
        "  %init = linalg.fill ins(%zero : i32) outs(%e : tensor<i32>) -> tensor<i32>",
        f"  %sum = linalg.reduce ins(%t : tensor<{16 * chains}x16xi32>) outs(%init : tensor<i32>) dimensions = [0, 1]",
        "    (%in: i32, %into: i32) {",
        "      %s = arith.addi %in, %into : i32",
        "      linalg.yield %s : i32",
        "    }",
        "  %v = tensor.extract %sum[] : tensor<i32>",
        "  %result = tensor.from_elements %v : tensor<1xi32>",
        "  return %result : tensor<1xi32>",
        "}",
    ]
    return "\n".join(lines) + "\n"


def peak_mlir(name, iterations):
    """An MLIR module whose @main(tensor<2xi32>) -> tensor<1xi32> runs
    `iterations` times `chains` independent multiply-accumulate steps of the
    ISA and returns the sum of every accumulator lane (so that nothing is
    dead). The loop is an llvm.func called from @main: llvm.call_intrinsic
    declares no memory effects, which buffer deallocation refuses in a
    func.func, and a call is allowed.

    vpdpbusd: acc = vpdpbusd(acc, a, b), 16 lanes x 4 u8*s8 products.
    pmaddwd:  acc = acc + pmaddwd(bitcast(acc), b), 16 i16 products; its own
              accumulator is an operand so that the step is not loop
              invariant (an invariant pmaddwd would be hoisted).
    fma:      acc = fma(a, b, acc) on f32 lanes (a and b from the input's
              bits; they keep acc finite and normal for millions of steps).
    """
    if name == "amx":
        return amx_peak_mlir(iterations)
    chains, acc, opnd, step, _, _ = PEAKS[name]
    lanes = int(re.search(r"<(\d+)x", acc).group(1))
    elem = "f32" if "f32" in acc else "i32"
    lines = [
        f"// The {name} peak kernel of scripts/bench.py: {chains} chains x {iterations} steps.",
        f"llvm.func @peak_kernel(%x: i32, %y: i32, %n: i64) -> {elem} {{",
        "  %c0 = llvm.mlir.constant(0 : i64) : i64",
        "  %c1 = llvm.mlir.constant(1 : i64) : i64",
        "  %i0 = llvm.mlir.constant(0 : i32) : i32",
    ]
    splat = ", ".join(["0"] * lanes)
    if elem == "f32":
        lines += [
            "  %xf = llvm.bitcast %x : i32 to f32",
            "  %yf = llvm.bitcast %y : i32 to f32",
            f"  %poison = llvm.mlir.poison : {acc}",
            f"  %xe = llvm.insertelement %xf, %poison[%i0 : i32] : {acc}",
            f"  %a = llvm.shufflevector %xe, %poison [{splat}] : {acc}",
            f"  %ye = llvm.insertelement %yf, %poison[%i0 : i32] : {acc}",
            f"  %b = llvm.shufflevector %ye, %poison [{splat}] : {acc}",
        ]
    else:
        lines += [
            f"  %poison = llvm.mlir.poison : {acc}",
            f"  %xe = llvm.insertelement %x, %poison[%i0 : i32] : {acc}",
            f"  %xs = llvm.shufflevector %xe, %poison [{splat}] : {acc}",
            f"  %ye = llvm.insertelement %y, %poison[%i0 : i32] : {acc}",
            f"  %ys = llvm.shufflevector %ye, %poison [{splat}] : {acc}",
            f"  %a = llvm.bitcast %xs : {acc} to {opnd}",
            f"  %b = llvm.bitcast %ys : {acc} to {opnd}",
        ]
    for k in range(chains):
        value = f"{k}.0" if elem == "f32" else f"{k}"
        lines.append(f"  %z{k} = llvm.mlir.constant(dense<{value}> : {acc}) : {acc}")
    types = ", ".join([acc] * chains)
    lines.append(f"  llvm.br ^loop(%c0, {', '.join(f'%z{k}' for k in range(chains))} : i64, "
                 f"{types})")
    lines.append(f"^loop(%i: i64, {', '.join(f'%acc{k}: {acc}' for k in range(chains))}):")
    for k in range(chains):
        if step == "vpdpbusd":
            lines.append(f'  %next{k} = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"'
                         f"(%acc{k}, %a, %b) : ({acc}, {opnd}, {opnd}) -> {acc}")
        elif step == "pmaddwd":
            lines.append(f"  %w{k} = llvm.bitcast %acc{k} : {acc} to {opnd}")
            lines.append(f'  %p{k} = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"'
                         f"(%w{k}, %b) : ({opnd}, {opnd}) -> {acc}")
            lines.append(f"  %next{k} = llvm.add %acc{k}, %p{k} : {acc}")
        else:
            lines.append(f'  %next{k} = llvm.intr.fma(%a, %b, %acc{k}) : '
                         f"({acc}, {acc}, {acc}) -> {acc}")
    lines += [
        "  %inext = llvm.add %i, %c1 : i64",
        '  %done = llvm.icmp "eq" %inext, %n : i64',
        f"  llvm.cond_br %done, ^exit, ^loop(%inext, "
        f"{', '.join(f'%next{k}' for k in range(chains))} : i64, {types})",
        "^exit:",
    ]
    total = "%next0"
    add = "llvm.fadd" if elem == "f32" else "llvm.add"
    for k in range(1, chains):
        lines.append(f"  %sum{k} = {add} {total}, %next{k} : {acc}")
        total = f"%sum{k}"
    if elem == "f32":
        lines.append("  %zero = llvm.mlir.constant(0.0 : f32) : f32")
        lines.append(f'  %r = "llvm.intr.vector.reduce.fadd"(%zero, {total}) : (f32, {acc}) -> f32')
    else:
        lines.append(f'  %r = "llvm.intr.vector.reduce.add"({total}) : ({acc}) -> i32')
    lines += [
        f"  llvm.return %r : {elem}",
        "}",
        "",
        f"func.func @main(%seed: tensor<2xi32>) -> tensor<1x{elem}> {{",
        "  %c0 = arith.constant 0 : index",
        "  %c1 = arith.constant 1 : index",
        f"  %n = arith.constant {iterations} : i64",
        "  %x = tensor.extract %seed[%c0] : tensor<2xi32>",
        "  %y = tensor.extract %seed[%c1] : tensor<2xi32>",
        f"  %r = llvm.call @peak_kernel(%x, %y, %n) : (i32, i32, i64) -> {elem}",
        f"  %t = tensor.from_elements %r : tensor<1x{elem}>",
        f"  return %t : tensor<1x{elem}>",
        "}",
    ]
    return "\n".join(lines) + "\n"


def peak_seed(name):
    """The kernel's two inputs: bytes 1..4 and 5..8 for the integer steps;
    2^-10 and 2^-10 for FMA (the accumulators grow by 2^-20 a step)."""
    if name.startswith("fma"):
        bits = np.array([2.0**-10, 2.0**-10], np.float32).view(np.int32)
        return bits
    return np.array([0x04030201, 0x08070605], np.int32)


def peak_expected(name, iterations):
    """The exact result of the integer kernels (wrapping int32), None for FMA."""
    chains, _, _, step, _, _ = PEAKS[name]
    if step == "tdpbusd":  # every element: 64 products of the bytes 1 and 5
        total = (chains * 16 * 16 * iterations * 64 * 1 * 5) % 2**32
        return total - 2**32 if total >= 2**31 else total
    if step != "vpdpbusd":
        return None
    per_lane = 1 * 5 + 2 * 6 + 3 * 7 + 4 * 8
    lanes = 16
    total = (lanes * (chains * iterations * per_lane + sum(range(chains)))) % 2**32
    return total - 2**32 if total >= 2**31 else total


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


class Peak:
    """One peak kernel: its file, input and op count; GOPS per thread count."""

    def __init__(self, name, work, iterations):
        chains, _, _, _, ops, _ = PEAKS[name]
        if name == "amx":  # a step is 64 times vpdpbusd's work: as many ops
            iterations //= 64
        self.name, self.iterations = name, iterations
        self.ops = chains * iterations * ops
        self.model = os.path.join(work, f"peak-{name}.mlir")
        self.seed = os.path.join(work, f"peak-{name}-seed.npy")
        with open(self.model, "w") as f:
            f.write(peak_mlir(name, iterations))
        np.save(self.seed, peak_seed(name))
        self.gops = {}

    def measure(self, qsim_run, threads, repeat, env, out_root):
        """Runs `threads` copies at once; records the sum of their GOPS."""
        procs = []
        for i in range(threads):
            out = os.path.join(out_root, f"peak-{self.name}-{threads}-{i}")
            cmd = [qsim_run, self.model, "--input", self.seed, "--output-dir", out,
                   "--repeat", str(repeat), "--warmup", "2"]
            procs.append((cmd, out, subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                                     stderr=subprocess.STDOUT, text=True,
                                                     env=env)))
        total = 0.0
        for cmd, out, proc in procs:
            output = proc.communicate()[0]
            if proc.returncode != 0:
                sys.exit(f"bench: the peak kernel failed: {' '.join(cmd)}\n{output}")
            _, median = timing_table(output, "the peak kernel")
            expected = peak_expected(self.name, self.iterations)
            if expected is not None:
                got = np.load(os.path.join(out, "result0.npy"))[0]
                if got != expected:
                    sys.exit(f"bench: the {self.name} peak kernel returned {got}, "
                             f"expected {expected}")
            total += self.ops / (median * 1e-3) / 1e9
        self.gops[threads] = max(self.gops.get(threads, 0.0), total)


# --------------------------------------------------------------------------
# Workloads and tools
# --------------------------------------------------------------------------

class Workload:
    """A chain as an integer or float workload, with its references: for an
    integer one the NumPy output with the float64 multiplier (qsim's
    contract) and with the float32 one (ONNX Runtime's formula); for a float
    one the float64 NumPy output."""

    def __init__(self, key, chain, reference, is_float, work):
        self.key, self.chain, self.is_float = key, chain, is_float
        if is_float:
            self.ref64, self.ref32 = bw.float_reference(chain), None
        else:
            self.ref64, self.ref32 = reference, bw.reference_output(chain, "float32")
        self.macs = chain.macs()
        self.dir = os.path.join(work, key)
        os.makedirs(self.dir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def title(self):
        return self.chain.title + (" float" if self.is_float else "")


def prepare(workloads, qsim_import):
    """Writes each workload's models and inputs; imports them for qsim."""
    import onnx
    for w in workloads:
        if w.is_float:
            onnx.save(bw.float_model(w.chain), w.path("model.onnx"))
            np.save(w.path("x.npy"), w.chain.float_input())
        else:
            onnx.save(bw.qdq_model(w.chain), w.path("model.onnx"))
            onnx.save(bw.qdq_model(w.chain, signed=True), w.path("model_s8.onnx"))
            np.save(w.path("x.npy"), w.chain.x)
            np.save(w.path("x_s8.npy"), (w.chain.x.astype(np.int16) - 128).astype(np.int8))
        run([qsim_import, w.path("model.onnx"), "-o", w.path("model.mlir")])


def differ(out, ref):
    """The count of elements of `out` not equal to `ref` and, when some
    differ, the largest difference: '0', '5685 (max 5)', '188371 (max 8.4e-05)'."""
    if ref is None:
        return "-"
    if out.shape != ref.shape:
        return f"shape {'x'.join(map(str, out.shape))}"
    count = int(np.count_nonzero(out != ref))
    if count == 0:
        return str(count)
    diff = float(np.max(np.abs(out.astype(np.float64) - ref.astype(np.float64))))
    return f"{count} (max {diff:.0f})" if diff >= 1 else f"{count} (max {diff:.2g})"


def max_difference(out, ref):
    if out.shape != ref.shape:
        return f"shape {'x'.join(map(str, out.shape))}"
    return f"max {float(np.max(np.abs(out.astype(np.float64) - ref))):.2g}"


class Bench:
    def __init__(self, args):
        self.args = args
        self.qsim_run = os.path.join(args.bin, "qsim-run")
        self.qsim_import = os.path.join(args.bin, "qsim-import-onnx")
        for tool in (self.qsim_run, self.qsim_import):
            if not os.access(tool, os.X_OK):
                sys.exit(f"bench: {tool} is not there (build qsim-run and qsim-import-onnx)")
        help_text = subprocess.run([self.qsim_run, "--help"], capture_output=True,
                                   text=True).stdout
        self.qsim_threads = "--threads" in help_text
        self.env = dict(os.environ, GLIBC_TUNABLES=TUNABLES)
        if "NODE_PATH" not in self.env:
            default = os.path.join(os.path.dirname(os.path.abspath(args.bin)), "npm",
                                   "node_modules")
            self.env["NODE_PATH"] = default
        self.ort = (not args.no_ort and shutil.which("node") is not None and
                    os.path.isdir(os.path.join(self.env["NODE_PATH"], "onnxruntime-node")))
        self.ort_script = os.path.join(HERE, "onnxruntime-run.mjs")
        self.torch = None
        if not args.no_torch:
            try:
                import torch
                self.torch = torch
            except ImportError:
                pass
        self.notes = []

    # -- tools ---------------------------------------------------------

    def tools(self, w):
        tools = ["qsim"]
        if self.ort:
            tools += ["ORT f32"] if w.is_float else ["ORT u8s8", "ORT s8s8"]
        if self.torch is not None:
            if w.is_float:
                tools.append("torch f32")
            else:
                engines = self.torch.backends.quantized.supported_engines
                tools += [f"torch {e}" for e in ("qnnpack", "onednn", "fbgemm") if e in engines]
        return tools

    def run_qsim(self, w, threads, repeat, out):
        """Runs qsim-run with `repeat` timed calls."""
        cmd = [self.qsim_run, w.path("model.mlir"), "--input", w.path("x.npy"),
               "--output-dir", out, "--repeat", str(repeat), "--warmup", "1"]
        if self.qsim_threads:
            cmd.append(f"--threads={threads}")
        cmd += self.args.qsim_option
        output, rss = run(cmd, self.env, out + ".rss")
        min_ms, median_ms = timing_table(output, "qsim-run")
        compile_ms = number_after(r"compiled @\S+ in ([0-9.]+) ms", output, "qsim-run")
        return (min_ms, median_ms, compile_ms, rss, np.load(os.path.join(out, "result0.npy")),
                repeat)

    def run_ort(self, w, signed, threads, repeat, out):
        model = w.path("model_s8.onnx" if signed else "model.onnx")
        x = w.path("x_s8.npy" if signed else "x.npy")
        cmd = ["node", self.ort_script, model, "--input", x, "--output-dir", out,
               "--threads", str(threads), "--repeat", str(repeat), "--warmup", "2"]
        output, rss = run(cmd, self.env, out + ".rss")
        min_ms, median_ms = timing_table(output, "onnxruntime-run")
        setup_ms = number_after(r"session created in ([0-9.]+) ms", output, "onnxruntime-run")
        result = np.load(os.path.join(out, "result0.npy"))
        if signed:
            result = (result.astype(np.int16) + 128).astype(np.uint8)
        return min_ms, median_ms, setup_ms, rss, result, repeat

    def run_torch(self, w, engine, threads, budget, least):
        """Times the PyTorch model in this process: as many calls as fill
        the budget at the speed of the first calls (at least `least`), and
        no more once three budgets have passed (a few slow calls, as
        PyTorch's thread pool has at times, must not stall the run)."""
        torch = self.torch
        torch.set_num_threads(threads)
        start = time.perf_counter()
        if engine is None:
            forward, output = bw.torch_float(torch, w.chain)
        else:
            torch.backends.quantized.engine = engine
            forward, output = bw.torch_quantized(torch, w.chain)
        setup_ms = (time.perf_counter() - start) * 1e3
        result = output()
        warm = []
        for _ in range(2):
            t0 = time.perf_counter()
            forward()
            warm.append((time.perf_counter() - t0) * 1e3)
        repeat = repeats(min(warm), budget, least)
        times, began = [], time.perf_counter()
        for _ in range(repeat):
            t0 = time.perf_counter()
            forward()
            times.append((time.perf_counter() - t0) * 1e3)
            if len(times) >= least and (t0 - began) * 1e3 > 3 * budget:
                break
        return min(times), float(np.median(times)), setup_ms, None, result, len(times)

    def measure(self, tool, w, threads, m, budget, least, out):
        """One round of `tool`: (min ms, median ms, compile ms, RSS MiB,
        output, repeats). A tool in its own process repeats as many calls
        as fill the budget at its speed in the rounds before; in the first
        round, `least` calls."""
        repeat = repeats(m.median(), budget, least)
        if tool == "qsim":
            return self.run_qsim(w, threads, repeat, out)
        if tool.startswith("ORT"):
            return self.run_ort(w, tool == "ORT s8s8", threads, repeat, out)
        engine = tool.split()[1]
        return self.run_torch(w, None if engine == "f32" else engine, threads, budget, least)

    # -- the run -------------------------------------------------------

    def main(self):
        args = self.args
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
        flags = cpu_flags()
        int_peak = ("amx" if {"amx_int8", "amx_tile"} <= flags else
                    "vnni" if "avx512_vnni" in flags else
                    "avx2" if "avx2" in flags else None)
        float_peak = ("fma512" if "avx512f" in flags else
                      ("fma256" if {"avx2", "fma"} <= flags else None))
        if args.peak_isa == "avx2":  # as on an AVX2-only machine
            int_peak, float_peak = "avx2", "fma256"
        elif args.peak_isa == "vnni":  # as on a VNNI machine without AMX
            int_peak = "vnni"
        iterations = 200_000 if args.quick else 1_000_000
        peaks = {k: Peak(p, work, iterations) for k, p in
                 (("int", int_peak), ("float", float_peak)) if p}

        keys = [k for k in (args.workloads or (QUICK_WORKLOADS if args.quick else
                                               DEFAULT_WORKLOADS)).split(",") if k]
        base = []
        for k in keys:
            b = k[:-1] if k.endswith("f") else k
            if b not in base:
                base.append(b)
        if "W4" in base:
            try:
                import sklearn  # noqa: F401
            except ImportError:
                self.notes.append("W4 skipped: the digits data needs python3-sklearn")
                base.remove("W4")
                keys = [k for k in keys if k not in ("W4", "W4f")]
        try:
            chains = {c.key: (c, ref)
                      for c, ref in bw.workloads(base, digits_batch=args.digits_batch)}
        except ValueError as e:
            sys.exit(f"bench: {e} (known: W1, W2, W3, W4, R18, each with an f for float)")
        workloads = []
        for k in keys:
            is_float = k.endswith("f")
            chain, ref = chains[k[:-1] if is_float else k]
            workloads.append(Workload(k, chain, ref, is_float, work))
        prepare(workloads, self.qsim_import)

        thread_counts = [int(t) for t in args.threads.split(",") if t]
        budget = args.budget_ms if args.budget_ms else (20.0 if args.quick else 300.0)
        least = 2 if args.quick else 3
        results = {}
        outs = os.path.join(work, "out")
        for r in range(args.rounds):
            for t in thread_counts:
                for p in peaks.values():
                    p.measure(self.qsim_run, t, 5 if args.quick else 20, self.env, outs)
            for w in workloads:
                for t in thread_counts:
                    for tool in self.tools(w):
                        if tool == "qsim" and t != thread_counts[0] and not self.qsim_threads:
                            continue
                        m = results.setdefault((w.key, t, tool), Measurement())
                        out = os.path.join(outs, w.key, f"{tool.replace(' ', '-')}-t{t}")
                        os.makedirs(os.path.dirname(out), exist_ok=True)
                        started = time.perf_counter()
                        min_ms, median_ms, setup_ms, rss, result, repeat = self.measure(
                            tool, w, t, m, budget, least, out)
                        if args.verbose:
                            print(f"bench: round {r + 1} {w.key} {t} thread(s) {tool}: "
                                  f"{repeat} repeats, median {median_ms:.3f} ms, "
                                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
                        m.add(min_ms, median_ms, setup_ms, rss)
                        if m.output is None:
                            m.output = result
            print(f"bench: round {r + 1} of {args.rounds} done", file=sys.stderr)

        self.report(workloads, thread_counts, results, peaks, int_peak, float_peak)

    # -- the table -----------------------------------------------------

    def report(self, workloads, thread_counts, results, peaks, int_peak, float_peak):
        torch_version = self.torch.__version__ if self.torch is not None else "not installed"
        ort_version = "not found"
        if self.ort:
            package = os.path.join(self.env["NODE_PATH"], "onnxruntime-node", "package.json")
            try:
                import json
                with open(package) as f:
                    ort_version = json.load(f).get("version", "?")
            except (OSError, ValueError):
                ort_version = "?"
        print(f"CPU: {cpu_name()}, {os.cpu_count()} logical CPUs; "
              f"int8 peak kernel {int_peak or 'none'}, float peak kernel {float_peak or 'none'}")
        for kind, p in peaks.items():
            text = ", ".join(f"{t} thread{'s' if t > 1 else ''} {p.gops[t]:.0f}"
                             for t in thread_counts)
            print(f"peak {kind} ({p.name}) GOPS: {text}")
        print(f"ONNX Runtime (onnxruntime-node) {ort_version}, PyTorch {torch_version}, "
              f"qsim-run --threads {'yes' if self.qsim_threads else 'no (qsim runs 1 thread)'}; "
              f"best of {self.args.rounds} round(s); GLIBC_TUNABLES={TUNABLES}")
        print("vs qsim: the tool's median time / qsim's (above 1: qsim is faster). "
              "diff: the count of output elements that differ (and the largest difference) "
              "from qsim's output, from NumPy with qsim's float64 requantization (ref64) and "
              "with ONNX Runtime's float32 one (ref32); float rows: ref64 is NumPy in float64")
        print()
        header = (f"{'workload':<38} {'thr':>3}  {'tool':<13} {'median ms':>10} {'min ms':>10} "
                  f"{'GOPS':>7} {'peak':>6} {'compile ms':>10} {'RSS MiB':>7} {'vs qsim':>8} | "
                  f"{'diff qsim':<20} {'diff ref64':<16} diff ref32")
        print(header)
        print("-" * len(header))
        for w in workloads:
            peak = peaks.get("float" if w.is_float else "int")
            names = [f"{w.key} {w.title()}",
                     f"  {w.ref64.size} outputs, {w.macs / 1e6:.1f} M MACs"]
            if w.chain.note:
                names.append(f"  {w.chain.note}")
            for t in thread_counts:
                qsim = results.get((w.key, t, "qsim"))
                starred = qsim is None
                if starred:
                    qsim = results[(w.key, thread_counts[0], "qsim")]
                for tool in self.tools(w):
                    m = qsim if tool == "qsim" else results[(w.key, t, tool)]
                    med = m.median()
                    gops = 2.0 * w.macs / (med * 1e-3) / 1e9
                    share = (f"{100.0 * gops / peak.gops[t]:5.1f}%"
                             if peak and t in peak.gops else "-")
                    comp = f"{m.compile():10.1f}" if m.compile() is not None else f"{'-':>10}"
                    rss = f"{min(m.rss):7.0f}" if m.rss else f"{'-':>7}"
                    if tool == "qsim":
                        ratio, vs_qsim = "1", "-"
                    else:
                        ratio, vs_qsim = f"{med / qsim.median():.3g}", differ(m.output, qsim.output)
                    if w.is_float:
                        vs64, vs32 = max_difference(m.output, w.ref64), "-"
                    else:
                        vs64, vs32 = differ(m.output, w.ref64), differ(m.output, w.ref32)
                    label = tool + ("*" if tool == "qsim" and starred else "")
                    name = names.pop(0) if names else ""
                    print(f"{name:<38} {t:>3}  {label:<13} {med:10.3f} {m.min():10.3f} "
                          f"{gops:7.1f} {share:>6} {comp} {rss} {ratio:>8} | "
                          f"{vs_qsim:<20} {vs64:<16} {vs32}".rstrip())
            for name in names:  # a workload with fewer rows than lines of its name
                print(name)
        if any(t != thread_counts[0] for t in thread_counts) and not self.qsim_threads:
            print("* qsim-run has no --threads: its 1-thread run, the base of the other rows")
        print("compile ms: qsim-run's JIT compilation; ONNX Runtime's session creation; "
              "PyTorch's module construction (weight prepacking)")
        for note in self.notes:
            print(f"note: {note}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder of qsim-run and qsim-import-onnx")
    parser.add_argument("--work", required=True, help="folder for the models and outputs")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds of every tool (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run: {QUICK_WORKLOADS}, few repeats, one round")
    parser.add_argument("--workloads", default=None,
                        help=f"comma-separated (default {DEFAULT_WORKLOADS})")
    parser.add_argument("--threads", default="1,2", help="thread counts (default 1,2)")
    parser.add_argument("--budget-ms", type=float, default=None,
                        help="timed work per call and round (default 300; --quick 20)")
    parser.add_argument("--digits-batch", type=int, default=256, help="W4's batch")
    parser.add_argument("--qsim-option", action="append", default=[],
                        help="an extra qsim-run option (repeatable), e.g. --kernel=avx2")
    parser.add_argument("--peak-isa", choices=("avx2", "vnni"), default=None,
                        help="run the AVX2 peak kernels (vpmaddwd, FMA on ymm) even on an "
                        "AVX-512 machine, or the VNNI one (vpdpbusd) on an AMX machine "
                        "(default: the best this CPU has)")
    parser.add_argument("--no-ort", action="store_true", help="leave ONNX Runtime out")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--verbose", action="store_true",
                        help="print every measurement's repeats and wall time to stderr")
    args = parser.parse_args()
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    # PyTorch runs in this process: the tunables must be set before it starts.
    if os.environ.get("GLIBC_TUNABLES") != TUNABLES:
        env = dict(os.environ, GLIBC_TUNABLES=TUNABLES)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    Bench(args).main()


if __name__ == "__main__":
    main()
