#!/usr/bin/env bash
# The Python package as a user gets it: `pip install ./bindings/python` into a fresh virtual environment, then
# the issue's one-liner from /tmp (checked against Python's own hmac); and the built wheel installed into another
# fresh environment with pytest, requests and httpx from PyPI, where every test runs from outside the source tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
command -v cc >/dev/null || { echo "a C compiler (cc) is needed to build the cffi extension" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset UNLEASHED_SIGNER_LIB PYTHONPATH

echo "-- pip install ./bindings/python into a fresh venv, then the one-liner from /tmp"
python3 -m venv "$work/user"
"$work/user/bin/pip" install -q --disable-pip-version-check ./bindings/python
# From /tmp, with an empty environment: no cargo on PATH, no UNLEASHED_* variable, nothing of the repository.
actual=$(cd /tmp && env -i PATH=/usr/bin:/bin "$work/user/bin/python" -c "from unleashed_signer import SigningKey; print(SigningKey('made-up-key').sign('customerCode=ACME'))")
expected=$(python3 -c "import base64, hashlib, hmac; print(base64.b64encode(hmac.new(b'made-up-key', b'customerCode=ACME', hashlib.sha256).digest()).decode())")
if [ "$actual" != "$expected" ]; then
    printf 'the installed package printed %s, Python hmac computes %s\n' "$actual" "$expected" >&2
    exit 1
fi
echo "signature $actual = Python hmac's"

echo "-- build the wheel, install it with the test tools into a fresh venv, run pytest there"
python3 -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/wheel" ./bindings/python
ls "$work"/wheel
python3 -m venv "$work/test"
"$work/test/bin/pip" install -q --disable-pip-version-check "$work"/wheel/unleashed_signer-*.whl pytest requests httpx
cd "$work"
"$work/test/bin/python" -m pytest -p no:cacheprovider -q "$repo/bindings/python/tests"
