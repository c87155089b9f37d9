#!/usr/bin/env bash
# Builds the C# binding with Mono's C# compiler (mcs, C# 6), as .NET users' SDK-style projects would, into
# bindings/dotnet/out/ (or $OUT), laid out as the package is: Unleashed.Signer.dll with its XML docs, the C library
# once per platform where .NET looks for a package's native assets,
#   runtimes/linux-x64/native/libunleashed_signer.so     always
#   runtimes/linux-arm64/native/libunleashed_signer.so   when $UNLEASHED_SIGNER_NATIVE_LINUX_ARM64 names it
#                                                        (libunleashed_signer_ffi.so of build-aarch64.sh --release)
# and Unleashed.Signer.dll.config, whose dllmaps make Mono load the one for its CPU from there (.NET ignores the
# file and picks from runtimes/ itself); then the licences, the NUnit tests and the benchmark.
#
# The C library is target/release/libunleashed_signer_ffi.so ($CARGO_TARGET_DIR): cargo is always asked for it, and
# rebuilds it only when its sources changed (a no-op otherwise), so a stale library is never copied. Set
# $UNLEASHED_SIGNER_NATIVE to use another library file as it is. The library and the benchmark need only Mono
# (mcs); the NUnit tests are built too when NUnit is installed (libnunit-cil-dev), and skipped with a note when
# not. The version comes from Unleashed.Signer/Unleashed.Signer.csproj's <Version>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$here/out}
if [[ -n ${UNLEASHED_SIGNER_NATIVE:-} ]]; then
    native=$UNLEASHED_SIGNER_NATIVE
else
    native=${CARGO_TARGET_DIR:-$repo/target}/release/libunleashed_signer_ffi.so
    (cd "$repo" && cargo build --quiet --release -p unleashed-signer-ffi)
fi
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$here/Unleashed.Signer/Unleashed.Signer.csproj")
nunit=$(ls /usr/lib/cli/nunit.framework-*/nunit.framework.dll 2>/dev/null | head -n 1 || true)

mkdir -p "$out/obj"
cat >"$out/obj/Version.cs" <<VERSION
[assembly: System.Reflection.AssemblyVersion("$version.0")]
[assembly: System.Reflection.AssemblyFileVersion("$version.0")]
[assembly: System.Reflection.AssemblyInformationalVersion("$version")]
VERSION

mcs=(mcs -nologo -langversion:6 -unsafe -optimize+ -debug- -warn:4 -warnaserror+)
"${mcs[@]}" -target:library -r:System.Net.Http.dll -doc:"$out/Unleashed.Signer.xml" -out:"$out/Unleashed.Signer.dll" \
    "$here"/Unleashed.Signer/*.cs "$out/obj/Version.cs"
# Each library checked to be of its platform's ELF machine (62 x86_64, 183 aarch64) before it is laid out.
lay_out() { # rid machine file
    local machine
    machine=$(od -An -t u2 -j 18 -N 2 "$3" | tr -d ' ')
    if [[ $machine != "$2" ]]; then
        echo "build.sh: $3 is not a $1 library (ELF machine $machine, not $2)" >&2
        exit 1
    fi
    mkdir -p "$out/runtimes/$1/native"
    cp "$3" "$out/runtimes/$1/native/libunleashed_signer.so"
}
rm -rf "$out/runtimes" "$out/libunleashed_signer.so"
lay_out linux-x64 62 "$native"
[[ -z ${UNLEASHED_SIGNER_NATIVE_LINUX_ARM64:-} ]] || lay_out linux-arm64 183 "$UNLEASHED_SIGNER_NATIVE_LINUX_ARM64"
cp "$here/Unleashed.Signer/Unleashed.Signer.dll.config" "$out/"
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$out/"

"${mcs[@]}" -target:exe -r:"$out/Unleashed.Signer.dll" -out:"$out/Unleashed.Signer.Benchmark.exe" \
    "$here"/Unleashed.Signer.Benchmark/*.cs

echo "built $out/Unleashed.Signer.dll $version"

if [[ -z $nunit ]]; then
    echo "build.sh: NUnit not found (apt-get install libnunit-cil-dev nunit-console): tests not built" >&2
    exit 0
fi
cp "$nunit" "$out/"
"${mcs[@]}" -target:library -r:"$out/Unleashed.Signer.dll" -r:System.Net.Http.dll -r:"$out/nunit.framework.dll" \
    -out:"$out/Unleashed.Signer.Tests.dll" "$here"/Unleashed.Signer.Tests/*.cs "$here/example/Example.cs"
echo "built $out/Unleashed.Signer.Tests.dll"
