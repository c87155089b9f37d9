#!/usr/bin/env bash
# The Java binding for Linux arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST, the directory of the release
# aarch64 libunleashed_signer_ffi.{a,so}):
#  1. builds the jar as it ships for Linux: build.sh (classes, the x86_64 JNI library) then build-aarch64.sh (the
#     aarch64 JNI library, cross-compiled), prints its file list and checks that both natives are there, each of
#     its own ELF machine (62 x86_64, 183 aarch64);
#  2. runs, from that one jar, the JUnit 5 tests on the x86_64 JVM (a subset: PlatformTest, VectorsTest,
#     WipeTest; 75-java.sh runs them all) and every test on Debian's arm64 JVM (openjdk-17-jre-headless:arm64,
#     Multi-Arch: same) under `qemu-aarch64 -L /`: vectors, bad input, threads, wiping, HttpClient against the
#     loopback mock (the host's python3, started by the emulated JVM), redirects, the conformance suite and headers;
#     all but ReadmeTest (the README example), whose child JVM cannot start there (see below). PlatformTest checks
#     there that the jar carries exactly linux-x86_64 and linux-aarch64;
#  3. runs a JVM that claims another architecture (-Dos.arch=riscv64), on x86_64 and on arm64 under qemu: loading
#     must fail with the error that names linux-riscv64 and the platforms the jar carries and supports.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the release aarch64 libunleashed_signer_ffi.{a,so}}"
source .ci/lib/debian.sh
apt_need junit5 openjdk-17-jre-headless:arm64 python3
command -v javac >/dev/null || { echo "no javac: the Java binding needs a JDK 17" >&2; exit 1; }
arm64_java=/usr/lib/jvm/java-17-openjdk-arm64/bin/java
[[ -x $arm64_java ]] || { echo "no $arm64_java (openjdk-17-jre-headless:arm64)" >&2; exit 1; }
junit=/usr/share/java/junit-platform-console-standalone.jar
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- 1. the jar with both Linux natives"
env -u RUSTC -u RUSTDOC bash bindings/java/build.sh --tests >/dev/null
bash bindings/java/build-aarch64.sh "$AARCH64_DIST" >/dev/null
jar=$(ls bindings/java/build/unleashed-signer-*.jar)
echo "$jar:"
jar --list --file "$jar" | sed 's/^/   /'
(cd "$work" && jar --extract --file "$repo/$jar" unleashed/signer/native)
for expected in linux-x86_64:62 linux-aarch64:183; do
    so=$work/unleashed/signer/native/${expected%:*}/libunleashed_signer_jni.so
    [[ -f $so ]] || { echo "the jar has no ${expected%:*} library" >&2; exit 1; }
    machine=$(od -An -t u2 -j 18 -N 2 "$so" | tr -d ' ')
    echo "   ${expected%:*}: ELF machine $machine"
    [[ $machine == "${expected#*:}" ]] || { echo "${expected%:*}'s library has ELF machine $machine" >&2; exit 1; }
done

# Runs the JUnit console on `java` (a command), prints its counts and fails unless tests ran and none failed.
junit() { # label java-command... -- junit-selection...
    local label=$1
    shift
    local java=()
    while [[ $1 != -- ]]; do java+=("$1"); shift; done
    shift
    local out
    out=$("${java[@]}" -Dunleashed.signer.test.platforms=linux-x86_64,linux-aarch64 -jar "$junit" \
        --disable-banner --details=summary --fail-if-no-tests \
        --class-path "$jar:bindings/java/build/test-classes" "$@" 2>&1) || {
        echo "$out"; echo "$label: JUnit failed" >&2; exit 1; }
    local found succeeded failed
    found=$(sed -n 's/.*\[ *\([0-9]*\) tests found *\].*/\1/p' <<<"$out")
    succeeded=$(sed -n 's/.*\[ *\([0-9]*\) tests successful *\].*/\1/p' <<<"$out")
    failed=$(sed -n 's/.*\[ *\([0-9]*\) tests failed *\].*/\1/p' <<<"$out")
    echo "$label: $succeeded of $found tests successful, $failed failed"
    ((found > 0 && succeeded == found && failed == 0)) || { echo "$out"; exit 1; }
}

echo "-- 2. JUnit 5 from the one jar: x86_64 natively, arm64 under qemu"
junit "linux-x86_64 JVM (PlatformTest, VectorsTest, WipeTest)" java -- \
    --select-class unleashed.signer.PlatformTest --select-class unleashed.signer.VectorsTest \
    --select-class unleashed.signer.WipeTest
# C1 only and the serial collector: the JIT's second tier costs more than it saves in a short emulated run. The
# tests start python3 (the mock) and bash (the README example): the JDK's default posix_spawn goes through its
# jspawnhelper, an aarch64 program that the host cannot exec outside qemu; forking execs the host's programs
# directly (they then run natively).
qemu_java=(qemu-aarch64 -L / "$arm64_java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
    -Djdk.lang.Process.launchMechanism=FORK)
# All but ReadmeTest, which runs the README's `java -cp ... Example.java` in a child JVM: the aarch64 java of
# java.home, which the host cannot exec outside qemu, and whose JRE has no compiler for source files anyway.
junit "linux-aarch64 JVM under qemu (every test but ReadmeTest)" "${qemu_java[@]}" -- \
    --scan-classpath bindings/java/build/test-classes --exclude-classname '.*\.ReadmeTest'

echo "-- 3. a platform the jar lacks: -Dos.arch=riscv64"
mkdir -p "$work/probe"
cat >"$work/probe/Probe.java" <<'EOF'
public class Probe {
    public static void main(String[] args) {
        try (unleashed.signer.SigningKey key = new unleashed.signer.SigningKey(args[0])) {
            System.out.println("loaded: " + key.sign("customerCode=ACME"));
        } catch (UnsatisfiedLinkError e) {
            System.out.println("UnsatisfiedLinkError: " + e.getMessage());
        }
    }
}
EOF
javac --release 17 -cp "$jar" -d "$work/probe" "$work/probe/Probe.java"
key=$(sed -n 's/^key //p' testdata/e2e_cases.txt | head -n 1)
[[ -n $key ]] || { echo "no key in testdata/e2e_cases.txt" >&2; exit 1; }
expected='UnsatisfiedLinkError: unleashed-signer has no native library for linux-riscv64 (os.name "Linux", os.arch'
expected+=' "riscv64"): this jar carries linux-x86_64, linux-aarch64, of the supported platforms linux-x86_64,'
expected+=' linux-aarch64, windows-x86_64.'
for run in "x86_64" "arm64 under qemu"; do
    if [[ $run == x86_64 ]]; then java=(java); else java=("${qemu_java[@]}"); fi
    loaded=$("${java[@]}" -cp "$jar:$work/probe" Probe "$key")
    wrong=$("${java[@]}" -Dos.arch=riscv64 -cp "$jar:$work/probe" Probe "$key")
    echo "$run: $loaded"
    echo "$run, -Dos.arch=riscv64: $wrong"
    [[ $loaded == "loaded: "* && ${#loaded} == $((8 + 44)) ]] || { echo "the $run JVM did not sign" >&2; exit 1; }
    [[ $loaded == "${signed:=$loaded}" ]] || { echo "the $run JVM signed otherwise: $loaded, not $signed" >&2; exit 1; }
    [[ $wrong == "$expected"* ]] || { echo "the $run JVM did not fail with the expected error" >&2; exit 1; }
done

echo "-- Java binding on linux-arm64: passed in $((SECONDS - started)) s"
