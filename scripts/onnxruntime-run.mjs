// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU execution
// provider) on inputs read from .npy files, and writes its outputs as .npy
// files: the reference that qsim's imported ONNX models are checked against.
//
//   node onnxruntime-run.mjs MODEL.onnx --input a.npy [--input b.npy ...]
//        --output-dir DIR [--threads N] [--no-optimize] [--batch N]
//        [--repeat N [--warmup K]]
//
// The inputs feed the graph's inputs in their order; the outputs are written
// as DIR/result0.npy, DIR/result1.npy, ... in the order of the graph's
// outputs, in C order and in the output's own element type.
//   --threads N    intra-op threads (default 1: deterministic and fair on a
//                  shared machine).
//   --no-optimize  disables ONNX Runtime's graph optimizations
//                  (ORT_DISABLE_ALL); by default the session keeps ONNX
//                  Runtime's default optimization level.
//   --batch N      splits every input along its first axis into runs of N
//                  samples (the last run may be shorter) and concatenates the
//                  outputs along their first axis: runs a model with a fixed
//                  batch of 1 on a whole data set with --batch 1.
//   --repeat N     after writing the outputs, times N more calls (each call
//                  is every run of --batch) on the same inputs, after K
//                  untimed ones (--warmup K, default 0), and prints the
//                  session's creation time, a table of the minimum, median
//                  and maximum call time, and every call's time, in ms:
//                    session created in 12.3 ms
//                    runs       min (ms)  median (ms)     max (ms)
//                    10           0.6012       0.6230       0.7100
//                    times (ms): 0.6230 0.6012 ...
//                  The time is that of session.run, input tensors made
//                  beforehand; the outputs it returns are part of it.
// .npy element types: float32, float64, int8, uint8, int16, uint16, int32,
// uint32, int64, uint64, bool; little-endian, C order, format 1.0, 2.0 or
// 3.0. A malformed file is an error that names the file and the problem.
// onnxruntime-node is found through NODE_PATH (scripts/install-npm-deps.sh
// installs it into build/npm/node_modules).

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

class UsageError extends Error {}

// The .npy dtype strings this tool reads and writes, with ONNX Runtime's
// tensor type and the typed array holding the data.
const DTYPES = {
  '<f4': { ort: 'float32', array: Float32Array },
  '<f8': { ort: 'float64', array: Float64Array },
  '|i1': { ort: 'int8', array: Int8Array },
  '|u1': { ort: 'uint8', array: Uint8Array },
  '<i2': { ort: 'int16', array: Int16Array },
  '<u2': { ort: 'uint16', array: Uint16Array },
  '<i4': { ort: 'int32', array: Int32Array },
  '<u4': { ort: 'uint32', array: Uint32Array },
  '<i8': { ort: 'int64', array: BigInt64Array },
  '<u8': { ort: 'uint64', array: BigUint64Array },
  '|b1': { ort: 'bool', array: Uint8Array },
};
// Spellings NumPy accepts for one-byte types.
const DTYPE_ALIASES = { '<i1': '|i1', '<u1': '|u1', '<b1': '|b1', '|b': '|b1' };
const DESCR_OF_ORT = Object.fromEntries(Object.entries(DTYPES).map(([d, t]) => [t.ort, d]));

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"

function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

// Parses the header dictionary of a .npy file, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
function parseHeader(text, file) {
  const bad = (what) => new Error(`${file}: bad .npy header (${what}): ${text.trim()}`);
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw bad('not a dictionary');
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(body);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(body);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(body);
  if (!descr) throw bad("no 'descr'");
  if (!fortran) throw bad("no 'fortran_order'");
  if (!shape) throw bad("no 'shape'");
  const dims = [];
  for (const part of shape[1].split(',')) {
    const item = part.trim();
    if (item === '') continue;
    if (!/^\d+$/.test(item)) throw bad(`shape entry '${item}'`);
    dims.push(Number(item));
  }
  if (dims.length === 0 && shape[1].trim() !== '') throw bad('shape');
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

// Reads a .npy file: { dtype, ort, shape, data (a typed array) }.
function readNpy(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read: ${e.message}`);
  }
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) {
    throw new Error(`${file}: not a .npy file (no \\x93NUMPY magic)`);
  }
  const major = bytes[6];
  let headerLength;
  let headerStart;
  if (major === 1) {
    headerLength = bytes.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`${file}: truncated .npy header`);
    headerLength = bytes.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new Error(`${file}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new Error(`${file}: truncated .npy header`);
  const encoding = major === 3 ? 'utf8' : 'latin1';
  const header = parseHeader(bytes.toString(encoding, headerStart, dataStart), file);
  const descr = DTYPE_ALIASES[header.descr] ?? header.descr;
  const type = DTYPES[descr];
  if (!type) {
    throw new Error(`${file}: unsupported .npy dtype '${header.descr}' (expected one of ` +
                    `${Object.keys(DTYPES).join(' ')}, little-endian)`);
  }
  if (header.fortranOrder && header.shape.length > 1) {
    throw new Error(`${file}: Fortran-order arrays are not supported (save it in C order)`);
  }
  const count = product(header.shape);
  const size = count * type.array.BYTES_PER_ELEMENT;
  const actual = bytes.length - dataStart;
  if (actual !== size) {
    throw new Error(`${file}: shape (${header.shape.join(', ')}) of '${header.descr}' needs ` +
                    `${size} data bytes, the file has ${actual}`);
  }
  // Copy into a fresh buffer: the typed array needs aligned data.
  const data = new type.array(count);
  Buffer.from(data.buffer).set(bytes.subarray(dataStart));
  return { dtype: descr, ort: type.ort, shape: header.shape, data };
}

// Writes a .npy file (format 1.0, or 2.0 when the header needs it), its
// header padded so that the data starts at a multiple of 64 bytes as NumPy
// does.
function writeNpy(file, ortType, shape, data) {
  const descr = DESCR_OF_ORT[ortType];
  if (!descr) throw new Error(`output element type '${ortType}' cannot be written as .npy`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let prefix = 10;
  let padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  let major = 1;
  if (padded > 0xffff) {
    major = 2;
    prefix = 12;
    padded = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  }
  const header = Buffer.alloc(prefix + padded, 0x20);
  MAGIC.copy(header, 0);
  header[6] = major;
  header[7] = 0;
  if (major === 1) header.writeUInt16LE(padded, 8);
  else header.writeUInt32LE(padded, 8);
  header.write(dict, prefix, 'latin1');
  header[prefix + padded - 1] = 0x0a;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([header, body]));
}

function parseArgs(argv) {
  const args = { model: null, inputs: [], outputDir: null, threads: 1, optimize: true, batch: 0,
                 repeat: 0, warmup: 0 };
  const value = (i, flag) => {
    if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[i + 1];
  };
  const positive = (text, flag) => {
    if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`${flag} needs a positive integer, not '${text}'`);
    return Number(text);
  };
  const count = (text, flag) => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a count, not '${text}'`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--input') args.inputs.push(value(i++, arg));
    else if (arg === '--output-dir') args.outputDir = value(i++, arg);
    else if (arg === '--threads') args.threads = positive(value(i++, arg), arg);
    else if (arg === '--batch') args.batch = positive(value(i++, arg), arg);
    else if (arg === '--repeat') args.repeat = positive(value(i++, arg), arg);
    else if (arg === '--warmup') args.warmup = count(value(i++, arg), arg);
    else if (arg === '--no-optimize') args.optimize = false;
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: node onnxruntime-run.mjs MODEL.onnx --input A.npy [--input B.npy ...] ' +
                  '--output-dir DIR [--threads N] [--no-optimize] [--batch N] ' +
                  '[--repeat N [--warmup K]]');
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else if (args.model === null) args.model = arg;
    else throw new UsageError(`unexpected argument '${arg}' (one model only)`);
  }
  if (args.model === null) throw new UsageError('no model given');
  if (args.inputs.length === 0) throw new UsageError('no --input given');
  if (args.outputDir === null) throw new UsageError('no --output-dir given');
  if (args.warmup > 0 && args.repeat === 0) throw new UsageError('--warmup needs --repeat');
  return args;
}

// Samples [begin, end) of an array read by readNpy, as an ONNX Runtime tensor.
function slice(ort, array, begin, end) {
  if (begin === 0 && end === array.shape[0]) return new ort.Tensor(array.ort, array.data, array.shape);
  const inner = product(array.shape.slice(1));
  const shape = [end - begin, ...array.shape.slice(1)];
  return new ort.Tensor(array.ort, array.data.subarray(begin * inner, end * inner), shape);
}

// Concatenates the output tensors of several runs along their first axis.
function concatenate(name, tensors) {
  const first = tensors[0];
  if (tensors.length === 1) return { type: first.type, dims: first.dims, data: first.data };
  const inner = first.dims.slice(1);
  let samples = 0;
  for (const t of tensors) {
    if (t.type !== first.type || t.dims.length === 0 ||
        t.dims.slice(1).join('x') !== inner.join('x')) {
      throw new Error(`output '${name}' cannot be concatenated over runs: shape ` +
                      `[${t.dims.join(', ')}] after [${first.dims.join(', ')}]`);
    }
    samples += t.dims[0];
  }
  const data = new first.data.constructor(samples * product(inner));
  let offset = 0;
  for (const t of tensors) {
    data.set(t.data, offset);
    offset += t.data.length;
  }
  return { type: first.type, dims: [samples, ...inner], data };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (os.endianness() !== 'LE') throw new Error('this tool reads and writes little-endian .npy only');
  // An ES module does not search NODE_PATH; require does.
  const require = createRequire(path.join(process.cwd(), 'noop.js'));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    throw new Error('cannot load onnxruntime-node (run scripts/install-npm-deps.sh and set ' +
                    `NODE_PATH to build/npm/node_modules): ${e.message}`);
  }

  const inputs = args.inputs.map(readNpy);
  const options = { executionProviders: ['cpu'], intraOpNumThreads: args.threads,
                    interOpNumThreads: 1, executionMode: 'sequential' };
  if (!args.optimize) options.graphOptimizationLevel = 'disabled';
  let session;
  const createStart = performance.now();
  try {
    session = await ort.InferenceSession.create(args.model, options);
  } catch (e) {
    throw new Error(`${args.model}: ONNX Runtime cannot load the model: ${e.message}`);
  }
  const createMs = performance.now() - createStart;
  const names = session.inputNames;
  if (names.length !== inputs.length) {
    throw new Error(`the model has ${names.length} input(s) (${names.join(', ')}), ` +
                    `${inputs.length} --input given`);
  }
  inputs.forEach((input, i) => {
    const meta = session.inputMetadata?.[i];
    if (meta && meta.isTensor && meta.type !== input.ort) {
      throw new Error(`input '${names[i]}' of the model is ${meta.type}, ` +
                      `${args.inputs[i]} holds ${input.ort}`);
    }
  });

  let runs = [[0, null]];
  if (args.batch) {
    const samples = inputs[0].shape[0];
    inputs.forEach((input, i) => {
      if (input.shape.length === 0 || input.shape[0] !== samples) {
        throw new Error(`--batch: every input needs the same first dimension; ` +
                        `${args.inputs[i]} has shape (${input.shape.join(', ')}), ` +
                        `${args.inputs[0]} ${samples} samples`);
      }
    });
    runs = [];
    for (let begin = 0; begin < samples; begin += args.batch) {
      runs.push([begin, Math.min(samples, begin + args.batch)]);
    }
  }

  const feedsOfRuns = runs.map(([begin, end]) => {
    const feeds = {};
    inputs.forEach((input, i) => {
      feeds[names[i]] = end === null ? new ort.Tensor(input.ort, input.data, input.shape)
                                     : slice(ort, input, begin, end);
    });
    return feeds;
  });
  const call = async () => {
    const outputs = [];
    for (const [r, [begin, end]] of runs.entries()) {
      try {
        outputs.push(await session.run(feedsOfRuns[r]));
      } catch (e) {
        const which = end === null ? '' : ` (samples ${begin} to ${end - 1})`;
        throw new Error(`ONNX Runtime failed to run ${args.model}${which}: ${e.message}`);
      }
    }
    return outputs;
  };

  const results = session.outputNames.map(() => []);
  for (const outputs of await call()) {
    session.outputNames.forEach((name, k) => results[k].push(outputs[name]));
  }

  fs.mkdirSync(args.outputDir, { recursive: true });
  session.outputNames.forEach((name, k) => {
    const t = concatenate(name, results[k]);
    writeNpy(path.join(args.outputDir, `result${k}.npy`), t.type, t.dims, t.data);
  });

  if (args.repeat) {
    for (let i = 0; i < args.warmup; ++i) await call();
    const times = [];
    for (let i = 0; i < args.repeat; ++i) {
      const start = performance.now();
      await call();
      times.push(performance.now() - start);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const n = sorted.length;
    const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    const col = (x) => x.toFixed(4).padStart(12);
    console.log(`session created in ${createMs.toFixed(1)} ms`);
    console.log(`${'runs'.padEnd(6)} ${'min (ms)'.padStart(12)} ${'median (ms)'.padStart(12)} ` +
                `${'max (ms)'.padStart(12)}`);
    console.log(`${String(n).padEnd(6)} ${col(sorted[0])} ${col(median)} ${col(sorted[n - 1])}`);
    console.log(`times (ms): ${times.map((t) => t.toFixed(4)).join(' ')}`);
  }
}

main().catch((e) => {
  const prefix = e instanceof UsageError ? 'usage error' : 'error';
  console.error(`onnxruntime-run: ${prefix}: ${e.message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
