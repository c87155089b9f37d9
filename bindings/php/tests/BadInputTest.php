<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\InvalidArgumentException;
use Unleashed\Signer\KeyFormat;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;
use Unleashed\Signer\Status;
use Unleashed\Signer\UnleashedException;

final class BadInputTest extends TestCase
{
    private const KEY = 'ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==';
    private const API_ID = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

    public function testTrailingNewlineSaysWhatToFixAndNeverQuotesTheKey(): void
    {
        try {
            new SigningKey(self::KEY . "\n");
            self::fail('a key with a trailing newline was accepted');
        } catch (InvalidArgumentException $e) {
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertSame(Status::KEY_WHITESPACE, $e->status);
            self::assertSame(Status::KEY_WHITESPACE, $e->getCode());
            self::assertStringContainsString('without the trailing newline', $e->getMessage());
            // The trace keeps arguments here (phpunit.xml): #[\SensitiveParameter] must hide the key from it.
            self::assertStringNotContainsString('exampleKEY', (string) $e);
            self::assertStringContainsString('SensitiveParameterValue', $e->getTraceAsString());
        }
    }

    /** @return iterable<string, array{string, KeyFormat, int}> */
    public static function badKeys(): iterable
    {
        yield 'empty' => ['', KeyFormat::Text, Status::EMPTY_KEY];
        yield 'leading space' => [' ' . self::KEY, KeyFormat::Text, Status::KEY_WHITESPACE];
        yield 'control character' => ["abc\x01def", KeyFormat::Text, Status::KEY_CONTROL_CHARACTER];
        yield 'not UTF-8' => ["abc\xffdef", KeyFormat::Text, Status::KEY_NOT_UTF8];
        yield 'bad base64' => ['not-base64!', KeyFormat::Base64, Status::INVALID_BASE64];
        yield 'empty raw' => ['', KeyFormat::Raw, Status::EMPTY_KEY];
    }

    /** @dataProvider badKeys */
    public function testBadKeysAreRejectedWithTheirStatus(string $key, KeyFormat $format, int $status): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionCode($status);
        new SigningKey($key, $format);
    }

    public function testRawKeysMayHoldAnyBytes(): void
    {
        self::assertSame(44, \strlen((new SigningKey("\n\x00\xff", KeyFormat::Raw))->sign('')));
    }

    public function testMalformedEscapeFailsOnlyInTheDecodedForm(): void
    {
        $key = new SigningKey(self::KEY);
        self::assertSame(44, \strlen($key->signUrl('Customers?q=100%', SignedForm::Wire)));
        try {
            $key->signUrl('Customers?q=100%');
            self::fail('a stray % was signed in the decoded form');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::MALFORMED_ESCAPE, $e->status);
            self::assertStringContainsString('%25', $e->getMessage());
        }
        $this->expectExceptionCode(Status::MALFORMED_ESCAPE);
        $key->verifyUrl('Customers?q=%zz', str_repeat('A', 44));
    }

    public function testEmptyParameterName(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionCode(Status::EMPTY_PARAMETER_NAME);
        (new SigningKey(self::KEY))->buildQuery(['a' => '1', '' => '2']);
    }

    /** @return iterable<string, array{mixed}> */
    public static function badPairs(): iterable
    {
        yield 'null value' => [['a' => null]];
        yield 'bool value' => [['a' => true]];
        yield 'float value' => [['a' => 1.5]];
        yield 'one-element pair' => [[['a']]];
        yield 'three-element pair' => [[['a', 'b', 'c']]];
    }

    /**
     * @dataProvider badPairs
     * @param array<mixed> $pairs
     */
    public function testParametersOfTheWrongShape(array $pairs): void
    {
        $this->expectException(\InvalidArgumentException::class);
        (new SigningKey(self::KEY))->buildQuery($pairs);
    }

    public function testPairsAndMapsBuildTheSameQuery(): void
    {
        $key = new SigningKey(self::KEY);
        $map = $key->buildQuery(['customerName' => 'Acme & Sons', 'pageSize' => 500]);
        $list = $key->buildQuery([['customerName', 'Acme & Sons'], ['pageSize', '500']]);
        self::assertSame('customerName=Acme%20%26%20Sons&pageSize=500', $map->query);
        self::assertEquals($map, $list);
        self::assertSame('a=1&a=2', $key->buildQuery([['a', '1'], ['a', '2']])->query);
    }

    public function testALongQueryIsBuiltThroughTheRetryWithTheSizeTheLibraryReports(): void
    {
        $key = new SigningKey(self::KEY);
        $value = str_repeat(' &', 500);
        $built = $key->buildQuery(['q' => $value], SignedForm::Wire);
        self::assertSame('q=' . str_repeat('%20%26', 500), $built->query);
        self::assertSame($key->sign($built->query), $built->signature);
        self::assertSame($key->sign("q=$value"), $key->buildQuery(['q' => $value])->signature);
    }

    public function testHeaders(): void
    {
        $key = new SigningKey(self::KEY);
        $headers = $key->headers(self::API_ID, 'acme/orderautomation', '/Customers?customerCode=ACME');
        self::assertSame([
            'api-auth-id' => self::API_ID,
            'api-auth-signature' => $key->sign('customerCode=ACME'),
            'client-type' => 'acme/orderautomation',
            'Accept' => 'application/json',
            'Content-Type' => 'application/json',
        ], $headers);
    }

    public function testBadApiIdAndClientType(): void
    {
        $key = new SigningKey(self::KEY);
        try {
            $key->headers('not-a-guid', 'acme/orderautomation', 'Customers');
            self::fail('a malformed API id was accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::INVALID_API_ID, $e->status);
        }
        $this->expectExceptionCode(Status::INVALID_CLIENT_TYPE);
        $key->headers(self::API_ID, 'no slash', 'Customers');
    }

    public function testAClearedKeyThrowsUnleashedExceptionWithTheStatus(): void
    {
        $key = new SigningKey(self::KEY);
        $key->clear();
        $key->clear();
        try {
            $key->sign('customerCode=ACME');
            self::fail('a cleared key signed');
        } catch (UnleashedException $e) {
            self::assertSame(Status::KEY_NOT_INITIALISED, $e->status);
            self::assertSame(Status::KEY_NOT_INITIALISED, $e->getCode());
            self::assertStringContainsString('create a new SigningKey', $e->getMessage());
        }
        $this->expectException(UnleashedException::class);
        $key->buildQuery(['a' => 'b']);
    }

    public function testTheKeyNeverShows(): void
    {
        $key = new SigningKey(self::KEY);
        ob_start();
        var_dump($key);
        print_r($key);
        $shown = (string) ob_get_clean();
        self::assertStringContainsString('<redacted>', $shown);
        self::assertStringNotContainsString('exampleKEY', $shown);
        self::assertStringNotContainsString('storage', $shown);
    }

    public function testKeysAreNeitherClonedNorSerialized(): void
    {
        $key = new SigningKey(self::KEY);
        try {
            serialize($key);
            self::fail('a key was serialized');
        } catch (\LogicException) {
        }
        $this->expectException(\LogicException::class);
        clone $key;
    }

    public function testARefusedCloneLeavesTheOriginalUsable(): void
    {
        $key = new SigningKey(self::KEY);
        $before = $key->sign('customerCode=ACME');
        try {
            clone $key;
            self::fail('a key was cloned');
        } catch (\LogicException $e) {
            self::assertStringContainsString('cannot be cloned', $e->getMessage());
        }
        gc_collect_cycles(); // the half-made clone is destroyed by now; its destructor must not wipe $key
        self::assertSame($before, $key->sign('customerCode=ACME'));
        self::assertSame(
            base64_encode(hash_hmac('sha256', 'customerCode=ACME', self::KEY, true)),
            $key->sign('customerCode=ACME'),
        );
    }
}
