#!/usr/bin/env bash
# The Node glue for Windows x64 (called by .ci/steps/33-windows.sh with WINDOWS_DIST set): only built and checked
# (scripts/build-windows.sh), never run, since there is no node.exe here; prebuilds/win32-x64 is removed afterwards
# (scripts/pack.mjs packs no win32 package: src/prebuild.ts has none, and Windows uses the WebAssembly module).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${WINDOWS_DIST:?set WINDOWS_DIST to scripts/build-windows.sh\'s output}"
if [[ ! -d $here/node_modules/node-api-headers ]]; then
    (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
bash "$here/scripts/build-windows.sh" "$WINDOWS_DIST"
rm -rf "$here/prebuilds/win32-x64"
