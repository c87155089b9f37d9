<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * Signs requests made with PHP's curl extension: sets a handle's URL and the five Unleashed headers signed for
 * exactly that URL, so the two cannot disagree.
 *
 *     $signer = new CurlSigner($key, $apiId, 'acme/orderautomation');
 *     $ch = curl_init();
 *     $signer->apply($ch, 'https://api.unleashedsoftware.com/Customers?customerCode=ACME');
 *     curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
 *     $json = curl_exec($ch);
 *
 * It borrows the key: clear the key when you are done with both.
 */
final class CurlSigner
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
     * Sets `CURLOPT_URL` to `$url` and `CURLOPT_HTTPHEADER` to the signed headers followed by `$extraHeaders`
     * (`"Name: value"` lines; curl keeps one header list per handle, so pass every other header here, but not the
     * five it sets: curl would send both).
     *
     * @param list<string> $extraHeaders
     * @throws InvalidArgumentException when the query has a `%` not followed by two hex digits (Decoded form)
     */
    public function apply(\CurlHandle $handle, string $url, array $extraHeaders = []): void
    {
        $lines = [];
        foreach ($this->key->headers($this->apiId, $this->clientType, $url, $this->form) as $name => $value) {
            $lines[] = "$name: $value";
        }
        if (
            !curl_setopt($handle, \CURLOPT_URL, $url)
            || !curl_setopt($handle, \CURLOPT_HTTPHEADER, [...$lines, ...$extraHeaders])
        ) {
            throw new \RuntimeException('curl_setopt failed: ' . curl_error($handle));
        }
    }
}
