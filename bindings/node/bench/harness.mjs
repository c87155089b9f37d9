// What bench.mjs and backends.mjs share: the made-up key and query of the Rust benchmarks (BENCHMARKS.md), and the
// measurement: every case must give the same signature, then interleaved rounds after a warm-up, median per case.
import os from 'node:os';

// An 86-character made-up key and the 24-byte query of the Rust benchmarks.
export const keyText = 'DW5AeeNnA+vTfAByL1iR0osOKBHcEUsSkhUSOtzONgUWxaf4QPwBTIO3UiMhcbfdp7kvIi96fAaUEyrWiKv0==';
export const query = 'customerCode=ACME&page=1';

/** `[rounds] [calls per round]` from the command line, with the script's defaults. */
export function roundsAndCalls(defaultCalls) {
    return { rounds: Number(process.argv[2] ?? 9), calls: Number(process.argv[3] ?? defaultCalls) };
}

/** This machine and its load, for the first line of a report. */
export function machineLine() {
    return `node ${process.version}, ${os.cpus()[0].model}, load average ` +
        os.loadavg().map((load) => load.toFixed(2)).join(' ');
}

/**
 * Runs each case (a function returning the signature) `calls` times a round for `rounds` rounds, after checking
 * that every case returns `expected` (or the comparison means nothing) and one warm-up round that lets V8 optimise
 * each. Returns, per case name, the ns per call of each round and their median.
 */
export function measureCases(cases, expected, { rounds, calls }) {
    for (const [name, run] of Object.entries(cases)) {
        if (run() !== expected) throw new Error(`${name} gives ${run()}, not ${expected}`);
    }
    let sink = 0;
    const measure = (run) => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < calls; i++) sink += run().length;
        return Number(process.hrtime.bigint() - start) / calls;
    };
    for (const run of Object.values(cases)) measure(run);
    const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
        // Interleaved rounds, so a burst of load on the machine hits every case alike.
        for (const [name, run] of Object.entries(cases)) samples[name].push(measure(run));
    }
    if (sink === 0) throw new Error('no case returned a signature');
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const medians = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
    return { samples, medians };
}
