// Loads the package's web entry (lib/web/web.js) into a node:vm context whose only globals are the JavaScript
// built-ins and web-standard APIs (TextEncoder, TextDecoder, atob, URL, Headers, Request, Response, fetch), so any
// use of `process`, `require`, `Buffer` or a `node:` import fails. Then signs every vector of vectors.txt there.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import vm from 'node:vm';
import { readVectors } from '../helpers.mjs';

const entry = createRequire(import.meta.url).resolve('unleashed-signer/wasm');
const root = dirname(entry) + sep;
const context = vm.createContext({ TextEncoder, TextDecoder, atob, URL, Headers, Request, Response, fetch });
for (const name of ['process', 'require', 'Buffer', 'global', 'setImmediate']) {
    if (vm.runInContext(`typeof ${name}`, context) !== 'undefined') throw new Error(`the context has ${name}`);
}
for (const name of ['WebAssembly', 'FinalizationRegistry']) {
    if (vm.runInContext(`typeof ${name}`, context) === 'undefined') throw new Error(`the context lacks ${name}`);
}

const modules = new Map();
function load(path) {
    if (!path.startsWith(root)) throw new Error(`lib/web imports ${path}, outside lib/web`);
    let module = modules.get(path);
    if (module === undefined) {
        module = new vm.SourceTextModule(readFileSync(path, 'utf8'), { identifier: path, context });
        modules.set(path, module);
    }
    return module;
}
const link = (specifier, referencing) => {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
        throw new Error(`${referencing.identifier} imports '${specifier}': lib/web must import only its own files`);
    }
    return load(resolve(dirname(referencing.identifier), specifier));
};
const main = load(entry);
await main.link(link);
await main.evaluate();
const api = main.namespace;
// Both are in web.js's graph: already linked and evaluated.
const backendModule = load(resolve(root, 'wasm', 'backend.js'));
const bytesModule = load(resolve(root, 'wasm', 'bytes.js'));

// Byte arrays are made inside the context: a Uint8Array of this realm is not one of the context's.
const fromHex = vm.runInContext(
    `(hex) => hex === '-' || hex === '' ? new Uint8Array(0) : new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)))`,
    context,
);
const utf8 = (hex) => {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(hex === '-' ? '' : hex, 'hex'));
    } catch {
        return undefined;
    }
};
const check = (actual, expected, what) => {
    if (actual !== expected) throw new Error(`${what}: ${actual}, expected ${expected}`);
};

if (api.backend !== 'wasm') throw new Error(`backend is ${api.backend}`);
let signed = 0;
let strings = 0;
for (const v of readVectors()) {
    const where = `vectors.txt:${v.line}`;
    const keyHex = Buffer.from(v.key).toString('hex') || '-';
    const keys = [new api.SigningKey(fromHex(keyHex), { format: v.keyFormat })];
    const keyText = utf8(keyHex);
    if (keyText !== undefined && v.keyFormat !== 'raw') keys.push(new api.SigningKey(keyText, { format: v.keyFormat }));
    const options = v.form === '-' ? undefined : { form: v.form };
    for (const key of keys) {
        if (v.kind === 'sign') {
            check(key.sign(fromHex(v.input)), v.signature, where);
            check(key.verify(fromHex(v.input), v.signature), true, `${where} verify`);
            const text = utf8(v.input);
            if (text !== undefined) check(key.sign(text), v.signature, `${where} string`), strings++;
        } else if (v.kind === 'url') {
            check(key.signUrl(fromHex(v.input), options), v.signature, where);
            const text = utf8(v.input);
            if (text !== undefined) check(key.signUrl(text, options), v.signature, `${where} string`), strings++;
        } else {
            const params = v.input.split(',').map((pair) => pair.split(':').map(fromHex));
            const built = key.buildQuery(params, options);
            check(built.query, Buffer.from(v.expectedWire === '-' ? '' : v.expectedWire, 'hex').toString('latin1'), where);
            check(built.signature, v.signature, where);
        }
        key.dispose();
    }
    signed++;
}

// The headers call issue 22 added to the C ABI, through the module: the id lower-cased, the URL's signature.
const backend = backendModule.namespace.wasmBackend(
    (await WebAssembly.instantiate(bytesModule.namespace.wasmBytes(), {})).instance,
);
const slot = backend.keyNew();
check(backend.keyInit(slot, 'made-up-key', 0), 0, 'keyInit');
const [id, signature, clientType] = backend.headersForUrl(
    slot, '0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D', 'acme/orderautomation', '/Customers?customerCode=ACME', 0,
);
check(id, '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', 'headersForUrl api-auth-id');
check(signature, 'HH5lQggJT8Aua6XKhco7EWpo9XhArX5FDzIIHTQxhU0=', 'headersForUrl api-auth-signature');
check(clientType, 'acme/orderautomation', 'headersForUrl client-type');
check(backend.headersForUrl(slot, 'not-a-guid', 'acme/x', '/', 0), 50, 'headersForUrl bad id: UNLEASHED_INVALID_API_ID');
backend.keyClear(slot);
check(backend.keyIsZero(slot), true, 'keyIsZero after keyClear');
console.log(`signed ${signed} vectors (and ${strings} of their inputs as strings) and the headers call, without Node APIs`);
