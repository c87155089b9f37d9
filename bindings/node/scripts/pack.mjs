// Packs the packages users install, after `npm run build` (and scripts/build-arm64.sh for linux-arm64):
//  - unleashed-signer: lib/ (the API, the Node-API loader and the embedded WebAssembly module), the licences and
//    the README, with package.json's `optionalDependencies` naming every platform package of src/prebuild.ts
//    (NATIVE_PACKAGES) at this exact version, as napi-rs does at publish time: the development package.json names
//    none, so that `npm ci` here never asks the registry for them;
//  - one package per PLATFORM asked for, e.g. @unleashed-signer/linux-arm64-gnu: prebuilds/PLATFORM/'s glue and C
//    library, the licences, and `os`, `cpu` and `libc`, so that npm installs only the one that fits the machine.
// Each package is staged in DEST/stage/ and packed into DEST; the tarballs' paths are printed, the main one first.
// Fails if a platform's files are missing or are not of its ELF machine (62 x86-64, 183 AArch64).
//
// usage: node scripts/pack.mjs DEST [PLATFORM...]     (PLATFORM: linux-x64, linux-arm64)
import { execFileSync } from 'node:child_process';
import {
    closeSync, copyFileSync, cpSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [destArg, ...platforms] = process.argv.slice(2);
if (!destArg) throw new Error('usage: node scripts/pack.mjs DEST [PLATFORM...]');
const dest = resolve(destArg);
const stage = join(dest, 'stage');
const { NATIVE_PACKAGES, GLUE_FILE } = createRequire(import.meta.url)(join(here, 'lib', 'prebuild.js'));
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const licences = ['LICENSE-MIT', 'LICENSE-APACHE'];

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// The main package.
const main = join(stage, 'unleashed-signer');
mkdirSync(main);
cpSync(join(here, 'lib'), join(main, 'lib'), { recursive: true });
for (const name of [...licences, 'README.md']) copyFileSync(join(here, name), join(main, name));
const { scripts, devDependencies, private: _private, ...published } = manifest;
published.files = ['lib/', ...licences];
published.optionalDependencies = Object.fromEntries(
    Object.values(NATIVE_PACKAGES).map(({ name }) => [name, manifest.version]));
writeFileSync(join(main, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
const tarballs = [pack(main)];

// One package per platform.
for (const platform of platforms) {
    const entry = NATIVE_PACKAGES[platform];
    if (!entry) throw new Error(`${platform} is not a platform of src/prebuild.ts: ${Object.keys(NATIVE_PACKAGES)}`);
    const from = join(here, 'prebuilds', platform);
    const files = readdirSync(from).sort();
    const libraries = files.filter((name) => /^libunleashed_signer\.so\.\d+(\.\d+)?$/.test(name));
    if (!files.includes(GLUE_FILE) || libraries.length !== 1) {
        throw new Error(`${from} holds ${files.join(', ') || 'nothing'}: it needs ${GLUE_FILE} and one ` +
            `libunleashed_signer.so.N (npm run build makes linux-x64, scripts/build-arm64.sh linux-arm64)`);
    }
    for (const name of [GLUE_FILE, libraries[0]]) {
        const machine = elfMachine(join(from, name));
        if (machine !== entry.elfMachine) {
            throw new Error(`${join(from, name)} is for ELF machine ${machine}, not ${entry.elfMachine} (${platform})`);
        }
    }
    const dir = join(stage, platform);
    mkdirSync(dir);
    for (const name of [GLUE_FILE, libraries[0]]) copyFileSync(join(from, name), join(dir, name));
    for (const name of licences) copyFileSync(join(here, name), join(dir, name));
    writeFileSync(join(dir, 'README.md'),
        `# ${entry.name}\n\nThe unleashed-signer C library and its Node-API glue for ${platform} (${entry.libc}). ` +
        `The \`unleashed-signer\` package lists it as an optional dependency and loads it on this platform: install ` +
        `\`unleashed-signer\`, not this package.\n`);
    const platformManifest = {
        name: entry.name,
        version: manifest.version,
        description: `The unleashed-signer C library and Node-API glue for ${platform} (${entry.libc}), ` +
            `loaded by the unleashed-signer package`,
        license: manifest.license,
        repository: manifest.repository,
        engines: manifest.engines,
        os: [entry.os],
        cpu: [entry.cpu],
        libc: [entry.libc],
        main: GLUE_FILE,
        files: [GLUE_FILE, libraries[0], ...licences],
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(platformManifest, null, 2)}\n`);
    tarballs.push(pack(dir));
}
for (const tarball of tarballs) console.log(tarball);

/** Packs a staged directory into DEST, without scripts; returns the tarball's path. */
function pack(dir) {
    const out = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dest], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    return join(dest, out.trim().split('\n').pop());
}

/** The ELF header's e_machine, or -1 for a file that is not ELF. */
function elfMachine(path) {
    const header = Buffer.alloc(20);
    const fd = openSync(path, 'r');
    try {
        readSync(fd, header, 0, 20, 0);
    } finally {
        closeSync(fd);
    }
    return header.readUInt32BE(0) === 0x7f454c46 ? header.readUInt16LE(18) : -1;
}
