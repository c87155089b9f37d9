// Run by Deno (scripts/test-packed.sh, when UNLEASHED_DENO names a deno binary) in the project where the packed
// tarball is installed: `unleashed-signer` resolves through package.json's "deno" condition to lib/web/, and every
// vector of vectors.txt is signed. Only Deno's and web APIs here, no node: import.
import { backend, SigningKey } from 'unleashed-signer';

const fromHex = (hex) => (hex === '-' || hex === '' ? new Uint8Array(0) : new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16))));
const latin1 = (bytes) => String.fromCharCode(...bytes);
const check = (actual, expected, what) => {
    if (actual !== expected) throw new Error(`${what}: ${actual}, expected ${expected}`);
};

if (backend !== 'wasm') throw new Error(`backend is ${backend}, not wasm: the "deno" condition was not used`);
const text = Deno.readTextFileSync(new URL('../../fixtures/vectors.txt', import.meta.url));
let signed = 0;
for (const [index, line] of text.split('\n').entries()) {
    if (line === '' || line.startsWith('#')) continue;
    const [kind, keyFormat, keyHex, form, input, expectedWire, signature] = line.split(' ');
    const where = `vectors.txt:${index + 1}`;
    const key = new SigningKey(fromHex(keyHex), { format: keyFormat });
    const options = form === '-' ? undefined : { form };
    if (kind === 'sign') {
        check(key.sign(fromHex(input)), signature, where);
        check(key.verify(fromHex(input), signature), true, `${where} verify`);
    } else if (kind === 'url') {
        check(key.signUrl(fromHex(input), options), signature, where);
    } else {
        const built = key.buildQuery(input.split(',').map((pair) => pair.split(':').map(fromHex)), options);
        check(built.query, latin1(fromHex(expectedWire)), where);
        check(built.signature, signature, where);
    }
    key.dispose();
    signed++;
}
if (signed < 100) throw new Error(`only ${signed} vectors`);
console.log(`deno ${Deno.version.deno}: signed ${signed} vectors through the "deno" condition (backend ${backend})`);
