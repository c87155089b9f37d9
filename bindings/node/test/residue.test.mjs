// What is left of a key in a Node process after dispose(), measured with the repository's residue scanner
// (residue/scan.py, through test/residue/scan_node.py, which runs test/residue/driver.cjs): a 24-byte key in a
// Uint8Array filled from JavaScript (so in V8's own heap), on every path, leaves no piece of 16 bytes or more of
// any key-derived secret beyond what the same process holds when it never gives the array to the binding; and
// the control run, which keeps the key alive, must be found, so the scanner is never silently blind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fixture } from './helpers.mjs';

test('a 24-byte Uint8Array key leaves nothing after dispose() (residue scan)', { timeout: 120_000 }, async () => {
    const script = fileURLToPath(new URL('./residue/scan_node.py', import.meta.url));
    const { stdout } = await promisify(execFile)('python3', [script, dirname(fixture('scan.py'))], {
        timeout: 110_000,
    });
    const runs = stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(runs.length, 6, 'five paths and a control run');
    for (const run of runs) {
        const beyond = Object.entries(run.found).filter(([secret, pieces]) => pieces > (run.baseline[secret] ?? 0));
        if (run.path === 'control') {
            assert.notDeepEqual(beyond, [], `${run.key}: the control run's live key was not found`);
        } else {
            assert.deepEqual(beyond, [], `${run.key} ${run.storage} ${run.path}: pieces left after dispose()`);
        }
    }
});
