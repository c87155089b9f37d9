#!/usr/bin/env bash
# Windows x64: builds unleashed_signer.dll, its import library and the static library (scripts/build-windows.sh,
# which also checks the exports against ffi/abi/0.1.txt), then runs under Wine, each linked against the DLL and
# statically:
#  1. the C vector program over testdata/vectors.txt (every vector);
#  2. ffi/tests/c/bad_input.c (every bad input);
#  3. ffi/tests/windows/registers.c: xmm6-xmm15 (callee-saved on Windows x64) survive every export, and the
#     volatile vector state is zero after each (the key-hygiene clear);
#  4. residue/scan_wine.py: no piece of any key-derived secret in the Wine process's memory after clear (DLL).
# Then the runtimes' Windows builds that can run here (bindings/*/windows-test.sh, each saying what it covers).
# Wine's timings mean nothing: nothing here measures speed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
started=$SECONDS

source .ci/lib/debian.sh
debian_rust rust-web-src gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev
apt_need wine64 golang-go

scripts/build-windows.sh
dist=$CARGO_TARGET_DIR/windows-x64

work=$(mktemp -d)
# Wine's first start creates a prefix (~20 s): a throw-away one, and its wineserver stopped at the end.
export WINEPREFIX=$work/wine WINEDEBUG=-all
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
trap '"$wineserver" -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$wine" wineboot --init >/dev/null 2>&1
if [[ ! -e /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/bcryptprimitives.dll ]]; then
    echo "-- this Wine ($("$wine" --version)) has no bcryptprimitives.dll: installing the test stand-in"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        ffi/tests/windows/bcryptprimitives_shim.c -ladvapi32
fi

cflags=(-std=c99 -O2 -Wall -Wextra -Werror -pedantic -Iinclude)
static_libs=(-lkernel32 -lntdll -luserenv -lws2_32 -ldbghelp)
cp "$dist/unleashed_signer.dll" "$work/"
build() { # name source
    x86_64-w64-mingw32-gcc "${cflags[@]}" -DUNLEASHED_SHARED "$2" "$dist/libunleashed_signer.dll.a" \
        -o "$work/$1_dll.exe"
    x86_64-w64-mingw32-gcc "${cflags[@]}" "$2" "$dist/libunleashed_signer.a" "${static_libs[@]}" \
        -o "$work/$1_static.exe"
    # The DLL build must really use the DLL, the static one must not. (Whole objdump output first: `grep -q`
    # closing the pipe early would make objdump fail under pipefail.)
    local imports
    imports=$(x86_64-w64-mingw32-objdump -p "$work/$1_dll.exe")
    grep -q 'DLL Name: unleashed_signer.dll' <<<"$imports" ||
        { echo "$1_dll.exe does not import unleashed_signer.dll" >&2; exit 1; }
    imports=$(x86_64-w64-mingw32-objdump -p "$work/$1_static.exe")
    if grep -q 'DLL Name: unleashed_signer' <<<"$imports"; then
        echo "$1_static.exe imports unleashed_signer.dll" >&2
        exit 1
    fi
}
# The register test must call every export of the ABI (a new export needs its probe there).
for name in $(sed -n 's/^function //p' ffi/abi/0.1.txt); do
    grep -q "(export_fn)$name," ffi/tests/windows/registers.c ||
        { echo "ffi/tests/windows/registers.c does not probe $name" >&2; exit 1; }
done
build sign_vectors examples/c/sign_vectors.c
build bad_input ffi/tests/c/bad_input.c
build registers ffi/tests/windows/registers.c

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
run() { # exe args...: runs under Wine, prints its output, fails unless it exits 0 with "N passed, 0 failed"
    local output
    # Windows' C runtime writes text with CRLF.
    output=$(cd "$work" && "$wine" "$@" 2>&1 | tr -d '\r'; exit "${PIPESTATUS[0]}") ||
        { echo "$output" >&2; echo "wine $1 failed" >&2; exit 1; }
    echo "   $1: $(grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$output" | tail -n 1)"
    grep -qE '(^|: )[1-9][0-9]* passed, 0 failed$' <<<"$output" || { echo "$output" >&2; exit 1; }
}
echo "-- under Wine ($("$wine" --version)): vectors, bad input, registers; DLL and static"
for linkage in dll static; do
    run "sign_vectors_$linkage.exe" "$PWD/testdata/vectors.txt"
    run "bad_input_$linkage.exe" "$version"
    run "registers_$linkage.exe"
done

echo "-- residue/scan_wine.py: what is left of a key after clear (DLL; scan.py's needles, control must find)"
python3 residue/scan_wine.py --dist "$dist" --wine "$wine" --linkage dll --check

for binding_test in bindings/*/windows-test.sh; do
    [[ -e $binding_test ]] || continue
    echo "-- $binding_test"
    WINE=$wine WINDOWS_DIST=$dist bash "$binding_test"
done
echo "-- Windows x64 checks passed ($((SECONDS - started)) s)"
