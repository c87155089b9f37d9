#!/usr/bin/env bash
# Tests the package as users get it: packs it (or takes the tarball given), installs the tarball into an empty
# project in a temporary directory, outside the repository, and runs there
#  - the issue's one-liner through require(), compared with node:crypto's HMAC of the same message;
#  - `node --test` over test/*.test.mjs, with the repository's test data copied in as fixtures/.
# Run `npm ci && npm run build` first. Usage: scripts/test-packed.sh [unleashed-signer-X.Y.Z.tgz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=${1:-}
if [[ -z "$tarball" ]]; then
    tarball="$work/$(cd "$here" && npm pack --silent --pack-destination "$work" | tail -n 1)"
fi
tarball=$(realpath "$tarball")

project="$work/project"
mkdir -p "$project/fixtures"
cp -r "$here/test" "$project/test"
cp "$repo/testdata/vectors.txt" "$repo/testdata/e2e_cases.txt" "$repo/testdata/http_conformance.txt" \
    "$repo/testing/mock_unleashed.py" "$repo/residue/scan.py" \
    "$repo/include/unleashed_signer.h" "$repo/Cargo.toml" "$project/fixtures/"
cp "$here/README.md" "$project/fixtures/README.node.md"

# The tests' own tools at the versions locked for the package's development.
locked() { node -p "require('$here/package-lock.json').packages['node_modules/$1'].version"; }
cat >"$project/package.json" <<JSON
{ "name": "unleashed-signer-packed-test", "private": true, "type": "module" }
JSON
cd "$project"
npm install --silent --no-audit --no-fund --prefer-offline "$tarball" \
    "typescript@$(locked typescript)" "@types/node@$(locked @types/node)"

echo "-- the one-liner, in $project"
ours=$(node -e "const {SigningKey}=require('unleashed-signer'); console.log(new SigningKey('made-up-key').sign('customerCode=ACME'))")
theirs=$(node -e "const {createHmac} = require('node:crypto');
console.log(createHmac('sha256', 'made-up-key').update('customerCode=ACME').digest('base64'))")
echo "$ours"
if [[ "$ours" != "$theirs" || ${#ours} -ne 44 ]]; then
    echo "the one-liner printed '$ours'; node:crypto computes '$theirs'" >&2
    exit 1
fi

echo "-- node --test, in $project"
node --test --test-reporter=tap test/*.test.mjs >"$work/tap.txt" || { cat "$work/tap.txt"; exit 1; }
grep -E '^# (tests|pass|fail|skipped|todo|cancelled) ' "$work/tap.txt"
echo "conformance cases passed: $(grep -cE '^ *ok [0-9]+ - conformance ' "$work/tap.txt")" \
    "($(grep -oE '^ *ok [0-9]+ - conformance [a-z0-9-]+' "$work/tap.txt" | sed 's/.* conformance //' | tr '\n' ' '))"
# A run that ran nothing, or skipped anything, is not a pass.
grep -qE '^# pass [1-9]' "$work/tap.txt" || { echo "no tests ran" >&2; exit 1; }
if (($(grep -cE '^ *ok [0-9]+ - conformance ' "$work/tap.txt") < 15)); then
    echo "fewer than 15 conformance cases passed" >&2
    exit 1
fi
for kind in fail skipped todo cancelled; do
    grep -qE "^# $kind 0$" "$work/tap.txt" || { cat "$work/tap.txt"; echo "tests: $kind is not 0" >&2; exit 1; }
done
