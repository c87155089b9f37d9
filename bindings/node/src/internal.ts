// Module-private links between files of this package; not exported from the package's entry points.

import type { NativeKey } from './native';

/** Set by `SigningKey`'s static block: reads a key's native storage handle (for `testing.storageIsZero`). */
export const hooks: { storageOf?: (key: object) => NativeKey } = {};
