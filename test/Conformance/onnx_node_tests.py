#!/usr/bin/env python3
"""Runs ONNX's backend node tests through qsim-import-onnx and qsim-run.

Each node test of the ONNX backend test data (Debian's libonnx-testdata,
data/node/test_*/) is a model.onnx with one or more test_data_set_N/ folders
holding input_K.pb and output_K.pb TensorProtos. A test falls in one of
three groups:

  run          every operator of its model is in supported-ops.txt (domain
               ai.onnx) and qsim-run can take its inputs. For each data set:
               the inputs become .npy files, `qsim-import-onnx model.onnx -o
               model.mlir`, `qsim-run model.mlir --input in0.npy ...
               --output-dir out`, and every out/resultN.npy is compared with
               output_N.pb: the same shape and dtype; integers and booleans
               exactly; floats as np.testing.assert_allclose with ONNX's own
               backend-runner defaults (onnx/backend/test/case/node and
               loader: rtol 1e-3, atol 1e-7, NaN equal to NaN), unless
               supported-ops.txt overrides the tolerance of the operator.
  skipped      the operators are supported but an input or output is a type
               qsim-run has no .npy form for (float16, bfloat16, string,
               uint32, uint64, complex, sequences, optionals). The importer
               still runs on the model and must not crash.
  unsupported  some operator is not in supported-ops.txt (or is in another
               domain). The importer must reject the model with exit status
               1 and one line on stderr that starts with "error:".

Some operands are constants in every real model (a Reshape's shape, Slice's
starts and ends, the scales and zero points of the quantized operators...)
but graph inputs in the node tests. supported-ops.txt names them per
operator (const=1,2); such an input becomes an initializer of a rewritten
copy of the model, with the data set's own value, before the import.

A node test declares the opset in which its operator last changed, which
may be older than the importer's oldest (GlobalAveragePool: opset 1); such a
model is imported at --min-opset (9) if none of its operators changed in
between, so that it means the same there.

Every subprocess has a time limit; a hang, a signal, or a crash report on
stderr is a failure in every group. The exit status is 0 only if every
`run` test passes (or fails and is listed in --allow-failures, with a
reason), every `unsupported` test is rejected cleanly and nothing crashed.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"

# ONNX's backend test runner compares node tests with
# np.testing.assert_allclose(rtol=1e-3, atol=1e-7) (the TestCase defaults
# of onnx/backend/test/case/node/__init__.py and loader/__init__.py in
# ONNX 1.12).
DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-7

# The .npy dtypes qsim-run reads and writes (its README's --input row).
NPY_DTYPES = {
    "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
    "uint16", "bool"
}

# The importer's message for a model it does not support: exactly one line,
# "error: ...", or with the tool's name in front as qsim's tools write it.
CLEAN_ERROR = re.compile(r"^(qsim-import-onnx: )?error: \S")

# What a crashing LLVM tool or a sanitizer prints.
CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Sanitizer",
                 "Assertion", "LLVM ERROR", "UNREACHABLE", "terminate called",
                 "Segmentation fault", "core dumped")


class OpSpec:
    def __init__(self, name):
        self.name = name
        self.const_inputs = set()
        self.rtol = DEFAULT_RTOL
        self.atol = DEFAULT_ATOL
        self.reject = None
        self.reject_reason = ""


def read_supported(path):
    """supported-ops.txt: `Op [const=I,J] [reject=REGEX] [rtol=X] [atol=Y]
    [# reason]`."""
    ops = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            text, _, comment = line.partition("#")
            fields = text.split()
            if not fields:
                continue
            spec = OpSpec(fields[0])
            for field in fields[1:]:
                key, _, value = field.partition("=")
                if key == "const":
                    spec.const_inputs = {int(i) for i in value.split(",")}
                elif key in ("rtol", "atol"):
                    if not comment.strip():
                        sys.exit(f"{path}:{number}: a tolerance override "
                                 "needs a reason in a comment")
                    setattr(spec, key, float(value))
                elif key == "reject":
                    if not comment.strip():
                        sys.exit(f"{path}:{number}: reject= needs a reason "
                                 "in a comment")
                    spec.reject = re.compile(value)
                    spec.reject_reason = comment.strip()
                else:
                    sys.exit(f"{path}:{number}: unknown field '{field}'")
            if spec.name in ops:
                sys.exit(f"{path}:{number}: {spec.name} listed twice")
            ops[spec.name] = spec
    return ops


def read_allowed(path):
    """The known failures: `test_name reason...` a line."""
    allowed = {}
    if not path:
        return allowed
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            if not reason.strip():
                sys.exit(f"{path}:{number}: {name} needs a reason")
            allowed[name] = reason.strip()
    return allowed


def numpy_name(elem_type):
    if elem_type == onnx.TensorProto.STRING:
        return "string"
    try:
        return np.dtype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem_type]).name
    except KeyError:
        return onnx.TensorProto.DataType.Name(elem_type).lower()


def value_type(vi):
    """The .npy dtype name of a graph input or output, or what it is."""
    kind = vi.type.WhichOneof("value")
    if kind != "tensor_type":
        return kind.replace("_type", "") if kind else "untyped"
    elem = vi.type.tensor_type.elem_type
    if elem == onnx.TensorProto.BFLOAT16:
        return "bfloat16"
    return numpy_name(elem)


class NodeTest:
    def __init__(self, directory, op_names):
        self.dir = directory
        self.name = os.path.basename(directory)
        self.model = onnx.load(os.path.join(directory, "model.onnx"))
        graph = self.model.graph
        self.ops = [(n.domain or "ai.onnx", n.op_type) for n in graph.node]
        self.opset = {(o.domain or "ai.onnx"): o.version
                      for o in self.model.opset_import}
        self.data_sets = sorted(
            (d for d in os.listdir(directory) if d.startswith("test_data_set")),
            key=lambda d: int(d.rsplit("_", 1)[1]))
        self.op = self.attribute(op_names)
        self.status = None   # "run", "skip", "unsupported"
        self.reason = ""

    def attribute(self, op_names):
        """The operator whose row the test counts in: the model's only
        non-Constant operator, else the longest operator name the test name
        starts with (test_softmax_axis_0_expanded: Softmax)."""
        kinds = {op for _, op in self.ops if op != "Constant"}
        if len(kinds) == 1:
            return kinds.pop()
        if not kinds:
            return "Constant"
        flat = self.name[len("test_"):].replace("_", "").lower()
        best = None
        for name in op_names:
            if flat.startswith(name.lower()) and (
                    best is None or len(name) > len(best)):
                best = name
        if best:
            return best
        # A composite test named after no operator (test_nllloss_*_expanded)
        # counts under the first word of its name, among the other ops.
        return self.name[len("test_"):].split("_")[0]

    def classify(self, supported):
        missing = []
        for domain, op in self.ops:
            if domain != "ai.onnx" or op not in supported:
                label = op if domain == "ai.onnx" else f"{domain}.{op}"
                if label not in missing:
                    missing.append(label)
        if missing:
            self.status, self.reason = "unsupported", ", ".join(missing)
            return
        reject = supported[self.op].reject if self.op in supported else None
        if reject and reject.search(self.name):
            self.status = "unsupported"
            self.reason = f"a form of {self.op} that supported-ops.txt " \
                f"rejects: {supported[self.op].reject_reason}"
            return
        graph = self.model.graph
        bad = []
        for kind, values in (("input", graph.input), ("output", graph.output)):
            for vi in values:
                dtype = value_type(vi)
                if dtype not in NPY_DTYPES:
                    bad.append(f"{kind} {vi.name or '?'} is {dtype}")
        if bad:
            self.status, self.reason = "skip", "; ".join(bad)
            return
        self.status = "run"


class Result:
    def __init__(self, test):
        self.test = test
        self.outcome = None   # passed, failed, clean, unclean, skipped
        self.reason = ""
        self.crashed = False
        self.known = None     # the allow-list reason


def run_tool(args, timeout):
    """Runs a tool; returns (status, stdout, stderr, crashed, description)."""
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                errors="replace", start_new_session=True)
    except OSError as e:
        return None, "", str(e), True, f"cannot start: {e}"
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err, True, f"hung: killed after {timeout:g} s"
    status = proc.returncode
    if status < 0:
        name = signal.Signals(-status).name
        return status, out, err, True, \
            f"killed by {name}{crash_site(err)}: {first_line(err)}"
    if any(marker in err for marker in CRASH_MARKERS):
        return status, out, err, True, \
            f"crashed (exit {status}){crash_site(err)}: {first_line(err)}"
    return status, out, err, False, ""


def crash_site(text):
    """The innermost frame of an LLVM stack dump that is not the signal
    handler's or libc's, as `in FUNCTION`; empty without a stack dump."""
    for line in text.splitlines():
        frame = re.match(r"\s*#\d+ 0x[0-9a-f]+ (.*)", line)
        if not frame:
            continue
        symbol = re.sub(r" \([^()]*\+0x[0-9a-f]+\)$", "", frame.group(1))
        if symbol.startswith("(") or "PrintStackTrace" in symbol or \
                "SignalHandler" in symbol or "libc" in line:
            continue
        return " in " + re.sub(r"\(.*\)", "()", symbol)
    return ""


def first_line(text):
    """The first line of a tool's stderr that says something: not the
    boilerplate of an LLVM crash report."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("PLEASE submit", "Stack dump:")) \
                and not re.match(r"(\d+\.\s+Program arguments|#\d+ 0x)",
                                 line):
            return line
    return "(no message)"


def shape_string(shape):
    return "x".join(str(d) for d in shape) if len(shape) else "scalar"


def load_tensor(path):
    tensor = onnx.TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    return numpy_helper.to_array(tensor)


def compare(index, got, want, spec):
    """None if `got` matches `want`, else the reason."""
    label = f"output {index}"
    if got.shape != want.shape:
        return f"{label}: shape {shape_string(got.shape)}, expected " \
            f"{shape_string(want.shape)}"
    if got.dtype != want.dtype:
        return f"{label}: dtype {got.dtype}, expected {want.dtype}"
    if want.size == 0:
        return None
    if want.dtype.kind not in "fc":
        wrong = got != want
        if wrong.any():
            at = np.unravel_index(np.argmax(wrong), want.shape)
            return f"{label}: {int(wrong.sum())} of {want.size} " \
                f"{want.dtype} values differ, first at {list(at)}: " \
                f"{got[at]} instead of {want[at]}"
        return None
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    nan_ok = np.isnan(g) == np.isnan(w)
    both_nan = np.isnan(g) & np.isnan(w)
    with np.errstate(invalid="ignore"):
        inf_ok = np.where(np.isinf(w) | np.isinf(g), g == w, True)
        error = np.where(both_nan | np.isinf(w), 0.0, np.abs(g - w))
        allowed = spec.atol + spec.rtol * np.abs(w)
        bad = ~nan_ok | ~inf_ok | ~(both_nan | np.isinf(w) | (error <= allowed))
    if bad.any():
        at = np.unravel_index(np.argmax(np.where(bad, np.nan_to_num(
            error, nan=np.inf), -1.0)), want.shape)
        return f"{label}: {int(bad.sum())} of {want.size} values outside " \
            f"rtol {spec.rtol:g}, atol {spec.atol:g}; max abs error " \
            f"{np.nanmax(np.where(bad, error, 0)):.3g} at {list(at)}: " \
            f"{got[at]!r} instead of {want[at]!r}"
    return None


def const_inputs(test, supported):
    """Names of graph inputs that supported-ops.txt makes constants."""
    inputs = {vi.name for vi in test.model.graph.input}
    names = set()
    for node in test.model.graph.node:
        spec = supported.get(node.op_type)
        if not spec:
            continue
        for i in spec.const_inputs:
            if i < len(node.input) and node.input[i] in inputs:
                names.add(node.input[i])
    return names


def raised_opset(test, min_opset):
    """ONNX's node tests declare the opset in which their operator last
    changed (GlobalAveragePool: 1), which may be older than any opset a
    real model uses. Returns min_opset if the model's ai.onnx opset is older
    and every operator of the model has the same schema version at both, so
    that the model means the same at min_opset; else None."""
    declared = test.opset.get("ai.onnx")
    if declared is None or declared >= min_opset:
        return None
    for domain, op in test.ops:
        try:
            before = onnx.defs.get_schema(op, declared, "").since_version
            after = onnx.defs.get_schema(op, min_opset, "").since_version
        except onnx.defs.SchemaError:
            return None
        if before != after:
            return None
    return min_opset


def prepare(test, data_set, supported, work, min_opset):
    """Writes the (rewritten) model and the .npy inputs of one data set;
    returns (model path, npy paths, --input-shape flags, expected outputs,
    names made constant)."""
    graph = test.model.graph
    data_dir = os.path.join(test.dir, data_set)
    constants = const_inputs(test, supported)
    initializers = {t.name for t in graph.initializer}
    values = []
    for k, vi in enumerate(graph.input):
        path = os.path.join(data_dir, f"input_{k}.pb")
        values.append(load_tensor(path) if os.path.exists(path) else None)
    outputs = []
    k = 0
    while os.path.exists(os.path.join(data_dir, f"output_{k}.pb")):
        outputs.append(load_tensor(os.path.join(data_dir, f"output_{k}.pb")))
        k += 1

    model_path = os.path.join(test.dir, "model.onnx")
    opset = raised_opset(test, min_opset)
    if constants or opset:
        model = onnx.ModelProto()
        model.CopyFrom(test.model)
        for entry in model.opset_import:
            if opset and entry.domain in ("", "ai.onnx"):
                entry.version = opset
        kept = []
        for vi, value in zip(graph.input, values):
            if vi.name in constants:
                model.graph.initializer.append(
                    numpy_helper.from_array(value, vi.name))
            else:
                kept.append(vi)
        del model.graph.input[:]
        model.graph.input.extend(kept)
        model_path = os.path.join(work, "model.onnx")
        onnx.save(model, model_path)

    npys, shapes = [], []
    for k, (vi, value) in enumerate(zip(graph.input, values)):
        if vi.name in constants or vi.name in initializers:
            continue
        if value is None:
            raise RuntimeError(f"{data_set} has no input_{k}.pb")
        path = os.path.join(work, f"in{len(npys)}.npy")
        # (np.ascontiguousarray would make a 0-d array 1-d.)
        np.save(path, value.copy(order="C"))
        npys.append(path)
        dims = vi.type.tensor_type.shape.dim
        if value.ndim and (len(dims) != value.ndim or
                           any(not d.HasField("dim_value") for d in dims)):
            shapes.append(f"{vi.name}={shape_string(value.shape)}")
    return model_path, npys, shapes, outputs, sorted(constants)


def run_test(test, args, supported):
    result = Result(test)
    work = os.path.join(args.work, test.name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    importer = os.path.join(args.bin, "qsim-import-onnx")
    runner = os.path.join(args.bin, "qsim-run")

    if test.status in ("unsupported", "skip"):
        mlir = os.path.join(work, "model.mlir")
        status, _, err, crashed, what = run_tool(
            [importer, os.path.join(test.dir, "model.onnx"), "-o", mlir],
            args.timeout)
        result.crashed = crashed
        if test.status == "skip":
            result.outcome = "failed" if crashed else "skipped"
            result.reason = f"importer {what}" if crashed else test.reason
            return result
        lines = [l for l in err.splitlines() if l.strip()]
        if crashed:
            result.outcome, result.reason = "unclean", what
        elif status == 0:
            result.outcome = "unclean"
            result.reason = "imported (exit 0), expected the clean error " \
                f"for: {test.reason}"
        elif status != 1:
            result.outcome = "unclean"
            result.reason = f"exit {status}: {first_line(err)}"
        elif len(lines) != 1 or not CLEAN_ERROR.match(lines[0]):
            result.outcome = "unclean"
            result.reason = f"{len(lines)} lines on stderr: {first_line(err)}"
        else:
            result.outcome, result.reason = "clean", lines[0]
        return result

    # A float tolerance is the loosest of the operators of the model.
    spec = OpSpec("tolerance")
    for _, op in test.ops:
        spec.rtol = max(spec.rtol, supported[op].rtol)
        spec.atol = max(spec.atol, supported[op].atol)

    reasons = []
    for data_set in test.data_sets:
        set_work = os.path.join(work, data_set)
        os.makedirs(set_work)
        try:
            model, npys, shapes, expected, _ = prepare(
                test, data_set, supported, set_work, args.min_opset)
        except Exception as e:  # a test the script cannot read
            reasons.append(f"{data_set}: cannot read: {e}")
            continue
        mlir = os.path.join(set_work, "model.mlir")
        flags = [f for s in shapes for f in ("--input-shape", s)]
        status, _, err, crashed, what = run_tool(
            [importer, model, "-o", mlir] + flags, args.timeout)
        result.crashed |= crashed
        if crashed or status != 0:
            message = what or f"exit {status}: {first_line(err)}"
            reasons.append("import: " + message.replace(model + ": ", ""))
            break
        out = os.path.join(set_work, "out")
        status, _, err, crashed, what = run_tool(
            [runner, mlir] + [f for p in npys for f in ("--input", p)] +
            ["--output-dir", out], args.timeout)
        result.crashed |= crashed
        if crashed or status != 0:
            reasons.append(
                f"qsim-run: {what or f'exit {status}: {first_line(err)}'}")
            break
        written = sorted(f for f in os.listdir(out)
                         if re.fullmatch(r"result\d+\.npy", f))
        if len(written) != len(expected):
            reasons.append(f"{data_set}: {len(written)} results, expected "
                           f"{len(expected)}")
            break
        for index, want in enumerate(expected):
            got = np.load(os.path.join(out, f"result{index}.npy"))
            reason = compare(index, got, want, spec)
            if reason:
                reasons.append(f"{data_set}: {reason}" if
                               len(test.data_sets) > 1 else reason)
        if reasons:
            break
    result.outcome = "failed" if reasons else "passed"
    result.reason = "; ".join(reasons)
    return result


def discover(data_dir, supported):
    op_names = sorted({s.name for s in onnx.defs.get_all_schemas_with_history()}
                      | set(supported))
    tests = []
    for name in sorted(os.listdir(data_dir)):
        directory = os.path.join(data_dir, name)
        if name.startswith("test_") and os.path.exists(
                os.path.join(directory, "model.onnx")):
            test = NodeTest(directory, op_names)
            test.classify(supported)
            tests.append(test)
    return tests


def print_table(results, supported):
    rows = {}
    for op in supported:
        rows[op] = dict(tests=0, passed=0, failed=0, known=0, skipped=0,
                        unsupported=0)
    other = dict(tests=0, passed=0, failed=0, known=0, skipped=0,
                 unsupported=0)
    other_ops = set()
    for r in results:
        row = rows.get(r.test.op)
        if row is None:
            row = other
            other_ops.add(r.test.op)
        row["tests"] += 1
        if r.outcome == "passed":
            row["passed"] += 1
        elif r.outcome == "failed":
            row["known" if r.known else "failed"] += 1
        elif r.outcome == "skipped":
            row["skipped"] += 1
        else:
            row["unsupported"] += 1
    header = f"{'op':<22}{'tests':>6}{'passed':>8}{'failed':>8}" \
        f"{'known':>7}{'skipped':>9}{'unsupported':>13}"
    print(header)
    print("-" * len(header))

    def line(label, row):
        print(f"{label:<22}{row['tests']:>6}{row['passed']:>8}"
              f"{row['failed']:>8}{row['known']:>7}{row['skipped']:>9}"
              f"{row['unsupported']:>13}")
    for op, row in rows.items():
        line(op, row)
    if other["tests"]:
        line(f"({len(other_ops)} other ops)", other)
    total = dict(tests=0, passed=0, failed=0, known=0, skipped=0,
                 unsupported=0)
    for row in list(rows.values()) + [other]:
        for key in total:
            total[key] += row[key]
    print("-" * len(header))
    line("total", total)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="the build's bin directory")
    parser.add_argument("--work", help="scratch directory (kept)")
    parser.add_argument("--data", default=DEFAULT_DATA,
                        help="the node tests (default: %(default)s)")
    parser.add_argument("--supported",
                        default=os.path.join(HERE, "supported-ops.txt"),
                        help="the supported operators (default: "
                        "supported-ops.txt beside this script)")
    parser.add_argument("--ops", help="only the tests of these operators "
                        "(comma-separated), by the table's rows")
    parser.add_argument("--tests", help="only the tests whose name matches "
                        "this regular expression")
    parser.add_argument("--allow-failures", metavar="FILE",
                        help="known failures: a test name and a reason a "
                        "line; they are printed but do not fail the suite")
    parser.add_argument("--min-opset", type=int, default=9,
                        help="raise an older ai.onnx opset to this one when "
                        "no operator of the model changed in between "
                        "(default %(default)s, the importer's oldest)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds a subprocess may take (default 60)")
    parser.add_argument("--list", action="store_true",
                        help="print every test with its group and exit")
    parser.add_argument("--verbose", action="store_true",
                        help="also print every passing test and every "
                        "clean rejection")
    args = parser.parse_args()

    supported = read_supported(args.supported)
    allowed = read_allowed(args.allow_failures)
    tests = discover(args.data, supported)
    if args.ops:
        wanted = set(args.ops.split(","))
        tests = [t for t in tests if t.op in wanted]
    if args.tests:
        tests = [t for t in tests if re.search(args.tests, t.name)]

    if args.list:
        for t in tests:
            ops = ",".join(sorted({op for _, op in t.ops}))
            opset = t.opset.get("ai.onnx", "-")
            detail = f": {t.reason}" if t.reason else ""
            raised = raised_opset(t, args.min_opset)
            if raised and t.status == "run":
                detail += f" (opset raised to {raised})"
            print(f"{t.name:<58} {t.op:<20} opset {opset:<3} "
                  f"{len(t.data_sets)} set(s) {t.status}{detail}  [{ops}]")
        counts = {s: sum(t.status == s for t in tests)
                  for s in ("run", "skip", "unsupported")}
        print(f"{len(tests)} tests: {counts['run']} to run, {counts['skip']} "
              f"skipped, {counts['unsupported']} unsupported")
        return 0
    if not args.bin or not args.work:
        parser.error("--bin and --work are needed unless --list")
    for tool in ("qsim-import-onnx", "qsim-run"):
        if not os.access(os.path.join(args.bin, tool), os.X_OK):
            parser.error(f"no {tool} in {args.bin}")
    os.makedirs(args.work, exist_ok=True)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: run_test(t, args, supported), tests))
    elapsed = time.monotonic() - start
    for r in results:
        if r.outcome == "failed" and r.test.name in allowed:
            r.known = allowed[r.test.name]

    print_table(results, supported)
    print()
    groups = [
        ("failed", lambda r: r.outcome == "failed" and not r.known),
        ("known failures (--allow-failures)",
         lambda r: r.outcome == "failed" and r.known),
        ("not rejected cleanly", lambda r: r.outcome == "unclean"),
        ("skipped", lambda r: r.outcome == "skipped"),
    ]
    if args.verbose:
        groups += [("passed", lambda r: r.outcome == "passed"),
                   ("rejected cleanly", lambda r: r.outcome == "clean")]
    for title, keep in groups:
        chosen = [r for r in results if keep(r)]
        if not chosen:
            continue
        print(f"{title} ({len(chosen)}):")
        for r in chosen:
            known = f" [known: {r.known}]" if r.known else ""
            reason = f": {r.reason}" if r.reason else ""
            print(f"  {r.test.name} ({r.test.op}){reason}{known}")
        print()
    fixed = [r.test.name for r in results
             if r.outcome == "passed" and r.test.name in allowed]
    if fixed:
        print(f"listed as known failures but passed ({len(fixed)}): " +
              ", ".join(fixed))
        print()

    count = {o: sum(r.outcome == o for r in results)
             for o in ("passed", "failed", "skipped", "clean", "unclean")}
    known = sum(1 for r in results if r.outcome == "failed" and r.known)
    failed = count["failed"] - known
    crashed = sum(r.crashed for r in results)
    print(f"conformance: {count['passed']} passed, {failed} failed, "
          f"{known} known failures, {count['skipped']} skipped; "
          f"unsupported: {count['clean']} rejected cleanly, "
          f"{count['unclean']} not; {crashed} crashed or hung "
          f"({elapsed:.0f} s)")
    return 0 if failed == 0 and count["unclean"] == 0 and crashed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
