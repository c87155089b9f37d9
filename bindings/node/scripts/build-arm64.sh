#!/usr/bin/env bash
# Cross-compiles the Node-API glue for Linux arm64 into prebuilds/linux-arm64/, the files of the
# @unleashed-signer/linux-arm64-gnu package (scripts/pack.mjs): src/addon.c built with aarch64-linux-gnu-gcc against
# node-api-headers (Node-API's headers are the same on every architecture) and the repository's C header, linked
# with the aarch64 C library of scripts/build-aarch64.sh, which is copied next to it under its soname and found
# through an `$ORIGIN` rpath, as build.mjs does for linux-x64. Fails unless both files are AArch64 ELF (machine 183),
# the glue exports napi_register_module_v1 and needs the library by its soname.
#
# usage: bindings/node/scripts/build-arm64.sh AARCH64_DIST     (the directory holding the aarch64
#        libunleashed_signer_ffi.so: `scripts/build-aarch64.sh --release -p unleashed-signer-ffi | tail -n 1`)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
dist=${1:?usage: $0 AARCH64_DIST}
headers="$here/node_modules/node-api-headers/include"
[[ -d $headers ]] || { echo "build-arm64.sh: no $headers: run npm ci in bindings/node first" >&2; exit 1; }
library="$dist/libunleashed_signer_ffi.so"
[[ -f $library ]] || { echo "build-arm64.sh: no $library (scripts/build-aarch64.sh --release builds it)" >&2; exit 1; }

soname=$(aarch64-linux-gnu-readelf -d "$library" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
[[ $soname == libunleashed_signer.so.* ]] || { echo "build-arm64.sh: $library has soname '$soname'" >&2; exit 1; }
out="$here/prebuilds/linux-arm64"
rm -rf "$out"
mkdir -p "$out"
cp "$library" "$out/$soname"
aarch64-linux-gnu-gcc -std=c11 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -Wno-unused-parameter \
    -I "$headers" -I "$repo/include" "$here/src/addon.c" -o "$out/unleashed_signer.node" \
    -L "$out" "-l:$soname" '-Wl,-rpath,$ORIGIN'

for file in "$out/unleashed_signer.node" "$out/$soname"; do
    machine=$(od -An -t u2 -j 18 -N 2 "$file" | tr -d ' ')
    ((machine == 183)) || { echo "build-arm64.sh: $file is for ELF machine $machine, not 183 (AArch64)" >&2; exit 1; }
done
aarch64-linux-gnu-nm -D --defined-only "$out/unleashed_signer.node" | grep -qw napi_register_module_v1 ||
    { echo "build-arm64.sh: the glue does not export napi_register_module_v1" >&2; exit 1; }
needed=$(aarch64-linux-gnu-readelf -d "$out/unleashed_signer.node")
grep -qE "\(NEEDED\) +Shared library: \[${soname//./\\.}\]" <<<"$needed" ||
    { echo "build-arm64.sh: the glue does not need $soname" >&2; exit 1; }
grep -qE '\((RUNPATH|RPATH)\) +Library r(un)?path: \[\$ORIGIN\]' <<<"$needed" ||
    { echo "build-arm64.sh: the glue has no \$ORIGIN rpath" >&2; exit 1; }
echo "   built $out: $(cd "$out" && echo *) (AArch64)"
