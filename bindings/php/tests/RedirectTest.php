<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\CurlSigner;
use Unleashed\Signer\RedirectGuard;
use Unleashed\Signer\RedirectRefusedException;
use Unleashed\Signer\SigningKey;

/**
 * CurlSigner through redirects, against two loopback origins (two `php -S` servers on two ports,
 * tests/origins/router.php), with CURLOPT_FOLLOWLOCATION set by the caller after apply(): same-origin hops signed
 * for their own query, cross-origin redirects refused with nothing sent, as the servers logged it.
 */
final class RedirectTest extends TestCase
{
    /** @var array<string, resource> */
    private static array $servers = [];
    /** @var array<string, int> */
    private static array $ports = [];
    private static string $log;

    public static function setUpBeforeClass(): void
    {
        self::$log = tempnam(sys_get_temp_dir(), 'unleashed-origins-');
        foreach (['home', 'other'] as $name) {
            // A free loopback port: bound, read back, released, then given to php -S.
            $socket = stream_socket_server('tcp://127.0.0.1:0');
            $address = (string) stream_socket_get_name($socket, false);
            self::$ports[$name] = (int) substr((string) strrchr($address, ':'), 1);
            fclose($socket);
        }
        foreach (self::$ports as $name => $port) {
            $env = ['ORIGIN_NAME' => $name, 'HOME_PORT' => self::$ports['home'], 'OTHER_PORT' => self::$ports['other'],
                'ORIGINS_LOG' => self::$log, 'PATH' => (string) getenv('PATH')];
            $io = [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']];
            $server = proc_open(
                ['php', '-S', "127.0.0.1:$port", __DIR__ . '/origins/router.php'],
                $io,
                $pipes,
                null,
                $env,
            );
            self::assertIsResource($server);
            self::$servers[$name] = $server;
        }
        foreach (self::$ports as $port) {
            for ($try = 0; @fsockopen('127.0.0.1', $port) === false; $try++) {
                self::assertLessThan(50, $try, "php -S did not listen on port $port within 5 s");
                usleep(100_000);
            }
        }
    }

    public static function tearDownAfterClass(): void
    {
        foreach (self::$servers as $server) {
            proc_terminate($server);
            proc_close($server);
        }
        @unlink(self::$log);
    }

    private static function url(string $origin, string $pathAndQuery): string
    {
        return 'http://127.0.0.1:' . self::$ports[$origin] . $pathAndQuery;
    }

    /** @return list<array{origin: string, target: string, method: string, headers: array<string, string>, body: string}> */
    private static function received(): array
    {
        $lines = file(self::$log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
        return array_map(fn (string $line): array => json_decode($line, true, 8, JSON_THROW_ON_ERROR), $lines);
    }

    /** What `$origin` received for `$target` (the last such request). */
    private static function got(string $origin, string $target): array
    {
        $found = null;
        foreach (self::received() as $request) {
            if ($request['origin'] === $origin && $request['target'] === $target) {
                $found = $request;
            }
        }
        self::assertNotNull($found, "$origin received no request for $target");
        return $found;
    }

    private static function assertNothingReached(string $origin): void
    {
        foreach (self::received() as $request) {
            self::assertNotSame($origin, $request['origin'], "$origin received {$request['target']}");
        }
    }

    private static function key(): SigningKey
    {
        return new SigningKey(Testdata::e2e()['credentials']['key']);
    }

    private static function signer(SigningKey $key): CurlSigner
    {
        $credentials = Testdata::e2e()['credentials'];
        return new CurlSigner($key, strtoupper($credentials['api-id']), $credentials['client-type']);
    }

    /**
     * apply(), then the caller's own options, CURLOPT_FOLLOWLOCATION among them, then curl_exec().
     *
     * @param array<int, mixed> $options
     * @return array{int, string} the final status and body
     */
    private static function exec(\CurlHandle $handle, array $options = []): array
    {
        curl_setopt_array($handle, $options + [
            \CURLOPT_FOLLOWLOCATION => true,
            \CURLOPT_RETURNTRANSFER => true,
            \CURLOPT_TIMEOUT => 10,
        ]);
        $body = curl_exec($handle);
        self::assertIsString($body, curl_error($handle));
        return [curl_getinfo($handle, \CURLINFO_RESPONSE_CODE), $body];
    }

    /** @return iterable<string, array{int}> */
    public static function statuses(): iterable
    {
        foreach ([301, 302, 303, 307, 308] as $status) {
            yield (string) $status => [$status];
        }
    }

    /** @dataProvider statuses */
    public function testASameOriginRedirectIsSignedForItsOwnQuery(int $status): void
    {
        $key = self::key();
        $handle = curl_init();
        self::signer($key)->apply($handle, self::url('home', "/to/$status/home?page=$status&customerCode=A%20B"));
        [$code, $body] = self::exec($handle);
        self::assertSame([200, 'answered by home'], [$code, $body]);
        $got = self::got('home', "/echo?page=$status&customerCode=A%20B")['headers'];
        self::assertSame($key->signUrl("?page=$status&customerCode=A%20B"), $got['api-auth-signature']);
        self::assertSame(strtolower(Testdata::e2e()['credentials']['api-id']), $got['api-auth-id']);
        self::assertSame('application/json', $got['accept']);
    }

    /** @dataProvider statuses */
    public function testACrossOriginRedirectIsRefusedAndNothingReachesTheOtherOrigin(int $status): void
    {
        $handle = curl_init();
        $url = self::url('home', "/to/$status/other?cross=$status");
        self::signer(self::key())->apply($handle, $url, ['X-Mine: kept']);
        try {
            self::exec($handle);
            self::fail('a redirect to another origin was not refused');
        } catch (RedirectRefusedException $e) {
            $location = self::url('other', "/echo?cross=$status");
            self::assertSame([$status, $url, $location], [$e->status, $e->from, $e->location]);
            self::assertStringContainsString('docs/http-contract.md', $e->getMessage());
        }
        self::assertSame($status, curl_getinfo($handle, \CURLINFO_RESPONSE_CODE));
        self::assertNothingReached('other');
        // The first hop, to the home origin, was signed.
        self::assertArrayHasKey('api-auth-signature', self::got('home', "/to/$status/other?cross=$status")['headers']);
    }

    public function testAChainThatWouldComeBackIsRefusedAtItsFirstForeignHop(): void
    {
        // home -> other's /to/302/home -> home: refused before other is asked anything.
        $handle = curl_init();
        self::signer(self::key())->apply($handle, self::url('home', '/via/other/home?back=1'));
        $this->expectException(RedirectRefusedException::class);
        try {
            self::exec($handle);
        } finally {
            self::assertNothingReached('other');
        }
    }

    public function testWithoutFollowLocationTheCrossOriginRedirectIsRefusedToo(): void
    {
        // curl does not tell a header function whether it will follow: refused either way, and nothing is sent.
        $handle = curl_init();
        self::signer(self::key())->apply($handle, self::url('home', '/to/302/other?nofollow=1'));
        $this->expectException(RedirectRefusedException::class);
        try {
            self::exec($handle, [\CURLOPT_FOLLOWLOCATION => false]);
        } finally {
            self::assertNothingReached('other');
        }
    }

    public function testAfterARefusalTheHandleIsSignedAndFollowsSameOriginRedirectsAgain(): void
    {
        $key = self::key();
        $handle = curl_init();
        self::signer($key)->apply($handle, self::url('home', '/to/307/other?again=1'));
        try {
            self::exec($handle);
            self::fail('not refused');
        } catch (RedirectRefusedException) {
        }
        // The same handle sent again: its first request carries its own signature again.
        file_put_contents(self::$log, '');
        try {
            self::exec($handle);
            self::fail('not refused the second time');
        } catch (RedirectRefusedException) {
        }
        $got = self::got('home', '/to/307/other?again=1')['headers'];
        self::assertSame($key->signUrl('?again=1'), $got['api-auth-signature']);
        // Another URL on it, with a same-origin redirect: redirect protocols are back, so curl follows.
        self::signer($key)->apply($handle, self::url('home', '/to/308/home?after=1'));
        self::assertSame([200, 'answered by home'], self::exec($handle));
        $got = self::got('home', '/echo?after=1')['headers'];
        self::assertSame($key->signUrl('?after=1'), $got['api-auth-signature']);
        self::assertNothingReached('other');
    }

    public function testRelativeAndAbsoluteSameOriginLocationsAreSigned(): void
    {
        $key = self::key();
        $handle = curl_init();
        self::signer($key)->apply($handle, self::url('home', '/relative'));
        self::exec($handle);
        self::assertSame($key->signUrl('?page=2'), self::got('home', '/echo?page=2')['headers']['api-auth-signature']);
        self::signer($key)->apply($handle, self::url('home', '/absolute-here'));
        self::exec($handle);
        self::assertSame($key->signUrl('?abs=1'), self::got('home', '/echo?abs=1')['headers']['api-auth-signature']);
    }

    public function testTheCallersHeaderFunctionSeesEveryLine(): void
    {
        $lines = [];
        $handle = curl_init();
        self::signer(self::key())->apply(
            $handle,
            self::url('home', '/to/302/home?mine=1'),
            [],
            function (\CurlHandle $h, string $line) use (&$lines): int {
                $lines[] = rtrim($line);
                return \strlen($line);
            },
        );
        self::assertSame([200, 'answered by home'], self::exec($handle));
        self::assertContains('Location: ' . self::url('home', '/echo?mine=1'), $lines);
    }

    public function testTheCallersAcceptIsSentOnceAndTheirSigningHeadersAreNot(): void
    {
        $handle = curl_init();
        self::signer(self::key())->apply($handle, self::url('home', '/echo?accept=1'), [
            'accept: application/xml',
            'api-auth-signature: forged',
        ]);
        self::exec($handle);
        $got = self::got('home', '/echo?accept=1')['headers'];
        self::assertSame('application/xml', $got['accept']);
        self::assertSame('application/json', $got['content-type']);
        self::assertNotSame('forged', $got['api-auth-signature']);
    }

    /** @return iterable<string, array{string, string, bool}> */
    public static function locations(): iterable
    {
        $home = 'http://127.0.0.1:8080/Customers?a=1';
        yield 'absolute path' => [$home, '/SalesOrders/2?x=1', true];
        yield 'relative path' => [$home, 'SalesOrders?x=1', true];
        yield 'query only' => [$home, '?x=1', true];
        yield 'absolute, same' => [$home, 'http://127.0.0.1:8080/x', true];
        yield 'absolute, upper-case scheme' => [$home, 'HTTP://127.0.0.1:8080', true];
        yield 'https default port' => ['https://api.example.com/a', 'https://API.example.com:443/b?c', true];
        yield 'other port' => [$home, 'http://127.0.0.1:8081/x', false];
        yield 'other scheme' => [$home, 'https://127.0.0.1:8080/x', false];
        yield 'other host' => [$home, 'http://127.0.0.2:8080/x', false];
        yield 'network path, judged foreign' => [$home, '//127.0.0.1:8080/x', false];
        yield 'backslash' => [$home, '/\\evil.example/x', false];
        yield 'user info' => [$home, 'http://127.0.0.1:8080@evil.example/x', false];
        yield 'backslash before @' => [$home, 'http://evil.example\\@127.0.0.1:8080/x', false];
        yield 'space' => [$home, 'http://127.0.0.1:8080 /x', false];
        yield 'other scheme, no slashes' => [$home, 'javascript:alert(1)', false];
        yield 'first URL not plain' => ['http://user@127.0.0.1:8080/', '/x', false];
    }

    /** @dataProvider locations */
    public function testWhichLocationsCountAsTheSameOrigin(string $first, string $location, bool $same): void
    {
        $guard = new RedirectGuard($first, [], [], fn (string $url): array => []);
        $sameOrigin = new \ReflectionMethod(RedirectGuard::class, 'sameOrigin');
        self::assertSame($same, $sameOrigin->invoke($guard, $location, $first));
    }
}
