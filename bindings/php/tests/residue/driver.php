<?php

/**
 * Runs one path of SigningKey with a key read from stdin, clears the key, wipes this script's own copy of the
 * secret, then says "ready" and waits, so that residue/scan.py (through scan_php.py) can read this PHP process's
 * memory and count what is left of the key. The scanner, not this script, knows what to look for.
 *
 * Usage: php driver.php PATH STORAGE
 *   PATH:    init-clear | sign | sign-query | sign-url | verify | verify-url | build-query | control | blank
 *            (control: sign and do not clear, so the scanner must find the live key; blank: never read the
 *            secret, so the scanner sees what a PHP process holds anyway)
 *   STORAGE: ffi (FFI::new memory, the only storage SigningKey uses)
 * stdin:  "FORMAT LEN\n" (FORMAT: text | base64), then LEN bytes of secret; later, any byte to exit.
 * stdout: "ready\n" once the path is done and the key cleared.
 */

declare(strict_types=1);

require dirname(__DIR__, 2) . '/vendor/autoload.php';

use Unleashed\Signer\KeyFormat;
use Unleashed\Signer\SigningKey;

[, $path, $storage] = $argv + [null, '', ''];
if ($storage !== 'ffi') {
    fwrite(STDERR, "driver.php: storage must be ffi\n");
    exit(2);
}

// Unbuffered, so that no stream buffer keeps a copy of the secret: the bytes go straight into $secret.
stream_set_read_buffer(STDIN, 0);
if ($path === 'blank') {
    echo "ready\n";
    // One byte at a time (PHP interns one-byte strings), so that nothing of the secret is copied.
    while (fread(STDIN, 1) !== '') {
    }
    exit(0);
}
$header = '';
while (($char = fread(STDIN, 1)) !== "\n") {
    $header .= $char;
}
[$formatName, $length] = explode(' ', $header);
$secret = '';
while (\strlen($secret) < (int) $length) {
    $secret .= fread(STDIN, (int) $length - \strlen($secret));
}

/** Overwrites the string's bytes in place (its only reference is the caller's variable). */
$wipe = static function (string &$bytes): void {
    for ($i = 0, $n = \strlen($bytes); $i < $n; $i++) {
        $bytes[$i] = "\0";
    }
};

$query = 'customerName=Acme%20Sons&startDate=2024-01-01';
$url = 'https://api.unleashedsoftware.com/Customers?customerName=Acme%20Sons';
$key = new SigningKey($secret, $formatName === 'base64' ? KeyFormat::Base64 : KeyFormat::Text);
$wipe($secret);
match ($path) {
    'init-clear' => null,
    'sign', 'control' => $key->sign($query),
    'sign-query' => $key->signQuery($query),
    'sign-url' => $key->signUrl($url),
    'verify' => $key->verify($query, $key->sign($query)) || exit(3),
    'verify-url' => $key->verifyUrl($url, $key->signUrl($url)) || exit(3),
    'build-query' => $key->buildQuery(['customerName' => 'Acme Sons', 'startDate' => '2024-01-01']),
};
if ($path !== 'control') {
    $key->clear();
    unset($key);
}
gc_collect_cycles();

echo "ready\n";
fread(STDIN, 1);
