<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\CurlSigner;
use Unleashed\Signer\RequestSigner;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;

/**
 * Real requests through ext-curl to the loopback mock of Unleashed (testing/mock_unleashed.py, which checks
 * signatures with Python's hmac): every case of testdata/e2e_cases.txt in both signed forms gives 200, and a
 * wrong key gives 403.
 */
final class EndToEndTest extends TestCase
{
    /** @var array<string, MockUnleashed> one mock per signed form, for the whole class */
    private static array $mocks = [];

    public static function tearDownAfterClass(): void
    {
        foreach (self::$mocks as $mock) {
            $mock->stop();
        }
        self::$mocks = [];
    }

    private static function mock(SignedForm $form): MockUnleashed
    {
        $credentials = Testdata::e2e()['credentials'];
        return self::$mocks[$form->name] ??= new MockUnleashed(
            $credentials['api-id'],
            $credentials['key'],
            strtolower($form->name),
        );
    }

    /** @return iterable<string, array{SignedForm, list<array{string, string}>}> */
    public static function cases(): iterable
    {
        $cases = Testdata::e2e()['cases'];
        if ($cases === []) {
            throw new \UnexpectedValueException('testdata/e2e_cases.txt has no case');
        }
        foreach ([SignedForm::Decoded, SignedForm::Wire] as $form) {
            foreach ($cases as $i => $pairs) {
                yield "{$form->name} case " . ($i + 1) => [$form, $pairs];
            }
        }
    }

    /**
     * @dataProvider cases
     * @param list<array{string, string}> $pairs
     */
    public function testCurlRequestsAreAccepted(SignedForm $form, array $pairs): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $mock = self::mock($form);
        $key = new SigningKey($credentials['key']);
        $built = $key->buildQuery($pairs, $form);
        $url = $mock->url("SalesOrders?{$built->query}");

        [$status, $body] = self::send(self::signer($key, $form), $url);
        self::assertSame(200, $status, $body);
        self::assertStringContainsString("target /SalesOrders?{$built->query}\n", $body, 'curl changed the URL');
        // The signature the headers carry (of the URL) is the one build_query made (of the parameters).
        self::assertSame($built->signature, $key->signUrl($url, $form));
        $key->clear();
    }

    /** @dataProvider cases */
    public function testAWrongKeyIsRefused(SignedForm $form, array $pairs): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $mock = self::mock($form);
        $key = new SigningKey($credentials['other-key']);
        $url = $mock->url('SalesOrders?' . $key->buildQuery($pairs, $form)->query);
        [$status, $body] = self::send(self::signer($key, $form), $url);
        self::assertSame(403, $status);
        self::assertSame('', $body);
    }

    public function testExtraHeadersAreSentToo(): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $mock = self::mock(SignedForm::Decoded);
        $key = new SigningKey($credentials['key']);
        [$status, $body] = self::send(
            new CurlSigner($key, $credentials['api-id'], $credentials['client-type']),
            $mock->url('Customers?customerCode=ACME'),
            ['X-Request-Id: 42'],
        );
        self::assertSame(200, $status);
        self::assertMatchesRegularExpression(
            '/^header-names .*api-auth-id,api-auth-signature,client-type,Accept,Content-Type,X-Request-Id/m',
            $body,
        );
    }

    /** @dataProvider cases */
    public function testPsr7RequestsSignedByRequestSignerAreAccepted(SignedForm $form, array $pairs): void
    {
        $credentials = Testdata::e2e()['credentials'];
        $mock = self::mock($form);
        $key = new SigningKey($credentials['key']);
        $request = new Psr7Request('GET', $mock->url('SalesOrders?' . $key->buildQuery($pairs, $form)->query));
        $signed = (new RequestSigner($key, $credentials['api-id'], $credentials['client-type'], $form))->sign($request);

        self::assertNotSame($request, $signed, 'withHeader() is immutable: the request itself must not change');
        self::assertSame([], $request->getHeaders());
        $handle = curl_init((string) $signed->getUri());
        $lines = [];
        foreach ($signed->getHeaders() as $name => $values) {
            $lines[] = "$name: " . implode(', ', $values);
        }
        curl_setopt_array($handle, [CURLOPT_HTTPHEADER => $lines, CURLOPT_RETURNTRANSFER => true]);
        $body = curl_exec($handle);
        self::assertSame(200, curl_getinfo($handle, CURLINFO_RESPONSE_CODE), (string) $body);
    }

    private static function signer(SigningKey $key, SignedForm $form): CurlSigner
    {
        $credentials = Testdata::e2e()['credentials'];
        return new CurlSigner($key, $credentials['api-id'], $credentials['client-type'], $form);
    }

    /**
     * @param list<string> $extraHeaders
     * @return array{int, string} the HTTP status and body
     */
    private static function send(CurlSigner $signer, string $url, array $extraHeaders = []): array
    {
        $handle = curl_init();
        $signer->apply($handle, $url, $extraHeaders);
        curl_setopt_array($handle, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 10]);
        $body = curl_exec($handle);
        self::assertIsString($body, curl_error($handle));
        return [curl_getinfo($handle, CURLINFO_RESPONSE_CODE), $body];
    }
}
