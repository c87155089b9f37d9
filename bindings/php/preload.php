<?php

// The opcache.preload script for php-fpm (or add its loop to yours): with ffi.enable=preload, PHP lets only code
// compiled at preload use FFI, so this package's classes are compiled here. See README.md, "php-fpm".

declare(strict_types=1);

foreach (glob(__DIR__ . '/src/*.php') ?: [] as $file) {
    opcache_compile_file($file);
}
