#!/usr/bin/env bash
# Mutation testing of the code that holds secrets and verifies signatures: cargo-mutants changes each line of the
# core's key.rs, sha256.rs and sign.rs in turn (`>` to `>=`, a function body to a default value, a `Drop` to
# nothing, ...) and runs the core's tests against each change. A change no test notices ("missed") fails this
# step, and so does one that makes the tests hang ("timeout"). Equivalent mutants, which no test can notice because
# they do not change behaviour, are excluded in .cargo/mutants.toml, each with its reason.
#
# The tests run are the core's unit and integration tests with two cuts that keep the step to minutes: proptest
# runs 32 cases instead of 1024, and the 8-thread test (19 s a run, thread sharing only) is skipped. With them,
# every mutant here is still caught. docs/testing.md's "Mutation testing" runs the full set.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=27.1.0
if [[ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $version" ]]; then
    cargo install --locked --version "$version" cargo-mutants
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
PROPTEST_CASES=32 cargo mutants --package unleashed-signer \
    --file core/src/key.rs --file core/src/sha256.rs --file core/src/sign.rs \
    --jobs 1 --minimum-test-timeout 60 --output "$out" --no-shuffle \
    -- --tests -- --skip eight_threads || status=$?
# cargo-mutants exits 2 when a mutant was missed, 3 on a timeout, 4 when the unmutated tests fail.
if ((status != 0)); then
    for kind in missed timeout; do
        if [[ -s "$out/mutants.out/$kind.txt" ]]; then
            echo "cargo-mutants: $kind mutants (add a test that notices each, or an exclusion with its reason):" >&2
            sed 's/^/  /' "$out/mutants.out/$kind.txt" >&2
        fi
    done
    echo "cargo-mutants failed with exit status $status" >&2
    exit "$status"
fi
caught=$(wc -l <"$out/mutants.out/caught.txt")
if ((caught == 0)); then
    echo "cargo-mutants caught no mutant: nothing was tested" >&2
    exit 1
fi
echo "-- mutants: $caught caught, $(wc -l <"$out/mutants.out/unviable.txt") unviable, 0 missed, 0 timeouts"
