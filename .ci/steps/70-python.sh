#!/usr/bin/env bash
# The Python package as a user gets it:
#  1. `pip install ./bindings/python` into a fresh virtual environment, then the issue's one-liner from /tmp
#     (checked against Python's own hmac);
#  2. the wheel we ship for x86_64 (bindings/python/build-wheel.sh: manylinux, checked with auditwheel) installed
#     into another fresh environment with pytest, requests and httpx from PyPI, where every test runs from outside
#     the source tree;
#  3. the sdist: built, then installed with pip into a fresh environment (pip runs cargo) and signing from /tmp;
#     and, with no cargo on PATH, pip's build from it must fail with the message that says what to install (and,
#     when ~/.cargo/bin/cargo exists, where cargo is).
# The aarch64 wheel and the tests on arm64 are bindings/python/arm64-test.sh's (.ci/steps/31-aarch64.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
command -v cc >/dev/null || { echo "a C compiler (cc) is needed to build the cffi extension" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset UNLEASHED_SIGNER_LIB PYTHONPATH

expected=$(python3 -c "import base64, hashlib, hmac; print(base64.b64encode(hmac.new(b'made-up-key', b'customerCode=ACME', hashlib.sha256).digest()).decode())")
# The one-liner, from /tmp with an empty environment: no cargo on PATH, no UNLEASHED_* variable, nothing of the
# repository.
one_liner() { # python label
    local actual
    actual=$(cd /tmp && env -i PATH=/usr/bin:/bin "$1" -c "from unleashed_signer import SigningKey; print(SigningKey('made-up-key').sign('customerCode=ACME'))")
    if [ "$actual" != "$expected" ]; then
        printf '%s: the installed package printed %s, Python hmac computes %s\n' "$2" "$actual" "$expected" >&2
        exit 1
    fi
    echo "$2: signature $actual = Python hmac's"
}

echo "-- pip install ./bindings/python into a fresh venv, then the one-liner from /tmp"
python3 -m venv "$work/user"
"$work/user/bin/pip" install -q --disable-pip-version-check ./bindings/python
one_liner "$work/user/bin/python" "pip install ./bindings/python"

echo "-- the wheel we ship (build-wheel.sh x86_64), installed with the test tools into a fresh venv; pytest there"
wheel=$(bash bindings/python/build-wheel.sh x86_64 "$work/wheel" | tail -n 1)
python3 -m venv "$work/test"
"$work/test/bin/pip" install -q --disable-pip-version-check "$wheel" pytest requests httpx
(cd "$work" && "$work/test/bin/python" -m pytest -p no:cacheprovider -q "$repo/bindings/python/tests")

echo "-- the sdist: pip builds it with cargo; without cargo, it says what to install"
tools=$CARGO_TARGET_DIR/python-build-tools # build-wheel.sh's pinned build tools
"$tools/bin/python" -m build --sdist --no-isolation -o "$work/sdist" bindings/python >"$work/sdist.log" 2>&1 ||
    { cat "$work/sdist.log" >&2; exit 1; }
sdist=$(echo "$work"/sdist/unleashed_signer-*.tar.gz)
tar tzf "$sdist" >"$work/sdist.list"
for file in rust/Cargo.toml rust/Cargo.lock rust/core/src/lib.rs rust/ffi/src/lib.rs rust/ffi/build.rs \
    rust/include/unleashed_signer.h build_ffi.py setup.py pyproject.toml src/unleashed_signer/_native.py; do
    grep -qx "unleashed_signer-[^/]*/$file" "$work/sdist.list" || { echo "the sdist has no $file" >&2; exit 1; }
done
echo "$(basename "$sdist"): $(grep -vc '/$' "$work/sdist.list") files, $(grep -c '/rust/.*\.rs$' "$work/sdist.list") Rust sources"
# pip install of the sdist as a user runs it: build isolation (setuptools and cffi from PyPI), cargo from PATH.
# The library's build goes to a target directory of its own, kept between runs (the dependencies are not rebuilt).
python3 -m venv "$work/sdist-user"
CARGO_TARGET_DIR=$CARGO_TARGET_DIR/python-sdist "$work/sdist-user/bin/pip" install -q --disable-pip-version-check "$sdist"
one_liner "$work/sdist-user/bin/python" "pip install $(basename "$sdist")"
# No cargo: PATH holds only the build tools' environment, HOME an empty directory (no ~/.cargo/bin).
mkdir "$work/home"
if env -i HOME="$work/home" PATH="$tools/bin" "$tools/bin/python" -m pip wheel --disable-pip-version-check \
    --no-deps --no-build-isolation -w "$work/nocargo" "$sdist" >"$work/nocargo.log" 2>&1; then
    echo "pip built the sdist with no cargo on PATH" >&2
    exit 1
fi
message=$(grep -o 'unleashed-signer: no prebuilt wheel fits.*' "$work/nocargo.log" || true)
rust_version=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
python_version=$("$tools/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
for part in "this machine (linux-x86_64, Python $python_version;" "Linux x86_64 and aarch64" \
    "needs Rust's cargo (Rust $rust_version or later)" "\`cargo\` was not found" \
    "Install Rust with rustup (https://rustup.rs)" "then run pip again"; do
    if [[ $message != *"$part"* ]]; then
        cat "$work/nocargo.log" >&2
        echo "without cargo, pip's error does not say: $part" >&2
        exit 1
    fi
done
echo "without cargo: $message"
# rustup installed but its bin directory not on PATH (a new shell not opened yet): the message says where cargo is.
mkdir -p "$work/rustup-home/.cargo/bin"
install -m 755 /dev/null "$work/rustup-home/.cargo/bin/cargo"
if env -i HOME="$work/rustup-home" PATH="$tools/bin" "$tools/bin/python" -m pip wheel --disable-pip-version-check \
    --no-deps --no-build-isolation -w "$work/nocargo" "$sdist" >"$work/rustup.log" 2>&1; then
    echo "pip built the sdist with no cargo on PATH" >&2
    exit 1
fi
hint="($work/rustup-home/.cargo/bin/cargo is there: add $work/rustup-home/.cargo/bin to PATH.)"
grep -qF "$hint" "$work/rustup.log" || { cat "$work/rustup.log" >&2; echo "no hint: $hint" >&2; exit 1; }
echo "with ~/.cargo/bin off PATH, it adds: $hint"
