<?php

/**
 * ns per signature: this binding (through FFI) against what PHP clients do today, hash_hmac('sha256', ...) keyed
 * per request + base64_encode. Run from bindings/php after build.sh and `composer dump-autoload`:
 *
 *     php bench/sign.php [rounds]
 *
 * Each figure is the best of `rounds` (default 7) loops, in ns of this process's CPU time (getrusage: user +
 * system) per operation, the cost of an empty closure call subtracted. CPU time rather than wall time, because
 * the machine this was written on is shared and busy: a descheduled process is not charged. Compare the ratios,
 * from one run.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/vendor/autoload.php';

use Unleashed\Signer\Native;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;

$rounds = (int) ($argv[1] ?? 7);
$apiKey = 'ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==';
$queries = [
    '17 B' => 'customerCode=ACME',
    '120 B' => 'orderStatus=Completed,Backordered&customerName=Acme%20%26%20Sons&startDate=2024-01-01'
        . '&endDate=2024-12-31&pageSize=500',
    '4 KiB' => str_repeat('a', 4096),
];

/** This process's CPU time (user + system), in ns. */
$cpu = static function (): int {
    $usage = getrusage();
    return ($usage['ru_utime.tv_sec'] + $usage['ru_stime.tv_sec']) * 1_000_000_000
        + ($usage['ru_utime.tv_usec'] + $usage['ru_stime.tv_usec']) * 1_000;
};

/** Best of $rounds loops of $n calls to $f, in ns of CPU time per call (the loop's own cost subtracted). */
$bench = static function (callable $f, int $n) use ($cpu, $rounds): float {
    $empty = static function (): void {
    };
    $best = INF;
    for ($r = 0; $r < $rounds; $r++) {
        $t0 = $cpu();
        for ($i = 0; $i < $n; $i++) {
            $f();
        }
        $t1 = $cpu();
        for ($i = 0; $i < $n; $i++) {
            $empty();
        }
        $t2 = $cpu();
        $best = min($best, (($t1 - $t0) - ($t2 - $t1)) / $n);
    }
    return $best;
};

$key = new SigningKey($apiKey);
$ffi = Native::ffi();
$rows = [];
foreach ($queries as $label => $query) {
    $n = strlen($query) > 1000 ? 20000 : 100000;
    if (base64_encode(hash_hmac('sha256', $query, $apiKey, true)) !== $key->sign($query)) {
        throw new RuntimeException('hash_hmac and the binding disagree');
    }
    $hmac = $bench(static fn () => base64_encode(hash_hmac('sha256', $query, $apiKey, true)), $n);
    $sign = $bench(static fn () => $key->sign($query), $n);
    $url = "SalesOrders?$query";
    $signUrl = $bench(static fn () => $key->signUrl($url, SignedForm::Wire), $n);
    $rows[] = [$label, $hmac, $sign, $signUrl];
}

// What one call across FFI costs, doing nothing: unleashed_key_size() takes no argument and returns a constant.
$noop = $bench(static fn () => $ffi->unleashed_key_size(), 200000);
// A request in php-fpm starts with nothing: it loads the declarations and prepares the key again.
$cdef = $bench(static fn () => FFI::cdef(Native::CDEF, Native::libraryPath()), 2000);
// With ffi.preload (run this script with -d ffi.preload=FILE from bin/unleashed-signer-ffi-header), a request
// looks the declarations up instead.
try {
    FFI::scope(Native::SCOPE);
    $scope = $bench(static fn () => FFI::scope(Native::SCOPE), 100000);
} catch (FFI\Exception) {
    $scope = null;
}
$short = $queries['17 B'];
$request = $bench(static function () use ($apiKey, $short): void {
    $key = new SigningKey($apiKey);
    $key->sign($short);
    $key->clear();
}, 50000);
$newKey = $bench(static function () use ($apiKey): void {
    (new SigningKey($apiKey))->clear();
}, 50000);
$pairs = ['orderStatus' => 'Completed,Backordered', 'customerName' => 'Acme & Sons', 'pageSize' => '500'];
$build = $bench(static fn () => $key->buildQuery($pairs), 50000);
$buildPhp = $bench(static function () use ($pairs, $apiKey): string {
    $query = http_build_query($pairs, '', '&', PHP_QUERY_RFC3986);
    return base64_encode(hash_hmac('sha256', rawurldecode($query), $apiKey, true));
}, 50000);

printf("PHP %s, %s, best of %d rounds, ns of CPU time per operation\n\n", PHP_VERSION, php_uname('m'), $rounds);
echo "| query | hash_hmac + base64_encode | SigningKey::sign | ratio | SigningKey::signUrl | ratio |\n";
echo "|---|---:|---:|---:|---:|---:|\n";
foreach ($rows as [$label, $hmac, $sign, $signUrl]) {
    printf(
        "| %s | %.0f | %.0f | %.2f | %.0f | %.2f |\n",
        $label,
        $hmac,
        $sign,
        $sign / $hmac,
        $signUrl,
        $signUrl / $hmac,
    );
}
printf("\n| other | ns |\n|---|---:|\n");
printf("| an FFI call that does nothing (unleashed_key_size) | %.0f |\n", $noop);
printf("| FFI::cdef of the declarations (once per request in php-fpm) | %.0f |\n", $cdef);
if ($scope !== null) {
    printf("| FFI::scope, with ffi.preload (once per request in php-fpm) | %.0f |\n", $scope);
}
printf("| new SigningKey + clear (once per request in php-fpm) | %.0f |\n", $newKey);
printf("| new SigningKey + sign (17 B) + clear: a request's signing, declarations loaded | %.0f |\n", $request);
printf("| buildQuery, 3 parameters | %.0f |\n", $build);
printf("| http_build_query + rawurldecode + hash_hmac + base64_encode, same 3 | %.0f |\n", $buildPhp);
