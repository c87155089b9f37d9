#!/usr/bin/env bash
# Peak memory of unleashed-gateway serving one /_all/ list of 100,000 items (BENCHMARKS.md, "Signing gateway"):
# the loopback mock (testing/mock_unleashed.py) serves 100 pages of 1,000 items, each item padded with PADDING
# characters of notes (default 1000, so the merged document is about 106 MB); the gateway's VmHWM (peak resident
# memory, from /proc) is read before and after, and the document is checked: every item once, in order.
#
# Usage: gateway/scripts/peak-memory.sh PATH/TO/unleashed-gateway [PADDING]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$1 padding=${2:-1000}
export MOCK_UNLEASHED_API_ID=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d
export MOCK_UNLEASHED_API_KEY=ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==
out=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$out"' EXIT
mkfifo "$out/mock-port" "$out/mock-stdin"
# The mock stops when its stdin closes: this script holds the pipe open until it exits.
exec 4<>"$out/mock-stdin"
python3 testing/mock_unleashed.py --form decoded --lifetime 600 --list-items 100000 --list-padding "$padding" \
    >"$out/mock-port" <"$out/mock-stdin" &
pids+=($!)
read -r port <"$out/mock-port"
UNLEASHED_API_ID=$MOCK_UNLEASHED_API_ID UNLEASHED_API_KEY=$MOCK_UNLEASHED_API_KEY UNLEASHED_CLIENT_TYPE=acme/memory \
    "$bin" --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$port" >"$out/stdout" 2>"$out/stderr" &
gateway=$!
pids+=("$gateway")
for _ in $(seq 300); do [ -s "$out/stdout" ] && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$out/stdout")
curl -sS --max-time 60 "$base/_gateway/health" >/dev/null
before=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")
bytes=$(curl -sS --max-time 600 "$base/_all/Customers?pageSize=1000" | tee "$out/document" | wc -c)
after=$(awk '/VmHWM/ {print $2}' "/proc/$gateway/status")
items=$(python3 -c '
import json, sys
items = json.load(open(sys.argv[1]))["Items"]
assert [item["Index"] for item in items] == list(range(1, len(items) + 1)), "items missing or out of order"
print(len(items))' "$out/document")
if ((items != 100000)); then
    echo "expected 100000 items, got $items" >&2
    exit 1
fi
echo "/_all/ over $items items: document $bytes bytes; gateway peak resident memory (VmHWM) ${before} kB at rest, ${after} kB after"
grep '^GET /_all/' "$out/stderr"
