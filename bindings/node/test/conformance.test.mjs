// The HTTP conformance suite (testdata/http_conformance.txt, docs/http-contract.md) through unleashedFetch against
// testing/mock_unleashed.py --other-origin: every case as its line says, and the other origin receives nothing.
// Then what the suite's GETs cannot show: bodies on same-origin 303/307/308 hops, redirect: 'manual', Content-Type.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedirectRefusedError, unleashedFetch } from 'unleashed-signer';
import { parseMockBody, readConformance, startMock } from './helpers.mjs';

const suite = readConformance();
const text = (hex) => (hex === '-' ? '' : Buffer.from(hex, 'hex').toString('utf8'));

/** The mock's 200 body: every `name value` line, repeated names kept, in order. */
function lines(body) {
    const found = {};
    for (const line of body.trimEnd().split('\n')) {
        const space = line.indexOf(' ');
        const [name, value] = space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
        (found[name] ??= []).push(value);
    }
    return found;
}

describe('conformance', () => {
    let mock;
    before(async () => {
        mock = await startMock({ apiId: suite['api-id'], key: suite.key, form: suite.form, otherOrigin: true });
    });
    after(() => mock.stop());

    test('the suite has its 15 cases', () => assert.ok(suite.cases.length >= 15, `${suite.cases.length} cases`));

    for (const c of suite.cases) {
        test(`conformance ${c.name}`, async () => {
            const unleashed = unleashedFetch({
                apiId: c['api-id'], key: suite.key, clientType: suite['client-type'], baseUrl: mock.baseUrl,
                form: suite.form,
            });
            const init = c.accept === '-' ? {} : { headers: { Accept: c.accept } };
            const call = unleashed(text(c.url), init);
            if (c.expect === 'refused') {
                const error = await call.then(() => assert.fail('the redirect was followed'), (e) => e);
                assert.ok(error instanceof RedirectRefusedError, String(error));
                assert.equal(error.response.status, Number(c.name.match(/\d{3}/)[0]));
                assert.equal(error.location.origin, mock.otherUrl);
                await error.response.body?.cancel();
                return;
            }
            assert.equal(c.expect, '200');
            const response = await call;
            const body = await response.text();
            assert.equal(response.status, 200, body);
            const got = lines(body);
            assert.deepEqual(got.origin, ['main']);
            assert.deepEqual(got.message, [c.message === '-' ? '' : c.message]);
            assert.deepEqual(got.accept, [c['accept-received']]);
            assert.ok((got['content-type'] ?? []).length <= 1, body);
            assert.equal(response.redirected, c.name.startsWith('same-origin'));
        });
    }

    const unleashed = (apiId = suite['api-id']) =>
        unleashedFetch({ apiId, key: suite.key, clientType: suite['client-type'], baseUrl: mock.baseUrl });

    for (const status of [303, 307, 308]) {
        test(`a POST redirected ${status} on the same origin: ${status === 303 ? 'a GET' : 'its body again'}, signed again`, async () => {
            const response = await unleashed()(`/conformance/redirect/${status}/same/Next?a=1`, {
                method: 'POST',
                body: '{"a":1}',
            });
            const got = lines(await response.text());
            assert.equal(response.status, 200);
            assert.deepEqual(got.target, ['/conformance/Next?hop=2&a=1']);
            assert.deepEqual(got.body, [status === 303 ? '' : Buffer.from('{"a":1}').toString('hex')]);
            assert.deepEqual(got['content-type'], ['application/json']);
        });
    }

    test('a POST turned into a GET by a 303 stays a GET without a body through a later 307', async () => {
        const response = await unleashed()('/conformance/redirect/303/same/redirect/307/same/End?a=1', {
            method: 'POST',
            body: '{"a":1}',
        });
        const got = lines(await response.text());
        assert.equal(response.status, 200);
        assert.deepEqual(got.target, ['/conformance/End?hop=2&hop=2&a=1']);
        assert.deepEqual(got.body, ['']);
    });

    test("redirect: 'manual' gets a same-origin 3xx itself, 'error' fails on it; a cross-origin one is refused in both", async () => {
        const same = await unleashed()('/conformance/redirect/302/same/X?a=1', { redirect: 'manual' });
        assert.equal(same.status, 302);
        assert.match(same.headers.get('Location'), /^\/conformance\/X\?hop=2&a=1$/);
        await assert.rejects(unleashed()('/conformance/redirect/307/same/X?a=1', { redirect: 'error' }), TypeError);
        for (const redirect of ['manual', 'error']) {
            const call = unleashed()('/conformance/redirect/302/other/X?a=1', { redirect });
            await assert.rejects(call, (error) => error instanceof RedirectRefusedError && error.response.status === 302);
        }
    });

    test("a caller's Content-Type and signing headers: its own type kept once, fetch's text/plain replaced, ours signing", async () => {
        const own = await unleashed()('/conformance/Body', {
            method: 'POST',
            body: '<a/>',
            headers: { 'Content-Type': 'application/xml', 'api-auth-signature': 'stale', 'API-AUTH-ID': 'someone' },
        });
        const got = lines(await own.text());
        assert.equal(own.status, 200);
        assert.deepEqual(got['content-type'], ['application/xml']);
        const names = got['header-names'][0].toLowerCase().split(',');
        for (const name of ['api-auth-id', 'api-auth-signature', 'client-type']) {
            assert.equal(names.filter((n) => n === name).length, 1, name);
        }
        const plain = await unleashed()('/conformance/Body', { method: 'POST', body: '{"a":1}' });
        assert.deepEqual(lines(await plain.text())['content-type'], ['application/json']);
    });

    test('the other origin received nothing at all', async () => {
        const response = await fetch(`${mock.otherUrl}/_received`);
        assert.equal(response.status, 200);
        assert.equal(await response.text(), '');
    });
});
