// The functions every backend gives (`Native`): the Node-API glue (src/addon.c, loaded by src/prebuild.ts) and
// the WebAssembly module (src/wasm/backend.ts). Types only, no Node API.

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
