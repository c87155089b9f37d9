#!/usr/bin/env bash
# The C# binding (bindings/dotnet), with Mono from Debian's packages: build it with mcs at C# 6 (the language
# level it shares with .NET 6+), run its NUnit tests (every vector, bad input, key wiping, the C# constants
# against the header, HttpClient end to end against the mock, the HTTP conformance suite on the mock's two origins,
# the README example), and fail unless every test ran and passed. The benchmark runs once with short rounds, as a check that it works, not for figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

missing=()
for package in mono-devel libnunit-cil-dev nunit-console; do
    if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    echo "-- installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
fi

echo "-- mcs: Unleashed.Signer, its tests and the benchmark"
out=bindings/dotnet/out
rm -rf "$out"
# build.sh asks cargo for the C library every time (a no-op when it is up to date).
bindings/dotnet/build.sh
[[ -f $out/Unleashed.Signer.Tests.dll ]] || { echo "build.sh built no tests" >&2; exit 1; }

echo "-- NUnit: $out/Unleashed.Signer.Tests.dll"
(cd "$out" && UNLEASHED_REPO="$OLDPWD" nunit-console -nologo Unleashed.Signer.Tests.dll -xml=TestResult.xml)
summary=$(grep -o '<test-results [^>]*>' "$out/TestResult.xml")
passed='total="[1-9][0-9]*" errors="0" failures="0" not-run="0" inconclusive="0" ignored="0" skipped="0" invalid="0"'
if ! [[ $summary =~ $passed ]]; then
    echo "NUnit did not run and pass every test: $summary" >&2
    exit 1
fi
total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$summary")
conformance=$(grep -c '<test-case name="[^"]*ConformanceTests.conformance [^"]*" [^>]*result="Success"' "$out/TestResult.xml" || true)
if ((conformance < 15)); then
    echo "only $conformance conformance cases passed" >&2
    exit 1
fi
echo "-- $total tests passed, $conformance of them the conformance cases"

echo "-- benchmark, short rounds (figures in BENCHMARKS.md come from longer runs)"
mono "$out/Unleashed.Signer.Benchmark.exe" 100 3
