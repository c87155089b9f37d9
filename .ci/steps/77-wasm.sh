#!/usr/bin/env bash
# The WebAssembly module (wasm/, issue 18) and the Node package's fallback to it. Installs Debian's rustc-web 1.96,
# rust-web-src and lld-22 (.ci/lib/debian.sh), builds the module twice from nothing (byte for byte the same) and
# checks its SHA-256 against wasm/SHA256SUMS; builds the Node package with the module embedded, packs it with
# @unleashed-signer/linux-x64-gnu, and scripts/test-packed.sh installs the tarballs into an empty project and runs
# every test once with the Node-API glue and once forced to wasm (every vector, the fetch e2e cases against the
# loopback mock, tsc --strict, the fallback of the main package without its platform package, lib/web in a node:vm
# context without Node APIs) and every vector under Deno (from npm: the `deno` package, whose binary comes in
# `@deno/linux-x64-glibc`); then residue/scan_wasm.py counts what dispose() leaves in the module's memory and in
# the Node process, with a control run. The Node benchmarks (bench/) run once with tiny rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
start=$SECONDS

# Debian's compiler only for the module: the rest of CI keeps rustup's (debian_rust exports RUSTC).
(
    # shellcheck source=../lib/debian.sh
    source .ci/lib/debian.sh
    debian_rust rust-web-src lld-22
    scripts/build-wasm.sh --twice --check
)

# A no-op when target/release already holds an up-to-date library (steps 30 and 71 built it).
cargo build --quiet --release -p unleashed-signer-ffi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Deno, pinned, from npm (the platform package holds the binary; its install script is not needed).
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$work/deno" deno@2.9.6
export UNLEASHED_DENO="$work/deno/node_modules/@deno/linux-x64-glibc/deno"
"$UNLEASHED_DENO" --version | head -n 1
(
    cd bindings/node
    npm ci --silent --no-audit --no-fund
    # Without the module, the build would only warn.
    UNLEASHED_NODE_WASM=required npm run --silent build
    # The benchmarks once, tiny rounds, as a check that they still run and every case signs alike (figures in
    # BENCHMARKS.md come from full runs).
    node bench/bench.mjs 1 1000 >/dev/null
    node bench/backends.mjs 1 1000 >/dev/null
    mapfile -t tarballs < <(node scripts/pack.mjs "$work/packs" linux-x64)
    contents=$(tar -tzf "${tarballs[0]}")
    for file in package/lib/node.js package/lib/web/web.js package/lib/web/package.json package/lib/generated/wasm.js \
        package/lib/web/generated/wasm.js; do
        grep -qx "$file" <<<"$contents" || { echo "the tarball lacks $file" >&2; exit 1; }
    done
    UNLEASHED_TEST_BACKENDS="native wasm" bash scripts/test-packed.sh "${tarballs[@]}"
)

cargo fmt --manifest-path wasm/Cargo.toml --check
python3 residue/scan_wasm.py bindings/node --check --markdown "$CARGO_TARGET_DIR/residue-wasm.md"
echo "-- wasm checks passed in $((SECONDS - start)) s"
