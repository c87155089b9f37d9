#!/usr/bin/env bash
# The PHP package for linux-x64 and linux-arm64 (called by .ci/steps/31-aarch64.sh with AARCH64_DIST set to the
# directory of the release aarch64 libunleashed_signer_ffi.so):
#  1. builds the package as it ships: build.sh puts this machine's library into lib/linux-x64/ and the aarch64 one
#     into lib/linux-arm64/ (src/Native.php picks one by PHP_OS_FAMILY and php_uname('m')); `composer archive`
#     makes the package; its files are printed, and each library is checked for its ELF machine (62, 183);
#  2. unpacks the archive into a scratch copy of the repository's layout (the tests and their test data beside it,
#     as the tests expect) and runs PHPUnit there natively: PlatformTest (the library mapped into the process is
#     lib/linux-x64's; a platform without a library is named with the ones the package has) and VectorsTest;
#  3. runs PHPUnit in the same copy on Debian's arm64 PHP 8.2 under qemu-user: every test but the three that run the
#     binding in a child `php` of the host (x86_64: ReadmeTest's example, PhpFpmConfigTest, ResidueTest, whose
#     aarch64 counterpart is residue/scan_qemu.py at the C level). That includes PlatformTest (there: lib/linux-arm64
#     is the one mapped), every vector, bad input, clear, the header check, ext-curl end to end against the loopback
#     mock, the redirect guard against two php -S origins (host servers) and the HTTP conformance suite.
# php8.2-cli:arm64 and php8.2-common:arm64 (which holds ext-ffi) are not co-installable with the host's PHP: they,
# php8.2-xml, php8.2-mbstring (PHPUnit needs dom, xml, xmlwriter, mbstring) and php8.2-curl for arm64 are fetched
# with `apt-get download` and unpacked into $CARGO_TARGET_DIR/php82-arm64, which qemu's -L overlays on / (it holds
# no C library, so the glibc-mixing hang of `-L /usr/aarch64-linux-gnu` cannot happen); the libraries they link
# are apt-installed (Multi-Arch: same). PHP runs with -n (no php.ini: the host's conf.d names x86_64 extensions)
# and the extensions it needs given with -d. PHPUnit is PHP code: the host's /usr/bin/phpunit runs as it is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
: "${AARCH64_DIST:?set AARCH64_DIST to the directory of the aarch64 libunleashed_signer_ffi.so}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1
source "$repo/.ci/lib/debian.sh"
started=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "-- Debian's arm64 PHP 8.2, unpacked"
apt_need php8.2-cli php8.2-curl phpunit composer qemu-user libc6:arm64 libedit2:arm64 libmagic1:arm64 \
    libargon2-1:arm64 libpcre2-8-0:arm64 libsodium23:arm64 libssl3:arm64 libxml2:arm64 libxslt1.1:arm64 \
    zlib1g:arm64 libffi8:arm64 libonig5:arm64 libcurl4:arm64
root="$CARGO_TARGET_DIR/php82-arm64"
deb_unpack "$root" php8.2-cli:arm64 php8.2-common:arm64 php8.2-xml:arm64 php8.2-mbstring:arm64 php8.2-curl:arm64
[[ -x $root/usr/bin/php8.2 ]] || { echo "no usr/bin/php8.2 in $root" >&2; exit 1; }
extension_dir=$(cd "$root" && echo usr/lib/php/20*)
[[ -f $root/$extension_dir/ffi.so ]] || { echo "no ffi.so in $root/$extension_dir" >&2; exit 1; }
php_arm64=(qemu-aarch64 -L "$root" "$root/usr/bin/php8.2" -n -d "extension_dir=/$extension_dir")
for extension in ffi ctype dom xml xmlwriter simplexml mbstring tokenizer iconv posix curl; do
    php_arm64+=(-d "extension=$extension")
done
"${php_arm64[@]}" -r 'echo "PHP ", PHP_VERSION, " on ", php_uname("m"), ", FFI ", extension_loaded("ffi") ? "loaded" : "missing", "\n";'

echo "-- the package, with lib/linux-x64 and lib/linux-arm64"
# rustup's cargo and compiler for the x86_64 library, as in the other steps: 31-aarch64.sh exports Debian's RUSTC.
env -u RUSTC -u RUSTDOC bash "$here/build.sh" --aarch64 "$AARCH64_DIST"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
composer archive --quiet --working-dir="$here" --format=tar --dir="$work" --file="unleashed-signer-$version"
archive="$work/unleashed-signer-$version.tar"
echo "$(basename "$archive"):"
tar -tvf "$archive" | awk '$1 !~ /^d/ { printf "    %9d  %s\n", $3, $6 }'
package="$work/r/bindings/php"
mkdir -p "$package"
tar -xf "$archive" -C "$package"
for pair in linux-x64:62 linux-arm64:183; do
    library="$package/lib/${pair%%:*}/libunleashed_signer.so"
    [[ -f $library ]] || { echo "the package lacks lib/${pair%%:*}/libunleashed_signer.so" >&2; exit 1; }
    machine=$(od -An -t u2 -j 18 -N 2 "$library" | tr -d ' ')
    ((machine == ${pair#*:})) || { echo "lib/${pair%%:*}: ELF machine $machine, not ${pair#*:}" >&2; exit 1; }
    echo "lib/${pair%%:*}/libunleashed_signer.so is ELF machine $machine"
done

# The tests beside the unpacked package, with the repository's files they read where they look for them.
cp -r "$here/tests" "$here/phpunit.xml" "$package/"
for name in testdata testing include Cargo.toml; do ln -s "$repo/$name" "$work/r/$name"; done
composer dump-autoload --quiet --dev --working-dir="$package"
cd "$package"

# Runs PHPUnit with a PHP command; its last line must be "OK (N tests, M assertions)" with N > 0.
phpunit_run() { # label php-command... -- phpunit-arguments...
    local label=$1 line
    shift
    local php=()
    while [[ $1 != -- ]]; do php+=("$1"); shift; done
    shift
    if ! "${php[@]}" /usr/bin/phpunit "$@" >"$work/phpunit.log" 2>&1; then
        cat "$work/phpunit.log" >&2
        echo "$label: PHPUnit failed" >&2
        exit 1
    fi
    line=$(grep -E '^OK \([0-9]+ tests?, [0-9]+ assertions?\)$' "$work/phpunit.log" || true)
    [[ $line =~ ^OK\ \(([0-9]+) ]] && ((BASH_REMATCH[1] > 0)) ||
        { cat "$work/phpunit.log" >&2; echo "$label: no OK line" >&2; exit 1; }
    echo "$label: $line"
}
echo "-- x86_64, natively, from the unpacked package"
phpunit_run "PHPUnit on x86_64 (PlatformTest, VectorsTest)" php -- --filter '/^Unleashed\\Signer\\Tests\\(PlatformTest|VectorsTest)::/'
echo "-- arm64, PHP 8.2 under qemu, from the same package"
phpunit_run "PHPUnit on arm64 under qemu (all but ReadmeTest, PhpFpmConfigTest, ResidueTest)" "${php_arm64[@]}" -- \
    --log-junit "$work/junit.xml" --filter '/^(?!Unleashed\\Signer\\Tests\\(ReadmeTest|PhpFpmConfigTest|ResidueTest)::)/'
# Which classes ran, from PHPUnit's JUnit log: PlatformTest must be among them.
python3 - "$work/junit.xml" <<'PY'
import collections, sys, xml.etree.ElementTree as ET
counts = collections.Counter(case.get("class", "").rsplit("\\", 1)[-1] for case in ET.parse(sys.argv[1]).iter("testcase"))
print("of them: " + ", ".join(f"{name} {count}" for name, count in sorted(counts.items())))
sys.exit(0 if counts["PlatformTest"] >= 5 else "PlatformTest did not run under qemu")
PY

echo "-- PHP package for linux-x64 and linux-arm64 checked in $((SECONDS - started)) s"
