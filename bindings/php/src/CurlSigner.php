<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * Signs requests made with PHP's curl extension: sets a handle's URL and the Unleashed headers signed for exactly
 * that URL, so the two cannot disagree, and keeps the signing headers on that URL's origin through redirects.
 *
 *     $signer = new CurlSigner($key, $apiId, 'acme/orderautomation');
 *     $ch = curl_init();
 *     $signer->apply($ch, 'https://api.unleashedsoftware.com/Customers?customerCode=ACME');
 *     curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
 *     $json = curl_exec($ch);
 *
 * Redirects keep the rule every runtime of this project keeps (docs/http-contract.md), whether or not you set
 * CURLOPT_FOLLOWLOCATION, before or after apply(): a redirect to the same origin (scheme, host, port) is signed
 * again for its own query (and followed if you asked curl to); a redirect to any other origin is refused: curl
 * sends nothing there, and curl_exec() throws {@see RedirectRefusedException}. apply() does this with a
 * CURLOPT_HEADERFUNCTION that acts on each redirect as it arrives: pass your own header function to apply(), since
 * setting CURLOPT_HEADERFUNCTION afterwards would replace it.
 *
 * It borrows the key: clear the key when you are done with both.
 */
final class CurlSigner
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
     * Sets `CURLOPT_URL` to `$url`, `CURLOPT_HTTPHEADER` to the three signing headers followed by `$extraHeaders`
     * (`"Name: value"` lines; curl keeps one header list per handle, so pass every other header here) and
     * `Accept` and `Content-Type: application/json` unless `$extraHeaders` has its own, and
     * `CURLOPT_HEADERFUNCTION` to the redirect guard, which calls `$headerFunction` (curl's
     * `function (CurlHandle $handle, string $line): int`) for every response header line after it.
     *
     * It also sets CURLOPT_REDIR_PROTOCOLS to http and https (a redirect the rule allows never changes the
     * scheme). After a same-origin redirect that curl did not follow, the handle's headers are signed for the
     * redirect's target: call apply() again before you send the handle once more.
     *
     * @param list<string> $extraHeaders
     * @throws InvalidArgumentException when the query has a `%` not followed by two hex digits (Decoded form)
     */
    public function apply(
        \CurlHandle $handle,
        string $url,
        array $extraHeaders = [],
        ?callable $headerFunction = null,
    ): void {
        $signing = [Native::HEADER_API_AUTH_ID, Native::HEADER_API_AUTH_SIGNATURE, Native::HEADER_CLIENT_TYPE];
        $own = [];
        $extra = [];
        foreach ($extraHeaders as $line) {
            $name = strtolower(trim(strstr($line, ':', true) ?: $line));
            if (!\in_array($name, $signing, true)) { // this signer's, set once below
                $own[$name] = true;
                $extra[] = $line;
            }
        }
        $unsigned = [];
        foreach (['Accept', 'Content-Type'] as $name) {
            if (!isset($own[strtolower($name)])) {
                $unsigned[] = "$name: application/json";
            }
        }
        $unsigned = [...$unsigned, ...$extra];
        $signFor = fn (string $target): array => [...$this->signingLines($target), ...$unsigned];
        $signed = $signFor($url);
        $guard = new RedirectGuard($url, $signed, $unsigned, $signFor, $headerFunction);
        if (
            !curl_setopt($handle, \CURLOPT_URL, $url)
            || !curl_setopt($handle, \CURLOPT_HTTPHEADER, $signed)
            || !curl_setopt($handle, \CURLOPT_HEADERFUNCTION, $guard)
            // Back on after a refusal by an earlier guard (a redirect the rule allows never changes the scheme).
            || !curl_setopt($handle, \CURLOPT_REDIR_PROTOCOLS, \CURLPROTO_HTTP | \CURLPROTO_HTTPS)
        ) {
            throw new \RuntimeException('curl_setopt failed: ' . curl_error($handle));
        }
    }

    /** @return list<string> the three signing header lines for `$url`, values from the C library */
    private function signingLines(string $url): array
    {
        $lines = [];
        foreach ($this->key->signingHeaders($this->apiId, $this->clientType, $url, $this->form) as $name => $value) {
            $lines[] = "$name: $value";
        }
        return $lines;
    }
}
