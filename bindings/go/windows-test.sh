#!/usr/bin/env bash
# The Go binding for Windows x64, run under Wine (called by .ci/steps/33-windows.sh with WINE and WINDOWS_DIST set):
# cgo cross-compiles with MinGW against the static library of scripts/build-windows.sh (found through a
# unleashed-signer-static.pc written here, as scripts/install.sh's is on Linux), and `go test -exec wine64` runs
# the Windows test binary: every vector, bad input, 8 goroutines, wiped storage, the README example.
# Left out, by name: the tests that start testing/mock_unleashed.py, a Linux python3 the Windows test binary cannot
# start (they test net/http through Transport, which is the same Go code on every platform; 74-go.sh runs them).
set -euo pipefail
cd "$(dirname "$0")"
: "${WINE:?set WINE to wine64}" "${WINDOWS_DIST:?set WINDOWS_DIST to scripts/build-windows.sh\'s output}"
needs_linux_python='^(TestTransportEndToEnd|TestTransportRequest)$'

pc=$(mktemp -d)
trap 'rm -rf "$pc"' EXIT
cat >"$pc/unleashed-signer-static.pc" <<EOF
Name: unleashed-signer-static
Description: unleashed-signer, static library for Windows x64 (MinGW)
Version: $(sed -n 's/^version = "\(.*\)"$/\1/p' ../../Cargo.toml | head -n 1)
Cflags: -I$WINDOWS_DIST/include
Libs: $WINDOWS_DIST/libunleashed_signer.a -lkernel32 -lntdll -luserenv -lws2_32 -ldbghelp
EOF
digest=$(cat "$pc/unleashed-signer-static.pc" "$WINDOWS_DIST/libunleashed_signer.a" | sha256sum | cut -c1-16)
export PKG_CONFIG_PATH=$pc GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc GOFLAGS=-mod=mod \
    GOPROXY=off CGO_CPPFLAGS="-DUNLEASHED_SIGNER_INSTALL_DIGEST=$digest"

list=$(go test -exec "$WINE" -list '.*' . | tr -d '\r' | grep -E '^(Test|Example)')
for name in TestTransportEndToEnd TestTransportRequest; do
    grep -qx "$name" <<<"$list" || { echo "$name is gone: update needs_linux_python in $0" >&2; exit 1; }
done
run=$(grep -vE "$needs_linux_python" <<<"$list" | paste -sd'|')
out=$(go test -count=1 -v -exec "$WINE" -run "^($run)\$" . 2>&1 | tr -d '\r') || { echo "$out"; exit 1; }
passed=$(grep -c '^--- PASS' <<<"$out" || true)
grep -E 'checked|goroutines' <<<"$out" || true
if grep -q '^--- FAIL' <<<"$out" || [[ $passed -ne $(wc -l <<<"${run//|/$'\n'}") ]]; then
    echo "$out"
    echo "go test under Wine: not every selected test passed" >&2
    exit 1
fi
echo "   go test under Wine: $passed tests and examples passed (left out: ${needs_linux_python//[\^\$()]/})"
