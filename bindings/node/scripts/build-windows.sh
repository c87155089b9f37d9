#!/usr/bin/env bash
# Cross-compiles the Node-API glue for Windows x64 into prebuilds/win32-x64/unleashed_signer.node: src/addon.c with
# MinGW-w64, linked with scripts/build-windows.sh's static library (so it is one file, needing only system DLLs)
# and an import library for node.exe made from node-api-headers' def/node_api.def. Fails unless it exports
# napi_register_module_v1 and imports nothing but NODE.EXE and system DLLs. Run it after `npm run build`.
#
# Built, never run: there is no node.exe here. So it is not packed: src/prebuild.ts (NATIVE_PACKAGES) has no
# win32-x64 package, and Windows users are served by the wasm build. Shipping it would be one more entry there and
# `scripts/pack.mjs DEST win32-x64` (a package with "os": ["win32"], "cpu": ["x64"]), once a node.exe has loaded it.
# A host not named node.exe (Electron) would need node-gyp's delay-load hook, which this build does not add.
#
# usage: bindings/node/scripts/build-windows.sh WINDOWS_DIST     (scripts/build-windows.sh's output directory)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:?usage: $0 WINDOWS_DIST}
headers="$here/node_modules/node-api-headers"
[[ -d $headers/def ]] || { echo "build-windows.sh: no $headers: run npm ci in bindings/node first" >&2; exit 1; }

out="$here/prebuilds/win32-x64"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
x86_64-w64-mingw32-dlltool --input-def "$headers/def/node_api.def" --output-lib "$work/libnode.a"
x86_64-w64-mingw32-gcc -std=c11 -O2 -shared -s -static-libgcc -Wall -Wextra -Werror -Wno-unused-parameter \
    -I "$headers/include" -I "$dist/include" "$here/src/addon.c" "$dist/libunleashed_signer.a" "$work/libnode.a" \
    -lkernel32 -lntdll -luserenv -lws2_32 -ldbghelp -Wl,--exclude-libs,ALL -Wl,--gc-sections \
    -o "$out/unleashed_signer.node"
dump=$(x86_64-w64-mingw32-objdump -p "$out/unleashed_signer.node")
exports=$(sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/s/^\t\[ *[0-9]*\] \(.*\)$/\1/p' <<<"$dump")
grep -qx napi_register_module_v1 <<<"$exports" || { echo "no napi_register_module_v1 export" >&2; exit 1; }
if sed -n 's/^\tDLL Name: //p' <<<"$dump" |
    grep -viE '^(NODE\.EXE|(KERNEL32|msvcrt|ntdll|USERENV|WS2_32|bcryptprimitives|api-ms-win-core-[a-z0-9-]+)\.dll)$'; then
    echo "unleashed_signer.node needs the DLLs above" >&2
    exit 1
fi
echo "   built $out/unleashed_signer.node (exports: $(tr '\n' ' ' <<<"$exports")); not run: no node.exe here"
