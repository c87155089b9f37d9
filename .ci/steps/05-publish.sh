#!/usr/bin/env bash
# Ready to publish:
#  1. one version: scripts/check_versions.py (header, crates, CHANGELOG.md, every runtime package under bindings/)
#     and its unit tests;
#  2. the minimum Rust version: no normal or build dependency of a published crate needs a newer Rust than
#     `rust-version` (our own code is checked by clippy's incompatible_msrv lint, run by .ci/run);
#  3. `cargo package` of the three published crates together: cargo packages each one into
#     target/package/NAME-VERSION.crate and builds it from there, the dependent crates against a temporary local
#     registry holding the core's package (multi-package packaging, stable since cargo 1.90), so path-only
#     dependencies, files left out and manifest errors fail here; then `cargo publish --dry-run --no-verify` of the
#     same crates, which runs publish's own checks against the crates.io index without building again or uploading;
#  4. each .crate holds LICENSE-MIT and LICENSE-APACHE equal to the repository's and its own README.md, and its manifest has
#     the metadata crates.io shows;
#  5. `cargo doc --no-deps --workspace` with rustdoc warnings denied.
# The ABI check (ffi/tests/abi.rs) runs with `cargo test`.
#
# `--allow-dirty`: the packages' contents are what is checked, so uncommitted work may be checked too. Cargo warns
# that tests and examples are "not included in the published package": on purpose, since they read files elsewhere
# in the repository (testdata/, examples/); the packages hold what builds the crates.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
crates=(unleashed-signer unleashed-signer-ffi unleashed-signer-cli)
version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- one version ($version): scripts/check_versions.py and the tests of scripts/"
python3 scripts/check_versions.py
if ! python3 -m unittest discover -s scripts -p 'test_*.py' >"$work/unittest.log" 2>&1; then
    cat "$work/unittest.log"
    exit 1
fi
tail -n 3 "$work/unittest.log"
if ! grep -qE '^Ran [1-9][0-9]* tests? ' "$work/unittest.log"; then
    echo "the tests of scripts/ did not run" >&2
    exit 1
fi

echo "-- the root README's map: every example line stands in the README it links"
python3 scripts/check_readme_map.py

echo "-- the dependencies' rust-version"
python3 scripts/check_dependency_msrv.py

package_args=()
for crate in "${crates[@]}"; do package_args+=(-p "$crate"); done
echo "-- cargo package: ${crates[*]}"
rm -f "$CARGO_TARGET_DIR"/package/*.crate
# Cargo (1.95) takes a registry package of a given name and version to be immutable: the temporary registry's core
# of an earlier run stays unpacked in CARGO_HOME/registry/src/ and built in the target directory, and would be used
# again for the dependent crates instead of this run's core. Removing our crates' unpacked sources and fingerprints
# (caches only; it rebuilds our own crates, never the dependencies) makes every run check the current code.
for crate in "${crates[@]}"; do
    rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version"
done
rm -rf "$CARGO_TARGET_DIR"/debug/.fingerprint/unleashed-signer-*
cargo package --locked --allow-dirty "${package_args[@]}"
echo "-- cargo publish --dry-run: ${crates[*]}"
cargo publish --dry-run --no-verify --locked --allow-dirty "${package_args[@]}"

echo "-- licence files, README and metadata in each package"
declare -A crate_dir=([unleashed-signer]=core [unleashed-signer-ffi]=ffi [unleashed-signer-cli]=cli)
for crate in "${crates[@]}"; do
    listing=$(cargo package --list --locked --allow-dirty -p "$crate" 2>"$work/list.err") || {
        cat "$work/list.err" >&2
        exit 1
    }
    archive="$CARGO_TARGET_DIR/package/$crate-$version.crate"
    [[ -f $archive ]] || { echo "cargo package wrote no $archive" >&2; exit 1; }
    tar -xzf "$archive" -C "$work"
    for file in LICENSE-MIT LICENSE-APACHE README.md; do
        if ! grep -qxF "$file" <<<"$listing"; then
            echo "$crate: 'cargo package --list' has no $file:" >&2
            echo "$listing" >&2
            exit 1
        fi
        # Also in the archive itself, as a regular file with the repository's content (not a dangling link): the
        # licences are the root's (linked from each crate), the README each crate's own.
        source=$file
        [[ $file == README.md ]] && source="${crate_dir[$crate]}/README.md"
        if ! cmp -s "$source" "$work/$crate-$version/$file"; then
            echo "$crate: $file in $archive differs from the repository's $source (or is missing)" >&2
            exit 1
        fi
    done
    python3 - "$work/$crate-$version/Cargo.toml" <<'EOF'
import sys, tomllib
path = sys.argv[1]
package = tomllib.load(open(path, "rb"))["package"]
required = ["description", "license", "repository", "readme", "documentation", "keywords", "categories",
            "rust-version"]
missing = [field for field in required if not package.get(field)]
if missing:
    sys.exit(f"{path}: the packaged manifest lacks {', '.join(missing)}")
EOF
    echo "$crate-$version.crate: $(wc -l <<<"$listing") files, licences and README included, metadata complete"
done

echo "-- cargo doc --no-deps --workspace, warnings denied"
RUSTDOCFLAGS="${RUSTDOCFLAGS:-} -D warnings" cargo doc --no-deps --workspace --locked --quiet

echo "-- ready to publish"
