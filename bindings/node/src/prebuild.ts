// Loads the prebuilt Node-API glue for this platform. Each platform's glue (`unleashed_signer.node`, next to the C
// library it links with through its `$ORIGIN` rpath) ships in a package of its own, listed in this package's
// `optionalDependencies` with its `os`, `cpu` and `libc`, so npm installs only the one that fits (the napi-rs and
// esbuild pattern). In a build in the repository (`npm run build`), the glue is in prebuilds/<platform>/ instead.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Native } from './native.js';

/** A platform with a prebuilt glue, and the package that carries it (scripts/pack.mjs makes one per entry). */
export interface NativePackage {
    /** The package's name, an optional dependency of this package. */
    readonly name: string;
    /** package.json's `os`, `cpu` and `libc`: `process.platform`, `process.arch`, and the C library it links. */
    readonly os: string;
    readonly cpu: string;
    readonly libc: 'glibc';
    /** The ELF machine of its binaries (e_machine): 62 for x86-64, 183 for AArch64. */
    readonly elfMachine: number;
}

/** The platforms with a prebuilt glue, by `${process.platform}-${process.arch}`. */
export const NATIVE_PACKAGES: Readonly<Record<string, NativePackage>> = {
    'linux-x64': { name: '@unleashed-signer/linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc', elfMachine: 62 },
    'linux-arm64': {
        name: '@unleashed-signer/linux-arm64-gnu',
        os: 'linux',
        cpu: 'arm64',
        libc: 'glibc',
        elfMachine: 183,
    },
};

/** The glue's file in each platform package (its `main`) and in prebuilds/<platform>/. */
export const GLUE_FILE = 'unleashed_signer.node';

const WAY_OUT = 'unset UNLEASHED_SIGNER_BACKEND to use the WebAssembly module, which runs on every platform';

/** The Node-API glue of this platform's prebuild; throws, naming the platform, when there is none that loads. */
export function loadNative(): Native {
    const platform = `${process.platform}-${process.arch}`;
    const entry = NATIVE_PACKAGES[platform];
    if (entry === undefined) {
        const supported = Object.entries(NATIVE_PACKAGES).map(([key, { name }]) => `${key} (${name})`);
        throw new Error(
            `unleashed-signer: no prebuilt library for ${platform}: the native builds are for ${supported.join(', ')}, ` +
                `with glibc; ${WAY_OUT}`,
        );
    }
    // A build in the repository: the glue that `npm run build` (or scripts/build-arm64.sh) put next to lib/.
    const local = join(__dirname, '..', 'prebuilds', platform, GLUE_FILE);
    const path = existsSync(local) ? local : entry.name;
    try {
        return require(path) as Native;
    } catch (cause) {
        const missing = path === entry.name && (cause as { code?: unknown }).code === 'MODULE_NOT_FOUND' &&
            String((cause as Error).message).includes(`'${entry.name}'`);
        throw new Error(
            missing
                ? `unleashed-signer: the prebuilt library for ${platform}, the optional dependency ${entry.name}, ` +
                      `is not installed (npm leaves it out with --omit=optional, or with a lock file made without ` +
                      `it): install ${entry.name} at the version of unleashed-signer, or ${WAY_OUT}`
                : `unleashed-signer: the prebuilt library for ${platform} (${path}) did not load: ` +
                      `${(cause as Error).message}; ${WAY_OUT}`,
            { cause },
        );
    }
}
