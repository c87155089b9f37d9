<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\KeyFormat;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;

/** Every line of testdata/vectors.txt, computed by an independent implementation (Python's hmac). */
final class VectorsTest extends TestCase
{
    /** @return iterable<string, list<string>> */
    public static function vectors(): iterable
    {
        foreach (Testdata::vectors() as $i => $fields) {
            yield 'line ' . ($i + 1) . " ({$fields[0]} {$fields[1]} {$fields[3]})" => $fields;
        }
    }

    public function testEveryKindAndFormatIsCovered(): void
    {
        $seen = [];
        foreach (Testdata::vectors() as [$kind, $format, , $form]) {
            $seen["$kind $format $form"] = true;
        }
        foreach (
            ['sign text -', 'sign raw -', 'sign base64 -', 'url text decoded', 'url text wire',
            'query text decoded', 'query text wire'] as $combination
        ) {
            self::assertArrayHasKey($combination, $seen, "testdata/vectors.txt has no '$combination' vector");
        }
    }

    /** @dataProvider vectors */
    public function testVector(
        string $kind,
        string $format,
        string $keyHex,
        string $form,
        string $input,
        string $expectedWireHex,
        string $signature,
    ): void {
        $key = new SigningKey(Testdata::hex($keyHex), match ($format) {
            'text' => KeyFormat::Text,
            'raw' => KeyFormat::Raw,
            'base64' => KeyFormat::Base64,
        });
        $signedForm = $form === 'wire' ? SignedForm::Wire : SignedForm::Decoded;
        switch ($kind) {
            case 'sign':
                $message = Testdata::hex($input);
                self::assertSame($signature, $key->sign($message));
                self::assertTrue($key->verify($message, $signature));
                self::assertFalse($key->verify($message . 'x', $signature));
                self::assertFalse($key->verify($message, self::tampered($signature)));
                break;
            case 'url':
                $url = Testdata::hex($input);
                self::assertSame($signature, $key->signUrl($url, $signedForm));
                self::assertSame($signature, $key->signQuery(Testdata::hex($expectedWireHex), $signedForm));
                self::assertTrue($key->verifyUrl($url, $signature, $signedForm));
                self::assertFalse($key->verifyUrl($url, self::tampered($signature), $signedForm));
                break;
            case 'query':
                $pairs = Testdata::pairs($input);
                $built = $key->buildQuery($pairs, $signedForm);
                self::assertSame(Testdata::hex($expectedWireHex), $built->query);
                self::assertSame($signature, $built->signature);
                break;
            default:
                self::fail("unknown vector kind '$kind'");
        }
        $key->clear();
    }

    /** The signature with its first character changed. */
    private static function tampered(string $signature): string
    {
        return ($signature[0] === 'A' ? 'B' : 'A') . substr($signature, 1);
    }
}
