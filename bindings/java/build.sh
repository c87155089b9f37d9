#!/usr/bin/env bash
# Builds the Java binding with the JDK's javac and jar (no Maven: Maven Central is out of reach here), and its JNI
# library with gcc against jni.h and the repository's static C library:
#   build/unleashed-signer-<version>.jar  the classes, libunleashed_signer_jni.so for this platform, the licences
# With --tests, also compiles the JUnit 5 tests and the benchmark against that jar into build/test-classes and
# build/bench-classes (JUnit from Debian's junit5 package, or $JUNIT_CONSOLE).
#
# The version is Implementation-Version in bindings/java/MANIFEST.MF; the build fails if it differs from
# [workspace.package] version in Cargo.toml or from the version in include/unleashed_signer.h.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$here/build"
target="${CARGO_TARGET_DIR:-$repo/target}"
tests=false
case "${1:-}" in
    --tests) tests=true ;;
    "") ;;
    *) echo "usage: $0 [--tests]" >&2; exit 2 ;;
esac

fail() { echo "build.sh: $*" >&2; exit 1; }

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$java_home/include/jni.h" ] || fail "no jni.h under $java_home/include: install a JDK 17 or set JAVA_HOME"

version=$(sed -n 's/^Implementation-Version: *//p' "$here/MANIFEST.MF" | tr -d '\r')
cargo_version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml")
header_version=$(awk '/^#define UNLEASHED_VERSION_(MAJOR|MINOR|PATCH) / { v = v sep $3; sep = "." } END { print v }' \
    "$repo/include/unleashed_signer.h")
[ "$version" = "$cargo_version" ] ||
    fail "MANIFEST.MF says Implementation-Version: $version but Cargo.toml's [workspace.package] says $cargo_version"
[ "$version" = "$header_version" ] ||
    fail "MANIFEST.MF says Implementation-Version: $version but include/unleashed_signer.h says $header_version"

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64 | Linux-amd64) platform=linux-x86_64 ;;
    Linux-aarch64 | Linux-arm64) platform=linux-aarch64 ;;
    *) fail "no JNI build for $(uname -s) $(uname -m) yet (Linux x86_64 and aarch64 only)" ;;
esac

# The static C library: cargo reuses target/release when it is up to date.
static_lib="$target/release/libunleashed_signer_ffi.a"
(cd "$repo" && cargo build --quiet --release -p unleashed-signer-ffi)
[ -f "$static_lib" ] || fail "cargo did not produce $static_lib"

rm -rf "$out"
classes="$out/classes"
native_dir="$classes/unleashed/signer/native/$platform"
mkdir -p "$native_dir" "$classes/META-INF"

echo "-- JNI library ($platform)"
# Hidden visibility and --exclude-libs: the library exports only JNI_OnLoad and the Java_* functions, not the
# Rust library's symbols. -z defs: every symbol must resolve now, not when Java loads the library.
gcc -std=c99 -O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror \
    -I"$java_home/include" -I"$java_home/include/linux" -I"$repo/include" \
    -shared -s -o "$native_dir/libunleashed_signer_jni.so" "$here/native/unleashed_signer_jni.c" "$static_lib" \
    -Wl,--exclude-libs,ALL -Wl,--gc-sections -Wl,-z,defs -lgcc_s -lpthread -lm -ldl -lc
exports=$(nm -D --defined-only "$native_dir/libunleashed_signer_jni.so" | awk '{ print $3 }')
if grep -vE '^(JNI_OnLoad|Java_unleashed_signer_Native_[A-Za-z]+)$' <<<"$exports"; then
    fail "libunleashed_signer_jni.so exports the symbols above: only JNI_OnLoad and Java_* should be visible"
fi

echo "-- classes and jar"
javac --release 17 -Xlint:all -Werror -encoding UTF-8 -d "$classes" $(find "$here/src/main/java" -name '*.java')
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$classes/META-INF/"
jar="$out/unleashed-signer-$version.jar"
jar --create --file "$jar" --manifest "$here/MANIFEST.MF" -C "$classes" .
echo "$jar"

if $tests; then
    junit="${JUNIT_CONSOLE:-/usr/share/java/junit-platform-console-standalone.jar}"
    [ -f "$junit" ] || fail "no JUnit console launcher at $junit: apt-get install junit5 (or set JUNIT_CONSOLE)"
    echo "-- tests and benchmark"
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$jar:$junit" -d "$out/test-classes" \
        $(find "$here/src/test/java" -name '*.java')
    javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$jar" -d "$out/bench-classes" \
        $(find "$here/src/bench/java" -name '*.java')
fi
