#!/usr/bin/env bash
# The PHP binding (bindings/php), through the C library with PHP's FFI: PHPUnit runs every vector, bad input, the
# key wiping (and a refused clone), the FFI declarations against include/unleashed_signer.h (cc -E), ext-curl end
# to end against testing/mock_unleashed.py, CurlSigner's redirect guard against two php -S origins, every case of
# testdata/http_conformance.txt against the mock's two origins, the php-fpm and php -S settings (php-cgi, php -S),
# the README's install commands (composer archive, a path repository, composer require --no-audit) and example,
# and residue/scan.py over a PHP process after clear(); phpcs checks PSR-12. Everything comes from Debian's
# packages; Packagist is not used.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1

# ext-ffi is part of php8.2-common, which php8.2-cli depends on.
packages=(php8.2-cli php8.2-curl php8.2-cgi phpunit composer php-codesniffer)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$package")
    fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "-- installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=900 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
fi
php -r 'exit(extension_loaded("ffi") && extension_loaded("curl") ? 0 : 1);' || {
    echo "php lacks the ffi or curl extension" >&2
    exit 1
}

echo "-- the C library into bindings/php/lib"
bash bindings/php/build.sh

cd bindings/php
echo "-- composer validate, composer dump-autoload (the package's own autoloader, from composer.json)"
composer validate --quiet
composer dump-autoload --dev --quiet
echo "-- phpcs (PSR-12, phpcs.xml)"
phpcs
echo "-- phpunit"
phpunit
