<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/** A wire query (send it after `?`) and its signature, made from the same parameters by {@see SigningKey::buildQuery()}. */
final class SignedQuery
{
    public function __construct(
        /** The percent-encoded `name=value&...`, without `?`. */
        public readonly string $query,
        /** The 44-character `api-auth-signature` of that query. */
        public readonly string $signature,
    ) {
    }
}
