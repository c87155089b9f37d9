#!/usr/bin/env bash
# The C ABI, beyond what `cargo test` already runs (vectors from C, C++ and Python, bad input, the README program,
# an install used through pkg-config, the header against the cbindgen library):
#  1. the cbindgen command-line tool, at the pinned version, writes exactly the checked-in header;
#  2. the C and C++ consumers and the bad-input test, built with ASan+UBSan (checked with nm to be really linked),
#     run clean;
#  3. the C consumers run under valgrind with zero errors and no definite or indirect leaks.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
CBINDGEN_VERSION=0.29.4

if ! command -v valgrind >/dev/null || ! command -v pkg-config >/dev/null; then
    apt-get update -qq && apt-get install -y -qq valgrind pkg-config >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- cbindgen $CBINDGEN_VERSION (command line) regenerates include/unleashed_signer.h byte for byte"
cbindgen_bin=cbindgen
if [[ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
    tools="$CARGO_TARGET_DIR/ci-tools"
    if [[ "$("$tools/bin/cbindgen" --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]]; then
        cargo install --quiet --locked --root "$tools" cbindgen --version "=$CBINDGEN_VERSION"
    fi
    cbindgen_bin="$tools/bin/cbindgen"
fi
"$cbindgen_bin" --quiet --config ffi/cbindgen.toml --output "$work/unleashed_signer.h" ffi
if ! diff -u include/unleashed_signer.h "$work/unleashed_signer.h"; then
    echo "include/unleashed_signer.h differs from cbindgen's output (above): run" >&2
    echo "    UNLEASHED_BLESS=1 cargo test -p unleashed-signer-ffi --test header" >&2
    exit 1
fi

cargo build --quiet -p unleashed-signer-ffi
lib="$CARGO_TARGET_DIR/debug/libunleashed_signer_ffi.a"
native_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
sanitize=(-g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

build() { # compiler standard output source...
    local compiler=$1 std=$2 out=$3
    shift 3
    "$compiler" "$std" -Wall -Wextra -Werror -pedantic -Iinclude -Iexamples/cpp "$@" "$lib" "${native_libs[@]}" \
        -o "$out"
}

# Whole nm output first: `grep -q` closing the pipe early would make nm fail under pipefail.
require_symbol() { # binary pattern what
    local symbols
    symbols=$(nm "$1")
    if ! grep -qE "$2" <<<"$symbols"; then
        echo "$1 has no $3 symbol ($2): the sanitizer was not linked" >&2
        exit 1
    fi
}

echo "-- ASan+UBSan: C99 vectors, C++17 vectors, bad input"
build gcc -std=c99 "$work/sign_vectors_asan" "${sanitize[@]}" examples/c/sign_vectors.c
build g++ -std=c++17 "$work/sign_vectors_cpp_asan" "${sanitize[@]}" examples/cpp/sign_vectors.cpp
build gcc -std=c99 "$work/bad_input_asan" "${sanitize[@]}" ffi/tests/c/bad_input.c
for exe in sign_vectors_asan sign_vectors_cpp_asan bad_input_asan; do
    require_symbol "$work/$exe" '__asan_init' AddressSanitizer
    require_symbol "$work/$exe" '__ubsan_handle_' UndefinedBehaviorSanitizer
done
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$work/sign_vectors_asan" testdata/vectors.txt
"$work/sign_vectors_cpp_asan" testdata/vectors.txt
"$work/bad_input_asan" "$version"
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "-- valgrind: C99 vectors and bad input"
build gcc -std=c99 "$work/sign_vectors" -g examples/c/sign_vectors.c
build gcc -std=c99 "$work/bad_input" -g ffi/tests/c/bad_input.c
valgrind=(valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect)
"${valgrind[@]}" "$work/sign_vectors" testdata/vectors.txt
"${valgrind[@]}" "$work/bad_input" "$version"

echo "-- C ABI checks passed"
