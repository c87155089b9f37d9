#!/usr/bin/env bash
# Puts the C library into this package, where src/Native.php loads it from: lib/PLATFORM/, next to src/, one
# directory per platform (lib/linux-x64/libunleashed_signer.so, lib/linux-arm64/libunleashed_signer.so), chosen at
# load by the machine's OS and architecture (no environment variable); and the licence files beside composer.json,
# so that `composer archive` makes a complete package. lib/ is made afresh: it holds this machine's library, and
# linux-arm64's when --aarch64 is given. Each library is checked to be ELF of its platform's machine.
#
# usage: bindings/php/build.sh [--reuse] [--aarch64 DIR]
#   --reuse        take target/release/libunleashed_signer_ffi.* as it is when it exists, instead of running
#                  `cargo build --release -p unleashed-signer-ffi` (which is quick when nothing changed)
#   --aarch64 DIR  also ship DIR/libunleashed_signer_ffi.so as lib/linux-arm64/ (the output directory of
#                  `scripts/build-aarch64.sh --release -p unleashed-signer-ffi`)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$repo/target}
reuse=0 aarch64=
while (($#)); do
    case $1 in
        --reuse) reuse=1; shift ;;
        --aarch64) aarch64=${2:?--aarch64 needs a directory}; shift 2 ;;
        *) echo "usage: $0 [--reuse] [--aarch64 DIR]" >&2; exit 2 ;;
    esac
done
# This machine's platform, named as src/Native.php's platform() names it.
case $(uname -m) in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
esac
case $(uname -s) in
    Darwin) platform=darwin-$arch built=libunleashed_signer_ffi.dylib shipped=libunleashed_signer.dylib ;;
    *) platform=linux-$arch built=libunleashed_signer_ffi.so shipped=libunleashed_signer.so ;;
esac

# The ELF machine (e_machine) of a file: 62 x86-64, 183 AArch64.
elf_machine() { od -An -t u2 -j 18 -N 2 "$1" | tr -d ' '; }
ship() { # platform library [machine]
    mkdir -p "$here/lib/$1"
    cp "$2" "$here/lib/$1/$shipped"
    if [[ -n ${3:-} && $(elf_machine "$2") != "$3" ]]; then
        echo "build.sh: $2 is ELF machine $(elf_machine "$2"), not $3 as $1 needs" >&2
        exit 1
    fi
    echo "bindings/php/lib/$1/$shipped: the C library of unleashed-signer $version"
}

if [[ $reuse == 0 || ! -f $target/release/$built ]]; then
    (cd "$repo" && cargo build --quiet --release -p unleashed-signer-ffi)
fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
rm -rf "$here/lib"
case $platform in
    linux-x64) ship "$platform" "$target/release/$built" 62 ;;
    linux-arm64) ship "$platform" "$target/release/$built" 183 ;;
    *) ship "$platform" "$target/release/$built" ;;
esac
if [[ -n $aarch64 ]]; then
    ship linux-arm64 "$aarch64/libunleashed_signer_ffi.so" 183
fi
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$here/"
