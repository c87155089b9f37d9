<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * A call into the C library failed for a reason other than a bad argument: a key used after {@see SigningKey::clear()}
 * (status {@see Status::KEY_NOT_INITIALISED}), or a bug ({@see Status::PANIC}).
 *
 * `$status` (also {@see getCode()}) is the C `unleashed_status`; the message is the library's, saying what to do.
 */
class UnleashedException extends \RuntimeException
{
    /** @param int $status the C `unleashed_status` number */
    public function __construct(public readonly int $status, string $message)
    {
        parent::__construct($message, $status);
    }
}
