#!/usr/bin/env bash
# Builds the C library for Windows x64 (x86_64-pc-windows-gnu) on Linux, and checks what it built:
#
#   DIR/unleashed_signer.dll        the shared library (std, panic=unwind: a panic is UNLEASHED_PANIC, as on Linux)
#   DIR/libunleashed_signer.dll.a   its import library for MinGW gcc/clang (names unleashed_signer.dll)
#   DIR/unleashed_signer.def        the export list (MSVC: `lib /def:unleashed_signer.def /machine:x64` makes a .lib)
#   DIR/libunleashed_signer.a       the static library; link it with -lkernel32 -lntdll -luserenv -lws2_32 -ldbghelp
#   DIR/include/unleashed_signer.h  the same header as everywhere (define UNLEASHED_SHARED to use the DLL)
#
# There is no prebuilt Windows std for a recent rustc in Debian, so std is built from source (-Zbuild-std, with
# Debian's rustc-web and rust-web-src) and linked with MinGW-w64 (gcc-mingw-w64-x86-64). The checks, which fail the
# script: the DLL exports exactly the functions of ffi/abi/0.1.txt (x86_64-w64-mingw32-objdump -p), the import
# library provides each of them, and the DLL needs only DLLs every Windows 10 has (no MinGW runtime DLL to ship).
#
# usage: scripts/build-windows.sh [--out DIR]    (DIR defaults to $CARGO_TARGET_DIR/windows-x64, or target/...)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
target_root=${CARGO_TARGET_DIR:-$repo/target}
out=$target_root/windows-x64
while [[ $# -gt 0 ]]; do
    case $1 in
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-windows.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# shellcheck source=../.ci/lib/debian.sh
source "$repo/.ci/lib/debian.sh"
debian_rust rust-web-src gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev

triple=x86_64-pc-windows-gnu
# A target directory of its own: Debian's rustc would otherwise rebuild the host build scripts that rustup's
# rustc built, and back again.
build_dir=$target_root/windows-build
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$build_dir "$DEB_CARGO" build --quiet --release -p unleashed-signer-ffi \
    -Zbuild-std=std,panic_abort --target "$triple"
built=$build_dir/$triple/release

mkdir -p "$out/include"
x86_64-w64-mingw32-strip --strip-unneeded -o "$out/unleashed_signer.dll" "$built/unleashed_signer_ffi.dll"
cp "$built/libunleashed_signer_ffi.a" "$out/libunleashed_signer.a"
cp "$repo/include/unleashed_signer.h" "$out/include/"
# Cargo names the DLL after the crate (unleashed_signer_ffi); the import library is made from the ABI's export
# list so that programs linked with it load unleashed_signer.dll.
expected=$(sed -n 's/^function \([a-z_0-9]*\)$/\1/p' "$repo/ffi/abi/0.1.txt" | sort)
{
    echo "LIBRARY unleashed_signer.dll"
    echo "EXPORTS"
    sed 's/^/    /' <<<"$expected"
} >"$out/unleashed_signer.def"
x86_64-w64-mingw32-dlltool --input-def "$out/unleashed_signer.def" --dllname unleashed_signer.dll \
    --output-lib "$out/libunleashed_signer.dll.a"

fail() {
    echo "build-windows.sh: $*" >&2
    exit 1
}

# The exports: objdump -p prints the export table's "[Ordinal/Name Pointer] Table" as lines "[   N] name".
dump=$(x86_64-w64-mingw32-objdump -p "$out/unleashed_signer.dll")
exported=$(sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/s/^\t\[ *[0-9]*\] \(.*\)$/\1/p' <<<"$dump" | sort)
[[ -n $expected ]] || fail "no function lines in ffi/abi/0.1.txt"
if [[ "$exported" != "$expected" ]]; then
    diff <(echo "$expected") <(echo "$exported") >&2 || true
    fail "unleashed_signer.dll exports differ from ffi/abi/0.1.txt (< expected, > exported)"
fi
echo "-- unleashed_signer.dll exports the $(wc -l <<<"$exported") functions of ffi/abi/0.1.txt, nothing else"

symbols=$(x86_64-w64-mingw32-nm "$out/libunleashed_signer.dll.a")
while read -r name; do
    grep -qx "[0-9a-f]* I __imp_$name" <<<"$symbols" || fail "libunleashed_signer.dll.a has no import for $name"
done <<<"$expected"
names=$(strings "$out/libunleashed_signer.dll.a")
grep -q 'unleashed_signer\.dll' <<<"$names" ||
    fail "libunleashed_signer.dll.a does not name unleashed_signer.dll"

# Only system DLLs: a dependency on libgcc_s_seh-1.dll or libwinpthread-1.dll would have to be shipped too.
# bcryptprimitives.dll (ProcessPrng) is Windows 10's, which Rust's std requires since 1.78.
system_dlls='^(KERNEL32|msvcrt|ntdll|USERENV|WS2_32|bcryptprimitives|api-ms-win-core-[a-z0-9-]+)\.dll$'
needed=$(sed -n 's/^\tDLL Name: //p' <<<"$dump")
while read -r dll; do
    [[ $dll =~ $system_dlls ]] || fail "unleashed_signer.dll needs $dll, which Windows does not provide"
done <<<"$needed"
echo "-- it needs only system DLLs: $(tr '\n' ' ' <<<"$needed")"
echo "-- built in $out: $(cd "$out" && ls -- *.dll *.a *.def | tr '\n' ' ')"
