// Shared by the tests, which run in an empty project where the packed tarball is installed
// (scripts/test-packed.sh), with the repository's test data copied into ../fixtures/.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The path of a file copied from the repository into this project. */
export const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** A hex field of the test data files: `-` is empty. */
export const hex = (text) => (text === '-' ? new Uint8Array(0) : new Uint8Array(Buffer.from(text, 'hex')));

const strict = new TextDecoder('utf-8', { fatal: true });
/** The bytes as a string when they are valid UTF-8 (so that the string's UTF-8 bytes are these), else undefined. */
export function utf8(bytes) {
    try {
        return strict.decode(bytes);
    } catch {
        return undefined;
    }
}

/** testdata/vectors.txt, one object per line (format in the file's header comment). */
export function readVectors() {
    const vectors = [];
    for (const [index, line] of readFileSync(fixture('vectors.txt'), 'utf8').split('\n').entries()) {
        if (line === '' || line.startsWith('#')) continue;
        const fields = line.split(' ');
        if (fields.length !== 7) throw new Error(`vectors.txt:${index + 1}: ${fields.length} fields, not 7`);
        const [kind, keyFormat, keyHex, form, input, expectedWire, signature] = fields;
        vectors.push({ line: index + 1, kind, keyFormat, key: hex(keyHex), form, input, expectedWire, signature });
    }
    return vectors;
}

/** `name:value,...` of hex fields, as [name bytes, value bytes] pairs. */
export const pairs = (text) => text.split(',').map((pair) => pair.split(':').map(hex));

/** testdata/e2e_cases.txt: the made-up credentials and each case's [name, value] pairs as strings. */
export function readE2eCases() {
    const result = { cases: [] };
    for (const line of readFileSync(fixture('e2e_cases.txt'), 'utf8').split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const [field, value] = line.split(' ');
        if (field === 'case') result.cases.push(pairs(value).map(([n, v]) => [utf8(n), utf8(v)]));
        else result[field] = value;
    }
    for (const field of ['key', 'other-key', 'api-id', 'client-type']) {
        if (!result[field]) throw new Error(`e2e_cases.txt has no '${field}' line`);
    }
    return result;
}

/**
 * Starts testing/mock_unleashed.py (loopback only) checking `form` with these credentials; resolves to
 * { baseUrl, otherUrl, stop }. With `otherOrigin`, the mock also listens on a second port, a second origin that
 * records what it receives (otherUrl). The mock exits when its stdin closes, so it never outlives the test process.
 */
export async function startMock({ apiId, key, form, otherOrigin = false }) {
    const args = [fixture('mock_unleashed.py'), '--form', form, '--lifetime', '300'];
    if (otherOrigin) args.push('--other-origin');
    const child = spawn('python3', args, {
        env: { ...process.env, MOCK_UNLEASHED_API_ID: apiId, MOCK_UNLEASHED_API_KEY: key },
        stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const ports = [];
    await new Promise((resolve, reject) => {
        lines.on('line', (line) => {
            ports.push(line);
            if (ports.length === (otherOrigin ? 2 : 1)) resolve();
        });
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`mock_unleashed.py exited with ${code} before its ports`)));
    });
    for (const port of ports) {
        if (!/^\d+$/.test(port)) throw new Error(`mock_unleashed.py printed ${JSON.stringify(port)}, not a port`);
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    return {
        baseUrl: `http://127.0.0.1:${ports[0]}`,
        otherUrl: otherOrigin ? `http://127.0.0.1:${ports[1]}` : undefined,
        stop: async () => {
            child.stdin.end();
            await exited;
        },
    };
}

/** testdata/http_conformance.txt: its settings (form, key, api-id, client-type) and its cases, one object each. */
export function readConformance() {
    const result = { cases: [] };
    for (const line of readFileSync(fixture('http_conformance.txt'), 'utf8').split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const space = line.indexOf(' ');
        const [kind, rest] = [line.slice(0, space), line.slice(space + 1)];
        if (kind === 'case') {
            result.cases.push(Object.fromEntries(rest.split(' ').map((field) => {
                const equals = field.indexOf('=');
                return [field.slice(0, equals), field.slice(equals + 1)];
            })));
        } else {
            result[kind] = rest;
        }
    }
    for (const field of ['form', 'key', 'api-id', 'client-type']) {
        if (!result[field]) throw new Error(`http_conformance.txt has no '${field}' line`);
    }
    return result;
}

/** The mock's 200 body: `name value` lines, as an object. */
export function parseMockBody(text) {
    return Object.fromEntries(text.trimEnd().split('\n').map((line) => {
        const space = line.indexOf(' ');
        return [line.slice(0, space), line.slice(space + 1)];
    }));
}
