// The package's entry point in Node.js. It chooses the backend, then exports the API (src/index.ts):
// - UNLEASHED_SIGNER_BACKEND=native: the prebuilt Node-API glue, or an error naming the platform;
// - UNLEASHED_SIGNER_BACKEND=wasm: the WebAssembly module (embedded in the package), on every platform;
// - unset (or empty): the glue when a prebuild for this platform loads, else the WebAssembly module.

import { type BackendName, backendName, install } from './backend.js';
import type { Native } from './native.js';
import { loadNative } from './prebuild.js';
import { wasmBackend } from './wasm/backend.js';
import { wasmBytes } from './wasm/bytes.js';

function loadWasm(): Native {
    // Synchronous compilation: `require` is synchronous, and Node has no size limit on it (browsers do: src/web.ts).
    return wasmBackend(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}));
}

function choose(): [Native, BackendName] {
    const forced = process.env.UNLEASHED_SIGNER_BACKEND ?? '';
    if (forced === 'native') return [loadNative(), 'native'];
    if (forced === 'wasm') return [loadWasm(), 'wasm'];
    if (forced !== '') {
        throw new Error(`UNLEASHED_SIGNER_BACKEND is '${forced}': set it to 'native' or 'wasm', or leave it unset`);
    }
    try {
        return [loadNative(), 'native'];
    } catch {
        return [loadWasm(), 'wasm'];
    }
}

install(...choose());

/** Which implementation signs in this process: `'native'` (the Node-API glue) or `'wasm'`. */
export const backend: BackendName = backendName as BackendName;

export * from './index.js';
