#!/usr/bin/env bash
# The Node.js packages (bindings/node) as users get them: build the C library in release, install the package's dev
# tools from its lock file, `npm run build` (the Node-API module, the constants from the header, tsc), pack the main
# package and @unleashed-signer/linux-x64-gnu (scripts/pack.mjs), then scripts/test-packed.sh installs the tarballs
# offline into an empty project in a temporary directory and runs there the issue's one-liner (checked against
# node:crypto) and every `node --test` test. Needs node >= 20 with npm, a C compiler and python3 (the loopback mock,
# the residue scan); nothing is downloaded but npm packages.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

need() { # command package
    command -v "$1" >/dev/null 2>&1 && return
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need python3 python3
need cc gcc
need node nodejs
need npm npm
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
    echo "node $(node --version) is too old: the package needs node 20 or later" >&2
    exit 1
fi

# A no-op when target/release already holds an up-to-date library.
cargo build --quiet --release -p unleashed-signer-ffi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd bindings/node
npm ci --silent --no-audit --no-fund
npm run --silent build
# The main package and the linux-x64 one (.ci/steps/31-aarch64.sh packs linux-arm64 too: bindings/node/arm64-test.sh).
mapfile -t tarballs < <(node scripts/pack.mjs "$work" linux-x64)
for tarball in "${tarballs[@]}"; do
    echo "-- packed $(basename "$tarball"): $(tar -tzf "$tarball" | tr '\n' ' ')"
done
# The whole listing first: `grep -q` closing a pipe early would fail `tar` under pipefail.
contents=$(tar -tzf "${tarballs[0]}")
for file in package/LICENSE-MIT package/LICENSE-APACHE package/lib/index.js package/lib/index.mjs package/lib/index.d.ts \
    package/lib/prebuild.js; do
    grep -qx "$file" <<<"$contents" || { echo "$(basename "${tarballs[0]}") lacks $file" >&2; exit 1; }
done
contents=$(tar -tzf "${tarballs[1]}")
for file in package/LICENSE-MIT package/LICENSE-APACHE package/unleashed_signer.node package/package.json; do
    grep -qx "$file" <<<"$contents" || { echo "$(basename "${tarballs[1]}") lacks $file" >&2; exit 1; }
done
grep -qE '^package/libunleashed_signer\.so' <<<"$contents" ||
    { echo "$(basename "${tarballs[1]}") lacks the C library" >&2; exit 1; }

# The package's version is the workspace's.
workspace=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' ../../Cargo.toml)
package=$(node -p 'require("./package.json").version')
if [[ "$package" != "$workspace" ]]; then
    echo "bindings/node/package.json version $package differs from the workspace's $workspace (Cargo.toml)" >&2
    exit 1
fi

bash scripts/test-packed.sh "${tarballs[@]}"
echo "-- Node.js package checks passed"
