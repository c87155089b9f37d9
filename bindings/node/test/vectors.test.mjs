// Every vector of testdata/vectors.txt through the installed package: bytes in, and strings in wherever the bytes
// are UTF-8, so that strings are checked to be signed as their UTF-8 bytes (never their UTF-16 length).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SigningKey } from 'unleashed-signer';
import { hex, pairs, readVectors, utf8 } from './helpers.mjs';

const vectors = readVectors();
const latin1 = (bytes) => Buffer.from(bytes).toString('latin1');

/** The vector's key, as bytes and (when they are UTF-8) as a string. */
function keysOf(vector) {
    const text = utf8(vector.key);
    const keys = [new SigningKey(vector.key, { format: vector.keyFormat })];
    if (text !== undefined && vector.keyFormat !== 'raw') keys.push(new SigningKey(text, { format: vector.keyFormat }));
    return keys;
}

/** A signature with one character changed, which must not verify. */
const flip = (signature) => (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);

test('the vectors file has every kind', () => {
    const kinds = new Set(vectors.map((vector) => vector.kind));
    assert.deepEqual([...kinds].sort(), ['query', 'sign', 'url']);
    assert.ok(vectors.length >= 100, `only ${vectors.length} vectors`);
});

let stringsChecked = 0;
let nonAsciiStrings = 0;

for (const vector of vectors) {
    test(`vectors.txt:${vector.line} ${vector.kind} ${vector.keyFormat} ${vector.form}`, () => {
        for (const key of keysOf(vector)) {
            const options = vector.form === '-' ? undefined : { form: vector.form };
            if (vector.kind === 'sign') {
                const message = hex(vector.input);
                assert.equal(key.sign(message), vector.signature);
                assert.equal(key.verify(message, vector.signature), true);
                assert.equal(key.verify(message, flip(vector.signature)), false);
                const text = utf8(message);
                if (text !== undefined) {
                    assert.equal(key.sign(text), vector.signature);
                    assert.equal(key.verify(text, vector.signature), true);
                    count(text);
                }
            } else if (vector.kind === 'url') {
                const url = hex(vector.input);
                assert.equal(key.signUrl(url, options), vector.signature);
                assert.equal(key.verifyUrl(url, vector.signature, options), true);
                assert.equal(key.verifyUrl(url, flip(vector.signature), options), false);
                const text = utf8(url);
                if (text !== undefined) {
                    assert.equal(key.signUrl(text, options), vector.signature);
                    count(text);
                }
            } else if (vector.kind === 'query') {
                const params = pairs(vector.input);
                const expected = { query: latin1(hex(vector.expectedWire)), signature: vector.signature };
                assert.deepEqual(key.buildQuery(params, options), expected);
                const texts = params.map(([name, value]) => [utf8(name), utf8(value)]);
                if (texts.every(([name, value]) => name !== undefined && value !== undefined)) {
                    assert.deepEqual(key.buildQuery(texts, options), expected);
                    texts.flat().forEach(count);
                }
            } else {
                assert.fail(`unknown kind ${vector.kind}`);
            }
            key.dispose();
        }
    });
}

function count(text) {
    stringsChecked++;
    if (Buffer.byteLength(text, 'utf8') !== text.length) nonAsciiStrings++;
}

test('strings were signed, non-ASCII ones among them (UTF-8 byte length differs from .length)', () => {
    assert.ok(stringsChecked > 50, `${stringsChecked} strings`);
    assert.ok(nonAsciiStrings >= 3, `${nonAsciiStrings} non-ASCII strings`);
});
