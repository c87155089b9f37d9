#!/usr/bin/env bash
# Tests the packages as users get them: packs them (or takes the tarballs given), installs them into an empty
# project in a temporary directory, outside the repository, without the registry (`npm install --offline`: the main
# tarball as a dependency, the platform tarballs as optional dependencies, so npm installs only the one whose
# `os`/`cpu` fit, as it does from the registry), and runs there
#  - the issue's one-liner through require(), compared with node:crypto's HMAC of the same message;
#  - `node --test` over test/*.test.mjs, with the repository's test data copied in as fixtures/;
# both once with the Node-API glue and once forced to the WebAssembly module (UNLEASHED_SIGNER_BACKEND), or only
# with the backends named in UNLEASHED_TEST_BACKENDS; and, when UNLEASHED_DENO names a deno binary,
# test/deno/run.mjs under Deno (every vector, through package.json's "deno" condition).
# A main tarball built without the module (scripts/build.mjs warns) is tested with the glue only, without the tests
# that exist for the module (backend.test.mjs, web.test.mjs), unless UNLEASHED_TEST_BACKENDS asks for wasm, which
# then fails; .ci/steps/77-wasm.sh builds the module and asks for both.
# For another architecture (arm64-test.sh): UNLEASHED_TEST_CPU is npm's --cpu for the install (arm64),
# UNLEASHED_TEST_NODE the command that runs node (a wrapper around qemu), UNLEASHED_TEST_FILES the test files to run
# (names in test/; then the dev tools are not installed, and the whole install is offline).
# Run `npm ci && npm run build` first.
# Usage: scripts/test-packed.sh [unleashed-signer-X.Y.Z.tgz [unleashed-signer-linux-*-X.Y.Z.tgz...]]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarballs=("$@")
if ((${#tarballs[@]} == 0)); then
    mapfile -t tarballs < <(node "$here/scripts/pack.mjs" "$work/packs" linux-x64)
fi
main=$(realpath "${tarballs[0]}")
platforms=()
for tarball in "${tarballs[@]:1}"; do platforms+=("$(realpath "$tarball")"); done
# The whole listing first: `grep -q` closing a pipe early would fail `tar` under pipefail.
contents=$(tar -tzf "$main")
if grep -qx package/lib/web/web.js <<<"$contents"; then
    backends=${UNLEASHED_TEST_BACKENDS:-native wasm}
    skip='^$'
else
    backends=${UNLEASHED_TEST_BACKENDS:-native}
    skip='^test/(backend|web)\.test\.mjs$'
    echo "-- $(basename "$main") has no WebAssembly module: testing the Node-API glue only (77-wasm.sh tests both)"
fi
read -r -a node <<<"${UNLEASHED_TEST_NODE:-node}"

project="$work/project"
mkdir -p "$project/fixtures"
cp -r "$here/test" "$project/test"
cp "$repo/testdata/vectors.txt" "$repo/testdata/e2e_cases.txt" "$repo/testdata/http_conformance.txt" \
    "$repo/testing/mock_unleashed.py" "$repo/residue/scan.py" \
    "$repo/include/unleashed_signer.h" "$repo/Cargo.toml" "$project/fixtures/"
cp "$here/README.md" "$project/fixtures/README.node.md"

cp "$repo/wasm/SHA256SUMS" "$project/fixtures/"

# The tests' own tools at the versions locked for the package's development (from the registry, or npm's cache),
# unless only some test files run (arm64-test.sh), which need none.
locked() { node -p "require('$here/package-lock.json').packages['node_modules/$1'].version"; }
cat >"$project/package.json" <<JSON
{ "name": "unleashed-signer-packed-test", "private": true, "type": "module" }
JSON
cd "$project"
if [[ -z ${UNLEASHED_TEST_FILES:-} ]]; then
    npm install --silent --no-audit --no-fund --prefer-offline \
        "typescript@$(locked typescript)" "@types/node@$(locked @types/node)"
fi
# Then the packages, offline: npm must not need the registry for the platform packages.
node -e '
const fs = require("node:fs");
const [main, ...platforms] = process.argv.slice(1);
const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
const name = (tarball) => JSON.parse(require("node:child_process")
    .execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })).name;
manifest.dependencies = { ...manifest.dependencies, "unleashed-signer": `file:${main}` };
manifest.optionalDependencies = Object.fromEntries(platforms.map((t) => [name(t), `file:${t}`]));
fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2));
' "$main" "${platforms[@]}"
npm install --silent --no-audit --no-fund --offline ${UNLEASHED_TEST_CPU:+--cpu="$UNLEASHED_TEST_CPU"}
echo "-- installed offline for ${UNLEASHED_TEST_CPU:-$(node -p process.arch)}: unleashed-signer" \
    "$(cd node_modules && ls -d @unleashed-signer/* 2>/dev/null | tr '\n' ' ')"

run_tests() { # backend
    export UNLEASHED_SIGNER_BACKEND=$1 UNLEASHED_EXPECT_BACKEND=$1
    echo "-- the one-liner, in $project, backend $1"
    ours=$("${node[@]}" -e "const {SigningKey}=require('unleashed-signer'); console.log(new SigningKey('made-up-key').sign('customerCode=ACME'))")
    theirs=$(node -e "const {createHmac} = require('node:crypto');
console.log(createHmac('sha256', 'made-up-key').update('customerCode=ACME').digest('base64'))")
    echo "$ours"
    if [[ "$ours" != "$theirs" || ${#ours} -ne 44 ]]; then
        echo "the one-liner printed '$ours'; node:crypto computes '$theirs'" >&2
        exit 1
    fi

    echo "-- node --test, in $project, backend $1"
    local tests
    mapfile -t tests < <(printf '%s\n' test/*.test.mjs | grep -Ev "$skip")
    if [[ -n ${UNLEASHED_TEST_FILES:-} ]]; then
        mapfile -t tests < <(printf 'test/%s\n' $UNLEASHED_TEST_FILES)
    fi
    echo "-- ${#tests[@]} files: ${tests[*]}"
    "${node[@]}" --test --test-reporter=tap "${tests[@]}" >"$work/tap.txt" || { cat "$work/tap.txt"; exit 1; }
    grep -E '^# (tests|pass|fail|skipped|todo|cancelled) ' "$work/tap.txt"
    echo "-- of them: $(grep -cE '^ok [0-9]+ - vectors\.txt:' "$work/tap.txt") vectors.txt lines," \
        "$(grep -cE '^ +ok [0-9]+ - case [0-9]+: (200|the wrong key gives 403)' "$work/tap.txt") fetch e2e cases (200 and 403)"
    grep -E '^# (packed module|signed [0-9]+ vectors|glue loaded from)' "$work/tap.txt" || true
    if [[ " ${tests[*]} " == *" test/conformance.test.mjs "* ]]; then
        echo "conformance cases passed: $(grep -cE '^ *ok [0-9]+ - conformance ' "$work/tap.txt")" \
            "($(grep -oE '^ *ok [0-9]+ - conformance [a-z0-9-]+' "$work/tap.txt" | sed 's/.* conformance //' | tr '\n' ' '))"
        if (($(grep -cE '^ *ok [0-9]+ - conformance ' "$work/tap.txt") < 15)); then
            echo "fewer than 15 conformance cases passed" >&2
            exit 1
        fi
    fi
    # A run that ran nothing, or skipped anything, is not a pass.
    grep -qE '^# pass [1-9]' "$work/tap.txt" || { echo "no tests ran" >&2; exit 1; }
    for kind in fail skipped todo cancelled; do
        grep -qE "^# $kind 0$" "$work/tap.txt" || { cat "$work/tap.txt"; echo "tests: $kind is not 0" >&2; exit 1; }
    done
}

for backend in $backends; do
    run_tests "$backend"
done

if [[ -n "${UNLEASHED_DENO:-}" ]]; then
    echo "-- deno, in $project"
    "$UNLEASHED_DENO" run --quiet --no-remote --allow-read="$project" test/deno/run.mjs
fi
