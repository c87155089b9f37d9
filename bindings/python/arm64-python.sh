#!/usr/bin/env bash
# Debian's CPython 3.11 for arm64, unpacked (not installed) into a directory: the interpreter that arm64-test.sh runs
# under qemu, and the headers and sysconfig data that build-wheel.sh compiles the aarch64 extension against.
#
# usage: bindings/python/arm64-python.sh DIR      (prints DIR; the interpreter is DIR/usr/bin/python3.11)
#
# python3.11-minimal:arm64 cannot be installed beside the amd64 one (it is "Multi-Arch: allowed"), and the
# "Multi-Arch: same" libraries would have to be the amd64 ones' exact version, upgrading the host's Python. So the
# packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x`, once (DIR/.packages lists them):
# python3.11-minimal, libpython3.11-minimal and libpython3.11-stdlib (the interpreter and its standard library),
# libpython3.11-dev (Python.h and the arm64 pyconfig.h) and libexpat1 (the interpreter links it). Everything else it
# loads (libc6, libffi8, libssl3, zlib1g for arm64) comes with the aarch64 toolchain and the dpkg arm64 architecture
# (.ci/lib/aarch64.sh). Run it as
#   qemu-aarch64 -L / -E LD_LIBRARY_PATH=DIR/lib/aarch64-linux-gnu DIR/usr/bin/python3.11
set -euo pipefail
dir=${1:?usage: arm64-python.sh DIR}
packages=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11-dev libexpat1)
wanted="${packages[*]/%/:arm64}"
if [[ -x $dir/usr/bin/python3.11 && "$(cat "$dir/.packages" 2>/dev/null)" == "$wanted" ]]; then
    echo "$dir"
    exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "arm64-python.sh: dpkg has no arm64 architecture: run .ci/lib/aarch64.sh's aarch64_toolchain first" >&2
    exit 1
fi
rm -rf "$dir"
mkdir -p "$dir/.debs"
# apt-get download writes to the current directory (unsandboxed as root: the _apt user cannot write there).
download() { (cd "$dir/.debs" && apt-get download -qq "${packages[@]/%/:arm64}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true); }
download
if (($(find "$dir/.debs" -name '*.deb' | wc -l) != ${#packages[@]})); then
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    rm -f "$dir"/.debs/*.deb
    download
fi
for deb in "$dir"/.debs/*.deb; do
    dpkg-deb -x "$deb" "$dir"
done
if [[ ! -x $dir/usr/bin/python3.11 || ! -f $dir/usr/include/aarch64-linux-gnu/python3.11/pyconfig.h ]]; then
    echo "arm64-python.sh: the unpacked packages have no python3.11 or no arm64 pyconfig.h in $dir" >&2
    exit 1
fi
echo "$wanted" >"$dir/.packages"
echo "$dir"
