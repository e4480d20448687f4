# -*- Python -*-
# lit configuration of the qsim regression tests.

import os
import shlex
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QSIM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "Unit", "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qsim_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%qsim_src_root", config.qsim_src_root))
config.substitutions.append(("%qsim_obj_root", config.qsim_obj_root))

# Strict FileCheck: variables do not leak across CHECK-LABELs and every
# prefix a RUN line names must be used.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

runner_utils = os.path.join(config.llvm_lib_dir, "libmlir_runner_utils.so")
c_runner_utils = os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")
config.substitutions.append(("%mlir_runner_utils", runner_utils))
config.substitutions.append(("%mlir_c_runner_utils", c_runner_utils))

# Every JIT run uses the same runner flags. The kernels' parallel loops call
# the OpenMP runtime (Debian's libomp-22-dev).
openmp_runtime = os.path.join(config.llvm_lib_dir, "libomp.so")
config.substitutions.append(("%openmp_runtime", openmp_runtime))
config.substitutions.append(
    (
        "%qsim_runner",
        "mlir-runner -e main -entry-point-result=void "
        f"-shared-libs={c_runner_utils},{runner_utils},{openmp_runtime}",
    )
)

# The packed kernels that this CPU runs (convert-qsim-to-kernels): tests of
# the AMX, AVX-512 VNNI and AVX2 kernels JIT-run only where the CPU has them.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu_flags = set()
        for line in cpuinfo:
            if line.startswith("flags"):
                cpu_flags = set(line.split(":", 1)[1].split())
                break
except OSError:
    cpu_flags = set()
if {"avx512_vnni", "avx512bw"} <= cpu_flags:
    config.available_features.add("cpu-vnni")
# qsim also needs Linux to grant the tile state, which every kernel since
# 5.16 does on request.
if {"amx_int8", "amx_tile", "avx512_vnni", "avx512bw"} <= cpu_flags:
    config.available_features.add("cpu-amx")
if "avx2" in cpu_flags:
    config.available_features.add("cpu-avx2")
# ONNX Runtime's u8s8 integer kernels (MLAS) are exact with VNNI (AVX-512 or
# AVX) and AMX; on other x86 CPUs they sum pairs of products with
# vpmaddubsw, which saturates at int16 (qdq_reference.py --semantics
# ort-saturating models it).
ort_u8s8_saturating = "avx2" in cpu_flags and not {"avx512_vnni", "avx_vnni"} & cpu_flags
if ort_u8s8_saturating:
    config.available_features.add("ort-u8s8-saturating")
# The qdq_reference.py semantics of ONNX Runtime on this host.
config.substitutions.append(
    ("%ort_semantics", "ort-saturating" if ort_u8s8_saturating else "ort"))

tool_dirs = [config.qsim_tools_dir, config.llvm_tools_dir]
tools = ["qsim-opt", "qsim-run", "qsim-import-onnx", "qsim-diffgen", "mlir-runner", "mlir-opt"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# NumPy-based reference computations need a python3 that has NumPy; the
# first python3 on PATH may be another installation than Debian's.
for python in ["/usr/bin/python3", "python3"]:
    import shutil
    import subprocess

    path = shutil.which(python)
    if path and subprocess.call([path, "-c", "import numpy"], stderr=subprocess.DEVNULL) == 0:
        config.substitutions.append(("%python", path))
        config.available_features.add("numpy")
        if subprocess.call([path, "-c", "import sklearn"], stderr=subprocess.DEVNULL) == 0:
            config.available_features.add("sklearn")
        break

# The libFuzzer targets the build has (QSIM_BUILD_FUZZERS): each
# test/fuzz/<name>-fuzz.test requires the feature "<name>-fuzzer".
for fuzzer in filter(None, config.qsim_fuzzers.split(";")):
    config.available_features.add(fuzzer)

# A sanitized build (QSIM_ENABLE_SANITIZERS) fails a test on the first
# report: the report aborts the program, so that `not` and the exit-status
# checks cannot mistake it for an expected error exit. LeakSanitizer runs at
# every exit (ASan's default on Linux). allow_user_poisoning=0: qsim is
# instrumented but Debian's libMLIR is not, and both allocate from one
# BumpPtrAllocator (the context's attribute and type storage); its inline
# code poisons a new slab when qsim's code starts it and unpoisons only what
# qsim's code allocates, so libMLIR's own allocations in that slab would be
# reported as use-after-poison. Heap, stack and global checks are unchanged.
if config.qsim_sanitizers:
    config.available_features.add("sanitized")
    config.environment["ASAN_OPTIONS"] = ":".join([
        "abort_on_error=1",
        "halt_on_error=1",
        "detect_leaks=1",
        "check_initialization_order=1",
        "strict_init_order=1",
        "strict_string_checks=1",
        "allow_user_poisoning=0",
    ])
    config.environment["UBSAN_OPTIONS"] = "abort_on_error=1:halt_on_error=1:print_stacktrace=1"

# Tests that bound the address space do it with `%ulimit_v KIB`.
# AddressSanitizer reserves terabytes of address space for its shadow memory
# and cannot start under such a limit, so a sanitized build drops it; tests
# that need an allocation to fail do not run there ("UNSUPPORTED:
# sanitized"), since AddressSanitizer reports such an allocation itself.
config.substitutions.append(("%ulimit_v", "true" if config.qsim_sanitizers else "ulimit -v"))

# --version prints the CMake project version and, in a git checkout, the
# revision of the sources.
qsim_full_version = "qsim version " + config.qsim_version
if os.path.exists(os.path.join(config.qsim_src_root, ".git")) and shutil.which("git"):
    revision = subprocess.run(
        ["git", "-C", config.qsim_src_root, "rev-parse", "--short=12", "HEAD"],
        capture_output=True, text=True)
    if revision.returncode == 0:
        qsim_full_version += " (git " + revision.stdout.strip() + ")"
config.substitutions.append(("%qsim_full_version", qsim_full_version))

# test/Install builds a project against an install of this build.
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%ninja", config.cmake_make_program))
config.substitutions.append(("%qsim_libraries", config.qsim_libraries))
config.substitutions.append(("%mlir_include_dir", config.mlir_include_dirs.split(";")[0]))
# The consumer links qsim's static archives, so it compiles and links with
# qsim's compiler and flags (a sanitized build's included).
consumer_flags = [
    f"-DCMAKE_CXX_COMPILER={config.cxx_compiler}",
    f"-DCMAKE_CXX_FLAGS={config.cxx_flags}",
    f"-DCMAKE_EXE_LINKER_FLAGS={config.exe_linker_flags}",
]
if config.cxx_compiler_launcher:
    consumer_flags.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={config.cxx_compiler_launcher}")
config.substitutions.append(
    ("%qsim_consumer_flags", " ".join(shlex.quote(flag) for flag in consumer_flags)))
if os.path.basename(config.cmake_make_program).startswith("ninja"):
    config.available_features.add("ninja")

if (config.mlir_enable_execution_engine and os.path.exists(runner_utils)
        and os.path.exists(openmp_runtime)):
    config.available_features.add("qsim-jit")

# ONNX: the importer's tests need Debian's python3-onnx to write models, the
# conformance suite Debian's libonnx-testdata, the torchvision exports
# python3-torch, and the comparisons with ONNX Runtime the npm package
# onnxruntime-node that scripts/install-npm-deps.sh installs into
# build/npm (run through %ort_run; $QSIM_NPM_DIR names another folder, so
# that the sanitized suite uses the main build's).
if "%python" in dict(config.substitutions):
    python = dict(config.substitutions)["%python"]
    for module, feature in [("onnx", "onnx"), ("torch", "torch"), ("PIL", "pil"),
                            ("flatbuffers", "flatbuffers")]:
        if subprocess.call([python, "-c", "import " + module], stderr=subprocess.DEVNULL) == 0:
            config.available_features.add(feature)
onnx_node_tests = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_node_tests):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_node_tests", onnx_node_tests))
npm_dir = os.environ.get("QSIM_NPM_DIR") or os.path.join(config.qsim_obj_root, "npm")
config.substitutions.append(("%npm_dir", npm_dir))
if shutil.which("node") and os.path.isdir(os.path.join(npm_dir, "node_modules", "onnxruntime-node")):
    config.available_features.add("onnxruntime")
    config.environment["NODE_PATH"] = os.path.join(npm_dir, "node_modules")
    config.substitutions.append(
        ("%ort_run", "node " + os.path.join(config.qsim_src_root, "scripts", "onnxruntime-run.mjs")))
# TFLite: LiteRT.js, the npm package @litertjs/core in the same folder (run
# through %litert_run), with .tflite files that Debian's python3-flatbuffers
# writes.
if shutil.which("node") and os.path.isdir(os.path.join(npm_dir, "node_modules", "@litertjs", "core")):
    config.available_features.add("litert")
    config.substitutions.append(
        ("%litert_run", "node " + os.path.join(config.qsim_src_root, "test", "Integration",
                                               "Inputs", "run_tflite.mjs") + " " + npm_dir))
