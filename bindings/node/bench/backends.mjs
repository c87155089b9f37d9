// ns per signature of the package's two backends, side by side in one process: the Node-API glue, the WebAssembly
// module plain and with +simd128 (both from scripts/build-wasm.sh), and node:crypto's createHmac keyed per
// request and with a prepared KeyObject. Not a test: one run, medians of interleaved rounds. The backends are
// called directly (`sign(key, string)`), below SigningKey, whose argument checks are the same for both.
// `npm run build` and scripts/build-wasm.sh first; `node bench/backends.mjs [rounds] [calls per round]`.
import { createHmac, createSecretKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyText, machineLine, measureCases, query, roundsAndCalls } from './harness.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(here, '../../../target');
const { loadNative } = require('../lib/prebuild.js');
const { wasmBackend } = require('../lib/wasm/backend.js');

const { rounds, calls } = roundsAndCalls(200_000);

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
const { samples, medians } = measureCases(cases, expected, { rounds, calls });

console.log(`${machineLine()}; ${rounds} rounds of ${calls} calls`);
console.log(`module sizes: plain ${modules['unleashed_signer.wasm'].size} B, +simd128 ` +
    `${modules['unleashed_signer.simd128.wasm'].size} B (goal <= 16384)`);
const perRequest = medians['node:crypto createHmac(key text) per request'];
console.log(`| backend | median ns/signature | min-max over rounds | createHmac per request / this |`);
console.log(`|---|---:|---:|---:|`);
for (const [name, values] of Object.entries(samples)) {
    const range = `${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)}`;
    console.log(`| ${name} | ${medians[name].toFixed(0)} | ${range} | ${(perRequest / medians[name]).toFixed(2)} |`);
}
