// ns per signature: unleashed-signer against node:crypto, as a Node client signs today. Not a test: one run,
// ratios of medians from that run (the machine's load moves both sides). `npm run build` first, then
// `npm run bench` (or `node bench/bench.mjs [rounds] [calls per round]`).
import { createHmac, createSecretKey } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';

const { SigningKey, libraryVersion } = createRequire(import.meta.url)('../lib/node.js');

const rounds = Number(process.argv[2] ?? 9);
const calls = Number(process.argv[3] ?? 300_000);
// An 86-character made-up key and the 24-byte query of the Rust benchmarks (BENCHMARKS.md).
const keyText = 'DW5AeeNnA+vTfAByL1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0==';
const query = 'customerCode=ACME&page=1';
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

// Every case computes the same signature, or the comparison means nothing.
const expected = createHmac('sha256', keyText).update(query).digest('base64');
for (const [name, run] of Object.entries(cases)) {
    if (run() !== expected) throw new Error(`${name} gives ${run()}, not ${expected}`);
}

let sink = 0;
function measure(run) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) sink += run().length;
    return Number(process.hrtime.bigint() - start) / calls;
}

for (const run of Object.values(cases)) measure(run); // warm-up: let V8 optimise every case
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
    // Interleaved rounds, so a burst of load on the machine hits every case alike.
    for (const [name, run] of Object.entries(cases)) samples[name].push(measure(run));
}
const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
};
const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));

console.log(`node ${process.version}, unleashed-signer library ${libraryVersion()}, ${os.cpus()[0].model}, ` +
    `load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
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
if (sink === 0) console.log('');
