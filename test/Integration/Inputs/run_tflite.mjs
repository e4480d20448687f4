// Runs .tflite models in LiteRT.js (npm @litertjs/core, TFLite's runtime
// compiled to WebAssembly) on its CPU accelerator.
//
//   node run_tflite.mjs NPM_DIR DIR CASE...
//
// loads @litertjs/core from NPM_DIR/node_modules, reads DIR/CASE.tflite and its int32 inputs DIR/CASE.json and writes the
// output as DIR/CASE.out.json ({"shape": [...], "data": [...]}).
//
// LiteRT.js loads its WebAssembly module as a browser script; in Node.js
// the script runs in this context, with the CommonJS globals Emscripten's
// Node.js path reads.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const [npmDir, dir, ...cases] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const corePackage = require.resolve('@litertjs/core/package.json', {
  paths: [path.join(npmDir, 'node_modules')],
});
const wasmDir = path.join(path.dirname(corePackage), 'wasm');
globalThis.self = globalThis;
globalThis.require = require;
globalThis.__dirname = wasmDir;
globalThis.importScripts = (url) => {
  const file = String(url).startsWith('file:') ? new URL(url).pathname : String(url);
  vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
};
const {loadLiteRt, loadAndCompile, Tensor} = await import(path.join(path.dirname(corePackage), 'dist', 'index.js'));
await loadLiteRt(wasmDir + path.sep);

for (const name of cases) {
  const spec = JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, `${name}.tflite`)));
  const model = await loadAndCompile(bytes, {accelerator: 'wasm'});
  const inputs = spec.inputs.map(
      (input) => new Tensor(Int32Array.from(input.data), input.shape));
  const [output] = await model.run(inputs);
  const data = Array.from(await output.data());
  fs.writeFileSync(path.join(dir, `${name}.out.json`),
                   JSON.stringify({shape: spec.output_shape, data}));
  console.log(`${name}: ran ${data.length} outputs`);
}
