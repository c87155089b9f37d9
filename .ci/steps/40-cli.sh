#!/usr/bin/env bash
# The command-line tool as a user meets it in a fresh clone: the README's first command, run exactly as written
# (cargo run and all), must print the headers the README shows; the end-to-end tests, which need curl and
# python3 (installed here if the machine lacks them), run against the loopback mock of Unleashed; and `verify` on
# captures of curl and Python `requests` traffic (requests installed from PyPI if missing) recorded by that mock.
set -euo pipefail
cd "$(dirname "$0")/../.."

need() {
    command -v "$1" >/dev/null 2>&1 && return
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need curl curl
need python3 python3
python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check requests

line=$(grep -m1 '^UNLEASHED_API_ID=.*cargo run' README.md) || { echo "README: no first command found" >&2; exit 1; }
# The text block that follows the command is its output, as the README shows it.
expected=$(awk -v line="$line" '$0 == line { found = 1 } found && /^```text$/ { inside = 1; next } inside && /^```$/ { exit } inside' README.md)
actual=$(env -u UNLEASHED_API_ID -u UNLEASHED_API_KEY -u UNLEASHED_CLIENT_TYPE bash -c "$line")
if [ -z "$expected" ] || [ "$actual" != "$expected" ]; then
    printf 'README first command printed:\n%s\nbut the README shows:\n%s\n' "$actual" "$expected" >&2
    exit 1
fi
echo "README first command prints what the README shows"

cargo test -q -p unleashed-signer-cli --test e2e --test readme --test capture
