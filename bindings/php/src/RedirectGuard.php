<?php

declare(strict_types=1);

namespace Unleashed\Signer;

/**
 * The CURLOPT_HEADERFUNCTION that {@see CurlSigner} installs: it sees every response of a transfer, redirects
 * included, and acts before curl can send the next hop, so that whether or not the caller turns
 * CURLOPT_FOLLOWLOCATION on (before or after apply()), the rule of docs/http-contract.md holds:
 *
 * - A 3xx response: the signing headers are taken off the handle at its status line.
 * - Its Location, when it is certainly on the first URL's origin (a relative reference, or an absolute http(s)
 *   URL of plain form with the same scheme, host and port): the headers are put back, signed for the Location's
 *   own query, and curl follows it if it was asked to.
 * - Any other Location: refused. CURLOPT_REDIR_PROTOCOLS is set to none, so that curl cannot follow it (a header
 *   function's return value cannot stop a transfer once it has thrown), the handle gets its first URL's headers
 *   back, and {@see RedirectRefusedException} is thrown, out of curl_exec(). Doubt counts as another origin.
 * - The status line of the next response, in this transfer or the next one: redirect protocols back to http and
 *   https; and a final response (not 1xx, not 3xx) puts the first URL's signed headers back for a next
 *   curl_exec() of the same handle.
 *
 * A cross-origin redirect is refused whether or not the caller follows redirects, as in every runtime (curl tells
 * a header function nothing about whether it will follow, so it could not be otherwise).
 *
 * @internal
 */
final class RedirectGuard
{
    /** `scheme://host:port` of the URL apply() was given, or null when its form is not plain enough to compare. */
    private readonly ?string $origin;
    private ?int $redirectStatus = null;
    private bool $altered = false;
    private bool $protocolsOff = false;

    /**
     * @param list<string>                   $signed   the header lines for the first URL, signing headers included
     * @param list<string>                   $unsigned the same without the three signing headers
     * @param \Closure(string): list<string> $signFor  the header lines signed for another URL on the same origin
     * @param callable|null                  $then     the caller's own header function, for every line after this
     */
    public function __construct(
        string $url,
        private readonly array $signed,
        private readonly array $unsigned,
        private readonly \Closure $signFor,
        private readonly mixed $then = null,
    ) {
        $this->origin = self::origin($url);
    }

    public function __invoke(\CurlHandle $handle, string $line): int
    {
        if (preg_match('~^HTTP/\S+\s+(\d{3})~', $line, $m) === 1) {
            $status = (int) $m[1];
            if ($this->protocolsOff) {
                curl_setopt($handle, \CURLOPT_REDIR_PROTOCOLS, \CURLPROTO_HTTP | \CURLPROTO_HTTPS);
                $this->protocolsOff = false;
            }
            $this->redirectStatus = $status >= 300 && $status < 400 ? $status : null;
            if ($this->redirectStatus !== null) {
                $this->set($handle, $this->unsigned);
            } elseif ($status >= 200 && $this->altered) {
                // The last hop's request is sent: the handle is set up for its first URL again.
                $this->set($handle, $this->signed);
                $this->altered = false;
            }
        } elseif ($this->redirectStatus !== null && preg_match('~^location:(.*)$~is', $line, $m) === 1) {
            $location = trim($m[1], " \t\r\n");
            $current = (string) curl_getinfo($handle, \CURLINFO_EFFECTIVE_URL);
            if (!$this->sameOrigin($location, $current)) {
                curl_setopt($handle, \CURLOPT_REDIR_PROTOCOLS, 0);
                $this->protocolsOff = true;
                $this->set($handle, $this->signed);
                $this->altered = false;
                throw new RedirectRefusedException($this->redirectStatus, $current, $location);
            }
            // A reference without a path or query ("", "#x") keeps the current URL's query (RFC 3986).
            $this->set($handle, ($this->signFor)(preg_match('~^(#|$)~', $location) === 1 ? $current : $location));
        }
        if ($this->then !== null) {
            return ($this->then)($handle, $line);
        }
        return \strlen($line);
    }

    /** @param list<string> $lines */
    private function set(\CurlHandle $handle, array $lines): void
    {
        if (!curl_setopt($handle, \CURLOPT_HTTPHEADER, $lines)) {
            curl_setopt($handle, \CURLOPT_REDIR_PROTOCOLS, 0); // no hop with headers we could not set
            $this->protocolsOff = true;
            throw new \RuntimeException('curl_setopt(CURLOPT_HTTPHEADER) failed during a redirect');
        }
        $this->altered = true;
    }

    /** Whether `$location`, a redirect from `$current`, certainly stays on the first URL's origin. */
    private function sameOrigin(string $location, string $current): bool
    {
        if ($this->origin === null || preg_match('~[\x00-\x20\x7f\\\\]~', $location) === 1) {
            return false; // whitespace, control bytes or a backslash: URL parsers disagree on those
        }
        if (preg_match('~^[A-Za-z][A-Za-z0-9+.-]*:~', $location) === 1) {
            return self::origin($location) === $this->origin; // absolute
        }
        if (str_starts_with($location, '//')) {
            return false; // another authority: judged as foreign rather than parsed
        }
        return self::origin($current) === $this->origin; // relative: the current hop's origin
    }

    /**
     * `scheme://host:port` of an absolute http(s) URL of plain form (no user info, a host of letters, digits,
     * dots and dashes or an IPv6 literal, an optional decimal port), lower case, default port filled in; null
     * for anything else.
     */
    private static function origin(string $url): ?string
    {
        $plain = '~^(https?)://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?(?:[/?#]|$)~i';
        if (preg_match($plain, $url, $m) !== 1) {
            return null;
        }
        $scheme = strtolower($m[1]);
        $port = isset($m[3]) && $m[3] !== '' ? (int) $m[3] : ($scheme === 'https' ? 443 : 80);
        return $scheme . '://' . strtolower($m[2]) . ':' . $port;
    }
}
