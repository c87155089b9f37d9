// The module's bytes, from the base64 that scripts/build.mjs embeds (src/generated/wasm.ts). No Node API.

import { WASM_BASE64 } from '../generated/wasm.js';

/** The WebAssembly module's bytes (scripts/build-wasm.sh builds it; wasm/SHA256SUMS has its hash). */
export function wasmBytes(): Uint8Array<ArrayBuffer> {
    if (WASM_BASE64 === '') {
        throw new Error('unleashed-signer: this build of the package has no WebAssembly module (scripts/build-wasm.sh)');
    }
    const text = atob(WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
}
