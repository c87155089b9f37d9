// `tsc --noEmit --strict` over usage.mts (ESM) and usage.cts (CommonJS), resolved against the installed package.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const file = (name) => fileURLToPath(new URL(name, import.meta.url));

test('the declarations type-check a strict ESM and CommonJS user', async () => {
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node',
        '--lib', 'es2022', file('usage.mts'), file('usage.cts')];
    const result = await promisify(execFile)(process.execPath, args).catch((error) => error);
    assert.equal(result.code ?? 0, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});

test('the check can fail: a misuse is reported', async () => {
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node',
        '--lib', 'es2022', file('misuse.mts')];
    const result = await promisify(execFile)(process.execPath, args).catch((error) => error);
    assert.notEqual(result.code ?? 0, 0, 'tsc accepted a misuse');
    assert.match(result.stdout, /misuse\.mts.*error TS2345/);
});
