// unleashedFetch end to end against testing/mock_unleashed.py (Python's own hmac): every case of
// testdata/e2e_cases.txt in both signed forms gives 200, the wrong key 403; and the README's example, as shown.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SigningKey, unleashedFetch } from 'unleashed-signer';
import { fixture, parseMockBody, readE2eCases, startMock } from './helpers.mjs';

const e2e = readE2eCases();
const apiId = e2e['api-id'];
const clientType = e2e['client-type'];
const hexOf = (text) => Buffer.from(text, 'latin1').toString('hex');

for (const form of ['decoded', 'wire']) {
    describe(`signed form ${form}`, () => {
        let mock;
        before(async () => {
            mock = await startMock({ apiId, key: e2e.key, form });
        });
        after(() => mock.stop());

        test('the case list is not empty', () => assert.ok(e2e.cases.length >= 5));

        for (const [index, params] of e2e.cases.entries()) {
            test(`case ${index + 1}: 200, and the mock checked what was sent`, async () => {
                const unleashed = unleashedFetch({ apiId, key: e2e.key, clientType, baseUrl: mock.baseUrl, form });
                const key = new SigningKey(e2e.key);
                const { query } = key.buildQuery(params, { form });
                key.dispose();
                const response = await unleashed(`/Customers?${query}`);
                const body = await response.text();
                assert.equal(response.status, 200, body);
                const arrived = parseMockBody(body);
                assert.equal(arrived.target, `/Customers?${query}`);
                const decoded = params.map(([name, value]) => `${name}=${value}`).join('&');
                const expected = form === 'decoded' ? Buffer.from(decoded, 'utf8').toString('hex') : hexOf(query);
                assert.equal(arrived.message, expected);
            });

            test(`case ${index + 1}: the wrong key gives 403`, async () => {
                const key = e2e['other-key'];
                const unleashed = unleashedFetch({ apiId, key, clientType, baseUrl: mock.baseUrl, form });
                const { query } = new SigningKey(e2e.key).buildQuery(params, { form });
                const response = await unleashed(`/Customers?${query}`);
                assert.equal(response.status, 403);
            });
        }

        test('a URL written unencoded is signed as fetch sends it (the URL parser encodes it)', async () => {
            const unleashed = unleashedFetch({ apiId, key: e2e.key, clientType, baseUrl: mock.baseUrl, form });
            const path = `/Customers?customerName=Café Zoë's "best" [1] {2}|x&note=1+1 2`;
            const response = await unleashed(path);
            const body = await response.text();
            assert.equal(response.status, 200, body);
            const sent = new URL(path, mock.baseUrl);
            assert.equal(parseMockBody(body).target, sent.pathname + sent.search);
            assert.notEqual(sent.search, path.slice(path.indexOf('?')), 'the parser changed nothing: a weak case');
        });

        test('a Request with a body, and a caller-owned SigningKey', async () => {
            const key = new SigningKey(e2e.key);
            const unleashed = unleashedFetch({ apiId, key, clientType, form });
            const request = new Request(`${mock.baseUrl}/SalesOrders?orderStatus=Parked,Placed`, {
                method: 'POST',
                body: '{"a":1}',
            });
            const response = await unleashed(request);
            const body = await response.text();
            assert.equal(response.status, 200, body);
            const arrived = parseMockBody(body);
            assert.equal(arrived.body, Buffer.from('{"a":1}').toString('hex'));
            assert.match(arrived['header-names'], /api-auth-id.*api-auth-signature.*client-type/i);
            key.dispose();
            await assert.rejects(unleashed(`${mock.baseUrl}/Customers`), /disposed/);
        });
    });
}

test('unleashedFetch checks its options before any request', () => {
    assert.throws(() => unleashedFetch({ apiId: 'x', key: e2e.key, clientType }), /apiId/);
    assert.throws(() => unleashedFetch({ apiId, key: e2e.key, clientType: 'nope' }), /clientType/);
    assert.throws(() => unleashedFetch({ apiId, key: `${e2e.key} `, clientType }), /whitespace/);
    assert.throws(() => unleashedFetch({ apiId, key: e2e.key, clientType, baseUrl: '/relative' }), /absolute URL/);
    assert.throws(() => unleashedFetch({ apiId, key: e2e.key, clientType, form: 'raw' }), /form must be/);
});

test('a relative URL without baseUrl is rejected with what to do', async () => {
    const unleashed = unleashedFetch({ apiId, key: e2e.key, clientType });
    await assert.rejects(unleashed('/Customers'), /give unleashedFetch\(\) a baseUrl/);
});

/** The README's fetch example: the fenced block that starts with the import of unleashedFetch. */
function readmeExample(file) {
    const text = readFileSync(fixture(file), 'utf8');
    const match = text.match(/```js\n(import \{ unleashedFetch \} from 'unleashed-signer';\n[\s\S]*?)```/);
    assert.ok(match, `${file} has no fetch example`);
    return match[1];
}

test("the README's fetch example runs as shown: 200 with the key, 403 with another", async () => {
    const example = readmeExample('README.node.md');
    const file = fileURLToPath(new URL('../readme-example.mjs', import.meta.url));
    writeFileSync(file, example);
    const mock = await startMock({ apiId, key: e2e.key, form: 'decoded' });
    try {
        const run = (key) => promisify(execFile)(process.execPath, [file], {
            env: { ...process.env, UNLEASHED_API_ID: apiId, UNLEASHED_API_KEY: key, UNLEASHED_BASE_URL: mock.baseUrl },
        });
        assert.equal((await run(e2e.key)).stdout, '200\n');
        assert.equal((await run(e2e['other-key'])).stdout, '403\n');
    } finally {
        await mock.stop();
    }
});
