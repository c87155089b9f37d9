// The entry for runtimes without Node-API (`unleashed-signer/wasm`) in a context that has no Node API at all:
// test/web/run.mjs loads lib/web/ into a node:vm context holding only web-standard globals, refuses every import
// that is not a file of lib/web/, and signs every vector there.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readVectors } from './helpers.mjs';

test('lib/web signs every vector in a context without Node APIs', async () => {
    const runner = fileURLToPath(new URL('web/run.mjs', import.meta.url));
    const result = await promisify(execFile)(process.execPath, ['--experimental-vm-modules', '--no-warnings', runner])
        .catch((error) => error);
    assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
    const vectors = readVectors().length;
    assert.match(result.stdout, new RegExp(`^signed ${vectors} vectors`, 'm'), result.stdout);
    console.log(result.stdout.trim());
});
