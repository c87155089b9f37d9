#!/usr/bin/env bash
# Puts the C library into this package, where src/Native.php loads it from (lib/, next to src/; no environment
# variable), and the licence files beside composer.json, so that `composer archive` makes a complete package.
#
# usage: bindings/php/build.sh [--reuse]
#   --reuse  take target/release/libunleashed_signer_ffi.* as it is when it exists, instead of running
#            `cargo build --release -p unleashed-signer-ffi` (which is quick when nothing changed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
case $(uname -s) in
    Darwin) built=libunleashed_signer_ffi.dylib shipped=libunleashed_signer.dylib ;;
    *) built=libunleashed_signer_ffi.so shipped=libunleashed_signer.so ;;
esac

if [[ ${1:-} != --reuse || ! -f $target/release/$built ]]; then
    (cd "$repo" && cargo build --quiet --release -p unleashed-signer-ffi)
fi
mkdir -p "$here/lib"
cp "$target/release/$built" "$here/lib/$shipped"
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$here/"
echo "bindings/php/lib/$shipped: the C library of unleashed-signer $(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
