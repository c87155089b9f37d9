<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * The C library's `unleashed_status` numbers, as carried by {@see UnleashedException::$status} and
 * {@see InvalidArgumentException::$status}. They never change (tests/HeaderTest.php checks them against the header).
 */
final class Status
{
    public const OK = 0;
    public const PANIC = 1;
    public const NULL_POINTER = 2;
    public const INVALID_LENGTH = 3;
    public const MISALIGNED_POINTER = 4;
    public const BUFFER_TOO_SMALL = 5;
    public const OVERLAPPING_BUFFERS = 6;
    public const KEY_NOT_INITIALISED = 10;
    public const INVALID_KEY_FORMAT = 11;
    public const INVALID_SIGNED_FORM = 12;
    public const QUERY_NOT_INITIALISED = 13;
    public const EMPTY_KEY = 20;
    public const KEY_WHITESPACE = 21;
    public const KEY_CONTROL_CHARACTER = 22;
    public const KEY_NOT_UTF8 = 23;
    public const INVALID_BASE64 = 24;
    public const BASE64_KEY_TOO_LONG = 25;
    public const INVALID_KEY = 26;
    public const MALFORMED_ESCAPE = 30;
    public const EMPTY_PARAMETER_NAME = 31;
    public const SIGNATURE_MISMATCH = 40;
    public const INVALID_API_ID = 50;
    public const INVALID_CLIENT_TYPE = 51;

    /** Whether the status blames an argument the caller passed (a key, query, parameter, API id or client type). */
    public static function isBadInput(int $status): bool
    {
        return \in_array($status, [
            self::EMPTY_KEY, self::KEY_WHITESPACE, self::KEY_CONTROL_CHARACTER, self::KEY_NOT_UTF8,
            self::INVALID_BASE64, self::BASE64_KEY_TOO_LONG, self::INVALID_KEY, self::MALFORMED_ESCAPE,
            self::EMPTY_PARAMETER_NAME, self::INVALID_API_ID, self::INVALID_CLIENT_TYPE,
        ], true);
    }

    private function __construct()
    {
    }
}
