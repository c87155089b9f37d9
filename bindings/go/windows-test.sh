#!/usr/bin/env bash
# The Go binding for Windows x64, run under Wine (called by .ci/steps/33-windows.sh with WINE and WINDOWS_DIST set):
# cgo cross-compiles with MinGW against the static library of scripts/build-windows.sh (found through a
# unleashed-signer-static.pc written here, as scripts/install.sh's is on Linux), and `go test -exec wine64` runs
# the Windows test binary: every vector, bad input, 8 goroutines, wiped storage, the README example.
# The tests that start testing/mock_unleashed.py fail there (a Windows program cannot start the Linux python3):
# they test net/http through Transport, the same Go code on every platform, and 74-go.sh runs them. Such a test is
# named in the summary; any other failure, or a core test missing, fails this script.
set -euo pipefail
cd "$(dirname "$0")"
: "${WINE:?set WINE to wine64}" "${WINDOWS_DIST:?set WINDOWS_DIST to scripts/build-windows.sh\'s output}"

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

# Every test runs; a test may fail only because it could not start python3 (the mock server), and is then named.
out=$(go test -count=1 -v -exec "$WINE" . 2>&1 | tr -d '\r') || true
summary=$(python3 - "$out" <<'PY'
import re, sys
blocks, current = {}, None
for line in sys.argv[1].splitlines():
    m = re.match(r"=== RUN   ((?:Test|Example)\w*)$", line)
    if m:
        current = m.group(1)
    if current:
        blocks.setdefault(current, []).append(line)
passed = sorted(set(re.findall(r"^--- PASS: ((?:Test|Example)\w*) ", sys.argv[1], re.M)))
failed = sorted(set(re.findall(r"^--- FAIL: ((?:Test|Example)\w*) ", sys.argv[1], re.M)))
python = [t for t in failed if 'exec: "python3": executable file not found' in "\n".join(blocks.get(t, []))]
other = [t for t in failed if t not in python]
required = {"TestVectors", "TestBadInput", "TestBadKeys", "TestOneKeyFromEightGoroutines", "TestStorageZeroAfterClose"}
if other or not required <= set(passed) or not re.search(r"^(FAIL|ok)\s", sys.argv[1], re.M):
    print("FAILED: " + " ".join(other) + " missing: " + " ".join(sorted(required - set(passed))))
else:
    print(f"{len(passed)} tests and examples passed; {len(python)} need the Linux python3 mock and cannot start it"
          f" from Windows: {' '.join(python)}")
PY
)
grep -E 'checked|goroutines' <<<"$out" || true
if [[ $summary == FAILED* ]]; then
    echo "$out"
    echo "go test under Wine: $summary" >&2
    exit 1
fi
echo "   go test under Wine: $summary"
