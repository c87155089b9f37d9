#!/usr/bin/env bash
# The Go binding for Linux arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST, the directory of the release
# aarch64 libunleashed_signer_ffi.{a,so}). A Go program links the C library statically at build time, from the
# install pkg-config finds, so the Go "package" for a platform is this module's source plus an install of the C
# library for that platform (scripts/install.sh --target); this script:
#  1. installs the C library twice with scripts/install.sh: for linux-x64 (target/release) and, into a cross
#     prefix, for linux-arm64 (--target aarch64-unknown-linux-gnu --artifacts AARCH64_DIST), and prints both file
#     lists with each library's ELF machine (62 x86_64, 183 aarch64);
#  2. from the same source, builds the test binary for linux/amd64 against the first and, with cgo cross-compiling
#     (GOARCH=arm64 CC=aarch64-linux-gnu-gcc), for linux/arm64 against the second, checks each binary's ELF
#     machine, runs the first natively (the core tests) and runs every test and example of the second under
#     `qemu-aarch64 -L /` (as `go test -exec "qemu-aarch64 -L /"` does): vectors, bad input, 8 goroutines, wiped
#     storage, net/http through Transport against testing/mock_unleashed.py (the host's python3, started by the
#     emulated program), the HTTP conformance suite, refused redirects, the README example;
#  3. shows the wrong library refused with a clear error: GOARCH=arm64 against the linux-x64 install and
#     GOARCH=amd64 against the linux-arm64 one stop at the preamble's #error (naming the platforms), not at the
#     linker's "file in wrong format";
#  4. checks the pkg-config files of a cross install in the two other ways a cross build uses them: installed into a
#     sysroot with --destdir (PKG_CONFIG_SYSROOT_DIR), and a prefix moved after installing (--define-prefix,
#     through a PKG_CONFIG wrapper because cgo runs plain `pkg-config`): each builds the arm64 test binary, which
#     passes its vector test under qemu.
# The race detector and cgocheck=2 runs stay in 74-go.sh (x86_64): the race runtime for arm64 is not in Debian's Go.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the release aarch64 libunleashed_signer_ffi.{a,so}}"
source .ci/lib/aarch64.sh
command -v go >/dev/null || apt_need golang-go
command -v pkg-config >/dev/null || apt_need pkg-config
started=$SECONDS

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
host_cargo() { env -u RUSTC -u RUSTDOC cargo "$@"; }
host_cargo build --quiet --release -p unleashed-signer-ffi

echo "-- 1. the C library installed for both platforms (scripts/install.sh)"
bash scripts/install.sh --prefix "$work/linux-x64" --target x86_64-unknown-linux-gnu \
    --artifacts "$CARGO_TARGET_DIR/release" >/dev/null
bash scripts/install.sh --prefix "$work/linux-arm64" --target aarch64-unknown-linux-gnu \
    --artifacts "$AARCH64_DIST" >/dev/null
elf_machine() { od -An -t u2 -j 18 -N 2 "$1" | tr -d ' '; }
for platform in linux-x64 linux-arm64; do
    echo "$platform:"
    (cd "$work/$platform" && find . -type f -o -type l | sort | while read -r file; do
        if [[ -L $file ]]; then echo "   $file -> $(readlink "$file")"
        elif [[ $file == *.so.* ]]; then echo "   $file (ELF machine $(elf_machine "$file"))"
        elif [[ $file == *.a ]]; then
            echo "   $file (ELF machine $(readelf -h "$file" | sed -n 's/^ *Machine: *//p' | sort -u | tr '\n' ' '))"
        else echo "   $file"; fi
    done)
done
[[ $(elf_machine "$work/linux-x64/lib/libunleashed_signer.so.0.1.0") == 62 ]]
[[ $(elf_machine "$work/linux-arm64/lib/libunleashed_signer.so.0.1.0") == 183 ]]
grep -q DUNLEASHED_SIGNER_LIB_AARCH64 "$work/linux-arm64/lib/pkgconfig/unleashed-signer-static.pc"

# Builds the test binary (go test -c) for GOARCH $1 against the install whose pkg-config directory is $2, into $3;
# the rest of the environment comes from the caller. A digest of the install's place, its .pc file and its library
# goes into CGO_CPPFLAGS: the go command's cache keys hold none of them (see 74-go.sh), and would reuse a package
# whose recorded link flags name another install.
build_test() { # goarch pkgconfig-dir output
    local cc=gcc
    [[ $1 == arm64 ]] && cc=aarch64-linux-gnu-gcc
    local digest
    digest=$( (echo "$2 ${PKG_CONFIG_SYSROOT_DIR:-} ${PKG_CONFIG:-}"
        cat "$2"/unleashed-signer-static.pc "$2"/../libunleashed_signer.a) | sha256sum | cut -c1-16)
    (cd bindings/go && PKG_CONFIG_LIBDIR=$2 PKG_CONFIG_PATH= GOOS=linux GOARCH=$1 CC=$cc CGO_ENABLED=1 \
        CGO_CPPFLAGS="-DUNLEASHED_SIGNER_INSTALL_DIGEST=$digest" GOFLAGS=-mod=mod GOPROXY=off \
        go test -c -o "$3" .)
}

# Runs a test binary in the package's directory (as go test does) and prints its counts; fails on any failure or
# when no test passed. `runner` is empty or the qemu command.
run_test() { # label binary runner... -- test-flags...
    local label=$1 binary=$2
    shift 2
    local runner=()
    while [[ $1 != -- ]]; do runner+=("$1"); shift; done
    shift
    local out
    out=$(cd bindings/go && "${runner[@]}" "$binary" -test.count=1 -test.v "$@" 2>&1) || {
        echo "$out"; echo "$label: go test failed" >&2; exit 1; }
    local passed failed
    passed=$(grep -c '^\s*--- PASS' <<<"$out" || true)
    failed=$(grep -c '^\s*--- FAIL' <<<"$out" || true)
    grep -E 'checked|goroutines' <<<"$out" | sed 's/^/   /' || true
    echo "$label: $passed tests and subtests passed, $failed failed"
    ((passed > 0 && failed == 0)) || { echo "$out"; exit 1; }
    printf '%s\n' "$out" >"$work/last-run.log"
}

echo "-- 2. the same source built for both platforms, each against its install"
build_test amd64 "$work/linux-x64/lib/pkgconfig" "$work/unleashed-amd64.test"
build_test arm64 "$work/linux-arm64/lib/pkgconfig" "$work/unleashed-arm64.test"
echo "test binaries: amd64 ELF machine $(elf_machine "$work/unleashed-amd64.test")," \
    "arm64 ELF machine $(elf_machine "$work/unleashed-arm64.test")"
[[ $(elf_machine "$work/unleashed-amd64.test") == 62 && $(elf_machine "$work/unleashed-arm64.test") == 183 ]]
core='^(TestVectors|TestBadInput|TestBadKeys|TestOneKeyFromEightGoroutines|TestStorageZeroAfterClose|TestVersion)$'
run_test "linux/amd64 (native, core tests)" "$work/unleashed-amd64.test" -- -test.run "$core"
run_test "linux/arm64 under qemu (every test)" "$work/unleashed-arm64.test" qemu-aarch64 -L / --
mv "$work/last-run.log" "$work/arm64.log"
# Every top-level test and example of the package ran under qemu (a test missing from the run fails this).
declared=$(cd bindings/go && grep -ohE '^func (Test[A-Za-z0-9_]*)\(t \*testing\.T\)' *_test.go |
    sed -E 's/^func (Test[A-Za-z0-9_]*).*/\1/' | sort -u)
ran=$(grep -oE '^--- PASS: (Test[A-Za-z0-9_]*)' "$work/arm64.log" | sed 's/^--- PASS: //' | sort -u) || true
missing=$(comm -23 <(echo "$declared") <(echo "$ran"))
examples=$(grep -c '^--- PASS: Example' "$work/arm64.log" || true)
[[ -n $declared && -z $missing && $examples -gt 0 ]] || {
    echo "did not pass under qemu: ${missing:-no Test function found} (examples passed: $examples)" >&2; exit 1; }
echo "under qemu: all $(wc -l <<<"$declared") Test functions of the package passed, and $examples example(s)"

echo "-- 3. the wrong platform's library is refused by name"
for wrong in "arm64 linux-x64 linux-x64 (x86_64) library" "amd64 linux-arm64 linux-arm64 (aarch64) library"; do
    read -r goarch install expected <<<"$wrong"
    if build_test "$goarch" "$work/$install/lib/pkgconfig" "$work/wrong.test" >"$work/wrong.log" 2>&1; then
        echo "GOARCH=$goarch built against the $install install" >&2; exit 1
    fi
    grep -q "pkg-config found a $expected, but this build is for another GOARCH" "$work/wrong.log" || {
        cat "$work/wrong.log" >&2; echo "GOARCH=$goarch against $install failed, but not with the #error" >&2; exit 1; }
    echo "GOARCH=$goarch against the $install install: $(grep -o 'error: .*' "$work/wrong.log" | head -n 1)"
done

echo "-- 4. the cross install's pkg-config files from a sysroot and from a moved prefix"
sysroot=$work/sysroot
bash scripts/install.sh --target aarch64-unknown-linux-gnu --destdir "$sysroot" --prefix /usr/local \
    --artifacts "$AARCH64_DIST" >/dev/null
flags=$(PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$sysroot/usr/local/lib/pkgconfig \
    pkg-config --cflags --libs unleashed-signer-static)
echo "sysroot: $flags"
[[ $flags == *"-I$sysroot/usr/local/include "* && $flags == *" -L$sysroot/usr/local/lib -l:libunleashed_signer.a "* ]]
PKG_CONFIG_SYSROOT_DIR=$sysroot build_test arm64 "$sysroot/usr/local/lib/pkgconfig" "$work/sysroot.test"
run_test "linux/arm64 from a sysroot" "$work/sysroot.test" qemu-aarch64 -L / -- -test.run '^TestVectors$'

mv "$work/linux-arm64" "$work/moved"
printf '#!/bin/sh\nexec pkg-config --define-prefix "$@"\n' >"$work/pkg-config-define-prefix"
chmod +x "$work/pkg-config-define-prefix"
flags=$(PKG_CONFIG_LIBDIR=$work/moved/lib/pkgconfig "$work/pkg-config-define-prefix" --cflags --libs \
    unleashed-signer-static)
echo "moved prefix (--define-prefix): $flags"
[[ $flags == *"-I$work/moved/include "* && $flags == *" -L$work/moved/lib -l:libunleashed_signer.a "* ]]
PKG_CONFIG=$work/pkg-config-define-prefix build_test arm64 "$work/moved/lib/pkgconfig" "$work/moved.test"
run_test "linux/arm64 from a moved prefix" "$work/moved.test" qemu-aarch64 -L / -- -test.run '^TestVectors$'

echo "-- Go binding on linux-arm64: passed in $((SECONDS - started)) s"
