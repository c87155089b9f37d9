// Must NOT type-check (types.test.mjs): a number is not a message.
import { SigningKey } from 'unleashed-signer';

new SigningKey('made-up-key').sign(42);
