// unleashed-signer for Node.js: signs requests to the Unleashed inventory API through the unleashed-signer C
// library (include/unleashed_signer.h). Every signature, encoding and check is the C library's; this file turns
// JavaScript arguments into the C calls' arguments and C statuses into errors. It uses no Node API: the C library
// is reached through `native` (src/backend.ts), which src/node.ts fills with the Node-API glue or the WebAssembly
// module, and src/web.ts with the WebAssembly module.

import {
    HEADER_API_AUTH_ID,
    HEADER_API_AUTH_SIGNATURE,
    HEADER_CLIENT_TYPE,
    HEADER_VERSION,
    KEY_FORMATS,
    SIGNATURE_LENGTH,
    SIGNED_FORMS,
    Status,
} from './generated/constants.js';
import { native } from './backend.js';
import { hooks } from './internal.js';
import type { Bytes, NativeKey } from './native.js';

/** `util.inspect.custom` (a registered symbol), without importing node:util. */
const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

export { HEADER_API_AUTH_ID, HEADER_API_AUTH_SIGNATURE, HEADER_CLIENT_TYPE, HEADER_VERSION, SIGNATURE_LENGTH, Status };

/**
 * How the key given to `SigningKey` is read:
 * - `'text'` (the default, and Unleashed's way): the key text's UTF-8 bytes are the HMAC key;
 * - `'base64'`: the key is padded standard base64 and its decoded bytes are the HMAC key (never right for Unleashed);
 * - `'raw'`: the bytes are the HMAC key as they are.
 */
export type KeyFormat = keyof typeof KEY_FORMATS;

/**
 * Which form of a query is signed: `'decoded'` (the default: percent-decoded, as a person writes it, which is what
 * Unleashed's evidence favours) or `'wire'` (the bytes exactly as sent).
 */
export type SignedForm = keyof typeof SIGNED_FORMS;

/** A status name: `Status`'s keys, the C names without their `UNLEASHED_` prefix. */
export type StatusName = keyof typeof Status;

/** Options for `new SigningKey()`. */
export interface SigningKeyOptions {
    /** How the key is read; `'text'` unless given. */
    readonly format?: KeyFormat;
}

/** Options of the calls that sign a URL or query in a chosen form. */
export interface FormOptions {
    /** The form signed; `'decoded'` unless given. */
    readonly form?: SignedForm;
}

/** Options for `SigningKey.headers()`. */
export interface HeadersOptions extends FormOptions {
    /** The API id (a GUID), sent as `api-auth-id`. */
    readonly apiId: string;
    /** `partner_or_account/app_name`, for example `acme/orderautomation`, sent as `client-type`. */
    readonly clientType: string;
}

/** The headers every Unleashed request carries. */
export interface UnleashedHeaders {
    readonly [HEADER_API_AUTH_ID]: string;
    readonly [HEADER_API_AUTH_SIGNATURE]: string;
    readonly [HEADER_CLIENT_TYPE]: string;
    readonly Accept: 'application/json';
    readonly 'Content-Type': 'application/json';
}

/** A built query and its signature. */
export interface SignedQuery {
    /** `name=value&...`, each name and value percent-encoded minimally; append it to the path after a `?`. */
    readonly query: string;
    /** The query's signature in the form asked for. */
    readonly signature: string;
}

const statusNames = new Map<number, StatusName>(
    Object.entries(Status).map(([name, value]) => [value, name as StatusName]),
);

/**
 * A failure reported by the C library. `status` is its `unleashed_status` number, `code` its C name (for example
 * `'UNLEASHED_KEY_WHITESPACE'`), and the message is the library's, which says what to fix. It never holds key text.
 */
export class UnleashedError extends Error {
    /** The `unleashed_status` number (see `Status`). */
    readonly status: number;
    /** The status's C name, `UNLEASHED_...` (or `UNLEASHED_STATUS_<n>` for a number this version does not know). */
    readonly code: string;

    /** Makes the error for `status`, returned by the call `context` describes. */
    constructor(status: number, context: string) {
        const code = `UNLEASHED_${statusNames.get(status) ?? `STATUS_${status}`}`;
        super(`${context}: ${native.statusStr(status)} (${code})`);
        this.name = 'UnleashedError';
        this.status = status;
        this.code = code;
    }
}

function fail(status: number, context: string, disposed = false): never {
    throw new UnleashedError(status, disposed ? `${context} on a disposed key` : context);
}

function check(status: number, context: string): void {
    if (status !== Status.OK) fail(status, context);
}

function signature(result: string | number, context: string, disposed: boolean): string {
    return typeof result === 'string' ? result : fail(result, context, disposed);
}

/** What a wrong argument is, without its contents (it may be a secret). */
function describe(value: unknown): string {
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') return `${value.constructor?.name ?? 'an object'} object`;
    return `a ${typeof value}`;
}

/** Checks a string or Uint8Array argument; a string's UTF-8 bytes are what the C library receives. */
function bytes(value: unknown, what: string): Bytes {
    if (typeof value === 'string') {
        if (!value.isWellFormed()) {
            throw new TypeError(
                `${what} holds a lone UTF-16 surrogate, which has no UTF-8 form: fix the string, or call ` +
                    `.toWellFormed() on it to sign U+FFFD in its place`,
            );
        }
        return value;
    }
    if (value instanceof Uint8Array) return value;
    throw new TypeError(`${what} must be a string or a Uint8Array, not ${describe(value)}`);
}

/** A URL argument: a string, a `URL`, or its bytes. */
function urlBytes(value: unknown, what: string): Bytes {
    return value instanceof URL ? value.href : bytes(value, what);
}

function choice<T extends Record<string, number>>(table: T, value: unknown, fallback: keyof T, what: string): number {
    if (value === undefined) return table[fallback] as number;
    if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value] as number;
    const shown = typeof value === 'string' ? JSON.stringify(value) : describe(value);
    const allowed = Object.keys(table).map((name) => `'${name}'`).join(' or ');
    throw new TypeError(`${what} must be ${allowed}, not ${shown}`);
}

function formOf(options: FormOptions | undefined): number {
    return choice(SIGNED_FORMS, options?.form, 'decoded', 'form');
}

function checkIdentity(apiId: unknown, clientType: unknown, context: string): void {
    if (typeof apiId !== 'string') throw new TypeError(`apiId must be a string (a GUID), not ${describe(apiId)}`);
    if (typeof clientType !== 'string') {
        throw new TypeError(`clientType must be a string like 'acme/orderautomation', not ${describe(clientType)}`);
    }
    check(native.apiIdValidate(bytes(apiId, 'apiId')), `${context}: apiId`);
    check(native.clientTypeValidate(bytes(clientType, 'clientType')), `${context}: clientType`);
}

/** `SigningKey`'s header values for `unleashedFetch`, set by its static block. */
let signingHeaders: (key: SigningKey, url: string, apiId: string, clientType: string, form: number) => string[];

/**
 * A prepared Unleashed API key. The key lives only in native memory the C library prepared it in; `dispose()`
 * (or a `using` declaration) wipes it, and a finaliser wipes and frees it if a key is collected undisposed.
 * Printing or serialising a key never shows it.
 *
 * Strings are always signed as their UTF-8 bytes; a `Uint8Array` is signed as it is.
 */
export class SigningKey {
    readonly #storage: NativeKey;
    #disposed = false;

    static {
        hooks.storageOf = (key) => (key as SigningKey).#storage;
        signingHeaders = (key, url, apiId, clientType, form) =>
            key.#headerValues(url, apiId, clientType, form, 'unleashedFetch()');
    }

    /**
     * Prepares `key`: the API key's text (a string, or its UTF-8 bytes), read as `options.format` says.
     * @throws {UnleashedError} when the key is empty, holds whitespace or a control character, and so on.
     * @throws {TypeError} when `key` is not a string or a Uint8Array.
     */
    constructor(key: string | Uint8Array, options?: SigningKeyOptions) {
        const secret = bytes(key, 'the key');
        const format = choice(KEY_FORMATS, options?.format, 'text', 'format');
        this.#storage = native.keyNew();
        if (typeof secret === 'string') {
            check(native.keyInit(this.#storage, secret, format), 'new SigningKey()');
            return;
        }
        // V8 keeps a Uint8Array of 64 bytes or fewer inside its own heap, and asking for its bytes from native code
        // moves them to a new store and leaves the old copy behind, where the caller's `fill(0)` cannot reach it.
        // So the bytes are copied element by element into a store outside the heap (an ArrayBuffer's never moves),
        // given to C from there, and wiped: the caller's array is only read, from JavaScript.
        const scratch = new Uint8Array(new ArrayBuffer(Math.max(secret.length, 1)), 0, secret.length);
        try {
            scratch.set(secret);
            check(native.keyInit(this.#storage, scratch, format), 'new SigningKey()');
        } finally {
            scratch.fill(0);
        }
    }

    /** Signs `message` exactly as given (a string's UTF-8 bytes): the base64 HMAC-SHA256, 44 characters. */
    sign(message: string | Uint8Array): string {
        const result = native.sign(this.#storage, bytes(message, 'the message'));
        return signature(result, 'SigningKey.sign()', this.#disposed);
    }

    /** Signs a query string (no `?`) in the given form (`'decoded'` percent-decodes it first). */
    signQuery(query: string | Uint8Array, options?: FormOptions): string {
        const form = formOf(options);
        const result = native.signQuery(this.#storage, bytes(query, 'the query'), form);
        return signature(result, 'SigningKey.signQuery()', this.#disposed);
    }

    /**
     * Signs the query of a URL or path-and-query (`'/Customers?customerCode=ACME'`): what lies after the first `?`
     * and before any `#`, the empty string when there is no `?`.
     */
    signUrl(url: string | URL | Uint8Array, options?: FormOptions): string {
        const form = formOf(options);
        const result = native.signUrl(this.#storage, urlBytes(url, 'the URL'), form);
        return signature(result, 'SigningKey.signUrl()', this.#disposed);
    }

    /** Whether `signature` is this key's signature of `message`, signed as given; compared in constant time. */
    verify(message: string | Uint8Array, signature: string | Uint8Array): boolean {
        const status = native.verify(this.#storage, bytes(message, 'the message'), bytes(signature, 'the signature'));
        return verdict(status, 'SigningKey.verify()', this.#disposed);
    }

    /** Whether `signature` is this key's signature of the URL's query in the given form; constant time. */
    verifyUrl(url: string | URL | Uint8Array, signature: string | Uint8Array, options?: FormOptions): boolean {
        const form = formOf(options);
        const status = native.verifyUrl(
            this.#storage,
            urlBytes(url, 'the URL'),
            form,
            bytes(signature, 'the signature'),
        );
        return verdict(status, 'SigningKey.verifyUrl()', this.#disposed);
    }

    /**
     * Builds `name=value&...` from `[name, value]` pairs (any iterable of them: an array, a `Map`, a
     * `URLSearchParams`), percent-encoding each minimally, and signs it in the given form, in one C call.
     */
    buildQuery(
        params: Iterable<readonly [string | Uint8Array, string | Uint8Array]>,
        options?: FormOptions,
    ): SignedQuery {
        const form = formOf(options);
        if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
            throw new TypeError(`params must be an iterable of [name, value] pairs, not ${describe(params)}`);
        }
        const flat: Bytes[] = [];
        let index = 0;
        for (const pair of params as Iterable<unknown>) {
            if (!Array.isArray(pair) || pair.length !== 2) {
                throw new TypeError(`params[${index}] must be a [name, value] pair, not ${describe(pair)}`);
            }
            const [name, value] = pair as unknown[];
            flat.push(bytes(name, `the name of params[${index}]`));
            if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
                throw new TypeError(`the value of params[${index}] is ${describe(value)}: pass String(value)`);
            }
            flat.push(bytes(value, `the value of params[${index}]`));
            index++;
        }
        const result = native.buildQuery(this.#storage, flat, form);
        if (typeof result === 'number') fail(result, 'SigningKey.buildQuery()', this.#disposed);
        return { query: result[0], signature: result[1] };
    }

    /**
     * The headers of a request to `url` (a URL or path-and-query): `api-auth-id`, `api-auth-signature` (its query
     * signed in `options.form`), `client-type`, and `Accept` and `Content-Type` of `application/json`.
     * @throws {UnleashedError} when the API id is not a GUID or the client type is not `partner/app`.
     */
    headers(url: string | URL | Uint8Array, options: HeadersOptions): UnleashedHeaders {
        if (options === null || typeof options !== 'object') {
            throw new TypeError(`headers() needs { apiId, clientType }, not ${describe(options)}`);
        }
        checkIdentity(options.apiId, options.clientType, 'SigningKey.headers()');
        const [apiAuthId, apiAuthSignature, clientType] = this.#headerValues(
            urlBytes(url, 'the URL'),
            options.apiId,
            options.clientType,
            formOf(options),
            'SigningKey.headers()',
        );
        return {
            [HEADER_API_AUTH_ID]: apiAuthId,
            [HEADER_API_AUTH_SIGNATURE]: apiAuthSignature,
            [HEADER_CLIENT_TYPE]: clientType,
            Accept: 'application/json',
            'Content-Type': 'application/json',
        };
    }

    /** The three signing header values exactly as the C library writes them (`unleashed_headers_for_url`). */
    #headerValues(url: Bytes, apiId: string, clientType: string, form: number, context: string): [string, string, string] {
        const result = native.headersForUrl(this.#storage, apiId, clientType, url, form);
        return typeof result === 'number' ? fail(result, context, this.#disposed) : result;
    }

    /** Whether `dispose()` has been called. */
    get disposed(): boolean {
        return this.#disposed;
    }

    /**
     * Wipes the native key storage (every byte becomes zero). Using the key afterwards throws an `UnleashedError`
     * with status `KEY_NOT_INITIALISED`; disposing twice is fine.
     */
    dispose(): void {
        native.keyClear(this.#storage);
        this.#disposed = true;
    }

    /** `dispose()`, for `using key = new SigningKey(...)`. */
    [Symbol.dispose](): void {
        this.dispose();
    }

    /** A label that never shows the key. */
    toString(): string {
        return this.#disposed ? 'SigningKey <disposed>' : 'SigningKey <key hidden>';
    }

    /** `JSON.stringify` gives the label, never the key. */
    toJSON(): string {
        return this.toString();
    }

    /** `util.inspect` and `console.log` give the label, never the key. */
    [inspectCustom](): string {
        return this.toString();
    }
}

function verdict(status: number, context: string, disposed: boolean): boolean {
    if (status === Status.OK) return true;
    if (status === Status.SIGNATURE_MISMATCH) return false;
    return fail(status, context, disposed);
}

/** Options for `unleashedFetch()`. */
export interface UnleashedFetchOptions {
    /** The API id (a GUID), sent as `api-auth-id`. */
    readonly apiId: string;
    /** The API key's text, or a `SigningKey` (which the caller then disposes). */
    readonly key: string | Uint8Array | SigningKey;
    /** `partner_or_account/app_name`, sent as `client-type`. */
    readonly clientType: string;
    /** Where relative URLs are resolved, for example `'https://api.unleashedsoftware.com'`. */
    readonly baseUrl?: string | URL;
    /** The form signed; `'decoded'` unless given. */
    readonly form?: SignedForm;
    /** The `fetch` to call; the global one unless given. */
    readonly fetch?: typeof fetch;
}

/** The headers that authenticate a request: a credential, never sent to another origin. */
const SIGNING_HEADERS = [HEADER_API_AUTH_ID, HEADER_API_AUTH_SIGNATURE, HEADER_CLIENT_TYPE] as const;
/** Statuses `fetch` follows, with `Location`. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** `fetch`'s own limit on redirects followed for one request. */
const MAX_REDIRECTS = 20;
/** Headers that describe a body: dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ['Content-Encoding', 'Content-Language', 'Content-Location', 'Content-Type'];
/** The `Content-Type` that `new Request()` and `fetch` set by themselves for a string body. */
const FETCH_STRING_TYPE = 'text/plain;charset=UTF-8';

/**
 * The error `unleashedFetch` rejects with when a server redirects a signed request to another origin: the
 * redirected request is not sent at all, since the signing headers are a credential that never leaves the origin
 * the caller chose (docs/http-contract.md). `response` is the 3xx response, its body unread.
 */
export class RedirectRefusedError extends Error {
    /** The redirect response (301, 302, 303, 307 or 308). */
    readonly response: Response;
    /** Where it pointed: an origin other than the request's. */
    readonly location: URL;

    /** Makes the error for `response`, whose `Location` is `location`, answering a request to `from`. */
    constructor(response: Response, location: URL, from: string) {
        super(
            `unleashedFetch: refused to follow a ${response.status} redirect from ${from} to another origin, ` +
                `${location.origin}: signed requests never leave their origin. If you trust ${location.origin}, ` +
                `make the request to it yourself`,
        );
        this.name = 'RedirectRefusedError';
        this.response = response;
        this.location = location;
    }
}

/**
 * A `fetch` that signs every request to Unleashed: it resolves the URL (against `baseUrl` when relative), signs
 * the query of the URL the request will actually be sent to, and adds the Unleashed headers as the C library
 * writes them (the API id in lower case). `Accept` and `Content-Type` of `application/json` are added only when the
 * request has none of its own; the `text/plain;charset=UTF-8` that fetch gives a string body by itself counts as
 * none. Signing headers the request carries are replaced, never sent twice.
 *
 * Redirects are followed here, not by the wrapped `fetch` (which is called with `redirect: 'manual'`), one hop at a
 * time (docs/http-contract.md): a redirect to the same origin (scheme, host, port) as the request is signed again
 * for its own query; a redirect to any other origin is refused, and the call rejects with a
 * `RedirectRefusedError` without sending anything there, whatever the request's `redirect` mode. A request with
 * `redirect: 'manual'` gets a same-origin 3xx response itself, and one with `redirect: 'error'` fails on it, as
 * with `fetch`.
 *
 * A key given as text is prepared once and wiped when the returned function is garbage-collected; pass a
 * `SigningKey` to wipe it yourself.
 */
export function unleashedFetch(options: UnleashedFetchOptions): typeof fetch {
    if (options === null || typeof options !== 'object') {
        throw new TypeError(`unleashedFetch() needs { apiId, key, clientType }, not ${describe(options)}`);
    }
    const { apiId, clientType } = options;
    checkIdentity(apiId, clientType, 'unleashedFetch()');
    const form = formOf(options);
    const key = options.key instanceof SigningKey ? options.key : new SigningKey(options.key);
    const base = options.baseUrl === undefined ? undefined : parseBase(options.baseUrl);
    const send = options.fetch ?? globalThis.fetch;
    if (typeof send !== 'function') throw new TypeError(`fetch must be a function, not ${describe(send)}`);

    /** `request` signed for its own URL, as the wrapped `fetch` is to send it. */
    function signed(request: Request, redirect: Request['redirect']): Request {
        const headers = new Headers(request.headers);
        // request.url is the URL as fetch serialises and sends it: sign exactly that.
        const values = signingHeaders(key, request.url, apiId, clientType, form);
        SIGNING_HEADERS.forEach((name, i) => headers.set(name, values[i] as string));
        if (!headers.has('Accept')) headers.set('Accept', 'application/json');
        // fetch gives a string body this type by itself, so it is no sign of the caller's choice.
        const type = headers.get('Content-Type');
        if (type === null || type === FETCH_STRING_TYPE) headers.set('Content-Type', 'application/json');
        return new Request(request, { headers, redirect });
    }

    return async function unleashed(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
        let request = new Request(resolve(input, base), init);
        const mode = request.redirect;
        const origin = new URL(request.url).origin;
        // A 307 or 308 sends the body again, so it is read once, and each hop sends it with its length.
        let body = mode !== 'follow' || request.body === null ? null : await request.arrayBuffer();
        if (body !== null) request = new Request(request, { body });
        for (let hops = 0; ; hops++) {
            const response = await send(signed(request, 'manual'));
            const location = REDIRECTS.has(response.status) ? response.headers.get('Location') : null;
            if (location === null) {
                if (hops > 0) Object.defineProperty(response, 'redirected', { value: true });
                return response;
            }
            // Refused whatever the mode: the contract holds for callers that follow redirects themselves too.
            const next = new URL(location, request.url);
            if (next.origin !== origin) throw new RedirectRefusedError(response, next, origin);
            if (mode === 'manual') return response;
            await response.body?.cancel();
            if (mode === 'error') throw new TypeError(`unleashedFetch: ${request.url} redirected, with redirect: 'error'`);
            if (hops === MAX_REDIRECTS) {
                throw new TypeError(`unleashedFetch: more than ${MAX_REDIRECTS} redirects from ${request.url}`);
            }
            const method = request.method;
            request = redirected(request, body, next, response.status);
            if (request.method !== method) body = null; // a GET now, for every later hop too
        }
    };
}

/**
 * The request `fetch` makes when `previous` is answered `status` with `Location: next`, on the same origin (WHATWG
 * Fetch, HTTP-redirect fetch): a 303, and a 301 or 302 answering a POST, become a GET without a body.
 */
function redirected(previous: Request, body: ArrayBuffer | null, next: URL, status: number): Request {
    const headers = new Headers(previous.headers);
    let method = previous.method;
    if ((status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = null;
        for (const name of BODY_HEADERS) headers.delete(name);
    }
    return new Request(next, { method, headers, body, signal: previous.signal });
}

function parseBase(baseUrl: unknown): URL {
    if (!(typeof baseUrl === 'string' || baseUrl instanceof URL)) {
        throw new TypeError(`baseUrl must be a string or a URL, not ${describe(baseUrl)}`);
    }
    if (!URL.canParse(String(baseUrl))) {
        throw new TypeError(`baseUrl must be an absolute URL like 'https://api.unleashedsoftware.com'`);
    }
    return new URL(baseUrl);
}

function resolve(input: unknown, base: URL | undefined): Request | URL {
    if (input instanceof Request) return input;
    if (!(typeof input === 'string' || input instanceof URL)) {
        throw new TypeError(`the resource must be a string, a URL or a Request, not ${describe(input)}`);
    }
    if (!URL.canParse(String(input), base?.href)) {
        throw new TypeError(
            base === undefined
                ? `${JSON.stringify(String(input))} is not an absolute URL: give unleashedFetch() a baseUrl`
                : `${JSON.stringify(String(input))} is not a URL`,
        );
    }
    return new URL(input, base);
}

/** The version of the C library this package loaded, `"MAJOR.MINOR.PATCH"`. */
export function libraryVersion(): string {
    return native.version();
}
