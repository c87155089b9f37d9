#!/usr/bin/env bash
# Builds the C library (libunleashed_signer_ffi.a and .so, soname libunleashed_signer.so.0.y) and the command-line
# tool for Linux arm64 (aarch64-unknown-linux-gnu) on an x86_64 Debian/Ubuntu machine, checks that the shared
# library is an aarch64 ELF file with its soname, and prints the directory holding the artifacts as its last line,
# ready for `scripts/install.sh --artifacts DIR` or a runtime package.
#
# usage: scripts/build-aarch64.sh [--release] [-p PACKAGE]...
#   --release   the release profile (default: dev)
#   -p PACKAGE  what to build (default: -p unleashed-signer-ffi -p unleashed-signer-cli)
#
# Needs Debian's Rust toolchain with the arm64 std and the GNU cross linker (rustup's toolchains here have no arm64
# std): as root, `source .ci/lib/aarch64.sh && aarch64_toolchain` installs them (README, "Platforms").
# CARGO_TARGET_DIR is honoured.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/.ci/lib/aarch64.sh"
aarch64_env

profile=debug
packages=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --release) profile=release; shift ;;
        -p) packages+=(-p "$2"); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-aarch64.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
((${#packages[@]})) || packages=(-p unleashed-signer-ffi -p unleashed-signer-cli)

for tool in "$DEB_CARGO" "$RUSTC" "$CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER"; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-aarch64.sh: $tool is missing: install ${AARCH64_PACKAGES[*]} (and rustc-web cargo-web)" >&2
        exit 1
    fi
done
if [[ ! -d "$("$RUSTC" --print sysroot)/lib/rustlib/$AARCH64_TARGET" ]]; then
    echo "build-aarch64.sh: $RUSTC has no std for $AARCH64_TARGET: install libstd-rust-web-dev:arm64" >&2
    exit 1
fi

flags=(--target "$AARCH64_TARGET")
[[ $profile == release ]] && flags+=(--release)
(cd "$repo" && "$DEB_CARGO" build --quiet "${flags[@]}" "${packages[@]}")

out="${CARGO_TARGET_DIR:-$repo/target}/$AARCH64_TARGET/$profile"
so=$out/libunleashed_signer_ffi.so
if [[ -f $so ]]; then
    header=$(readelf -h -d "$so")
    if ! grep -q 'Machine: *AArch64' <<<"$header" || ! grep -q 'soname: \[libunleashed_signer\.so\.' <<<"$header"; then
        echo "build-aarch64.sh: $so is not an aarch64 library with the libunleashed_signer soname" >&2
        exit 1
    fi
fi
echo "$out"
