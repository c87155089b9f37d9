// The WebAssembly backend: the same `Native` functions as the Node-API glue (src/addon.c), over the C ABI built
// as a WebAssembly module (wasm/ in the repository). No Node API is used here: it runs wherever `WebAssembly`,
// `TextEncoder` and `FinalizationRegistry` exist (Node, Deno, Bun, browsers, workers).
//
// Memory: the module allocates nothing. Everything above its `__heap_base` is this file's: first the key slots
// (`unleashed_key_size()` bytes each, 8-aligned), then a scratch area that each call fills from its start with its
// inputs and outputs. Inputs are encoded straight into linear memory (`encodeInto`), so no JavaScript copy of a
// key is made; the scratch bytes of a key are zeroed right after `unleashed_key_init` returns.
//
// The module's stack is in linear memory too, below `__stack_pointer`'s starting value, and a function may leave a
// key-derived value in its frame (residue/scan_wasm.py found HMAC's inner chaining value there after `sign_url`).
// Nothing in the module can wipe its own callers' frames, so every call that used a key is followed by zeroing
// the top STACK_SCRUB bytes of that stack: 4 times the most any call used (1,008 bytes, measured over every call
// with long inputs).

import type { Bytes, Native, NativeKey } from '../native.js';

/** The module's exports this file uses (the C ABI's functions; pointers and lengths are numbers). */
interface Exports {
    memory: WebAssembly.Memory;
    __heap_base: WebAssembly.Global;
    __stack_pointer: WebAssembly.Global;
    unleashed_key_size(): number;
    unleashed_key_init(key: number, secret: number, len: number, format: number): number;
    unleashed_key_clear(key: number): void;
    unleashed_sign(key: number, message: number, len: number, out: number, outLen: number): number;
    unleashed_sign_query(key: number, query: number, len: number, form: number, out: number, outLen: number): number;
    unleashed_sign_url(key: number, url: number, len: number, form: number, out: number, outLen: number): number;
    unleashed_verify(key: number, message: number, len: number, signature: number, signatureLen: number): number;
    unleashed_verify_url(
        key: number, url: number, len: number, form: number, signature: number, signatureLen: number,
    ): number;
    unleashed_build_query(
        key: number, params: number, count: number, form: number, query: number, queryLen: number, needed: number,
        signature: number, signatureLen: number,
    ): number;
    unleashed_headers_for_url(
        key: number, apiId: number, apiIdLen: number, clientType: number, clientTypeLen: number, url: number,
        urlLen: number, form: number, out: number, outLen: number,
    ): number;
    unleashed_api_id_validate(id: number, len: number): number;
    unleashed_client_type_validate(clientType: number, len: number): number;
    unleashed_status_str(status: number): number;
    unleashed_version(): number;
}

/** A key slot: the offset of its `unleashed_key` storage in linear memory. */
interface Slot {
    readonly offset: number;
}

const SIGNATURE_BUFFER = 45; // UNLEASHED_SIGNATURE_BUFFER_LEN
const HEADERS_SIZE = 147; // sizeof(unleashed_headers): values at offsets 0, 37 and 82
const PARAM_SIZE = 16; // sizeof(unleashed_param) on wasm32: four 32-bit fields
const PAGE = 65536;
const STACK_SCRUB = 4096;
const OK = 0;

const align8 = (n: number): number => (n + 7) & ~7;

/** The `Native` functions over an instance of the module, and its memory (for `unleashed-signer/testing`). */
export function wasmBackend(instance: WebAssembly.Instance): Native & { readonly memory: WebAssembly.Memory } {
    const x = instance.exports as unknown as Exports;
    const memory = x.memory;
    const keySize = x.unleashed_key_size();
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    /** Where the module's stack starts (it grows down), read before any call moves it. */
    const stackTop = x.__stack_pointer.value as number;
    /** Zeroes what the last call left on the module's stack; returns `result`, for `return scrubbed(call())`. */
    function scrubbed<T>(result: T): T {
        new Uint8Array(memory.buffer, stackTop - STACK_SCRUB, STACK_SCRUB).fill(0);
        return result;
    }
    /** The end of the key slots: the scratch area starts here. */
    let top = align8(x.__heap_base.value as number);
    const freeSlots: number[] = [];
    // The backstop for keys never disposed, as the glue's finaliser: wipe the slot, then reuse it.
    const slots = new FinalizationRegistry<number>((offset) => {
        scrubbed(x.unleashed_key_clear(offset));
        freeSlots.push(offset);
    });

    /** Grows linear memory so that `end` bytes exist. */
    function ensure(end: number): void {
        const have = memory.buffer.byteLength;
        if (end > have) memory.grow(Math.ceil((end - have) / PAGE));
    }

    /** One call's inputs and outputs, laid out from the start of the scratch area. */
    class Scratch {
        at = top;

        reserve(size: number): number {
            const ptr = this.at;
            this.at = align8(ptr + size);
            ensure(this.at);
            return ptr;
        }

        /** Writes a string's UTF-8 bytes or a Uint8Array's bytes: [pointer, length in bytes]. */
        put(value: Bytes): [number, number] {
            if (typeof value === 'string') {
                const capacity = value.length * 3; // at most 3 UTF-8 bytes per UTF-16 unit
                const ptr = this.reserve(capacity);
                const { written } = encoder.encodeInto(value, new Uint8Array(memory.buffer, ptr, capacity));
                this.at = align8(ptr + written);
                return [ptr, written];
            }
            const ptr = this.reserve(value.length);
            new Uint8Array(memory.buffer, ptr, value.length).set(value);
            return [ptr, value.length];
        }

        /** Zeroes everything this call wrote (for a key's bytes). */
        wipe(): void {
            new Uint8Array(memory.buffer, top, this.at - top).fill(0);
        }
    }

    const ascii = (ptr: number, len: number): string => decoder.decode(new Uint8Array(memory.buffer, ptr, len));
    const cString = (ptr: number): string => {
        const bytes = new Uint8Array(memory.buffer);
        let end = ptr;
        while (bytes[end] !== 0) end++;
        return ascii(ptr, end - ptr);
    };
    const slotOf = (key: NativeKey): number => (key as unknown as Slot).offset;

    function signWith(
        fn: (key: number, input: number, len: number, form: number, out: number, outLen: number) => number,
        key: NativeKey,
        input: Bytes,
        form: number,
    ): string | number {
        const s = new Scratch();
        const [ptr, len] = s.put(input);
        const out = s.reserve(SIGNATURE_BUFFER);
        const status = scrubbed(fn(slotOf(key), ptr, len, form, out, SIGNATURE_BUFFER));
        return status === OK ? ascii(out, 44) : status;
    }

    return {
        memory,
        keyNew(): NativeKey {
            let offset = freeSlots.pop();
            if (offset === undefined) {
                offset = top;
                top = align8(top + keySize);
                ensure(top);
                // The slot was scratch space until now: it starts zeroed, like the glue's calloc'd storage.
                new Uint8Array(memory.buffer, offset, keySize).fill(0);
            }
            const slot: Slot = { offset };
            slots.register(slot, offset);
            return slot as unknown as NativeKey;
        },
        keyInit(key, secret, format) {
            const s = new Scratch();
            try {
                const [ptr, len] = s.put(secret);
                return scrubbed(x.unleashed_key_init(slotOf(key), ptr, len, format));
            } finally {
                s.wipe();
            }
        },
        keyClear(key) {
            scrubbed(x.unleashed_key_clear(slotOf(key)));
        },
        keyIsZero(key) {
            return new Uint8Array(memory.buffer, slotOf(key), keySize).every((byte) => byte === 0);
        },
        keySize: () => keySize,
        sign(key, message) {
            const s = new Scratch();
            const [ptr, len] = s.put(message);
            const out = s.reserve(SIGNATURE_BUFFER);
            const status = scrubbed(x.unleashed_sign(slotOf(key), ptr, len, out, SIGNATURE_BUFFER));
            return status === OK ? ascii(out, 44) : status;
        },
        signQuery: (key, query, form) => signWith(x.unleashed_sign_query, key, query, form),
        signUrl: (key, url, form) => signWith(x.unleashed_sign_url, key, url, form),
        verify(key, message, signature) {
            const s = new Scratch();
            const [m, mLen] = s.put(message);
            const [sig, sigLen] = s.put(signature);
            return scrubbed(x.unleashed_verify(slotOf(key), m, mLen, sig, sigLen));
        },
        verifyUrl(key, url, form, signature) {
            const s = new Scratch();
            const [u, uLen] = s.put(url);
            const [sig, sigLen] = s.put(signature);
            return scrubbed(x.unleashed_verify_url(slotOf(key), u, uLen, form, sig, sigLen));
        },
        buildQuery(key, namesAndValues, form) {
            const s = new Scratch();
            const count = namesAndValues.length >> 1;
            const params = s.reserve(count * PARAM_SIZE);
            const fields: number[] = [];
            let bound = 1; // the NUL
            for (let i = 0; i < count * 2; i++) {
                const [ptr, len] = s.put(namesAndValues[i] as Bytes);
                fields.push(ptr, len);
                bound += len * 3 + 1; // every byte percent-encoded, and its '=' or '&'
            }
            const view = new DataView(memory.buffer);
            fields.forEach((value, i) => view.setUint32(params + i * 4, value, true));
            const query = s.reserve(bound);
            const needed = s.reserve(4);
            const signature = s.reserve(SIGNATURE_BUFFER);
            const status = scrubbed(x.unleashed_build_query(
                slotOf(key), params, count, form, query, bound, needed, signature, SIGNATURE_BUFFER,
            ));
            if (status !== OK) return status;
            const length = new DataView(memory.buffer).getUint32(needed, true) - 1;
            return [ascii(query, length), ascii(signature, 44)];
        },
        headersForUrl(key, apiId, clientType, url, form) {
            const s = new Scratch();
            const [id, idLen] = s.put(apiId);
            const [type, typeLen] = s.put(clientType);
            const [u, uLen] = s.put(url);
            const out = s.reserve(HEADERS_SIZE);
            const status = scrubbed(x.unleashed_headers_for_url(
                slotOf(key), id, idLen, type, typeLen, u, uLen, form, out, HEADERS_SIZE,
            ));
            return status === OK ? [cString(out), cString(out + 37), cString(out + 82)] : status;
        },
        apiIdValidate(id) {
            const [ptr, len] = new Scratch().put(id);
            return x.unleashed_api_id_validate(ptr, len);
        },
        clientTypeValidate(clientType) {
            const [ptr, len] = new Scratch().put(clientType);
            return x.unleashed_client_type_validate(ptr, len);
        },
        statusStr: (status) => cString(x.unleashed_status_str(status)),
        version: () => cString(x.unleashed_version()),
    };
}
