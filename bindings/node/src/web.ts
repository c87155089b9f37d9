// The entry point for runtimes without Node-API (`unleashed-signer/wasm`, and the `browser`, `deno` and
// `worker` conditions): the WebAssembly module, compiled asynchronously by a top-level await, because browsers
// refuse to compile a module over 4 KB synchronously on the main thread. After the import every call is
// synchronous, as in Node. Uses no Node API (tsconfig.web.json builds it without Node's types).
//
// A browser must never hold an Unleashed key: anyone who can read the page can read the key. This entry is for
// servers, workers and tools that run in such runtimes.

import { install } from './backend.js';
import { wasmBackend } from './wasm/backend.js';
import { wasmBytes } from './wasm/bytes.js';

const { instance } = await WebAssembly.instantiate(wasmBytes(), {});
install(wasmBackend(instance), 'wasm');

/** Which implementation signs here: always `'wasm'`. */
export const backend = 'wasm' as const;

export * from './index.js';
