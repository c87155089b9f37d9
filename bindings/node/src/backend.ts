// The backend the API (src/index.ts) calls: the Node-API glue or the WebAssembly module, installed once by the
// entry point (src/node.ts in Node, src/web.ts elsewhere) before any key is made. No Node API here.

import type { Native } from './native.js';

/** Which implementation of the C library is in use. */
export type BackendName = 'native' | 'wasm';

/** The installed backend's functions (filled in place by `install`, so every importer sees them). */
export const native = {} as Native;

/** The installed backend's name. */
export let backendName: BackendName | undefined;

/** Installs the backend; an entry point calls it once. */
export function install(implementation: Native, name: BackendName): void {
    Object.assign(native, implementation);
    backendName = name;
}
