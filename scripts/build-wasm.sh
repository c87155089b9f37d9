#!/usr/bin/env bash
# Builds the WebAssembly module (wasm/: the C ABI of ffi/ for wasm32-unknown-unknown, no std, no allocator, no
# imports) with Debian's compiler and its own library source, the only pair that builds it (rustup's nightly
# does not match Debian's library source). Installs nothing: .ci/lib/debian.sh's `debian_rust rust-web-src lld-22`
# does that.
#
#   scripts/build-wasm.sh [--twice] [--check] [--bless]
#
# Writes target/wasm-out/unleashed_signer.wasm (plain) and unleashed_signer.simd128.wasm (+simd128: sha2's wasm
# SIMD backend); CARGO_TARGET_DIR is honoured. --twice builds everything a second time from nothing, in another
# directory, and fails unless the bytes are the same. --check fails unless the modules' SHA-256 equal the ones
# checked in (wasm/SHA256SUMS); --bless rewrites that file.
#
# RUSTC_BOOTSTRAP=1 lets a stable compiler take -Zbuild-std and -Z flags. That is unsupported by the Rust
# project: this script sets it for its own cargo call only, and pins the compiler version the module is built with.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
target=${CARGO_TARGET_DIR:-$repo/target}
out="$target/wasm-out"
rustc=${RUSTC:-/usr/bin/rustc}
cargo=${DEB_CARGO:-/usr/bin/cargo}
linker=wasm-ld-22
# The module's bytes depend on the compiler: a different version gives a different (not wrong) module, and the
# checked-in hashes no longer match.
pinned="rustc 1.96.0 (ac68faa20 2026-05-25)"

twice=0 check=0 bless=0
for arg in "$@"; do
    case "$arg" in
        --twice) twice=1 ;;
        --check) check=1 ;;
        --bless) bless=1 ;;
        *) echo "usage: $0 [--twice] [--check] [--bless]" >&2; exit 2 ;;
    esac
done

fail() { echo "build-wasm: $*" >&2; exit 1; }
[[ -x "$rustc" ]] || fail "$rustc is missing: install Debian's rustc-web (.ci/lib/debian.sh: debian_rust rust-web-src lld-22)"
version=$("$rustc" --version)
[[ "$version" == "$pinned"* ]] || fail "the module is built with '$pinned', not '$version'"
[[ -f /usr/lib/rustlib/src/rust/library/core/src/lib.rs ]] || fail "Debian's rust-web-src (the library source) is missing"
command -v "$linker" >/dev/null || fail "$linker is missing: install Debian's lld-22"

# build DIR VARIANT: one module, into DIR.
build() {
    local dir=$1 variant=$2
    # No source locations and no Debug formatting in the module: smaller, and no build path can end up in it.
    local flags="-Zlocation-detail=none -Zfmt-debug=none"
    [[ "$variant" == simd128 ]] && flags+=" -Ctarget-feature=+simd128"
    (cd wasm && RUSTFLAGS="$flags" RUSTC_BOOTSTRAP=1 RUSTC="$rustc" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$linker" CARGO_TARGET_DIR="$dir/$variant" \
        "$cargo" build --quiet --release --locked -Zbuild-std=core,compiler_builtins --target wasm32-unknown-unknown)
}

name() { [[ "$1" == plain ]] && echo unleashed_signer.wasm || echo "unleashed_signer.$1.wasm"; }

mkdir -p "$out"
for variant in plain simd128; do
    build "$target/wasm" "$variant"
    cp "$target/wasm/$variant/wasm32-unknown-unknown/release/unleashed_signer_wasm.wasm" "$out/$(name "$variant")"
done
(cd "$out" && sha256sum unleashed_signer.wasm unleashed_signer.simd128.wasm) >"$out/SHA256SUMS"
for variant in plain simd128; do
    echo "-- $(name "$variant"): $(stat -c %s "$out/$(name "$variant")") bytes"
done
cat "$out/SHA256SUMS"

if ((twice)); then
    again=$(mktemp -d)
    trap 'rm -rf "$again"' EXIT
    for variant in plain simd128; do
        build "$again" "$variant"
        cmp "$out/$(name "$variant")" "$again/$variant/wasm32-unknown-unknown/release/unleashed_signer_wasm.wasm" ||
            fail "a second build from nothing gave different bytes for $(name "$variant")"
    done
    echo "-- a second build from nothing gave the same bytes"
fi
if ((bless)); then
    cp "$out/SHA256SUMS" wasm/SHA256SUMS
    echo "-- wrote wasm/SHA256SUMS"
fi
if ((check)); then
    diff -u wasm/SHA256SUMS "$out/SHA256SUMS" ||
        fail "the fresh modules differ from wasm/SHA256SUMS (a change to core/, ffi/ or wasm/ needs --bless)"
    echo "-- the modules' SHA-256 match wasm/SHA256SUMS"
fi
