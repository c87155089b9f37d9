// Which backend signs, and the fallback: scripts/test-packed.sh runs every test once with the glue and once
// forced to the WebAssembly module (UNLEASHED_SIGNER_BACKEND=wasm), and says which it expects in
// UNLEASHED_EXPECT_BACKEND. Here: that the run really used that backend, that the packed module is the one whose
// SHA-256 wasm/SHA256SUMS lists, and that a copy of the package without prebuilds falls back to the module.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { backend } from 'unleashed-signer';
import { fixture } from './helpers.mjs';

const require = createRequire(import.meta.url);
const installed = dirname(dirname(require.resolve('unleashed-signer')));
const run = promisify(execFile);

test('this run uses the backend it asked for', () => {
    const expected = process.env.UNLEASHED_EXPECT_BACKEND;
    assert.ok(expected === 'native' || expected === 'wasm', `UNLEASHED_EXPECT_BACKEND is ${expected}`);
    assert.equal(backend, expected);
});

test("the packed module's SHA-256 is the one wasm/SHA256SUMS lists, for the simd128 module", () => {
    const { WASM_BASE64, WASM_SHA256 } = require(join(installed, 'lib', 'generated', 'wasm.js'));
    const bytes = Buffer.from(WASM_BASE64, 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.equal(sha256, WASM_SHA256);
    const listed = readFileSync(fixture('SHA256SUMS'), 'utf8').split('\n');
    assert.ok(listed.includes(`${sha256}  unleashed_signer.simd128.wasm`), `${sha256} is not in wasm/SHA256SUMS`);
    const module = new WebAssembly.Module(bytes);
    assert.deepEqual(WebAssembly.Module.imports(module), [], 'the module imports something');
    console.log(`packed module: ${bytes.length} bytes, sha256 ${sha256}`);
});

// A copy of the installed package without its prebuilds: a platform no prebuild fits.
const bare = mkdtempSync(join(tmpdir(), 'unleashed-bare-'));
after(() => rmSync(bare, { recursive: true, force: true }));
cpSync(installed, join(bare, 'unleashed-signer'), {
    recursive: true,
    filter: (source) => !source.includes(`${join(installed, 'prebuilds')}`),
});
const probe = `const m = require(${JSON.stringify(join(bare, 'unleashed-signer'))});
console.log(m.backend, new m.SigningKey('made-up-key').sign('customerCode=ACME'));`;
const envWithout = (value) => {
    const env = { ...process.env };
    delete env.UNLEASHED_SIGNER_BACKEND;
    if (value !== undefined) env.UNLEASHED_SIGNER_BACKEND = value;
    return env;
};

test('without a prebuild for the platform, require() falls back to the WebAssembly module', async () => {
    const { stdout } = await run(process.execPath, ['-e', probe], { env: envWithout() });
    const expected = createHmac('sha256', 'made-up-key').update('customerCode=ACME').digest('base64');
    assert.equal(stdout.trim(), `wasm ${expected}`);
});

test('UNLEASHED_SIGNER_BACKEND=native without a prebuild fails, naming the platform and the way out', async () => {
    const result = await run(process.execPath, ['-e', probe], { env: envWithout('native') }).catch((e) => e);
    assert.notEqual(result.code ?? 0, 0);
    assert.match(result.stderr, /no working prebuilt library for linux-x64/);
    assert.match(result.stderr, /unset UNLEASHED_SIGNER_BACKEND to use the WebAssembly module/);
});

test('an unknown UNLEASHED_SIGNER_BACKEND is refused with the values it takes', async () => {
    const result = await run(process.execPath, ['-e', probe], { env: envWithout('wasm32') }).catch((e) => e);
    assert.notEqual(result.code ?? 0, 0);
    assert.match(result.stderr, /UNLEASHED_SIGNER_BACKEND is 'wasm32': set it to 'native' or 'wasm'/);
});
