// `unleashed-signer/testing`: checks for tests, kept out of the main entry point.

import { native } from './backend.js';
import { hooks } from './internal.js';
import { SigningKey } from './node.js';

/**
 * Whether every byte of the key's native storage is zero: `true` after `dispose()`, or when construction failed.
 * It reads the storage in C and answers only this yes or no; it reveals nothing else about the key.
 */
export function storageIsZero(key: SigningKey): boolean {
    if (!(key instanceof SigningKey) || hooks.storageOf === undefined) {
        throw new TypeError('storageIsZero() takes a SigningKey');
    }
    return native.keyIsZero(hooks.storageOf(key));
}

/** `unleashed_key_size()`: the bytes of native storage each key uses. */
export function keyStorageSize(): number {
    return native.keySize();
}

/**
 * The WebAssembly module's linear memory when that backend is in use (`undefined` with the glue), for memory scans
 * (residue/scan_wasm.py) that check what is left of a key after `dispose()`.
 */
export function wasmMemory(): ArrayBuffer | undefined {
    return (native as { memory?: WebAssembly.Memory }).memory?.buffer;
}
