// The process residue/scan_wasm.py scans: the Node package forced to its WebAssembly backend runs one path with a
// key read from stdin, disposes of the key (except on the control path), wipes its own copy of the key, says
// "ready" and waits while the whole process is scanned; then, on a byte from stdin, writes the module's linear
// memory to a file (after the process scan, so that writing it cannot overwrite what the scan should see), says
// "dumped", and exits on the next byte.
//
//   UNLEASHED_SIGNER_BACKEND=wasm node wasm_driver.cjs PACKAGE_DIR PATH MEMORY_DUMP
//   stdin: "FORMAT LENGTH\n" then the key's bytes; later one byte to dump, one byte to exit.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [packageDir, run, dumpPath] = process.argv.slice(2);
const { SigningKey, backend } = require(path.join(packageDir, 'lib', 'node.js'));
const { wasmMemory, storageIsZero } = require(path.join(packageDir, 'lib', 'testing.js'));
if (backend !== 'wasm') throw new Error(`the backend is ${backend}: set UNLEASHED_SIGNER_BACKEND=wasm`);

/** Reads exactly `buffer.length` bytes from stdin into `buffer`. */
function readInto(buffer) {
    let have = 0;
    while (have < buffer.length) {
        const n = fs.readSync(0, buffer, have, buffer.length - have, null);
        if (n === 0) throw new Error('stdin ended early');
        have += n;
    }
}

// The header line, one byte at a time, so that no byte of the key is read into any other buffer.
let header = '';
const one = Buffer.alloc(1);
while (readInto(one), one[0] !== 0x0a) header += String.fromCharCode(one[0]);
const [format, length] = header.split(' ');
// Outside V8's heap (allocUnsafeSlow is never pooled), so that `fill(0)` below reaches the only copy.
const secret = Buffer.allocUnsafeSlow(Number(length));
readInto(secret);

const API_ID = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
// The baseline run is given zeros, never a key, and makes none: what the scan finds there is public data.
const key = run === 'baseline' ? undefined : new SigningKey(new Uint8Array(secret.buffer, secret.byteOffset, secret.length), { format });
secret.fill(0);
// Escapes to decode and a full URL: the calls that left HMAC's inner state on the module's stack before its
// callers zeroed it (bindings/node/src/wasm/backend.ts, STACK_SCRUB).
const message = 'customerName=Acme%20Sons&startDate=2024-01-01';
const url = `https://api.unleashedsoftware.com/Customers?${message}`;
const paths = {
    'init-clear': () => {},
    sign: () => key.sign(message),
    'sign-query': () => key.signQuery(message),
    'sign-url': () => key.signUrl(url),
    verify: () => key.verify(message, key.sign(message)),
    'verify-url': () => key.verifyUrl(url, key.signUrl(url)),
    'build-query': () => key.buildQuery([['customerName', 'Acme Sons'], ['startDate', '2024-01-01']]),
    headers: () => key.headers(url, { apiId: API_ID, clientType: 'acme/orderautomation' }),
    control: () => key.sign(message),
    baseline: () => {},
};
if (!(run in paths)) throw new Error(`unknown path ${run}`);
for (let i = 0; i < 3; i++) paths[run]();
if (key !== undefined && run !== 'control') {
    key.dispose();
    if (!storageIsZero(key)) throw new Error('the key slot is not zero after dispose()');
}
fs.writeSync(1, 'ready\n');
readInto(one);
// Straight from the module's memory to the file: no JavaScript copy of it is made.
fs.writeFileSync(dumpPath, new Uint8Array(wasmMemory()));
fs.writeSync(1, 'dumped\n');
readInto(one);
