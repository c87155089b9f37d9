#!/usr/bin/env bash
# Linux arm64 (aarch64-unknown-linux-gnu), built with Debian's Rust toolchain and run under qemu-user:
#  1. the core, the C ABI (static and shared) and the CLI build; the CLI signs under qemu as it does natively;
#  2. the core's tests under qemu, with sha2's hardware backend (qemu's CPU has the SHA-2 instructions) and again
#     with its software backend (`--cfg sha2_backend="soft"`), each build checked with objdump to really contain,
#     or not, the `sha256h` instruction;
#  3. the C ABI's tests under qemu: the ABI list and the C, C++ and bad-input programs built with the cross
#     toolchain against the aarch64 library (ffi/tests/support), with their counts printed; and a check that those
#     tests fail when pointed at the x86_64 library;
#  4. residue/scan_qemu.py: 0 pieces of any key-derived secret after clear on every path, in the guest's memory
#     and in its registers, and a control run that finds the live key;
#  5. the glibc floor of the release C library, x86_64 and aarch64 (scripts/glibc_floor.py);
#  6. each runtime's package with both arches, and its tests on arm64 (bindings/*/arm64-test.sh).
# The tests run the dev profile (`sha2` at opt-level 3, as in every profile); only the residue scan builds release,
# what ships (measured: an all-release step costs half as much CPU again, for the tests' dev-dependencies). qemu
# runs are kept short: the 8-thread test signs 5,000 messages a thread instead of 100,000, proptest runs 64 cases
# instead of 1,024. A cold run takes about 7 minutes on two cores, plus 2 for the toolchain.
# The Python binding's test in ffi/tests/consumers.rs is skipped here: the host's python3 cannot load an aarch64
# library (it fails, rather than passing, when run under a cross target); bindings/python/arm64-test.sh runs the
# Python tests on Debian's arm64 CPython under qemu instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
source .ci/lib/aarch64.sh
aarch64_toolchain
started=$SECONDS
# rustup's cargo and compiler for host builds: the exported RUSTC (Debian's) would rebuild target/debug with another
# compiler than the other steps use.
host_cargo() { env -u RUSTC -u RUSTDOC cargo "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UNLEASHED_SIGNATURES_PER_THREAD=5000 PROPTEST_CASES=64

# Runs cargo test, prints its output, and fails unless every test binary reported and nothing failed; prints the
# total passed. `name` labels the count.
cargo_test() { # name cargo-test-arguments...
    local name=$1 log="$work/$1.log"
    shift
    if ! "$DEB_CARGO" test "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "$name: cargo test failed" >&2
        exit 1
    fi
    local passed
    passed=$(awk '/^test result: ok\./ { sum += $4 } END { print sum + 0 }' "$log")
    echo "$name: $passed tests passed under qemu"
    ((passed > 0)) || { echo "$name: no test ran" >&2; exit 1; }
}

# Counts `sha256h` instructions in a test executable.
sha256h_count() {
    aarch64-linux-gnu-objdump -d "$1" | grep -c $'\tsha256h\t' || true
}

# The executables `cargo test --no-run` built, one per line.
test_executables() {
    "$DEB_CARGO" test --no-run --message-format=json "$@" 2>/dev/null |
        python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") and message["profile"]["test"]:
        print(message["executable"])'
}

echo "-- build for $AARCH64_TARGET: core, C ABI, CLI"
out=$(scripts/build-aarch64.sh -p unleashed-signer-ffi -p unleashed-signer-cli | tail -n 1)
host_cargo build --quiet -p unleashed-signer-cli
key=ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==
cli_args=(headers "https://api.unleashedsoftware.com/Customers?customerName=Acme%20%26%20Sons&modifiedSince=2024-01-01T00:00:00")
cli_env=(env UNLEASHED_API_ID=00000000-0000-0000-0000-000000000000 UNLEASHED_API_KEY="$key"
    UNLEASHED_CLIENT_TYPE=acme/ci)
native=$("${cli_env[@]}" "$CARGO_TARGET_DIR/debug/unleashed-sign" "${cli_args[@]}")
emulated=$("${cli_env[@]}" qemu-aarch64 -L / "$out/unleashed-sign" "${cli_args[@]}")
if [[ -z $native || $native != "$emulated" ]]; then
    printf 'the aarch64 CLI printed:\n%s\nthe x86_64 one:\n%s\n' "$emulated" "$native" >&2
    exit 1
fi
echo "the aarch64 CLI prints the same signed headers as the x86_64 one"

echo "-- the core's tests under qemu, sha2's hardware backend"
cargo_test "core (hardware SHA-2)" --target "$AARCH64_TARGET" -p unleashed-signer
hardware=$(test_executables --target "$AARCH64_TARGET" -p unleashed-signer --test vectors)
count=$(sha256h_count "$hardware")
echo "sha256h instructions in the hardware build's vectors test: $count"
((count > 0)) || { echo "the hardware build has no sha256h: sha2's aarch64 backend is not compiled in" >&2; exit 1; }

echo "-- the core's tests under qemu, sha2's software backend"
soft_target="$CARGO_TARGET_DIR/aarch64-soft-sha2"
CARGO_TARGET_DIR=$soft_target RUSTFLAGS='--cfg sha2_backend="soft"' \
    cargo_test "core (software SHA-2)" --target "$AARCH64_TARGET" -p unleashed-signer
soft=$(CARGO_TARGET_DIR=$soft_target RUSTFLAGS='--cfg sha2_backend="soft"' \
    test_executables --target "$AARCH64_TARGET" -p unleashed-signer --test vectors)
count=$(sha256h_count "$soft")
echo "sha256h instructions in the software build's vectors test: $count"
((count == 0)) || { echo "the software build still uses sha256h: RUSTFLAGS did not reach sha2" >&2; exit 1; }

echo "-- the C ABI's tests under qemu (ABI list, C, C++, bad input, pkg-config install)"
cargo_test "ffi" --target "$AARCH64_TARGET" -p unleashed-signer-ffi -- \
    --skip python_binding_tests_pass_against_the_shared_library

echo "-- the C and C++ vector programs and the bad-input test, under qemu (the counts the tests above check)"
native_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude examples/c/sign_vectors.c \
    "$out/libunleashed_signer_ffi.a" "${native_libs[@]}" -o "$work/sign_vectors"
aarch64-linux-gnu-g++ -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude -Iexamples/cpp \
    examples/cpp/sign_vectors.cpp "$out/libunleashed_signer_ffi.a" "${native_libs[@]}" -o "$work/sign_vectors_cpp"
aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude ffi/tests/c/bad_input.c \
    "$out/libunleashed_signer_ffi.a" "${native_libs[@]}" -o "$work/bad_input"
counted() { # label program arguments...: runs it under qemu; its last line must be "N passed, 0 failed", N > 0
    local label=$1 line
    shift
    line=$(qemu-aarch64 -L / "$@" | tail -n 1)
    echo "$label under qemu: $line"
    [[ $line =~ ([0-9]+)\ passed,\ 0\ failed$ ]] && ((BASH_REMATCH[1] > 0)) || { echo "$label failed" >&2; exit 1; }
}
counted "C99 vectors" "$work/sign_vectors" testdata/vectors.txt
counted "C++17 vectors" "$work/sign_vectors_cpp" testdata/vectors.txt
counted "C bad input" "$work/bad_input" "$version"

echo "-- the same tests pointed at the x86_64 library must fail"
host_cargo build --quiet -p unleashed-signer-ffi
if UNLEASHED_FFI_LIB_DIR="$CARGO_TARGET_DIR/debug" "$DEB_CARGO" test --target "$AARCH64_TARGET" \
    -p unleashed-signer-ffi --test abi >"$work/wrong-arch.log" 2>&1; then
    cat "$work/wrong-arch.log" >&2
    echo "ffi/tests/abi.rs passed on the x86_64 library under an aarch64 run" >&2
    exit 1
fi
grep -q 'is for ELF machine 62, but these tests run on aarch64' "$work/wrong-arch.log" || {
    cat "$work/wrong-arch.log" >&2
    echo "ffi/tests/abi.rs failed on the x86_64 library, but not for its architecture" >&2
    exit 1
}
echo "pointed at the x86_64 library, ffi/tests/abi.rs fails: $(grep -o 'is for ELF machine 62[^:]*' "$work/wrong-arch.log" | head -n 1)"

echo "-- residue: what is left of a key after clear, aarch64 under qemu"
# Two builds: built together, residue's RustCrypto peer (sha2 with its "zeroize" feature) would unify that feature
# into the core the C library links, and the scan would measure a library that differs from the one that ships.
# The C library last, alone, as it ships and as the runtime packages below take it.
scripts/build-aarch64.sh --release -p unleashed-signer-residue >/dev/null
release=$(scripts/build-aarch64.sh --release -p unleashed-signer-ffi | tail -n 1)
python3 residue/scan_qemu.py --lib-dir "$release" --bin-dir "$release" --check \
    --markdown "$CARGO_TARGET_DIR/residue-aarch64.md"

echo "-- the oldest glibc the C library loads with, on both arches (README, Platforms: 2.34)"
host_cargo build --quiet --release -p unleashed-signer-ffi
python3 scripts/glibc_floor.py --max 2.34 "$CARGO_TARGET_DIR/release/libunleashed_signer_ffi.so" \
    "$release/libunleashed_signer_ffi.so"

# Each runtime's package for both arches, its file list, and its tests on arm64 (bindings/*/arm64-test.sh, each
# saying what it covers and, where its runtime cannot run under qemu, why and what it tests instead). They get the
# release C library built above.
for binding_test in bindings/*/arm64-test.sh; do
    [[ -e $binding_test ]] || continue
    echo "-- $binding_test"
    AARCH64_DIST=$release bash "$binding_test"
done

echo "-- aarch64 checks passed in $((SECONDS - started)) s (after installing the toolchain)"
