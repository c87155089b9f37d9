<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * Signs PSR-7 requests (`Psr\Http\Message\RequestInterface`) without depending on any PSR package: it only calls
 * `getUri()` (cast to string) and `withHeader(name, value)`, so any PSR-7 implementation (Guzzle, Nyholm,
 * Laminas) works, and so does any object with those two methods.
 *
 *     $signer = new RequestSigner($key, $apiId, 'acme/orderautomation');
 *     $response = $client->sendRequest($signer->sign($request));
 *
 * It borrows the key: clear the key when you are done with both.
 */
final class RequestSigner
{
    /**
     * @param string $apiId      the API id from Unleashed's API Access page (a GUID)
     * @param string $clientType `partner_or_account/app_name`, e.g. `acme/orderautomation`
     * @throws InvalidArgumentException for a malformed API id or client type
     */
    public function __construct(
        private readonly SigningKey $key,
        private readonly string $apiId,
        private readonly string $clientType,
        private readonly SignedForm $form = SignedForm::Decoded,
    ) {
        Native::validateApiId($apiId);
        Native::validateClientType($clientType);
    }

    /**
     * Returns `$request` with the five Unleashed headers set (replacing any of the same name), signed for the query
     * of its URI as PSR-7 gives it (already percent-encoded, which is what is sent).
     *
     * @template T of object
     * @param T $request a PSR-7 RequestInterface, or any object with getUri() and withHeader()
     * @return T
     * @throws \InvalidArgumentException when `$request` has no getUri() or withHeader()
     */
    public function sign(object $request): object
    {
        if (!method_exists($request, 'getUri') || !method_exists($request, 'withHeader')) {
            throw new \InvalidArgumentException(
                'RequestSigner::sign() needs a PSR-7 request (an object with getUri() and withHeader()), not '
                . get_debug_type($request),
            );
        }
        $url = (string) $request->getUri();
        foreach ($this->key->headers($this->apiId, $this->clientType, $url, $this->form) as $name => $value) {
            $request = $request->withHeader($name, $value);
        }
        return $request;
    }
}
