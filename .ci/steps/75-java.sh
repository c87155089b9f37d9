#!/usr/bin/env bash
# The Java binding (bindings/java/): builds the JNI library against the release C library and the jar with javac
# and jar, then runs its JUnit 5 tests (Debian's junit5, installed here if missing) against that jar: vectors, bad
# input, 8 threads and close(), wiping, HttpClient against the loopback mock, Accept and Content-Type,
# UnleashedClient's redirects against two JDK HttpServer origins, every case of testdata/http_conformance.txt
# against the mock's two origins, header drift and the README example.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

junit=/usr/share/java/junit-platform-console-standalone.jar
need() { # command-or-file package
    if [[ "$1" == /* ]]; then [ -e "$1" ] && return; else command -v "$1" >/dev/null 2>&1 && return; fi
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "$2" >/dev/null
}
need "$junit" junit5
need python3 python3
command -v javac >/dev/null || { echo "no javac: the Java step needs a JDK 17" >&2; exit 1; }

echo "-- build: the release C library (reused when up to date), the JNI library, the jar, the tests"
bash bindings/java/build.sh --tests

echo "-- JUnit 5 against the jar"
jar=$(ls bindings/java/build/unleashed-signer-*.jar)
java -jar "$junit" --disable-banner --details=summary --fail-if-no-tests \
    --class-path "$jar:bindings/java/build/test-classes" --scan-classpath bindings/java/build/test-classes

echo "-- Java binding checks passed"
