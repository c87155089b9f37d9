#!/usr/bin/env bash
# Debian's CPython 3.11 for arm64, unpacked (not installed) into a directory: the interpreter that arm64-test.sh runs
# under qemu, and the headers and sysconfig data that build-wheel.sh compiles the aarch64 extension against.
#
# usage: bindings/python/arm64-python.sh DIR      (prints DIR; the interpreter is DIR/usr/bin/python3.11)
#
# python3.11-minimal:arm64 cannot be installed beside the amd64 one (it is "Multi-Arch: allowed"), and the
# "Multi-Arch: same" libpython3.11-* packages would have to be the amd64 ones' exact version, upgrading the host's
# Python 3.11. So those are fetched with `apt-get download` and unpacked with `dpkg-deb -x`, once (deb_unpack of
# .ci/lib/debian.sh): python3.11-minimal, libpython3.11-minimal and libpython3.11-stdlib (the interpreter and its
# standard library) and libpython3.11-dev (Python.h and the arm64 pyconfig.h). The libraries the interpreter and
# the modules the tests import load (zlib, expat, OpenSSL for ssl, libffi) are installed as arm64 packages with
# apt_need (.ci/lib/debian.sh; "Multi-Arch: same", beside the amd64 ones). Run it as
#   qemu-aarch64 -L / DIR/usr/bin/python3.11
set -euo pipefail
dir=${1:?usage: arm64-python.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
packages=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11-dev)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../.ci/lib/debian.sh"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "arm64-python.sh: dpkg has no arm64 architecture: run .ci/lib/aarch64.sh's aarch64_toolchain first" >&2
    exit 1
fi
apt_need zlib1g:arm64 libexpat1:arm64 libssl3:arm64 libffi8:arm64 >&2
deb_unpack "$dir" "${packages[@]/%/:arm64}" >&2
if [[ ! -x $dir/usr/bin/python3.11 || ! -f $dir/usr/include/aarch64-linux-gnu/python3.11/pyconfig.h ]]; then
    echo "arm64-python.sh: the unpacked packages have no python3.11 or no arm64 pyconfig.h in $dir" >&2
    exit 1
fi
echo "$dir"
