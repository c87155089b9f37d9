<?php

// The router of the two `php -S` origins of RedirectTest ("home" and "other", on two ports). Every request is
// appended to $ORIGINS_LOG as one JSON line (origin, target, method, headers, body) before it is answered:
//   /to/<status>/<home|other>?<query>  redirects with <status> to /echo?<query> on that origin
//   /via/<origin>/<then>?<query>      redirects (302) to /to/302/<then>?<query> on <origin>
//   /relative                          redirects (302) to /echo?page=2, a relative Location
//   /absolute-here                     redirects (302) to this origin's /echo?abs=1, written HTTP://127.0.0.1:PORT
//   anything else                      200 "answered by <origin>"

declare(strict_types=1);

$name = (string) getenv('ORIGIN_NAME');
$ports = ['home' => (string) getenv('HOME_PORT'), 'other' => (string) getenv('OTHER_PORT')];
$target = $_SERVER['REQUEST_URI'];
$path = (string) parse_url($target, PHP_URL_PATH);
$query = (string) ($_SERVER['QUERY_STRING'] ?? '');
$body = (string) file_get_contents('php://input');
file_put_contents((string) getenv('ORIGINS_LOG'), json_encode([
    'origin' => $name,
    'target' => $target,
    'method' => $_SERVER['REQUEST_METHOD'],
    'headers' => array_change_key_case(getallheaders(), CASE_LOWER),
    'body' => $body,
]) . "\n", FILE_APPEND | LOCK_EX);

if (preg_match('~^/to/(\d{3})/(home|other)$~', $path, $m) === 1) {
    header("Location: http://127.0.0.1:{$ports[$m[2]]}/echo" . ($query === '' ? '' : "?$query"), true, (int) $m[1]);
} elseif (preg_match('~^/via/(home|other)/(home|other)$~', $path, $m) === 1) {
    header("Location: http://127.0.0.1:{$ports[$m[1]]}/to/302/{$m[2]}" . ($query === '' ? '' : "?$query"), true, 302);
} elseif ($path === '/relative') {
    header('Location: /echo?page=2', true, 302);
} elseif ($path === '/absolute-here') {
    header("Location: HTTP://127.0.0.1:{$ports[$name]}/echo?abs=1", true, 302);
} else {
    echo "answered by $name";
}
