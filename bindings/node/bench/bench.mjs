// ns per signature: unleashed-signer against node:crypto, as a Node client signs today. Not a test: one run,
// ratios of medians from that run (the machine's load moves both sides). `npm run build` first, then
// `npm run bench` (or `node bench/bench.mjs [rounds] [calls per round]`).
import { createHmac, createSecretKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { keyText, machineLine, measureCases, query, roundsAndCalls } from './harness.mjs';

const { SigningKey, libraryVersion } = createRequire(import.meta.url)('../lib/node.js');

const { rounds, calls } = roundsAndCalls(300_000);
const url = `https://api.unleashedsoftware.com/Customers?${query}`;
const queryBytes = new TextEncoder().encode(query);

const key = new SigningKey(keyText);
const keyObject = createSecretKey(Buffer.from(keyText, 'utf8'));

const cases = {
    'unleashed-signer sign(string)': () => key.sign(query),
    'unleashed-signer sign(Uint8Array)': () => key.sign(queryBytes),
    'unleashed-signer signUrl(url), decoded form': () => key.signUrl(url),
    'node:crypto createHmac(key text) per request': () => createHmac('sha256', keyText).update(query).digest('base64'),
    'node:crypto createHmac(prepared KeyObject)': () => createHmac('sha256', keyObject).update(query).digest('base64'),
};
const expected = createHmac('sha256', keyText).update(query).digest('base64');
const { samples, medians } = measureCases(cases, expected, { rounds, calls });

console.log(`${machineLine()}, unleashed-signer library ${libraryVersion()}`);
console.log(`${rounds} rounds of ${calls} calls; median ns per signature (min-max over rounds)`);
for (const [name, values] of Object.entries(samples)) {
    const low = Math.min(...values).toFixed(0);
    const high = Math.max(...values).toFixed(0);
    console.log(`  ${name.padEnd(46)} ${medians[name].toFixed(0).padStart(6)}  (${low}-${high})`);
}
const ours = medians['unleashed-signer sign(string)'];
const perRequest = medians['node:crypto createHmac(key text) per request'] / ours;
const prepared = medians['node:crypto createHmac(prepared KeyObject)'] / ours;
const verdict = perRequest >= 3 ? 'met' : 'missed';
console.log(`createHmac per request / ours: ${perRequest.toFixed(2)}x (goal >= 3: ${verdict})`);
console.log(`createHmac with a prepared KeyObject / ours: ${prepared.toFixed(2)}x`);
