// ns per signature of the package's two backends, side by side in one process: the Node-API glue, the WebAssembly
// module plain and with +simd128 (both from scripts/build-wasm.sh), and node:crypto's createHmac keyed per
// request and with a prepared KeyObject. Not a test: one run, medians of interleaved rounds. The backends are
// called directly (`sign(key, string)`), below SigningKey, whose argument checks are the same for both.
// `npm run build` and scripts/build-wasm.sh first; `node bench/backends.mjs [rounds] [calls per round]`.
import { createHmac, createSecretKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(here, '../../../target');
const { loadNative } = require('../lib/prebuild.js');
const { wasmBackend } = require('../lib/wasm/backend.js');

const rounds = Number(process.argv[2] ?? 9);
const calls = Number(process.argv[3] ?? 200_000);
// The made-up 86-character key and 24-byte query of bench.mjs and the Rust benchmarks.
const keyText = 'DW5AeeNnA+vTfAByL1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0==';
const query = 'customerCode=ACME&page=1';

function prepared(backend) {
    const key = backend.keyNew();
    if (backend.keyInit(key, keyText, 0) !== 0) throw new Error('keyInit failed');
    return () => backend.sign(key, query);
}
const modules = {};
for (const file of ['unleashed_signer.wasm', 'unleashed_signer.simd128.wasm']) {
    const path = join(targetDir, 'wasm-out', file);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
    modules[file] = { size: statSync(path).size, sign: prepared(wasmBackend(instance)) };
}
const keyObject = createSecretKey(Buffer.from(keyText, 'utf8'));
const cases = {
    'native addon (Node-API glue)': prepared(loadNative()),
    'wasm, plain': modules['unleashed_signer.wasm'].sign,
    'wasm, +simd128 (the one packed)': modules['unleashed_signer.simd128.wasm'].sign,
    'node:crypto createHmac(key text) per request': () => createHmac('sha256', keyText).update(query).digest('base64'),
    'node:crypto createHmac(prepared KeyObject)': () => createHmac('sha256', keyObject).update(query).digest('base64'),
};

const expected = createHmac('sha256', keyText).update(query).digest('base64');
for (const [name, run] of Object.entries(cases)) {
    if (run() !== expected) throw new Error(`${name} gives ${run()}, not ${expected}`);
}
let sink = 0;
function measure(run) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink += run().length;
    return Number(process.hrtime.bigint() - start) / calls;
}
for (const run of Object.values(cases)) measure(run); // warm-up
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) samples[name].push(measure(run));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));

console.log(`node ${process.version}, ${os.cpus()[0].model}, load average ` +
    `${os.loadavg().map((load) => load.toFixed(2)).join(' ')}; ${rounds} rounds of ${calls} calls`);
console.log(`module sizes: plain ${modules['unleashed_signer.wasm'].size} B, +simd128 ` +
    `${modules['unleashed_signer.simd128.wasm'].size} B (goal <= 16384)`);
const perRequest = medians['node:crypto createHmac(key text) per request'];
console.log(`| backend | median ns/signature | min-max over rounds | createHmac per request / this |`);
console.log(`|---|---:|---:|---:|`);
for (const [name, values] of Object.entries(samples)) {
    const range = `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
    console.log(`| ${name} | ${medians[name].toFixed(0)} | ${range} | ${(perRequest / medians[name]).toFixed(2)} |`);
}
if (sink === 0) console.log('');
