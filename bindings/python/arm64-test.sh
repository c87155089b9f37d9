#!/usr/bin/env bash
# The Python package on Linux arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST set to the release aarch64
# libunleashed_signer_ffi's directory, $CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/release):
#  1. build-wheel.sh builds the two wheels we ship into one directory, cp39-abi3-manylinux_2_N_x86_64 and
#     ..._aarch64, each checked with auditwheel (show, repair, show again), its extension's ELF machine (62, 183),
#     run path and needed libraries, and prints their file lists;
#  2. pip picks the right one from that directory: the host's pip installs the x86_64 wheel and signs with it;
#     Debian's arm64 CPython 3.11.2 (arm64-python.sh), running pip itself under qemu-user, installs the aarch64
#     wheel;
#  3. the binding's tests under qemu, with the aarch64 wheel installed and pytest, requests, httpx and cffi's
#     aarch64 wheel from PyPI: every test except tests/test_residue.py, which starts child Pythons and reads their
#     /proc/PID/mem; an arm64 program under qemu-user cannot start another, and the guest's memory is qemu's to lay
#     out: the aarch64 wipe is measured from outside the qemu process by residue/scan_qemu.py, earlier in
#     31-aarch64.sh. The loopback mock the HTTP tests talk to runs on the host's python3 (UNLEASHED_MOCK_PYTHON);
#  4. each architecture's package installed on the other: the import fails with the error that names the machine
#     it is for, the machine it runs on, and the platforms there are wheels for.
# About 2 minutes warm, most of it pytest under qemu. The sdist (cargo, and the message without it) is tested on
# x86_64 by .ci/steps/70-python.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the release aarch64 libunleashed_signer_ffi.a}"
started=$SECONDS
source "$repo/.ci/lib/aarch64.sh"
aarch64_toolchain
# build-wheel.sh builds the wheels' library itself (-p unleashed-signer-ffi alone, as pip does) under the target
# directory AARCH64_DIST is in; AARCH64_DIST's own library, built with residue/, must stay as it is.
dist_dir=$(cd "$AARCH64_DIST" && pwd)
if [[ $dist_dir != */$AARCH64_TARGET/release ]]; then
    echo "AARCH64_DIST ($dist_dir) is not a cargo target directory's $AARCH64_TARGET/release" >&2
    exit 1
fi
export CARGO_TARGET_DIR=${dist_dir%/"$AARCH64_TARGET"/release}
dist_library=$(sha256sum "$AARCH64_DIST/libunleashed_signer_ffi.a")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset UNLEASHED_SIGNER_LIB PYTHONPATH

echo "-- the wheels we ship, both in one directory"
# x86_64 with rustup's cargo and compiler, as 70-python.sh builds it (aarch64_env exports Debian's RUSTC: the two
# steps would rebuild python-wheel/release in turn).
x64_wheel=$(env -u RUSTC -u RUSTDOC bash "$here/build-wheel.sh" x86_64 "$work/dist" | tail -n 1)
arm64_wheel=$(bash "$here/build-wheel.sh" aarch64 "$work/dist" | tail -n 1)
ls "$work/dist"
if [[ "$(sha256sum "$AARCH64_DIST/libunleashed_signer_ffi.a")" != "$dist_library" ]]; then
    echo "building the wheels changed $AARCH64_DIST/libunleashed_signer_ffi.a" >&2
    exit 1
fi

tools=$CARGO_TARGET_DIR/python-build-tools/bin/python # build-wheel.sh's: pip, and cffi for the host's test
python_root=$(bash "$here/arm64-python.sh" "$CARGO_TARGET_DIR/python-arm64" | tail -n 1)
# Runs the arm64 Python under qemu with PYTHONPATH (first argument; "" for none) and the rest as its arguments.
arm64_python() {
    local path=$1
    shift
    qemu-aarch64 -L / -E "PYTHONPATH=$path" -E "UNLEASHED_MOCK_PYTHON=$host_python" \
        "$python_root/usr/bin/python3.11" "$@"
}
host_python=$("$tools" -c 'import sys; print(sys.executable)')

# What the tests need on arm64, from PyPI as aarch64 wheels (kept between runs), and pip itself for the arm64 Python.
wheelhouse=$CARGO_TARGET_DIR/python-arm64-wheelhouse
requirements="pip pytest requests httpx cffi>=1.17"
arm64_platform=(--platform manylinux_2_36_aarch64 --platform manylinux2014_aarch64 --python-version 3.11
    --implementation cp --abi cp311 --abi abi3 --abi none --only-binary=:all:)
if [[ "$(cat "$wheelhouse/.requirements" 2>/dev/null)" != "$requirements" ]]; then
    rm -rf "$wheelhouse"
    # shellcheck disable=SC2086 # the requirements are words
    "$tools" -m pip download -q --disable-pip-version-check "${arm64_platform[@]}" -d "$wheelhouse" $requirements
    echo "$requirements" >"$wheelhouse/.requirements"
fi

echo "-- pip picks the wheel: the host's installs x86_64, the arm64 Python's (under qemu) installs aarch64"
installed_tag() { sed -n 's/^Tag: //p' "$1"/unleashed_signer-*.dist-info/WHEEL; }
"$tools" -m pip install -q --disable-pip-version-check --no-deps --no-index --find-links "$work/dist" \
    --target "$work/host" unleashed-signer
pip_wheel=$(echo "$wheelhouse"/pip-*.whl)
arm64_python "" "$pip_wheel/pip" install -q --disable-pip-version-check --root-user-action=ignore --no-compile \
    --no-deps --no-index --find-links "$work/dist" --target "$work/arm64" unleashed-signer
host_tag=$(installed_tag "$work/host")
arm64_tag=$(installed_tag "$work/arm64")
echo "host pip installed $host_tag; arm64 pip installed $arm64_tag"
[[ $host_tag == *_x86_64 && $x64_wheel == *"$host_tag.whl" ]] || { echo "the host's pip did not pick the x86_64 wheel" >&2; exit 1; }
[[ $arm64_tag == *_aarch64 && $arm64_wheel == *"$arm64_tag.whl" ]] || { echo "the arm64 pip did not pick the aarch64 wheel" >&2; exit 1; }
"$tools" -m pip install -q --disable-pip-version-check --no-compile --no-index --find-links "$wheelhouse" \
    "${arm64_platform[@]}" --target "$work/arm64" pytest requests httpx "cffi>=1.17"

sign='import sys, unleashed_signer as u; from unleashed_signer import _native
print(u.SigningKey("made-up-key").sign("customerCode=ACME"), _native.this_platform(), _native.path)'
expected=$(python3 -c "import base64, hashlib, hmac; print(base64.b64encode(hmac.new(b'made-up-key', b'customerCode=ACME', hashlib.sha256).digest()).decode())")
for run in host arm64; do
    if [[ $run == host ]]; then
        line=$(cd "$work" && PYTHONPATH=$work/host "$tools" -c "$sign")
    else
        line=$(cd "$work" && arm64_python "$work/arm64" -c "$sign")
    fi
    read -r signature platform path <<<"$line"
    echo "$run: $platform, $path: signature $signature"
    machine=$(od -An -t u2 -j 18 -N 2 "$path" | tr -d ' ')
    want=$([[ $run == host ]] && echo "linux-x86_64 62" || echo "linux-aarch64 183")
    if [[ $signature != "$expected" || "$platform $machine" != "$want" ]]; then
        echo "$run: expected signature $expected on $want (platform, ELF machine), got $signature on $platform $machine" >&2
        exit 1
    fi
done

echo "-- the binding's tests on arm64 under qemu, from the installed aarch64 wheel (all but tests/test_residue.py)"
log=$work/pytest.log
if ! (cd "$work" && arm64_python "$work/arm64" -m pytest -p no:cacheprovider -q \
    --ignore "$here/tests/test_residue.py" "$here/tests") >"$log" 2>&1; then
    cat "$log" >&2
    echo "pytest failed on arm64 under qemu" >&2
    exit 1
fi
summary=$(tail -n 1 "$log")
echo "arm64 under qemu: $summary"
[[ $summary =~ ^([0-9]+)\ passed ]] && ((BASH_REMATCH[1] > 0)) || { echo "no test passed on arm64" >&2; exit 1; }
[[ $summary != *failed* && $summary != *error* && $summary != *skipped* ]] || { echo "not every test passed" >&2; exit 1; }

echo "-- each architecture's package on the other: an import error naming both and the platforms with wheels"
"$tools" -m pip install -q --disable-pip-version-check --no-deps --no-index --find-links "$work/dist" --only-binary=:all: \
    --platform manylinux_2_34_aarch64 --target "$work/wrong-on-host" unleashed-signer
"$tools" -m pip install -q --disable-pip-version-check --no-deps --no-index --find-links "$work/dist" --only-binary=:all: \
    --platform manylinux_2_34_x86_64 --target "$work/wrong-on-arm64" unleashed-signer
check_wrong() { # label installed-for runs-on output
    local label=$1 installed=$2 runs=$3 output=$4
    local wanted="unleashed_signer was installed for $installed ("
    wanted+="$5/unleashed_signer/_ffi.abi3.so), but this Python runs on $runs. There are wheels for linux-x86_64, "
    wanted+="linux-aarch64; on this machine, reinstall it with its own pip"
    if [[ $output != *"ImportError: $wanted"* ]]; then
        printf '%s: expected an ImportError saying\n  %s\ngot:\n%s\n' "$label" "$wanted" "$output" >&2
        exit 1
    fi
    echo "$label: $(grep -o 'ImportError: .*this Python runs on [^.]*' <<<"$output")"
}
output=$(cd "$work" && PYTHONPATH=$work/wrong-on-host "$tools" -c 'import unleashed_signer' 2>&1) &&
    { echo "the aarch64 package imported on x86_64" >&2; exit 1; }
check_wrong "aarch64 package on x86_64" linux-aarch64 linux-x86_64 "$output" "$work/wrong-on-host"
output=$(cd "$work" && arm64_python "$work/wrong-on-arm64:$work/arm64" -c 'import unleashed_signer' 2>&1) &&
    { echo "the x86_64 package imported on arm64" >&2; exit 1; }
check_wrong "x86_64 package on aarch64" linux-x86_64 linux-aarch64 "$output" "$work/wrong-on-arm64"

echo "-- Python package: both wheels built and checked, arm64 tests passed ($((SECONDS - started)) s)"
