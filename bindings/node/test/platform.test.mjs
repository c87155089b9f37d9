// Which platform package the Node-API glue comes from (src/prebuild.ts), and the errors when there is none: each
// platform's glue is in its own package (@unleashed-signer/linux-x64-gnu, @unleashed-signer/linux-arm64-gnu), an
// optional dependency that npm installs only on its platform. Runs with and without the WebAssembly module
// (scripts/test-packed.sh), on x86_64 and on arm64 under qemu (arm64-test.sh): nothing here needs the module.
// The fallback to the module when no glue loads is in backend.test.mjs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { backend, SigningKey } from 'unleashed-signer';

const require = createRequire(import.meta.url);
const installed = dirname(dirname(require.resolve('unleashed-signer')));
const run = promisify(execFile);
const platform = `${process.platform}-${process.arch}`;
const SUPPORTED = {
    'linux-x64': '@unleashed-signer/linux-x64-gnu',
    'linux-arm64': '@unleashed-signer/linux-arm64-gnu',
};
const expected = createHmac('sha256', 'made-up-key').update('customerCode=ACME').digest('base64');

test('the glue comes from the platform package of this machine, and from no other', () => {
    const loaded = Object.keys(require.cache).filter((path) => path.endsWith('.node'));
    if (process.env.UNLEASHED_EXPECT_BACKEND === 'wasm') {
        assert.equal(backend, 'wasm');
        assert.deepEqual(loaded, [], 'a forced wasm run loaded a native module');
        return;
    }
    assert.equal(backend, 'native');
    const name = SUPPORTED[platform];
    assert.ok(name, `the tests run natively on ${platform}, which has no platform package`);
    const packageDir = dirname(require.resolve(`${name}/package.json`, { paths: [installed] }));
    assert.deepEqual(loaded, [join(packageDir, 'unleashed_signer.node')]);
    assert.match(packageDir, new RegExp(`/node_modules/${name.replace('/', '\\/')}$`));
    // Only this machine's platform package was installed: npm skipped the others (their `os`/`cpu`).
    const others = readdirSync(join(dirname(installed), '@unleashed-signer'));
    assert.deepEqual(others, [name.split('/')[1]]);
    assert.equal(new SigningKey('made-up-key').sign('customerCode=ACME'), expected);
    console.log(`glue loaded from ${name} on ${platform}`);
});

// A project holding a copy of the main package and, optionally, a fake platform package.
const bare = mkdtempSync(join(tmpdir(), 'unleashed-platform-'));
after(() => rmSync(bare, { recursive: true, force: true }));
cpSync(installed, join(bare, 'node_modules', 'unleashed-signer'), { recursive: true });

/** Runs a probe of the copy with UNLEASHED_SIGNER_BACKEND=native, as if on `arch` when given. */
async function forcedNative({ arch } = {}) {
    const pretend = arch ? `Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} });\n` : '';
    const probe = `${pretend}const m = require(${JSON.stringify(join(bare, 'node_modules', 'unleashed-signer'))});
console.log(m.backend, new m.SigningKey('made-up-key').sign('customerCode=ACME'));`;
    const env = { ...process.env, UNLEASHED_SIGNER_BACKEND: 'native' };
    return run(process.execPath, ['-e', probe], { env }).catch((error) => error);
}

test('UNLEASHED_SIGNER_BACKEND=native on a platform without a package fails, naming it and the supported ones', async () => {
    const result = await forcedNative({ arch: 'riscv64' });
    assert.notEqual(result.code ?? 0, 0, 'the probe succeeded');
    assert.match(result.stderr, /unleashed-signer: no prebuilt library for linux-riscv64: the native builds are for /);
    assert.match(result.stderr,
        /linux-x64 \(@unleashed-signer\/linux-x64-gnu\), linux-arm64 \(@unleashed-signer\/linux-arm64-gnu\), with glibc/);
    assert.match(result.stderr, /unset UNLEASHED_SIGNER_BACKEND to use the WebAssembly module/);
});

test('UNLEASHED_SIGNER_BACKEND=native without the platform package (--omit=optional) says which to install', async () => {
    const result = await forcedNative();
    assert.notEqual(result.code ?? 0, 0, 'the probe succeeded');
    const name = SUPPORTED[platform];
    assert.ok(result.stderr.includes(`the prebuilt library for ${platform}, the optional dependency ${name}, ` +
        'is not installed'), result.stderr);
    assert.match(result.stderr, /unset UNLEASHED_SIGNER_BACKEND to use the WebAssembly module/);
});

test('UNLEASHED_SIGNER_BACKEND=native with a platform package that does not load gives the reason', async () => {
    const name = SUPPORTED[platform];
    const fake = join(bare, 'node_modules', ...name.split('/'));
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'unleashed_signer.node' }));
    writeFileSync(join(fake, 'unleashed_signer.node'), 'not a shared library\n');
    try {
        const result = await forcedNative();
        assert.notEqual(result.code ?? 0, 0, 'the probe succeeded');
        assert.ok(result.stderr.includes(`the prebuilt library for ${platform} (${name}) did not load: `), result.stderr);
        assert.match(result.stderr, /invalid ELF header|file too short/);
    } finally {
        rmSync(join(bare, 'node_modules', '@unleashed-signer'), { recursive: true, force: true });
    }
});
