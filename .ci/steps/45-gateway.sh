#!/usr/bin/env bash
# The signing gateway (gateway/, unleashed-gateway): its tests, which run the binary against the loopback mock of
# Unleashed with curl and Python's urllib as the clients (e2e cases in both forms, a wrong key, /_all/ over 437
# items, every rule, bad input); the systemd unit checked by `systemd-analyze verify`; the peak memory of /_all/
# over 100,000 items (a release build; fails if an item is missing or out of order); and the load benchmark run
# once, its figures printed (never asserted: timings on a shared machine are not a test).
set -euo pipefail
cd "$(dirname "$0")/../.."
source .ci/lib/debian.sh
started=$SECONDS

# systemd for systemd-analyze: about 10 MB installed, small next to the toolchains other steps install.
apt_need curl python3 systemd

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo test -p unleashed-signer-gateway 2>&1 | tee "$out/test.log"
passed=$(awk '/^test result: ok/ { n += $4 } END { print n + 0 }' "$out/test.log")
if ((passed < 44)); then
    echo "only $passed gateway tests passed: expected at least 44" >&2
    exit 1
fi
echo "-- gateway: $passed tests passed"

cargo build --release -p unleashed-signer-gateway --bin unleashed-gateway --example load
binary=$PWD/target/release/unleashed-gateway

# The unit as shipped, with ExecStart pointing at the binary just built (verify checks that it is executable).
sed "s|/usr/local/bin/unleashed-gateway|$binary|" gateway/dist/unleashed-gateway.service >"$out/unleashed-gateway.service"
if ! systemd-analyze verify "$out/unleashed-gateway.service" 2>"$out/verify.log" || [ -s "$out/verify.log" ]; then
    echo "systemd-analyze verify gateway/dist/unleashed-gateway.service:" >&2
    cat "$out/verify.log" >&2
    exit 1
fi
echo "-- gateway: systemd-analyze verify: the unit is clean"

gateway/scripts/peak-memory.sh "$binary"
./target/release/examples/load 10000 32 2>/dev/null
echo "-- gateway step: $((SECONDS - started)) s"
