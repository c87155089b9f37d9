// Loads the prebuilt Node-API glue for this platform (prebuilds/<platform>-<arch>/unleashed_signer.node, next to
// the C library it links with through its rpath).

import { join } from 'node:path';
import type { Native } from './native.js';

/** The Node-API glue of this platform's prebuild; throws, naming the platform, when there is none that loads. */
export function loadNative(): Native {
    const platform = `${process.platform}-${process.arch}`;
    const path = join(__dirname, '..', 'prebuilds', platform, 'unleashed_signer.node');
    try {
        return require(path) as Native;
    } catch (cause) {
        throw new Error(
            `unleashed-signer: no working prebuilt library for ${platform} at ${path}; this package ships ` +
                `linux-x64 only (unset UNLEASHED_SIGNER_BACKEND to use the WebAssembly module, or build the glue from the ` +
                `repository: see its bindings/node/README.md)`,
            { cause },
        );
    }
}
