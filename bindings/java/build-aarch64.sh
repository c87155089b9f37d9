#!/usr/bin/env bash
# Adds the Linux arm64 JNI library to the jar that build.sh made, beside the x86_64 one: Native.java picks
# unleashed/signer/native/linux-aarch64/libunleashed_signer_jni.so when os.arch is aarch64 (or arm64).
#
# The library is cross-compiled with aarch64-linux-gnu-gcc against the host JDK's jni.h and include/linux/jni_md.h
# (jni_md.h is the same for Linux x86_64 and arm64: visibility attributes and jint/jlong as int and long), linked
# with the static C library of scripts/build-aarch64.sh --release, exactly as build.sh links the x86_64 one. The
# build fails unless the result is an AArch64 ELF file exporting exactly JNI_OnLoad and the Java_* functions.
# bindings/java/arm64-test.sh runs the Java tests with it under qemu.
#
# usage: bindings/java/build-aarch64.sh AARCH64_DIST    (the directory of the aarch64 libunleashed_signer_ffi.a)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dist=${1:?usage: $0 AARCH64_DIST}
fail() { echo "build-aarch64.sh: $*" >&2; exit 1; }

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$java_home/include/jni.h" ] || fail "no jni.h under $java_home/include: install a JDK 17 or set JAVA_HOME"
command -v aarch64-linux-gnu-gcc >/dev/null ||
    fail "no aarch64-linux-gnu-gcc: install gcc-aarch64-linux-gnu (source .ci/lib/aarch64.sh && aarch64_toolchain)"
[ -f "$dist/libunleashed_signer_ffi.a" ] ||
    fail "no $dist/libunleashed_signer_ffi.a: run scripts/build-aarch64.sh --release -p unleashed-signer-ffi"
version=$(sed -n 's/^Implementation-Version: *//p' "$here/MANIFEST.MF" | tr -d '\r')
jar="$here/build/unleashed-signer-$version.jar"
[ -f "$jar" ] || fail "no $jar: run bindings/java/build.sh first"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
native_dir="$stage/unleashed/signer/native/linux-aarch64"
mkdir -p "$native_dir"
so="$native_dir/libunleashed_signer_jni.so"
aarch64-linux-gnu-gcc -std=c99 -O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror \
    -I"$java_home/include" -I"$java_home/include/linux" -I"$repo/include" \
    -shared -s -o "$so" "$here/native/unleashed_signer_jni.c" "$dist/libunleashed_signer_ffi.a" \
    -Wl,--exclude-libs,ALL -Wl,--gc-sections -Wl,-z,defs -lgcc_s -lpthread -lm -ldl -lc
readelf -h "$so" | grep -q 'Machine: *AArch64' || fail "$so is not an AArch64 library"
exports=$(aarch64-linux-gnu-nm -D --defined-only "$so" | awk '{ print $3 }')
grep -qx JNI_OnLoad <<<"$exports" || fail "the linux-aarch64 JNI library does not export JNI_OnLoad"
if grep -vE '^(JNI_OnLoad|Java_unleashed_signer_Native_[A-Za-z]+)$' <<<"$exports"; then
    fail "the linux-aarch64 JNI library exports the symbols above: only JNI_OnLoad and Java_* should be visible"
fi
jar --update --file "$jar" -C "$stage" unleashed/signer/native/linux-aarch64
echo "-- $jar: $(jar --list --file "$jar" | grep -c '/native/.*/.') native libraries:" \
    "$(jar --list --file "$jar" | grep '/native/.*/.' | tr '\n' ' ')"
