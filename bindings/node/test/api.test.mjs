// The API around the vectors: bad input and its messages, wiping, what printing a key shows, ESM and CommonJS,
// and the constants and version against the repository's header and Cargo.toml.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { inspect } from 'node:util';
import * as esm from 'unleashed-signer';
import { HEADER_VERSION, libraryVersion, SigningKey, Status, UnleashedError } from 'unleashed-signer';
import { keyStorageSize, storageIsZero } from 'unleashed-signer/testing';
import { fixture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const SECRET = 'Made-Up-Secret-Key-For-Tests';
const reference = (key, message) => createHmac('sha256', key).update(message).digest('base64');
const API_ID = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

/** Asserts that `fn` throws an UnleashedError with this status, whose message never shows the secret. */
function throwsStatus(fn, name) {
    assert.throws(fn, (error) => {
        assert.ok(error instanceof UnleashedError && error instanceof Error, `${error} is not an UnleashedError`);
        assert.equal(error.status, Status[name]);
        assert.equal(error.code, `UNLEASHED_${name}`);
        assert.ok(error.message.length > 30, error.message);
        assert.ok(!error.message.includes(SECRET) && !inspect(error).includes(SECRET), 'the message shows the key');
        return true;
    });
}

/** Asserts that `fn` throws a TypeError whose message contains `hint` and never the secret. */
function throwsType(fn, hint) {
    assert.throws(fn, (error) => {
        assert.ok(error instanceof TypeError, `${error} is not a TypeError`);
        assert.match(error.message, hint);
        assert.ok(!error.message.includes(SECRET), 'the message shows the key');
        return true;
    });
}

test('the package loaded is the installed tarball, not the repository', () => {
    const path = require.resolve('unleashed-signer');
    assert.match(path, /\/node_modules\/unleashed-signer\/lib\/node\.js$/);
    assert.ok(!path.includes('/bindings/node/lib/'), path);
});

test('ESM and CommonJS give the same module', () => {
    const cjs = require('unleashed-signer');
    assert.equal(cjs.SigningKey, SigningKey);
    assert.deepEqual(Object.keys(esm).filter((name) => name !== 'default').sort(), Object.keys(cjs).sort());
    const signature = new cjs.SigningKey('made-up-key').sign('customerCode=ACME');
    assert.equal(signature, reference('made-up-key', 'customerCode=ACME'));
});

test('signs strings as UTF-8 bytes and Uint8Arrays (also views at an offset) as they are', () => {
    const key = new SigningKey(SECRET);
    const messages = ['', 'customerCode=ACME', 'name=Café 日本 😀', 'é'.repeat(600), `${'a'.repeat(1020)}😀`];
    for (const message of messages) {
        assert.equal(key.sign(message), reference(SECRET, message), message.slice(0, 20));
    }
    // Around the glue's 1024-byte stack buffer, with a 3- and a 4-byte character at the end.
    for (let length = 1012; length < 1032; length++) {
        for (const tail of ['日', '😀']) {
            const message = 'x'.repeat(length) + tail;
            assert.equal(key.sign(message), reference(SECRET, message), `${length} + ${tail}`);
        }
    }
    const bytes = new Uint8Array(Buffer.from('..customerCode=ACME..'));
    assert.equal(key.sign(bytes.subarray(2, 19)), reference(SECRET, 'customerCode=ACME'));
    const nonAsciiKey = 'clé-日本-🔑';
    assert.equal(new SigningKey(nonAsciiKey).sign('q=1'), reference(Buffer.from(nonAsciiKey), 'q=1'));
});

test('a Uint8Array key (short or long, a view at an offset) is read, not changed, and signs as its text', () => {
    for (const text of [SECRET, 'x'.repeat(64), `${SECRET}${'y'.repeat(70)}`]) {
        const backing = new Uint8Array(text.length + 5).fill(0xee);
        backing.set(Buffer.from(text), 3);
        const view = backing.subarray(3, 3 + text.length);
        const key = new SigningKey(view);
        assert.equal(key.sign('customerCode=ACME'), reference(text, 'customerCode=ACME'), `${text.length} bytes`);
        assert.equal(Buffer.from(view).toString(), text, 'the caller\'s bytes were changed');
        assert.deepEqual([backing[2], backing[text.length + 3]], [0xee, 0xee]);
        key.dispose();
    }
    throwsStatus(() => new SigningKey(new Uint8Array(0)), 'EMPTY_KEY');
});

test('buildQuery takes any iterable of pairs and retries once for a query over the stack buffer', () => {
    const key = new SigningKey(SECRET);
    const long = 'v'.repeat(5000);
    assert.deepEqual(key.buildQuery([['a', long], ['b', 'c d']]), {
        query: `a=${long}&b=c%20d`,
        signature: reference(SECRET, `a=${long}&b=c d`),
    });
    const fromMap = key.buildQuery(new Map([['customerCode', 'ACME']]));
    assert.deepEqual(fromMap, key.buildQuery(new URLSearchParams('customerCode=ACME')));
    assert.equal(fromMap.signature, reference(SECRET, 'customerCode=ACME'));
    assert.deepEqual(key.buildQuery([]), { query: '', signature: reference(SECRET, '') });
});

test('headers() carries the id, the URL signature and the client type', () => {
    const key = new SigningKey(SECRET);
    const headers = key.headers('https://api.unleashedsoftware.com/Customers?customerName=A%20B#x', {
        apiId: API_ID,
        clientType: 'acme/orderautomation',
    });
    assert.deepEqual(headers, {
        'api-auth-id': API_ID,
        'api-auth-signature': reference(SECRET, 'customerName=A B'),
        'client-type': 'acme/orderautomation',
        Accept: 'application/json',
        'Content-Type': 'application/json',
    });
    const wire = key.headers('/Customers?customerName=A%20B', { apiId: API_ID, clientType: 'a/b', form: 'wire' });
    assert.equal(wire['api-auth-signature'], reference(SECRET, 'customerName=A%20B'));
    // The id goes out in lower case however it is given: the C library writes it.
    const upper = key.headers('/Customers', { apiId: API_ID.toUpperCase(), clientType: 'a/b' });
    assert.equal(upper['api-auth-id'], API_ID);
    assert.equal(upper['api-auth-signature'], reference(SECRET, ''));
    key.dispose();
    throwsStatus(() => key.headers('/x', { apiId: API_ID, clientType: 'a/b' }), 'KEY_NOT_INITIALISED');
});

test('bad keys: the C status and message, never the key', () => {
    throwsStatus(() => new SigningKey(''), 'EMPTY_KEY');
    throwsStatus(() => new SigningKey(`${SECRET}\n`), 'KEY_WHITESPACE');
    throwsStatus(() => new SigningKey(`${SECRET}\u0007`), 'KEY_CONTROL_CHARACTER');
    throwsStatus(() => new SigningKey(new Uint8Array([0x53, 0xff])), 'KEY_NOT_UTF8');
    throwsStatus(() => new SigningKey(`${SECRET}!`, { format: 'base64' }), 'INVALID_BASE64');
    throwsType(() => new SigningKey(12345), /the key must be a string or a Uint8Array, not a number/);
    throwsType(() => new SigningKey(undefined), /the key must be a string or a Uint8Array, not undefined/);
    const formats = /format must be 'text' or 'base64' or 'raw', not "hex"/;
    throwsType(() => new SigningKey(SECRET, { format: 'hex' }), formats);
    throwsType(() => new SigningKey(`${SECRET}\ud800`), /lone UTF-16 surrogate/);
});

test('bad messages, URLs, queries and identities say what to fix', () => {
    const key = new SigningKey(SECRET);
    throwsType(() => key.sign(42), /the message must be a string or a Uint8Array, not a number/);
    throwsType(() => key.sign(['a']), /not an array/);
    throwsType(() => key.sign('a\udc00b'), /lone UTF-16 surrogate.*toWellFormed/);
    throwsType(() => key.signUrl('/x?a=1', { form: 'raw' }), /form must be 'decoded' or 'wire', not "raw"/);
    throwsStatus(() => key.signUrl('/x?a=%zz'), 'MALFORMED_ESCAPE');
    assert.equal(key.signUrl('/x?a=%zz', { form: 'wire' }), reference(SECRET, 'a=%zz'));
    throwsStatus(() => key.buildQuery([['', 'x']]), 'EMPTY_PARAMETER_NAME');
    throwsType(() => key.buildQuery([['a']]), /params\[0\] must be a \[name, value\] pair/);
    throwsType(() => key.buildQuery([['pageSize', 500]]), /value of params\[0\] is a number: pass String\(value\)/);
    throwsType(() => key.buildQuery(null), /params must be an iterable of \[name, value\] pairs/);
    throwsType(() => key.verify('a', 5), /the signature must be a string or a Uint8Array/);
    assert.equal(key.verify('a', 'short'), false);
    throwsStatus(() => key.headers('/x', { apiId: 'not-a-guid', clientType: 'a/b' }), 'INVALID_API_ID');
    throwsStatus(() => key.headers('/x', { apiId: API_ID, clientType: 'no slash' }), 'INVALID_CLIENT_TYPE');
    throwsType(() => key.headers('/x'), /headers\(\) needs \{ apiId, clientType \}/);
    throwsType(() => key.headers('/x', { apiId: 7, clientType: 'a/b' }), /apiId must be a string/);
});

test('dispose() wipes the native storage; using the key afterwards fails clearly', () => {
    const key = new SigningKey(SECRET);
    assert.equal(keyStorageSize() % 8, 0);
    assert.equal(storageIsZero(key), false);
    assert.equal(key.disposed, false);
    key.dispose();
    assert.equal(storageIsZero(key), true);
    assert.equal(key.disposed, true);
    throwsStatus(() => key.sign('a'), 'KEY_NOT_INITIALISED');
    assert.throws(() => key.sign('a'), /SigningKey\.sign\(\) on a disposed key: /);
    key.dispose();
    const other = new SigningKey(SECRET);
    other[Symbol.dispose]();
    assert.equal(storageIsZero(other), true);
    assert.equal(typeof Symbol.dispose, 'symbol');
});

test('printing or serialising a key never shows it', () => {
    const key = new SigningKey(SECRET);
    const shown = [
        inspect(key),
        inspect(key, { showHidden: true, depth: 10 }),
        JSON.stringify({ key }),
        String(key),
        `${key}`,
        inspect({ nested: [key] }),
    ];
    for (const text of shown) assert.ok(!text.includes(SECRET) && text.includes('SigningKey'), text);
    assert.deepEqual(Object.keys(key), []);
    assert.equal(inspect(key), 'SigningKey <key hidden>');
    key.dispose();
    assert.equal(inspect(key), 'SigningKey <disposed>');
});

test('constants and versions match the header and Cargo.toml', () => {
    const header = readFileSync(fixture('unleashed_signer.h'), 'utf8');
    const statuses = Object.fromEntries(
        [...header.matchAll(/^\s*UNLEASHED_(\w+) = (\d+),$/gm)].map(([, name, value]) => [name, Number(value)]));
    assert.ok(Object.keys(statuses).length >= 20);
    assert.deepEqual({ ...Status }, statuses);
    const part = (name) => header.match(new RegExp(`#define UNLEASHED_VERSION_${name} (\\d+)`))[1];
    assert.equal(HEADER_VERSION, `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`);
    const cargo = readFileSync(fixture('Cargo.toml'), 'utf8').match(/\[workspace\.package\]\nversion = "([^"]+)"/)[1];
    const packageVersion = require('unleashed-signer/package.json').version;
    assert.equal(packageVersion, cargo);
    assert.equal(libraryVersion(), cargo);
    assert.equal(HEADER_VERSION, cargo);
});
