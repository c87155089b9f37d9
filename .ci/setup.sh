#!/usr/bin/env bash
# Installs the system packages that `cargo test --workspace` and clippy need on a fresh machine:
# pkg-config and readelf (ffi install test), libssl-dev (the OpenSSL peer in benches/), curl and python3 (the CLI's
# end-to-end test), valgrind (the C ABI step), and Python's cffi (the Python package's tests that `cargo test` runs
# from the source tree) and requests (the CLI's capture test). Steps in .ci/steps/ install what only they need.
set -euo pipefail
missing=()
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v readelf >/dev/null || missing+=(binutils)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v openssl >/dev/null || missing+=(openssl)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v g++ >/dev/null || missing+=(g++)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c "import cffi" 2>/dev/null; then
    echo "installing: cffi"
    # PyPI, or Debian's package where the system Python refuses pip installs (PEP 668).
    python3 -m pip install -q --disable-pip-version-check cffi 2>/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-cffi >/dev/null; }
fi
# Python's requests (PyPI), for the CLI's capture test (cli/tests/capture.rs), which `cargo test --workspace` runs.
if ! python3 -c 'import requests' 2>/dev/null; then
    echo "installing: requests (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check requests
fi
