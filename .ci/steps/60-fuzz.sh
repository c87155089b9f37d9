#!/usr/bin/env bash
# Fuzz smoke run: checks the fuzz crate (fmt, clippy, its oracles' tests), then runs every cargo-fuzz target for a
# bounded time (FUZZ_SECONDS, default 30) from its checked-in seed corpus. Any crash, leak or timeout fails the step.
# New corpus entries go to a temporary directory, so the checked-in seeds are never changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}

# cargo-fuzz needs -Z flags (sanitizers, coverage passes): use nightly where rustup has it, else let the stable
# compiler accept them with RUSTC_BOOTSTRAP=1. Both were checked to work on this kind of machine (fuzz/README.md).
if cargo +nightly --version >/dev/null 2>&1; then
    toolchain=(+nightly)
else
    toolchain=()
    export RUSTC_BOOTSTRAP=1
fi
echo "fuzzing with $(cargo "${toolchain[@]}" --version)${RUSTC_BOOTSTRAP:+ and RUSTC_BOOTSTRAP=1}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked --quiet cargo-fuzz
fi

# Its own target directory: fuzz builds use different RUSTFLAGS and would rebuild the workspace's artifacts.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"

cargo fmt --manifest-path fuzz/Cargo.toml --check
cargo clippy --quiet --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings
cargo test --quiet --manifest-path fuzz/Cargo.toml --lib

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd fuzz
cargo "${toolchain[@]}" fuzz build
for target in $(cargo fuzz list); do
    echo "-- fuzz $target for ${seconds}s"
    mkdir -p "$scratch/$target"
    if ! cargo "${toolchain[@]}" fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$scratch/$target.log" 2>&1; then
        tail -n 60 "$scratch/$target.log"
        echo "fuzz target $target failed: the crashing input is in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    grep -E '^(Done|stat::number_of_executed_units)' "$scratch/$target.log" || true
done
