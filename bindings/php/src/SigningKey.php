<?php

declare(strict_types=1);

namespace Unleashed\Signer;

use FFI;
use FFI\CData;

/**
 * An Unleashed API key, prepared for signing requests: `api-auth-signature` is base64(HMAC-SHA256(key, query)).
 *
 *     $key = new SigningKey($apiKey);
 *     $signature = $key->signUrl('Customers?customerCode=ACME');
 *
 * The prepared key lives in C memory of `unleashed_key_size()` bytes that {@see clear()} (or the destructor) wipes;
 * it never appears in `var_dump`, traces or messages. PHP's own copy of the key text (the string you passed) is
 * outside this class's reach. Every length passed to C is a byte length (`strlen`), so any bytes are signed as
 * they are.
 */
final class SigningKey
{
    /** `UNLEASHED_SIGNATURE_BUFFER_LEN`: the 44 characters of a signature and the NUL the library writes. */
    private const OUT_LEN = Native::SIGNATURE_LEN + 1;

    private readonly FFI $ffi;
    /** The key storage: `uint64_t[unleashed_key_size() / 8]`, zeroed by FFI and aligned to 8. */
    private readonly CData $storage;
    /** `struct unleashed_key *` pointing at {@see $storage}. */
    private readonly CData $key;
    /** `char[UNLEASHED_SIGNATURE_BUFFER_LEN]`: where the library writes each signature. */
    private readonly CData $out;
    private bool $cleared = false;
    /** False only in a clone that __clone refused: it shares the original's storage and must not wipe it. */
    private bool $owner = true;
    /** `size_t`: where unleashed_build_query reports the query's whole size (allocated on first use). */
    private ?CData $needed = null;
    /** `struct unleashed_headers`: where unleashed_headers_for_url writes (allocated on first use). */
    private ?CData $headersOut = null;

    /**
     * Prepares `$key` (the API key text from Unleashed's API Access page, by default).
     *
     * @throws InvalidArgumentException for a key Unleashed would never issue (empty, a trailing newline or space,
     *                                  a control character, not UTF-8; bad base64 for KeyFormat::Base64)
     */
    public function __construct(#[\SensitiveParameter] string $key, KeyFormat $format = KeyFormat::Text)
    {
        $this->ffi = Native::ffi();
        $this->storage = $this->ffi->new(Native::keyStorageType());
        $this->key = $this->ffi->cast(Native::type('struct unleashed_key *'), FFI::addr($this->storage));
        $this->out = $this->ffi->new(Native::type('char[' . self::OUT_LEN . ']'));
        Native::check($this->ffi->unleashed_key_init($this->key, $key, \strlen($key), $format->value));
    }

    /** Wipes the key when the object goes away (a backstop: call {@see clear()} when you are done). */
    public function __destruct()
    {
        $this->clear();
    }

    /**
     * Signs `$query` verbatim: the 44-character signature of exactly these bytes (a query without `?`).
     *
     * @throws UnleashedException after {@see clear()}
     */
    public function sign(string $query): string
    {
        return $this->signature(
            $this->ffi->unleashed_sign($this->key, $query, \strlen($query), $this->out, self::OUT_LEN),
        );
    }

    /**
     * Signs a query string (without `?`), percent-decoded first for SignedForm::Decoded, as it is for Wire.
     *
     * @throws InvalidArgumentException when a `%` is not followed by two hex digits (Decoded only)
     */
    public function signQuery(string $query, SignedForm $form = SignedForm::Decoded): string
    {
        return $this->signature(
            $this->ffi->unleashed_sign_query(
                $this->key,
                $query,
                \strlen($query),
                $form->value,
                $this->out,
                self::OUT_LEN,
            ),
        );
    }

    /**
     * Signs the query of a URL or path-and-query (`https://.../Customers?customerCode=ACME`, `Customers?...`): the
     * part after the first `?` and before any `#`, or the empty query when there is no `?`.
     *
     * @throws InvalidArgumentException when a `%` is not followed by two hex digits (Decoded only)
     */
    public function signUrl(string $url, SignedForm $form = SignedForm::Decoded): string
    {
        return $this->signature(
            $this->ffi->unleashed_sign_url($this->key, $url, \strlen($url), $form->value, $this->out, self::OUT_LEN),
        );
    }

    /** Whether `$signature` is this key's signature of `$query` signed verbatim (compared in constant time). */
    public function verify(string $query, string $signature): bool
    {
        return $this->matches(
            $this->ffi->unleashed_verify($this->key, $query, \strlen($query), $signature, \strlen($signature)),
        );
    }

    /** Whether `$signature` is this key's signature of the URL's query in `$form` (compared in constant time). */
    public function verifyUrl(string $url, string $signature, SignedForm $form = SignedForm::Decoded): bool
    {
        return $this->matches(
            $this->ffi->unleashed_verify_url(
                $this->key,
                $url,
                \strlen($url),
                $form->value,
                $signature,
                \strlen($signature),
            ),
        );
    }

    /**
     * Builds the percent-encoded query from parameters and signs it in one C call, so that what is sent and what
     * is signed cannot drift apart.
     *
     * `$pairs` is either `name => value` (`['customerCode' => 'ACME']`) or a list of `[name, value]` pairs, which
     * allows a name twice (`[['a', '1'], ['a', '2']]`); values are strings or integers, given as the user means
     * them (not yet encoded).
     *
     * @param iterable<array-key, string|int|array{string, string|int}> $pairs
     * @throws InvalidArgumentException for a parameter with an empty name
     */
    public function buildQuery(iterable $pairs, SignedForm $form = SignedForm::Decoded): SignedQuery
    {
        $list = [];
        $total = 0;
        foreach ($pairs as $name => $value) {
            if (\is_array($value)) {
                if (!array_is_list($value) || \count($value) !== 2) {
                    throw new \InvalidArgumentException('a parameter pair must be [name, value]');
                }
                [$name, $value] = $value;
            }
            $pair = [self::text($name, 'name'), self::text($value, 'value')];
            $total += \strlen($pair[0]) + \strlen($pair[1]);
            $list[] = $pair;
        }

        // The parameters are copied into C memory (a C struct cannot point into a PHP string), followed by room for
        // the query: exactly enough when nothing needs escaping. Otherwise the library reports the whole size it
        // needs and the call is made once more with that.
        $count = \count($list);
        $capacity = max(1, $total + 2 * $count);
        $buffer = $this->ffi->new(Native::arrayType('char', $total + $capacity));
        $params = $count > 0 ? $this->ffi->new(Native::arrayType('unleashed_param', $count)) : null;
        $at = $buffer + 0;
        foreach ($list as $i => [$name, $value]) {
            $param = $params[$i];
            $param->name = $at;
            $param->name_len = \strlen($name);
            $at = self::copy($at, $name);
            $param->value = $at;
            $param->value_len = \strlen($value);
            $at = self::copy($at, $value);
        }
        $query = $at;
        $needed = $this->needed ??= $this->ffi->new(Native::type('size_t'));
        $neededAt = FFI::addr($needed);
        $status = $this->build($params, $count, $form, $query, $capacity, $neededAt);
        if ($status === Status::BUFFER_TOO_SMALL && $needed->cdata > $capacity) {
            $capacity = $needed->cdata;
            $query = $this->ffi->new(Native::arrayType('char', $capacity));
            $status = $this->build($params, $count, $form, $query, $capacity, $neededAt);
        }
        $this->check($status);
        return new SignedQuery(
            FFI::string($query, $needed->cdata - 1),
            FFI::string($this->out, Native::SIGNATURE_LEN),
        );
    }

    /**
     * The five headers of a request to `$url`, in the order Unleashed documents them: `api-auth-id`,
     * `api-auth-signature` (of the URL's query in `$form`), `client-type`, `Accept` and `Content-Type`
     * (`application/json`).
     *
     * @param string $apiId      the API id from Unleashed's API Access page (a GUID)
     * @param string $clientType `partner_or_account/app_name`, e.g. `acme/orderautomation`
     * @param string $url        the URL (or path-and-query) exactly as it is sent
     * @return array<string, string> header name => value
     * @throws InvalidArgumentException for a malformed API id, client type or query
     */
    public function headers(
        string $apiId,
        string $clientType,
        string $url,
        SignedForm $form = SignedForm::Decoded,
    ): array {
        return [
            ...$this->signingHeaders($apiId, $clientType, $url, $form),
            'Accept' => 'application/json',
            'Content-Type' => 'application/json',
        ];
    }

    /**
     * The three headers that authenticate a request to `$url`, their values exactly as the C library gives them
     * (`unleashed_headers_for_url`): the API id in lower case, the client type as checked, the signature.
     *
     * @internal for CurlSigner and RequestSigner; {@see headers()} is the API
     * @return array{'api-auth-id': string, 'api-auth-signature': string, 'client-type': string}
     * @throws InvalidArgumentException for a malformed API id, client type or query
     */
    public function signingHeaders(string $apiId, string $clientType, string $url, SignedForm $form): array
    {
        $out = $this->headersOut ??= $this->ffi->new(Native::type('unleashed_headers'));
        $this->check($this->ffi->unleashed_headers_for_url(
            $this->key,
            $apiId,
            \strlen($apiId),
            $clientType,
            \strlen($clientType),
            $url,
            \strlen($url),
            $form->value,
            FFI::addr($out),
            FFI::sizeof($out),
        ));
        return [
            Native::HEADER_API_AUTH_ID => FFI::string($out->api_id),
            Native::HEADER_API_AUTH_SIGNATURE => FFI::string($out->signature),
            Native::HEADER_CLIENT_TYPE => FFI::string($out->client_type),
        ];
    }

    /**
     * Wipes the prepared key: every byte of its storage is zero afterwards, and signing throws
     * {@see UnleashedException} (status {@see Status::KEY_NOT_INITIALISED}). Clearing twice is fine.
     */
    public function clear(): void
    {
        // Unset only when the constructor failed before the storage existed (the C init has then cleared it).
        if ($this->owner && isset($this->key)) {
            $this->ffi->unleashed_key_clear($this->key);
            $this->cleared = true;
        }
    }

    /** The version of the C library in use, `MAJOR.MINOR.PATCH`. */
    public static function libraryVersion(): string
    {
        return Native::ffi()->unleashed_version();
    }

    /** @return array<string, string> what `var_dump` and `print_r` show: never the key */
    public function __debugInfo(): array
    {
        return ['key' => '<redacted>'];
    }

    /**
     * A copy would share the storage that one of them wipes: make a second key instead. PHP still destroys the
     * half-made clone, so it is first marked as owning nothing, or its destructor would wipe the original's key.
     */
    public function __clone()
    {
        $this->owner = false;
        throw new \LogicException('a SigningKey cannot be cloned: create another from the key text');
    }

    /** Keys are never serialized: that would write the prepared key out. */
    public function __serialize(): array
    {
        throw new \LogicException('a SigningKey cannot be serialized: keep the key text in your secret store');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a SigningKey cannot be unserialized');
    }

    /** One unleashed_build_query call: the parameters to `$query`, the signature to {@see $out}. */
    private function build(
        ?CData $params,
        int $count,
        SignedForm $form,
        CData $query,
        int $capacity,
        CData $neededAt,
    ): int {
        return $this->ffi->unleashed_build_query(
            $this->key,
            $params,
            $count,
            $form->value,
            $query,
            $capacity,
            $neededAt,
            $this->out,
            self::OUT_LEN,
        );
    }

    private function signature(int $status): string
    {
        $this->check($status);
        return FFI::string($this->out, Native::SIGNATURE_LEN);
    }

    private function matches(int $status): bool
    {
        if ($status === Status::SIGNATURE_MISMATCH) {
            return false;
        }
        $this->check($status);
        return true;
    }

    private function check(int $status): void
    {
        if ($status === Status::KEY_NOT_INITIALISED && $this->cleared) {
            throw new UnleashedException($status, 'this SigningKey was cleared: create a new SigningKey to sign again');
        }
        Native::check($status);
    }

    private static function text(mixed $value, string $what): string
    {
        if (\is_string($value)) {
            return $value;
        }
        if (\is_int($value) || $value instanceof \Stringable) {
            return (string) $value;
        }
        throw new \InvalidArgumentException(
            "a query parameter's $what must be a string or an integer, not " . get_debug_type($value),
        );
    }

    /** Copies `$bytes` to `$at` and returns the pointer just past them. */
    private static function copy(CData $at, string $bytes): CData
    {
        if ($bytes !== '') {
            FFI::memcpy($at, $bytes, \strlen($bytes));
        }
        return $at + \strlen($bytes);
    }
}
