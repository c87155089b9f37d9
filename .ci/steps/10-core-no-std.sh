#!/usr/bin/env bash
# The core crate must build without std and without allocating, the independent Python implementation must
# still agree with the checked-in signing vectors, and the end-to-end cases must be what their script writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "-- no 'extern crate std/alloc' in core/src"
if grep -rnE 'extern crate (std|alloc)' core/src; then
    echo "core/ must not link std or alloc" >&2
    exit 1
fi
cargo build --quiet -p unleashed-signer --no-default-features

echo "-- core/no-std-check: a #![no_std] staticlib with its own panic handler (std linked in = duplicate lang item)"
cargo build --quiet --manifest-path core/no-std-check/Cargo.toml
cargo build --quiet --release --manifest-path core/no-std-check/Cargo.toml
for profile in debug release; do
    lib="$CARGO_TARGET_DIR/$profile/libunleashed_signer_no_std_check.a"
    # Whole output first: `grep -q` closing the pipe early would make nm fail under pipefail.
    symbols=$(nm "$lib" 2>/dev/null)
    if ! grep -q ' T unleashed_no_std_check_sign$' <<<"$symbols"; then
        echo "$lib does not define unleashed_no_std_check_sign: the signer was not linked" >&2
        exit 1
    fi
done

echo "-- unleashed-signer's normal dependencies: only reviewed no_std crates, no std or alloc feature"
# A new dependency must be checked to be no_std (and built with default-features = false) before it is added here.
allowed=" base64ct block-buffer cfg-if cpufeatures crypto-common digest hybrid-array libc sha2 typenum unleashed-signer zeroize "
deps=$(cargo tree --quiet -p unleashed-signer -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
for dep in $deps; do
    if [[ "$allowed" != *" $dep "* ]]; then
        echo "unleashed-signer depends on '$dep', which is not on the reviewed no_std list in $0" >&2
        exit 1
    fi
done
if cargo tree --quiet -p unleashed-signer -e normal,features --prefix none | grep -E 'feature "(std|alloc)"'; then
    echo "a dependency of unleashed-signer has its std or alloc feature on: use default-features = false" >&2
    exit 1
fi

echo "-- testdata/vectors.txt equals a fresh run of scripts/gen_vectors.py (Python hmac + openssl)"
if ! command -v openssl >/dev/null; then
    apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi
UNLEASHED_REQUIRE_PYTHON=1 cargo test --quiet -p unleashed-signer --test vectors

echo "-- testdata/e2e_cases.txt equals a fresh run of scripts/gen_e2e_cases.py"
python3 scripts/gen_e2e_cases.py --check

echo "-- testdata/http_conformance.txt equals a fresh run of scripts/gen_http_conformance.py"
python3 scripts/gen_http_conformance.py --check

echo "-- the HTTP conformance cases, run by the standard-library reference client against testing/mock_unleashed.py"
python3 -m unittest testing/test_conformance_reference.py
