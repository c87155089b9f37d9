#!/usr/bin/env bash
# The Node packages for linux-x64 and linux-arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST set to the
# directory of the release aarch64 libunleashed_signer_ffi.so):
#  1. builds what ships: the main package (with the WebAssembly module), @unleashed-signer/linux-x64-gnu (npm run
#     build) and @unleashed-signer/linux-arm64-gnu (scripts/build-arm64.sh: the glue cross-compiled with
#     aarch64-linux-gnu-gcc), packs them (scripts/pack.mjs), prints each tarball's files and fails unless each
#     platform package holds its glue and C library for its ELF machine (62 x86-64, 183 AArch64);
#  2. installs the same three tarballs offline (scripts/test-packed.sh: the platform ones as optional dependencies)
#     for x86_64 and runs there, natively, the tests of which package loads (platform.test.mjs: the glue comes from
#     linux-x64-gnu and no other; UNLEASHED_SIGNER_BACKEND=native on a platform without a package fails naming it
#     and the supported ones), the fallback (backend.test.mjs) and every vector;
#  3. installs them again with npm's --cpu=arm64 and runs, on Debian's arm64 Node.js 18 under qemu-user, the
#     one-liner and the test files api, backend, platform, vectors, conformance and fetch (the fetch e2e cases
#     against the loopback mock). Not run under qemu: residue.test.mjs (it scans the process from outside; the
#     aarch64 scan of the C library under qemu is residue/scan_qemu.py), types.test.mjs (tsc: nothing
#     arch-specific), web.test.mjs (the module without Node-API, the same bytes on every platform).
# Node.js 18 is older than the package's `engines` (>= 20) and is what Debian has for arm64: scripts/qemu-node18.cjs
# adds the one function of Node.js 20 the package uses (String.prototype.isWellFormed) and points process.execPath
# at the qemu wrapper. nodejs:arm64 is not co-installable with the host's node, and apt-installing libnode108:arm64
# would pull nodejs:arm64 in (through node-acorn) and remove the host's node: both are fetched with `apt-get
# download` and unpacked with the JavaScript that libnode loads from /usr/share/nodejs (acorn, cjs-module-lexer,
# undici) into $CARGO_TARGET_DIR/node18-arm64, which qemu's -L overlays on / (it holds no C library, so the
# glibc-mixing hang of `-L /usr/aarch64-linux-gnu` cannot happen); only plain libraries are apt-installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the aarch64 libunleashed_signer_ffi.so}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
source "$repo/.ci/lib/debian.sh"
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- Debian's arm64 Node.js 18, unpacked"
apt_need qemu-user libc6:arm64 libstdc++6:arm64 zlib1g:arm64 libicu72:arm64 libuv1:arm64 libc-ares2:arm64 \
    libnghttp2-14:arm64 libbrotli1:arm64 libssl3:arm64
root="$CARGO_TARGET_DIR/node18-arm64"
deb_unpack "$root" nodejs:arm64 libnode108:arm64 node-acorn node-cjs-module-lexer node-undici
[[ -x $root/usr/bin/node ]] || { echo "no usr/bin/node in $root" >&2; exit 1; }
cat >"$work/node" <<SH
#!/bin/sh
exec qemu-aarch64 -L "$root" "$root/usr/bin/node" -r "$here/scripts/qemu-node18.cjs" "\$@"
SH
chmod +x "$work/node"
export UNLEASHED_QEMU_NODE="$work/node"
echo "$("$work/node" -p '`node ${process.version} ${process.arch}`') under qemu-aarch64"

echo "-- build: the C library (x86_64), the WebAssembly module, the glue for both"
# rustup's cargo and compiler for the x86_64 library, as in the other steps: 31-aarch64.sh exports Debian's RUSTC.
env -u RUSTC -u RUSTDOC cargo build --quiet --release -p unleashed-signer-ffi
(debian_rust rust-web-src lld-22 && "$repo/scripts/build-wasm.sh" >/dev/null)
cd "$here"
npm ci --silent --no-audit --no-fund
UNLEASHED_NODE_WASM=required npm run --silent build >/dev/null
bash scripts/build-arm64.sh "$AARCH64_DIST"
mapfile -t tarballs < <(node scripts/pack.mjs "$work/packs" linux-x64 linux-arm64)

echo "-- the packages"
for tarball in "${tarballs[@]}"; do
    echo "$(basename "$tarball"):"
    tar -tzvf "$tarball" | awk '{ printf "    %9d  %s\n", $3, $6 }'
done
# Each platform package's binaries, unpacked and checked for their ELF machine.
check_platform() { # tarball machine
    local dir="$work/unpacked/$(basename "$1" .tgz)" file machine count=0
    mkdir -p "$dir"
    tar -xzf "$1" -C "$dir"
    for file in "$dir/package/unleashed_signer.node" "$dir"/package/libunleashed_signer.so.*; do
        [[ -f $file ]] || { echo "$(basename "$1") lacks $(basename "$file")" >&2; exit 1; }
        machine=$(od -An -t u2 -j 18 -N 2 "$file" | tr -d ' ')
        ((machine == $2)) || { echo "$(basename "$1"): $(basename "$file") is ELF machine $machine, not $2" >&2; exit 1; }
        count=$((count + 1))
    done
    ((count == 2)) || { echo "$(basename "$1") has $count binaries, not 2" >&2; exit 1; }
    echo "$(basename "$1"): unleashed_signer.node and $(basename "$dir"/package/libunleashed_signer.so.*) are ELF machine $2"
}
[[ ${#tarballs[@]} -eq 3 && ${tarballs[1]} == */unleashed-signer-linux-x64-gnu-*.tgz &&
    ${tarballs[2]} == */unleashed-signer-linux-arm64-gnu-*.tgz ]] ||
    { echo "pack.mjs made ${tarballs[*]}" >&2; exit 1; }
check_platform "${tarballs[1]}" 62
check_platform "${tarballs[2]}" 183
tar -xzOf "${tarballs[0]}" package/package.json |
    node -e 'const deps = JSON.parse(require("fs").readFileSync(0, "utf8")).optionalDependencies ?? {};
if (!deps["@unleashed-signer/linux-x64-gnu"] || !deps["@unleashed-signer/linux-arm64-gnu"]) {
    console.error(`the main package lists ${JSON.stringify(deps)} as optionalDependencies`);
    process.exit(1);
}
console.log(`the main package lists as optionalDependencies: ${JSON.stringify(deps)}`);'

echo "-- x86_64, natively: the same tarballs"
UNLEASHED_TEST_BACKENDS=native UNLEASHED_TEST_FILES="platform.test.mjs backend.test.mjs vectors.test.mjs" \
    bash scripts/test-packed.sh "${tarballs[@]}"

echo "-- arm64, Node.js 18 under qemu: the same tarballs"
UNLEASHED_TEST_BACKENDS=native UNLEASHED_TEST_CPU=arm64 UNLEASHED_TEST_NODE="$work/node" \
    UNLEASHED_TEST_FILES="platform.test.mjs backend.test.mjs api.test.mjs vectors.test.mjs conformance.test.mjs fetch.test.mjs" \
    bash scripts/test-packed.sh "${tarballs[@]}"

echo "-- Node packages for linux-x64 and linux-arm64 checked in $((SECONDS - started)) s"
