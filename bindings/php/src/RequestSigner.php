<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * Signs PSR-7 requests (`Psr\Http\Message\RequestInterface`) without depending on any PSR package: it only calls
 * `getUri()` (cast to string), `withHeader(name, value)` and, when there is one, `hasHeader(name)`, so any PSR-7
 * implementation (Guzzle, Nyholm, Laminas) works, and so does any object with the first two methods.
 *
 *     $signer = new RequestSigner($key, $apiId, 'acme/orderautomation');
 *     $response = $client->sendRequest($signer->sign($request));
 *
 * It signs one request: an HTTP client that follows redirects copies its headers to the next hop, another origin
 * included (Guzzle drops only `Authorization` and `Cookie`). Send signed requests with redirects off (Guzzle:
 * `'allow_redirects' => false`), or use {@see CurlSigner}, which keeps the rule of docs/http-contract.md.
 *
 * It borrows the key: clear the key when you are done with both.
 */
final class RequestSigner
{
    /**
     * @param string $apiId      the API id from Unleashed's API Access page (a GUID; sent in lower case)
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
     * Returns `$request` with the three signing headers set (replacing any of the same name), signed for the query
     * of its URI as PSR-7 gives it (already percent-encoded, which is what is sent), and `Accept` and
     * `Content-Type: application/json` unless the request has its own (known through `hasHeader()`).
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
        $headers = $this->key->signingHeaders($this->apiId, $this->clientType, $url, $this->form);
        foreach (['Accept', 'Content-Type'] as $name) {
            if (!method_exists($request, 'hasHeader') || !$request->hasHeader($name)) {
                $headers[$name] = 'application/json';
            }
        }
        foreach ($headers as $name => $value) {
            $request = $request->withHeader($name, $value);
        }
        return $request;
    }
}
