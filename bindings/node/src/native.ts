// Loads the prebuilt Node-API glue for this platform (prebuilds/<platform>-<arch>/unleashed_signer.node, next to
// the C library it links with through its rpath) and types the functions it exports.

import { join } from 'node:path';

/** Key storage allocated by the glue: raw memory of `unleashed_key_size()` bytes, opaque to JavaScript. */
export type NativeKey = { readonly __nativeKey: unique symbol };
/** A string (encoded as UTF-8 by the glue) or bytes passed as they are. */
export type Bytes = string | Uint8Array;

/** The glue's functions: each calls one C function and returns its status, or its result on success. */
export interface Native {
    keyNew(): NativeKey;
    keyInit(key: NativeKey, secret: Bytes, format: number): number;
    keyClear(key: NativeKey): void;
    keyIsZero(key: NativeKey): boolean;
    keySize(): number;
    sign(key: NativeKey, message: Bytes): string | number;
    signQuery(key: NativeKey, query: Bytes, form: number): string | number;
    signUrl(key: NativeKey, url: Bytes, form: number): string | number;
    verify(key: NativeKey, message: Bytes, signature: Bytes): number;
    verifyUrl(key: NativeKey, url: Bytes, form: number, signature: Bytes): number;
    buildQuery(key: NativeKey, namesAndValues: Bytes[], form: number): [query: string, signature: string] | number;
    headersForUrl(
        key: NativeKey,
        apiId: Bytes,
        clientType: Bytes,
        url: Bytes,
        form: number,
    ): [apiAuthId: string, apiAuthSignature: string, clientType: string] | number;
    apiIdValidate(id: Bytes): number;
    clientTypeValidate(clientType: Bytes): number;
    statusStr(status: number): string;
    version(): string;
}

function load(): Native {
    const platform = `${process.platform}-${process.arch}`;
    const path = join(__dirname, '..', 'prebuilds', platform, 'unleashed_signer.node');
    try {
        return require(path) as Native;
    } catch (cause) {
        throw new Error(
            `unleashed-signer: no working prebuilt library for ${platform} at ${path}; this package ships ` +
                `linux-x64 only (build the others from the repository: see its bindings/node/README.md)`,
            { cause },
        );
    }
}

/** The loaded glue. */
export const native: Native = load();
