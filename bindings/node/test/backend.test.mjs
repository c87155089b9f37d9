// Which backend signs, and the fallback: scripts/test-packed.sh runs every test once with the glue and once
// forced to the WebAssembly module (UNLEASHED_SIGNER_BACKEND=wasm), and says which it expects in
// UNLEASHED_EXPECT_BACKEND. Here: that the run really used that backend, that the packed module is the one whose
// SHA-256 wasm/SHA256SUMS lists, and that the main package falls back to the module when no platform package
// loads (platform.test.mjs has the errors of UNLEASHED_SIGNER_BACKEND=native).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// A copy of the installed main package alone, without the platform package the Node-API glue comes from (as
// `npm install --omit=optional` leaves it, or a platform no package fits).
const bare = mkdtempSync(join(tmpdir(), 'unleashed-bare-'));
after(() => rmSync(bare, { recursive: true, force: true }));
cpSync(installed, join(bare, 'node_modules', 'unleashed-signer'), { recursive: true });
const probe = (arch) => `${arch ? `Object.defineProperty(process, 'arch', { value: '${arch}' });\n` : ''}` +
    `const m = require(${JSON.stringify(join(bare, 'node_modules', 'unleashed-signer'))});
console.log(m.backend, new m.SigningKey('made-up-key').sign('customerCode=ACME'));`;
const envWithout = (value) => {
    const env = { ...process.env };
    delete env.UNLEASHED_SIGNER_BACKEND;
    if (value !== undefined) env.UNLEASHED_SIGNER_BACKEND = value;
    return env;
};
const expected = createHmac('sha256', 'made-up-key').update('customerCode=ACME').digest('base64');

test('without the platform package, require() falls back to the WebAssembly module', async () => {
    const { stdout } = await run(process.execPath, ['-e', probe()], { env: envWithout() });
    assert.equal(stdout.trim(), `wasm ${expected}`);
});

test('on a platform no package is built for, require() falls back to the WebAssembly module', async () => {
    const { stdout } = await run(process.execPath, ['-e', probe('riscv64')], { env: envWithout() });
    assert.equal(stdout.trim(), `wasm ${expected}`);
});

test('with a platform package that does not load, require() falls back to the WebAssembly module', async () => {
    const name = `@unleashed-signer/${process.platform}-${process.arch}-gnu`;
    const fake = join(bare, 'node_modules', ...name.split('/'));
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'unleashed_signer.node' }));
    writeFileSync(join(fake, 'unleashed_signer.node'), 'not a shared library\n');
    try {
        const { stdout } = await run(process.execPath, ['-e', probe()], { env: envWithout() });
        assert.equal(stdout.trim(), `wasm ${expected}`);
    } finally {
        rmSync(join(bare, 'node_modules', '@unleashed-signer'), { recursive: true, force: true });
    }
});

test('an unknown UNLEASHED_SIGNER_BACKEND is refused with the values it takes', async () => {
    const result = await run(process.execPath, ['-e', probe()], { env: envWithout('wasm32') }).catch((e) => e);
    assert.notEqual(result.code ?? 0, 0);
    assert.match(result.stderr, /UNLEASHED_SIGNER_BACKEND is 'wasm32': set it to 'native' or 'wasm'/);
});
