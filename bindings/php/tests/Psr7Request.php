<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

/**
 * The part of a PSR-7 request RequestSigner uses, immutable as PSR-7 requires (a stand-in: no PSR package here).
 */
final class Psr7Request
{
    /** @var array<string, list<string>> */
    private array $headers = [];

    public function __construct(public readonly string $method, private readonly string $uri)
    {
    }

    /** PSR-7 returns a UriInterface, whose string form is the URI as sent. */
    public function getUri(): \Stringable
    {
        return new class ($this->uri) implements \Stringable {
            public function __construct(private readonly string $uri)
            {
            }

            public function __toString(): string
            {
                return $this->uri;
            }
        };
    }

    /** @param string|list<string> $value */
    public function withHeader(string $name, string|array $value): self
    {
        $copy = clone $this;
        foreach (array_keys($copy->headers) as $existing) {
            if (strcasecmp($existing, $name) === 0) { // PSR-7 header names are case-insensitive
                unset($copy->headers[$existing]);
            }
        }
        $copy->headers[$name] = (array) $value;
        return $copy;
    }

    public function hasHeader(string $name): bool
    {
        foreach (array_keys($this->headers) as $existing) {
            if (strcasecmp($existing, $name) === 0) {
                return true;
            }
        }
        return false;
    }

    /** @return array<string, list<string>> */
    public function getHeaders(): array
    {
        return $this->headers;
    }
}
