#!/usr/bin/env bash
# Benchmarks: build them with the OpenSSL peers and run each benchmark once, untimed (criterion's --test mode),
# which also checks that every peer computes the same signature as ours. Never a timed assertion: the timed run
# and its ratios are `cargo bench -p unleashed-signer-benches --features openssl` (BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The `openssl` feature links libcrypto through openssl-sys, which needs the headers and pkg-config.
if ! pkg-config --exists openssl 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi

cargo clippy --quiet -p unleashed-signer-benches --all-targets --features openssl -- -D warnings
cargo test --quiet -p unleashed-signer-benches --lib
cargo bench --quiet -p unleashed-signer-benches --features openssl --bench signing -- --test
