// Type-checked by types.test.mjs with `tsc --noEmit --strict`: the package's declarations as an ESM user meets
// them. Each @ts-expect-error line must be an error, so declarations that went loose (any) fail the check.
import {
    RedirectRefusedError,
    type SignedQuery,
    SigningKey,
    Status,
    type UnleashedHeaders,
    UnleashedError,
    unleashedFetch,
} from 'unleashed-signer';

const key: SigningKey = new SigningKey('made-up-key', { format: 'text' });
const fromBytes = new SigningKey(new Uint8Array([1, 2, 3]), { format: 'raw' });
const signature: string = key.sign('customerCode=ACME');
const same: boolean = key.verify(new TextEncoder().encode('customerCode=ACME'), signature);
const fromUrl: string = key.signUrl(new URL('https://api.unleashedsoftware.com/Customers?x=1'), { form: 'wire' });
const built: SignedQuery = key.buildQuery([['customerCode', 'ACME'], ['note', new Uint8Array([0x41])]]);
const headers: UnleashedHeaders = key.headers('/Customers', { apiId: 'id', clientType: 'acme/app' });
const signatureHeader: string = headers['api-auth-signature'];
key[Symbol.dispose]();
fromBytes.dispose();

const unleashed: typeof fetch = unleashedFetch({
    apiId: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    key: 'made-up-key',
    clientType: 'acme/orderautomation',
    baseUrl: 'https://api.unleashedsoftware.com',
});
export async function customers(): Promise<unknown> {
    try {
        const response: Response = await unleashed('/Customers?customerCode=ACME', { method: 'GET' });
        return response.json();
    } catch (error) {
        if (error instanceof RedirectRefusedError) {
            const where: URL = error.location;
            const redirect: Response = error.response;
            return [where, redirect.status];
        }
        throw error;
    }
}

try {
    key.sign('x');
} catch (error) {
    if (error instanceof UnleashedError && error.status === Status.KEY_NOT_INITIALISED) {
        const code: string = error.code;
        void code;
    }
}

// @ts-expect-error: a number is not a message
key.sign(42);
// @ts-expect-error: no such form
key.signUrl('/x', { form: 'raw' });
// @ts-expect-error: no such key format
new SigningKey('k', { format: 'hex' });
// @ts-expect-error: clientType is required
key.headers('/x', { apiId: 'id' });
// @ts-expect-error: a pair has two members
key.buildQuery([['a', 'b', 'c']]);
// @ts-expect-error: the key is required
unleashedFetch({ apiId: 'id', clientType: 'a/b' });
// @ts-expect-error: verify answers a boolean
const wrong: string = key.verify('a', 'b');

export { built, fromUrl, same, signatureHeader, wrong };
