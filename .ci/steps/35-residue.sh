#!/usr/bin/env bash
# What is left of a key after it is cleared, measured (docs/wiping.md): residue/scan.py runs every entry
# point of the C ABI (linked lazily and with -z now), the in-place Rust API, and the anchors (OpenSSL's HMAC_CTX,
# RustCrypto's hmac), scans each process's writable memory after clear, and fails if any path of ours leaves a
# piece of 16 bytes or more of any key-derived secret, or if a control run with the key alive finds nothing.
# Then valgrind checks that unleashed_key_init never reads the storage it is given (heap and stack storage that
# were never zeroed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

need=()
command -v valgrind >/dev/null || need+=(valgrind)
pkg-config --exists libcrypto 2>/dev/null || need+=(libssl-dev pkg-config)
if ((${#need[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Two builds: built together, residue's RustCrypto peer (sha2 with its "zeroize" feature) would unify that feature
# into the core the C library links, and the scan would measure a library that differs from the one that ships.
cargo build --quiet --release -p unleashed-signer-residue
cargo build --quiet --release -p unleashed-signer-ffi
python3 residue/scan.py --check --markdown "$CARGO_TARGET_DIR/residue.md"

echo "-- valgrind: unleashed_key_init on storage that was never zeroed (malloc, and a local)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lib="$CARGO_TARGET_DIR/release/libunleashed_signer_ffi.a"
gcc -std=c99 -g -Wall -Wextra -Werror -Iinclude residue/c/residue.c "$lib" -lpthread -ldl -lm -o "$work/residue"
key=ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==
for storage in heap stack; do
    printf 'text %d\n%s' "${#key}" "$key" |
        valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            "$work/residue" sign "$storage" --no-wait
done
echo "-- residue checks passed"
