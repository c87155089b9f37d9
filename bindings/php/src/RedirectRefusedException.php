<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * A redirect to another origin (scheme, host, port) was refused: the signing headers are a replayable credential
 * and go only to the origin the request was made for, so the redirected request was not sent at all
 * (docs/http-contract.md). Thrown out of `curl_exec()` for a handle set up by {@see CurlSigner::apply()}.
 *
 * If you trust the origin the redirect names, point your code at it and make the request again.
 */
final class RedirectRefusedException extends \RuntimeException
{
    /**
     * @param int    $status   the redirect's HTTP status (301, 302, 303, 307, 308, ...)
     * @param string $from     the URL that answered with the redirect
     * @param string $location its `Location` header, as received
     */
    public function __construct(
        public readonly int $status,
        public readonly string $from,
        public readonly string $location,
    ) {
        parent::__construct(
            "refused a $status redirect from $from to $location: another origin (scheme, host, port), and the "
            . 'api-auth-id, api-auth-signature and client-type headers go only to the origin the request was made '
            . 'for (docs/http-contract.md); if you trust that origin, make the request to it yourself',
        );
    }
}
