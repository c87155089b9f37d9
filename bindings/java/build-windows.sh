#!/usr/bin/env bash
# Adds the Windows x64 JNI library to the jar that build.sh made, beside the Linux one: Native.java picks
# unleashed/signer/native/windows-x86_64/unleashed_signer_jni.dll when os.name starts with "Windows".
#
# The library is cross-compiled with MinGW-w64 against the JDK's jni.h and native/win32/jni_md.h (a Linux JDK has
# only include/linux/jni_md.h), linked with the static library of scripts/build-windows.sh and libgcc statically,
# so it needs nothing but system DLLs. The build fails unless it exports exactly JNI_OnLoad and the Java_*
# functions. Not run in a JVM here (no Windows JDK): windows-test.sh loads it under Wine and finds each function.
#
# usage: bindings/java/build-windows.sh WINDOWS_DIST     (scripts/build-windows.sh's output directory)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist=${1:?usage: $0 WINDOWS_DIST}
fail() { echo "build-windows.sh: $*" >&2; exit 1; }

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$java_home/include/jni.h" ] || fail "no jni.h under $java_home/include: install a JDK 17 or set JAVA_HOME"
version=$(sed -n 's/^Implementation-Version: *//p' "$here/MANIFEST.MF" | tr -d '\r')
jar="$here/build/unleashed-signer-$version.jar"
[ -f "$jar" ] || fail "no $jar: run bindings/java/build.sh first"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
native_dir="$stage/unleashed/signer/native/windows-x86_64"
mkdir -p "$native_dir"
dll="$native_dir/unleashed_signer_jni.dll"
x86_64-w64-mingw32-gcc -std=c99 -O2 -Wall -Wextra -Werror \
    -I"$java_home/include" -I"$here/native/win32" -I"$dist/include" \
    -shared -s -static-libgcc -o "$dll" "$here/native/unleashed_signer_jni.c" "$dist/libunleashed_signer.a" \
    -Wl,--exclude-libs,ALL -Wl,--gc-sections -lkernel32 -lntdll -luserenv -lws2_32 -ldbghelp
dump=$(x86_64-w64-mingw32-objdump -p "$dll")
exports=$(sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/s/^\t\[ *[0-9]*\] \(.*\)$/\1/p' <<<"$dump")
grep -qx JNI_OnLoad <<<"$exports" || fail "unleashed_signer_jni.dll does not export JNI_OnLoad"
if grep -vE '^(JNI_OnLoad|Java_unleashed_signer_Native_[A-Za-z]+)$' <<<"$exports"; then
    fail "unleashed_signer_jni.dll exports the symbols above: only JNI_OnLoad and Java_* should be visible"
fi
if sed -n 's/^\tDLL Name: //p' <<<"$dump" | grep -viE '^(KERNEL32|msvcrt|ntdll|USERENV|WS2_32|bcryptprimitives|api-ms-win-core-[a-z0-9-]+)\.dll$'; then
    fail "unleashed_signer_jni.dll needs the DLLs above, which Windows does not provide"
fi
jar --update --file "$jar" -C "$stage" unleashed/signer/native/windows-x86_64/unleashed_signer_jni.dll
echo "-- $jar: $(jar --list --file "$jar" | grep -c '/native/.*/.') native libraries:" \
    "$(jar --list --file "$jar" | grep '/native/.*/.' | tr '\n' ' ')"
