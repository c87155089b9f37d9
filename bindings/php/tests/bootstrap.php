<?php

declare(strict_types=1);

// The tests load the package the way its users do: through Composer's autoloader, generated from composer.json.
$autoload = dirname(__DIR__) . '/vendor/autoload.php';
if (!is_file($autoload)) {
    fwrite(STDERR, "bindings/php/vendor/autoload.php is missing: run `composer dump-autoload` in bindings/php\n");
    exit(1);
}
require $autoload;
