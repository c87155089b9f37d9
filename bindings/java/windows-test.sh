#!/usr/bin/env bash
# The Java binding's Windows x64 library (called by .ci/steps/33-windows.sh with WINE and WINDOWS_DIST set): builds
# the jar (build.sh) and adds the Windows JNI library to it (build-windows.sh), then, under Wine, loads that DLL
# as a JVM would (LoadLibrary, GetProcAddress) and finds JNI_OnLoad and every Java_* function Native.java declares.
# That is all that can run here: there is no Windows JDK, so the Java tests themselves run on Linux only (75-java.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${WINE:?set WINE to wine64}" "${WINDOWS_DIST:?set WINDOWS_DIST to scripts/build-windows.sh\'s output}"

bash "$here/build.sh" >/dev/null
bash "$here/build-windows.sh" "$WINDOWS_DIST"
version=$(sed -n 's/^Implementation-Version: *//p' "$here/MANIFEST.MF" | tr -d '\r')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar --extract --file "$here/build/unleashed-signer-$version.jar" \
    unleashed/signer/native/windows-x86_64/unleashed_signer_jni.dll)
# Every native method Native.java declares, as its JNI name.
functions=$(sed -n 's/^ *\(static \)\{0,1\}native [^(]* \([A-Za-z]*\)(.*/Java_unleashed_signer_Native_\2/p' \
    "$here/src/main/java/unleashed/signer/Native.java" | sort -u)
[[ -n $functions ]] || { echo "no native methods found in Native.java" >&2; exit 1; }
x86_64-w64-mingw32-gcc -std=c99 -O2 -Wall -Wextra -Werror "$repo/ffi/tests/windows/load_check.c" -o "$work/load_check.exe"
out=$(cd "$work" && "$WINE" load_check.exe unleashed/signer/native/windows-x86_64/unleashed_signer_jni.dll \
    JNI_OnLoad $functions 2>&1 | tr -d '\r') || { echo "$out" >&2; exit 1; }
echo "   JNI DLL under Wine: $out"
grep -qE '^load_check: [1-9][0-9]* passed, 0 failed$' <<<"$out"
