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
