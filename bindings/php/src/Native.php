<?php

declare(strict_types=1);

namespace Unleashed\Signer;

use FFI;

/**
 * The C library, loaded once per request through PHP's FFI extension.
 *
 * @internal Use {@see SigningKey}; this class is the binding's only door to the C ABI and may change.
 */
final class Native
{
    /**
     * The declarations of include/unleashed_signer.h that this binding calls, as the C preprocessor leaves them
     * (PHP's FFI parses no #define or #if). tests/HeaderTest.php runs `cc -E` over the header and fails when
     * they drift apart.
     */
    public const CDEF = <<<'C'
        enum unleashed_status {
          UNLEASHED_OK = 0,
          UNLEASHED_PANIC = 1,
          UNLEASHED_NULL_POINTER = 2,
          UNLEASHED_INVALID_LENGTH = 3,
          UNLEASHED_MISALIGNED_POINTER = 4,
          UNLEASHED_BUFFER_TOO_SMALL = 5,
          UNLEASHED_OVERLAPPING_BUFFERS = 6,
          UNLEASHED_KEY_NOT_INITIALISED = 10,
          UNLEASHED_INVALID_KEY_FORMAT = 11,
          UNLEASHED_INVALID_SIGNED_FORM = 12,
          UNLEASHED_QUERY_NOT_INITIALISED = 13,
          UNLEASHED_EMPTY_KEY = 20,
          UNLEASHED_KEY_WHITESPACE = 21,
          UNLEASHED_KEY_CONTROL_CHARACTER = 22,
          UNLEASHED_KEY_NOT_UTF8 = 23,
          UNLEASHED_INVALID_BASE64 = 24,
          UNLEASHED_BASE64_KEY_TOO_LONG = 25,
          UNLEASHED_INVALID_KEY = 26,
          UNLEASHED_MALFORMED_ESCAPE = 30,
          UNLEASHED_EMPTY_PARAMETER_NAME = 31,
          UNLEASHED_SIGNATURE_MISMATCH = 40,
          UNLEASHED_INVALID_API_ID = 50,
          UNLEASHED_INVALID_CLIENT_TYPE = 51,
        };
        typedef uint32_t unleashed_status;
        typedef struct unleashed_key { uint64_t opaque[16]; } unleashed_key;
        typedef uint32_t unleashed_key_format;
        typedef uint32_t unleashed_signed_form;
        typedef struct unleashed_param {
          const char *name;
          size_t name_len;
          const char *value;
          size_t value_len;
        } unleashed_param;
        const char *unleashed_status_str(uint32_t status);
        const char *unleashed_version(void);
        unleashed_status unleashed_key_init(struct unleashed_key *key, const char *secret, size_t secret_len,
                                            unleashed_key_format format);
        void unleashed_key_clear(struct unleashed_key *key);
        size_t unleashed_key_size(void);
        unleashed_status unleashed_sign(const struct unleashed_key *key, const char *message, size_t message_len,
                                        char *out, size_t out_len);
        unleashed_status unleashed_sign_query(const struct unleashed_key *key, const char *query, size_t query_len,
                                              unleashed_signed_form form, char *out, size_t out_len);
        unleashed_status unleashed_sign_url(const struct unleashed_key *key, const char *url, size_t url_len,
                                            unleashed_signed_form form, char *out, size_t out_len);
        unleashed_status unleashed_verify(const struct unleashed_key *key, const char *message, size_t message_len,
                                          const char *signature, size_t signature_len);
        unleashed_status unleashed_verify_url(const struct unleashed_key *key, const char *url, size_t url_len,
                                              unleashed_signed_form form, const char *signature,
                                              size_t signature_len);
        unleashed_status unleashed_build_query(const struct unleashed_key *key, const struct unleashed_param *params,
                                               size_t params_len, unleashed_signed_form form, char *query_out,
                                               size_t query_out_len, size_t *needed, char *signature_out,
                                               size_t signature_out_len);
        unleashed_status unleashed_api_id_validate(const char *id, size_t id_len);
        unleashed_status unleashed_client_type_validate(const char *client_type, size_t client_type_len);
        typedef struct unleashed_headers {
          char api_id[37];
          char signature[45];
          char client_type[65];
        } unleashed_headers;
        unleashed_status unleashed_headers_for_url(const struct unleashed_key *key, const char *api_id,
                                                   size_t api_id_len, const char *client_type,
                                                   size_t client_type_len, const char *url, size_t url_len,
                                                   unleashed_signed_form form, struct unleashed_headers *out,
                                                   size_t out_len);
        C;

    /** `UNLEASHED_VERSION`: the header version this binding was written against (checked against the header). */
    public const HEADER_VERSION = '0.1.0';

    /** `UNLEASHED_SIGNATURE_LEN`: characters in a signature, without the NUL the library writes after it. */
    public const SIGNATURE_LEN = 44;

    /** `UNLEASHED_HEADER_API_AUTH_ID`. */
    public const HEADER_API_AUTH_ID = 'api-auth-id';

    /** `UNLEASHED_HEADER_API_AUTH_SIGNATURE`. */
    public const HEADER_API_AUTH_SIGNATURE = 'api-auth-signature';

    /** `UNLEASHED_HEADER_CLIENT_TYPE`. */
    public const HEADER_CLIENT_TYPE = 'client-type';

    private static ?FFI $ffi = null;
    /** @var array<string, FFI\CType> C types parsed once per request: parsing a type costs more than a call */
    private static array $types = [];

    /** The library's FFI object, loaded from this package's lib/ directory on first use. */
    public static function ffi(): FFI
    {
        return self::$ffi ??= self::load();
    }

    /** The C type named `$c` (`'size_t'`, `'char *'`), parsed once. */
    public static function type(string $c): FFI\CType
    {
        return self::$types[$c] ??= self::ffi()->type($c);
    }

    /**
     * The type of key storage: `uint64_t[unleashed_key_size() / 8]`, raw memory of the size the library asks for,
     * aligned to 8 (FFI::new zero-fills it). Computed once per request.
     */
    public static function keyStorageType(): FFI\CType
    {
        if (!isset(self::$types['key storage'])) {
            $size = self::ffi()->unleashed_key_size();
            if ($size <= 0 || $size % 8 !== 0) {
                throw new \LogicException("unleashed_key_size() is $size, not a multiple of 8: the library is broken");
            }
            self::$types['key storage'] = self::arrayType('uint64_t', intdiv($size, 8));
        }
        return self::$types['key storage'];
    }

    /** The C type `$element[$length]`, its element type parsed once. */
    public static function arrayType(string $element, int $length): FFI\CType
    {
        return FFI::arrayType(self::type($element), [$length]);
    }

    /** The platforms this package ships a library for, each in its own directory of lib/ (bindings/php/build.sh). */
    public const PLATFORMS = ['linux-x64', 'linux-arm64'];

    /**
     * The platform name of an OS family (`PHP_OS_FAMILY`) and a machine (`php_uname('m')`), as lib/ names its
     * directories: `linux-x64` for Linux on x86_64, `linux-arm64` for Linux on aarch64; any other pair gets a name
     * of the same shape (`linux-riscv64`), which no directory has.
     */
    public static function platform(string $osFamily, string $machine): string
    {
        $os = strtolower($osFamily);
        $arch = match (strtolower($machine)) {
            'x86_64', 'amd64', 'x64' => 'x64',
            'aarch64', 'arm64', 'armv8l' => 'arm64',
            default => strtolower($machine),
        };
        return "$os-$arch";
    }

    /** This machine's platform name: {@see platform()} of `PHP_OS_FAMILY` and `php_uname('m')`. */
    public static function currentPlatform(): string
    {
        return self::platform(\PHP_OS_FAMILY, php_uname('m'));
    }

    /** This package's lib/ directory, next to src/. */
    public static function libraryDirectory(): string
    {
        return \dirname(__DIR__) . \DIRECTORY_SEPARATOR . 'lib';
    }

    /**
     * The path of the shared library this package ships for a platform (this machine's by default), in the
     * platform's directory of a lib/ directory (this package's by default): lib/linux-arm64/libunleashed_signer.so.
     */
    public static function libraryPath(?string $platform = null, ?string $libraryDirectory = null): string
    {
        $platform ??= self::currentPlatform();
        $file = match (true) {
            str_starts_with($platform, 'windows-') => 'unleashed_signer.dll',
            str_starts_with($platform, 'darwin-') => 'libunleashed_signer.dylib',
            default => 'libunleashed_signer.so',
        };
        return ($libraryDirectory ?? self::libraryDirectory()) . \DIRECTORY_SEPARATOR . $platform
            . \DIRECTORY_SEPARATOR . $file;
    }

    /**
     * The library for a platform in a lib/ directory; throws a {@see \LogicException} that names the platform and
     * the ones the directory has a library for when it has none for this one.
     */
    public static function requireLibrary(string $platform, string $libraryDirectory): string
    {
        $path = self::libraryPath($platform, $libraryDirectory);
        if (\is_file($path)) {
            return $path;
        }
        $shipped = [];
        foreach (glob($libraryDirectory . \DIRECTORY_SEPARATOR . '*', \GLOB_ONLYDIR) ?: [] as $directory) {
            if (\is_file(self::libraryPath(basename($directory), $libraryDirectory))) {
                $shipped[] = basename($directory);
            }
        }
        sort($shipped);
        $has = $shipped === []
            ? 'it has no library for any platform'
            : 'it has one for ' . implode(', ', $shipped) . ' only';
        $supported = \in_array($platform, self::PLATFORMS, true)
            ? 'build it with bindings/php/build.sh (`--aarch64 DIR` adds linux-arm64), or reinstall the package, '
                . 'which ships ' . implode(' and ', self::PLATFORMS)
            : 'the package ships ' . implode(' and ', self::PLATFORMS) . ': on another platform, build the C library '
                . 'from the repository (cargo build --release -p unleashed-signer-ffi) and put it there';
        throw new \LogicException(
            "unleashed/signer has no C library for $platform (expected at $path): $has; $supported",
        );
    }

    /** The library's message for any status number, known or not. */
    public static function statusMessage(int $status): string
    {
        return self::ffi()->unleashed_status_str($status);
    }

    /** Throws the exception for a failed status: bad input is the caller's to fix, anything else is not. */
    public static function check(int $status): void
    {
        if ($status !== Status::OK) {
            throw Status::isBadInput($status)
                ? new InvalidArgumentException($status, self::statusMessage($status))
                : new UnleashedException($status, self::statusMessage($status));
        }
    }

    /** Throws {@see InvalidArgumentException} unless `$apiId` is a 36-character GUID. */
    public static function validateApiId(string $apiId): void
    {
        self::check(self::ffi()->unleashed_api_id_validate($apiId, \strlen($apiId)));
    }

    /** Throws {@see InvalidArgumentException} unless `$clientType` is `partner_or_account/app_name`. */
    public static function validateClientType(string $clientType): void
    {
        self::check(self::ffi()->unleashed_client_type_validate($clientType, \strlen($clientType)));
    }

    /** The FFI scope {@see scopeHeader()} declares, for `ffi.preload`. */
    public const SCOPE = 'UNLEASHED_SIGNER';

    /**
     * A header for php.ini's `ffi.preload`: the declarations, this package's library by absolute path, and the scope
     * {@see ffi()} looks for first, so that no request parses the declarations again (bin/unleashed-signer-ffi-header
     * prints it).
     */
    public static function scopeHeader(): string
    {
        $path = realpath(self::requireLibrary(self::currentPlatform(), self::libraryDirectory()));
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n"
            . '#define FFI_LIB "' . addcslashes($path, '"\\') . "\"\n"
            . self::CDEF . "\n";
    }

    /**
     * The library at `$path` through FFI, with the declarations of {@see CDEF}; a {@see \LogicException} that says
     * what to do when it does not load (FFI not allowed in this SAPI, or not a library for this machine).
     */
    public static function open(string $path): FFI
    {
        try {
            return FFI::cdef(self::CDEF, $path);
        } catch (FFI\Exception $e) {
            if (!str_contains($e->getMessage(), 'ffi.enable')) {
                throw new \LogicException(
                    "unleashed/signer cannot load $path ({$e->getMessage()}): it must be the C library built for "
                    . 'this machine, ' . self::currentPlatform() . ' (bindings/php/build.sh)',
                    0,
                    $e,
                );
            }
            throw new \LogicException(
                "unleashed/signer cannot use FFI ({$e->getMessage()}): PHP's default ffi.enable=preload allows "
                . "FFI only in the CLI and in preloaded code, and this is the '" . \PHP_SAPI . "' SAPI (php-fpm, "
                . 'Apache, php-cgi or the built-in server of php -S). On a web server, preload this package '
                . '(opcache.preload, see "Web servers" in its README); for php -S, start it with '
                . '`php -d ffi.enable=true -S ...`, or set ffi.enable=true in php.ini',
                0,
                $e,
            );
        }
    }

    private static function load(): FFI
    {
        if (!\extension_loaded('ffi')) {
            throw new \LogicException(
                'unleashed/signer needs the FFI extension: install it (Debian: php8.2-common provides it) and '
                . 'enable it in php.ini',
            );
        }
        try {
            // Declared at server start by ffi.preload: nothing to parse.
            $ffi = FFI::scope(self::SCOPE);
        } catch (FFI\Exception) {
            $ffi = self::open(self::requireLibrary(self::currentPlatform(), self::libraryDirectory()));
        }
        $version = $ffi->unleashed_version();
        if ($version !== self::HEADER_VERSION) {
            throw new \LogicException(
                self::libraryPath() . " is version $version but this binding was written for " . self::HEADER_VERSION
                . ': rebuild the library from the same checkout (bindings/php/build.sh)',
            );
        }
        return $ffi;
    }
}
