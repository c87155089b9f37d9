<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\Native;
use Unleashed\Signer\SigningKey;

/**
 * The php.ini settings README.md gives for web servers, checked with php-cgi: like php-fpm it is not the CLI, so
 * `ffi.enable=preload` (the default) allows FFI only in preloaded code.
 */
final class PhpFpmConfigTest extends TestCase
{
    private const KEY = 'ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==';

    private static string $dir;

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/unleashed-php-cgi-' . getmypid();
        @mkdir(self::$dir);
        chmod(self::$dir, 0755); // opcache.preload_user reads the files below
        file_put_contents(self::$dir . '/ffi.h', Native::scopeHeader());
        file_put_contents(self::$dir . '/request.php', sprintf(
            "<?php\nrequire %s;\n\$key = new Unleashed\\Signer\\SigningKey('%s');\n"
            . "echo \$key->signUrl('Customers?customerCode=ACME');\n",
            var_export(\dirname(__DIR__) . '/vendor/autoload.php', true),
            self::KEY,
        ));
    }

    public static function tearDownAfterClass(): void
    {
        array_map('unlink', glob(self::$dir . '/*') ?: []);
        rmdir(self::$dir);
    }

    /** @param list<string> $ini `-d` settings */
    private static function cgi(array $ini): string
    {
        $command = ['php-cgi', '-q', '-d', 'ffi.enable=preload', '-d', 'opcache.enable=1', '-d', 'display_errors=1'];
        foreach ($ini as $setting) {
            array_push($command, '-d', $setting);
        }
        $command[] = self::$dir . '/request.php';
        $io = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $process = proc_open($command, $io, $pipes);
        self::assertIsResource($process, 'cannot run php-cgi (Debian: php8.2-cgi)');
        $output = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        proc_close($process);
        return $output;
    }

    public function testWithoutPreloadingFfiIsRefusedWithAMessageThatSaysWhatToDo(): void
    {
        self::assertStringContainsString('preload this package', self::cgi([]));
    }

    public function testUnderPhpDashSTheMessageNamesThatServerAndHowToStartIt(): void
    {
        // A free loopback port: bound, read back, released, then given to php -S.
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        self::assertIsResource($socket);
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $io = [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']];
        $server = proc_open(
            ['php', '-d', 'ffi.enable=preload', '-d', 'display_errors=1', '-S', "127.0.0.1:$port", '-t', self::$dir],
            $io,
            $pipes,
        );
        self::assertIsResource($server);
        try {
            $body = false;
            for ($try = 0; $try < 50 && $body === false; $try++) {
                usleep(100_000);
                $body = @file_get_contents("http://127.0.0.1:$port/request.php", false, stream_context_create(
                    ['http' => ['timeout' => 10, 'ignore_errors' => true]],
                ));
            }
            self::assertIsString($body, "php -S did not answer on port $port within 5 s");
            self::assertStringContainsString("the 'cli-server' SAPI", $body);
            self::assertStringContainsString('php -d ffi.enable=true -S', $body);
        } finally {
            proc_terminate($server);
            proc_close($server);
        }
    }

    public function testPreloadingThePackageIsEnough(): void
    {
        $preload = ['opcache.preload=' . \dirname(__DIR__) . '/preload.php', 'opcache.preload_user=nobody'];
        self::assertSame((new SigningKey(self::KEY))->signUrl('Customers?customerCode=ACME'), self::cgi($preload));
    }

    public function testPreloadingWithTheFfiPreloadHeaderWorksToo(): void
    {
        $preload = [
            'opcache.preload=' . \dirname(__DIR__) . '/preload.php',
            'opcache.preload_user=nobody',
            'ffi.preload=' . self::$dir . '/ffi.h',
        ];
        self::assertSame((new SigningKey(self::KEY))->signUrl('Customers?customerCode=ACME'), self::cgi($preload));
    }
}
