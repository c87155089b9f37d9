// Type-checked by types.test.mjs: the declarations as a CommonJS user meets them.
import signer = require('unleashed-signer');

const key = new signer.SigningKey('made-up-key');
const signature: string = key.sign('customerCode=ACME');
const status: number = signer.Status.EMPTY_KEY;
// @ts-expect-error: sign takes one message, not an options object
key.sign({ query: 'x' });
key.dispose();

export = { signature, status };
