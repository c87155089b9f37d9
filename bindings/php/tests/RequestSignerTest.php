<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\RequestSigner;
use Unleashed\Signer\SigningKey;

/** What RequestSigner puts on a PSR-7 request, without sending it: the caller's Accept kept, one value each. */
final class RequestSignerTest extends TestCase
{
    private static function signer(SigningKey $key, string $apiId): RequestSigner
    {
        return new RequestSigner($key, $apiId, Testdata::e2e()['credentials']['client-type']);
    }

    public function testTheDefaultsAreJsonWhenTheRequestHasNone(): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $key = new SigningKey($credentials['key']);
        $signed = self::signer($key, $credentials['api-id'])->sign(new Psr7Request('GET', 'https://h/Customers?a=1'));
        self::assertSame(['application/json'], $signed->getHeaders()['Accept']);
        self::assertSame(['application/json'], $signed->getHeaders()['Content-Type']);
        self::assertSame([$key->signUrl('?a=1')], $signed->getHeaders()['api-auth-signature']);
    }

    public function testTheCallersAcceptAndContentTypeAreKept(): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $request = (new Psr7Request('GET', 'https://h/Customers'))
            ->withHeader('accept', 'application/xml')
            ->withHeader('CONTENT-TYPE', 'application/xml');
        $signed = self::signer(new SigningKey($credentials['key']), $credentials['api-id'])->sign($request);
        self::assertSame(
            ['accept' => ['application/xml'], 'CONTENT-TYPE' => ['application/xml']],
            array_diff_key($signed->getHeaders(), array_flip(['api-auth-id', 'api-auth-signature', 'client-type'])),
        );
    }

    public function testAnUpperCaseApiIdGoesOutInLowerCase(): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $upper = strtoupper($credentials['api-id']);
        self::assertNotSame($upper, $credentials['api-id'], 'the test API id has no letter: this proves nothing');
        $key = new SigningKey($credentials['key']);
        $signed = self::signer($key, $upper)->sign(new Psr7Request('GET', 'https://h/Customers'));
        self::assertSame([strtolower($credentials['api-id'])], $signed->getHeaders()['api-auth-id']);
        self::assertSame(
            strtolower($credentials['api-id']),
            $key->headers($upper, $credentials['client-type'], 'Customers')['api-auth-id'],
        );
    }
}
