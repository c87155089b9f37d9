#!/usr/bin/env bash
# The C# binding for Linux arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST, the directory of the release
# aarch64 libunleashed_signer_ffi.{a,so}), with Mono from Debian's packages:
#  1. builds the binding as build.sh lays the package out, with both Linux libraries:
#     runtimes/linux-x64/native/libunleashed_signer.so and runtimes/linux-arm64/native/libunleashed_signer.so, and
#     Unleashed.Signer.dll.config, whose dllmaps make Mono load the one for its CPU (.NET picks from runtimes/
#     itself); prints the file list and checks each library's ELF machine (62 x86_64, 183 aarch64);
#  2. runs every NUnit test from that one layout on x86_64 Mono and on Debian's arm64 Mono under
#     `qemu-aarch64 -L /`: vectors, bad input, wiping, the constants, HttpClient against the loopback mock (the
#     host's python3, started by the emulated Mono), the conformance suite, the README example, and PlatformTests,
#     which checks in /proc/self/maps that the library mapped is the one of runtimes/<this platform>/;
#  3. runs a program against a copy of the layout that lacks the running platform's library, on x86_64 and on arm64
#     under qemu: it must fail with the PlatformNotSupportedException that names the platform and the supported
#     ones (and sign, the same on both, with the whole layout).
# Debian's mono-runtime-sgen:arm64 cannot be installed beside the amd64 Mono (not Multi-Arch: same): it is fetched
# with `apt-get download` and unpacked with `dpkg-deb -x` (kept in $CARGO_TARGET_DIR/mono-arm64 for the next run),
# with mono-runtime-common:arm64 for libmono-native.so and libMonoPosixHelper.so. The managed assemblies
# (/usr/lib/mono, the same on every CPU) and /etc/mono come from the host's Mono, and a copy of /etc/mono/config
# points its $mono_libdir dllmaps at the unpacked arm64 libraries: with the host's x86_64 libmono-native.so,
# System.Configuration reads no section and NUnit fails at start.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the release aarch64 libunleashed_signer_ffi.{a,so}}"
source .ci/lib/debian.sh
apt_need mono-devel libnunit-cil-dev nunit-console python3 zlib1g:arm64 libgssapi-krb5-2:arm64
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Debian's arm64 Mono, unpacked once; the host's Mono must be the same version (the managed assemblies are its).
mono_version=$(dpkg-query -W -f='${Version}' mono-runtime-sgen)
mono_arm64="$CARGO_TARGET_DIR/mono-arm64"
deb_unpack "$mono_arm64" "mono-runtime-sgen:arm64=$mono_version" "mono-runtime-common:arm64=$mono_version"
[[ -x $mono_arm64/usr/bin/mono-sgen ]] || { echo "no usr/bin/mono-sgen in $mono_arm64" >&2; exit 1; }
sed "s|\$mono_libdir|$mono_arm64/usr/lib|g" /etc/mono/config >"$work/mono-config"
qemu_mono=(qemu-aarch64 -L / "$mono_arm64/usr/bin/mono-sgen" --config "$work/mono-config")

echo "-- 1. the package layout with both Linux libraries"
out=$work/out
env -u RUSTC -u RUSTDOC OUT="$out" UNLEASHED_SIGNER_NATIVE_LINUX_ARM64="$AARCH64_DIST/libunleashed_signer_ffi.so" \
    bash bindings/dotnet/build.sh >/dev/null
[[ -f $out/Unleashed.Signer.Tests.dll ]] || { echo "build.sh built no tests" >&2; exit 1; }
echo "$out:"
(cd "$out" && find . -type f ! -path './obj/*' | sort | sed 's/^/   /')
for expected in linux-x64:62 linux-arm64:183; do
    so=$out/runtimes/${expected%:*}/native/libunleashed_signer.so
    [[ -f $so ]] || { echo "the layout has no ${expected%:*} library" >&2; exit 1; }
    machine=$(od -An -t u2 -j 18 -N 2 "$so" | tr -d ' ')
    echo "   ${expected%:*}: ELF machine $machine"
    [[ $machine == "${expected#*:}" ]] || { echo "${expected%:*}'s library has ELF machine $machine" >&2; exit 1; }
done

# Runs NUnit 2.6 (nunit-console.exe) on `mono` (a command) over the tests of the layout; prints its counts and fails
# unless every test ran and passed.
nunit() { # label mono-command...
    local label=$1
    shift
    local log=$work/nunit.log
    (cd "$out" && UNLEASHED_REPO=$repo "$@" /usr/lib/nunit/nunit-console.exe -nologo Unleashed.Signer.Tests.dll \
        -xml="$work/result.xml") >"$log" 2>&1 || { cat "$log"; echo "$label: NUnit failed" >&2; exit 1; }
    local summary
    summary=$(grep -o '<test-results [^>]*>' "$work/result.xml")
    local passed='total="[1-9][0-9]*" errors="0" failures="0" not-run="0" inconclusive="0" ignored="0" skipped="0"'
    [[ $summary =~ $passed ]] || { cat "$log"; echo "$label: NUnit did not run and pass every test" >&2; exit 1; }
    grep -q '<test-case name="[^"]*TheLibraryLoadedIsTheOneForThisPlatform" [^>]*result="Success"' \
        "$work/result.xml" || { echo "$label: PlatformTests did not pass" >&2; exit 1; }
    echo "$label: $(grep '^Tests run:' "$log")"
}

echo "-- 2. NUnit from the one layout: x86_64 Mono, arm64 Mono under qemu"
nunit "linux-x64 (Mono $(mono --version | sed -n '1s/.*version \([^ ]*\).*/\1/p'))" mono
nunit "linux-arm64 under qemu" "${qemu_mono[@]}"

echo "-- 3. a layout without this platform's library"
cat >"$work/Probe.cs" <<'EOF'
using System;

class Probe
{
    static int Main(string[] args)
    {
        try
        {
            using (var key = new Unleashed.Signer.SigningKey(args[0]))
            {
                Console.WriteLine("loaded: " + key.Sign("customerCode=ACME"));
            }
            return 0;
        }
        catch (PlatformNotSupportedException e)
        {
            Console.WriteLine("PlatformNotSupportedException: " + e.Message);
            return 3;
        }
    }
}
EOF
mcs -nologo -r:"$out/Unleashed.Signer.dll" -out:"$out/Probe.exe" "$work/Probe.cs"
key=$(sed -n 's/^key //p' testdata/e2e_cases.txt | head -n 1)
[[ -n $key ]] || { echo "no key in testdata/e2e_cases.txt" >&2; exit 1; }
for rid in linux-x64 linux-arm64; do
    if [[ $rid == linux-x64 ]]; then run=(mono); else run=("${qemu_mono[@]}"); fi
    rm -rf "$work/lacking"
    cp -r "$out" "$work/lacking"
    rm -r "$work/lacking/runtimes/$rid"
    loaded=$(cd / && "${run[@]}" "$out/Probe.exe" "$key")
    lacking=$(cd / && "${run[@]}" "$work/lacking/Probe.exe" "$key") && {
        echo "$rid: signed without its library: $lacking" >&2; exit 1; } || true
    echo "$rid: $loaded"
    echo "$rid without runtimes/$rid: $lacking"
    [[ $loaded == "loaded: "* && ${#loaded} == $((8 + 44)) ]] || { echo "$rid did not sign" >&2; exit 1; }
    [[ $loaded == "${signed:=$loaded}" ]] || { echo "$rid signed otherwise: $loaded, not $signed" >&2; exit 1; }
    expected="PlatformNotSupportedException: Unleashed.Signer cannot load its C library for $rid ("
    [[ $lacking == "$expected"* && $lacking == *"it looks in runtimes/$rid/native/ of its package (it supports"* ]] ||
        { echo "$rid: not the expected error" >&2; exit 1; }
done

echo "-- C# binding on linux-arm64: passed in $((SECONDS - started)) s"
