<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * An argument was rejected: a key Unleashed would never issue (a pasted trailing newline, say), a query with a
 * stray `%`, a parameter without a name, an API id or client type of the wrong shape.
 *
 * `$status` (also {@see getCode()}) is the C `unleashed_status`; the message says what to fix and never quotes
 * the key.
 */
class InvalidArgumentException extends \InvalidArgumentException
{
    /** @param int $status the C `unleashed_status` number */
    public function __construct(public readonly int $status, string $message)
    {
        parent::__construct($message, $status);
    }
}
