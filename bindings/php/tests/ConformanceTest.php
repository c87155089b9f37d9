<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\CurlSigner;
use Unleashed\Signer\RedirectRefusedException;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;

/**
 * Every case of testdata/http_conformance.txt (docs/http-contract.md), sent with ext-curl through CurlSigner,
 * CURLOPT_FOLLOWLOCATION switched on after apply(), to testing/mock_unleashed.py --other-origin, whose second
 * origin must receive nothing. The file's header comment says how to read it; each case is one test, named after
 * it, and the last test asks the other origin.
 */
final class ConformanceTest extends TestCase
{
    /** @var array{settings: array<string, string>, cases: list<array<string, string>>}|null */
    private static ?array $suite = null;
    /** @var resource|null */
    private static $mock = null;
    /** @var array<int, resource> */
    private static array $pipes = [];
    /** @var array{int, int} the main and the other origin's ports */
    private static array $ports;

    /** @return array{settings: array<string, string>, cases: list<array<string, string>>} */
    private static function conformance(): array
    {
        if (self::$suite !== null) {
            return self::$suite;
        }
        $settings = [];
        $cases = [];
        foreach (file(Testdata::repo() . '/testdata/http_conformance.txt', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if ($line === '' || $line[0] === '#') {
                continue;
            }
            [$name, $rest] = explode(' ', $line, 2);
            if ($name === 'case') {
                $fields = [];
                foreach (explode(' ', $rest) as $field) {
                    [$key, $value] = explode('=', $field, 2);
                    $fields[$key] = $value;
                }
                $cases[] = $fields;
            } else {
                $settings[$name] = $rest;
            }
        }
        self::assertGreaterThanOrEqual(15, \count($cases), 'testdata/http_conformance.txt has too few cases');
        return self::$suite = ['settings' => $settings, 'cases' => $cases];
    }

    public static function setUpBeforeClass(): void
    {
        $settings = self::conformance()['settings'];
        $process = proc_open(
            ['python3', Testdata::repo() . '/testing/mock_unleashed.py', '--form', $settings['form'], '--other-origin',
                '--lifetime', '300'],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['MOCK_UNLEASHED_API_ID' => $settings['api-id'], 'MOCK_UNLEASHED_API_KEY' => $settings['key'],
                'PATH' => (string) getenv('PATH')],
        );
        self::assertIsResource($process, 'cannot start python3 testing/mock_unleashed.py');
        self::$mock = $process;
        self::$pipes = $pipes;
        $main = trim((string) fgets($pipes[1]));
        $other = trim((string) fgets($pipes[1]));
        self::assertTrue(ctype_digit($main) && ctype_digit($other), "the mock printed no two ports: $main, $other");
        self::$ports = [(int) $main, (int) $other];
    }

    public static function tearDownAfterClass(): void
    {
        foreach (self::$pipes as $pipe) {
            if (\is_resource($pipe)) {
                fclose($pipe);
            }
        }
        if (self::$mock !== null) {
            proc_close(self::$mock);
        }
    }

    /** @return iterable<string, array{array<string, string>}> */
    public static function cases(): iterable
    {
        foreach (self::conformance()['cases'] as $case) {
            yield $case['name'] => [$case];
        }
    }

    /** @return list<string> the values of the mock's body lines named `$name` */
    private static function lines(string $body, string $name): array
    {
        $values = [];
        foreach (explode("\n", $body) as $line) {
            if ($line === $name) {
                $values[] = '';
            } elseif (str_starts_with($line, "$name ")) {
                $values[] = substr($line, \strlen($name) + 1);
            }
        }
        return $values;
    }

    /**
     * @dataProvider cases
     * @param array<string, string> $case
     */
    public function testTheCase(array $case): void
    {
        $settings = self::conformance()['settings'];
        $key = new SigningKey($settings['key']);
        $form = $settings['form'] === 'wire' ? SignedForm::Wire : SignedForm::Decoded;
        $signer = new CurlSigner($key, $case['api-id'], $settings['client-type'], $form);
        $handle = curl_init();
        $url = 'http://127.0.0.1:' . self::$ports[0] . Testdata::hex($case['url']);
        $signer->apply($handle, $url, $case['accept'] === '-' ? [] : ["Accept: {$case['accept']}"]);
        curl_setopt_array($handle, [\CURLOPT_FOLLOWLOCATION => true, \CURLOPT_RETURNTRANSFER => true,
            \CURLOPT_TIMEOUT => 10]);
        if ($case['expect'] === 'refused') {
            $this->expectException(RedirectRefusedException::class);
            curl_exec($handle);
            return;
        }
        self::assertSame('200', $case['expect'], 'an expectation this test does not know');
        $body = curl_exec($handle);
        self::assertIsString($body, curl_error($handle));
        self::assertSame(200, curl_getinfo($handle, \CURLINFO_RESPONSE_CODE), "the mock refused: $body");
        self::assertSame([''], self::lines($body, 'origin main'), $body);
        self::assertSame([$case['message'] === '-' ? '' : $case['message']], self::lines($body, 'message'));
        self::assertSame([$case['accept-received']], self::lines($body, 'accept'));
        self::assertLessThanOrEqual(1, \count(self::lines($body, 'content-type')), $body);
        $key->clear();
    }

    /** Runs after every case (PHPUnit keeps the order of declaration). */
    public function testTheOtherOriginReceivedNothing(): void
    {
        $handle = curl_init('http://127.0.0.1:' . self::$ports[1] . '/_received');
        curl_setopt_array($handle, [\CURLOPT_RETURNTRANSFER => true, \CURLOPT_TIMEOUT => 10]);
        $body = curl_exec($handle);
        self::assertSame(200, curl_getinfo($handle, \CURLINFO_RESPONSE_CODE));
        self::assertSame('', $body, 'requests that reached the other origin');
    }
}
