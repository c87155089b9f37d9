#!/usr/bin/env bash
# The Go binding (bindings/go) as a Go user builds it: the C library installed with scripts/install.sh into a
# temporary prefix, found by cgo through pkg-config (unleashed-signer-static), with Debian's Go and no module proxy.
# Runs go vet, the tests (every vector, bad input, 8 goroutines, wiped storage, net/http through Transport against
# testing/mock_unleashed.py, the HTTP conformance suite on its two origins, refused redirects, the README example), the tests again under the race detector and with cgo's full
# pointer checks, and each benchmark once.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

missing=()
command -v go >/dev/null || missing+=(golang-go)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
go version

# Fresh target/release artifacts are reused (cargo only checks them); stale or missing ones are rebuilt.
cargo build --quiet --release -p unleashed-signer-ffi
prefix="$CARGO_TARGET_DIR/go-binding-prefix"
rm -rf "$prefix"
bash scripts/install.sh --prefix "$prefix" --artifacts "$CARGO_TARGET_DIR/release" >/dev/null

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# The go command's cache keys hold the CGO_* variables but neither pkg-config's output nor the files it names, so
# a package built against another install would be reused: a digest of this one goes into CGO_CPPFLAGS.
digest=$(cat "$prefix/lib/pkgconfig/unleashed-signer-static.pc" "$prefix/include/unleashed_signer.h" \
    "$prefix/lib/libunleashed_signer.a" | sha256sum | cut -c1-16)
export CGO_CPPFLAGS="-DUNLEASHED_SIGNER_INSTALL_DIGEST=$digest"
export CGO_ENABLED=1 GOFLAGS=-mod=mod GOPROXY=off
cd bindings/go

echo "-- go vet"
go vet ./...

# A run that finds no tests must fail, however go test reports it.
run_tests() {
    local out
    out=$(go test -count=1 -v "$@" ./... 2>&1) || { echo "$out"; return 1; }
    grep -E '^ok |checked' <<<"$out" || true
    if grep -qE 'no test files|no tests to run' <<<"$out" || ! grep -q '^--- PASS: TestTransportEndToEnd' <<<"$out" ||
        ! grep -q '^--- PASS: TestConformance' <<<"$out"; then
        echo "go test ran no tests, or not the end-to-end and conformance ones" >&2
        return 1
    fi
    echo "$(grep -c '^--- PASS' <<<"$out") tests passed; conformance cases ok (with Origin set, and unset): $(
        grep -oE 'conformance go \(Origin "http[^"]*"\) [a-z0-9-]+: ok$' <<<"$out" | sed -E 's/.*\) ([a-z0-9-]+): ok/\1/' |
            tr '\n' ' ')/ $(grep -c 'conformance go (Origin "") .*: ok$' <<<"$out")"
}
echo "-- go test"
run_tests
echo "-- go test -race"
run_tests -race
echo "-- go test with GODEBUG=cgocheck=2 (checks every store of a Go pointer into C memory too)"
GODEBUG=cgocheck=2 run_tests

echo "-- benchmarks, each once"
go test -count=1 -run '^$' -bench . -benchtime 1x ./... >/dev/null

echo "-- Go binding checks passed"
