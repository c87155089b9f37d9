<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\Native;

/**
 * Makes the package as a user gets it (`composer archive`), installs it into a new project with Composer, and runs
 * the PHP example of bindings/php/README.md there exactly as shown.
 */
final class ReadmeTest extends TestCase
{
    private static string $dir;

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/unleashed-php-readme-' . getmypid();
        self::command(['rm', '-rf', self::$dir]);
        mkdir(self::$dir . '/app', 0755, true);
    }

    /** This machine's library in the package, relative to its root: lib/linux-x64/libunleashed_signer.so. */
    private static function shippedLibrary(): string
    {
        return 'lib/' . Native::currentPlatform() . '/' . basename(Native::libraryPath());
    }

    public static function tearDownAfterClass(): void
    {
        self::command(['rm', '-rf', self::$dir]);
    }

    /**
     * @param list<string> $command
     * @return array{int, string} exit status and output (stdout then stderr)
     */
    private static function command(array $command, ?string $cwd = null): array
    {
        $env = ['PATH' => (string) getenv('PATH'), 'HOME' => self::$dir ?? sys_get_temp_dir(),
            'COMPOSER_HOME' => (self::$dir ?? sys_get_temp_dir()) . '/composer-home', 'COMPOSER_ALLOW_SUPERUSER' => '1',
            'COMPOSER_NO_INTERACTION' => '1'];
        $io = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $process = proc_open($command, $io, $pipes, $cwd, $env);
        if (!\is_resource($process)) {
            throw new \RuntimeException('cannot run ' . implode(' ', $command));
        }
        $output = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($process), $output];
    }

    /** @return array{string, string} the first ```php block after `$heading` and the ```text block after it */
    private static function example(string $file, string $heading): array
    {
        $text = (string) file_get_contents($file);
        $start = strpos($text, $heading);
        self::assertNotFalse($start, "$file has no '$heading'");
        $found = preg_match('/```php\n(.*?)```.*?```text\n(.*?)```/s', $text, $m, 0, $start);
        self::assertSame(1, $found, "$file: no example under '$heading'");
        return [$m[1], $m[2]];
    }

    /** @return list<string> the ```sh blocks of the README's section `$heading`, in order */
    private static function shellBlocks(string $heading): array
    {
        $text = (string) file_get_contents(\dirname(__DIR__) . '/README.md');
        $start = strpos($text, "\n$heading\n");
        self::assertNotFalse($start, "README.md has no '$heading'");
        $end = strpos($text, "\n## ", $start + 1);
        preg_match_all('/^```sh\n(.*?)^```$/ms', substr($text, $start, $end === false ? null : $end - $start), $m);
        return $m[1];
    }

    /**
     * The README's install commands, run as shown with bash in an empty home directory: the package made in this
     * repository and unpacked under that home, then required by a new project through a path repository.
     */
    public function testTheInstallCommandsInstallACompletePackage(): void
    {
        $blocks = self::shellBlocks('## Install');
        self::assertCount(2, $blocks, 'README.md: expected two sh blocks under ## Install (repository, project)');
        [$repository, $project] = $blocks;
        // bindings/php/build.sh runs cargo: .ci/steps/73-php.sh ran it before the tests, so the library is there.
        self::assertStringStartsWith("bindings/php/build.sh\n", $repository);
        self::assertFileExists(Native::libraryPath());
        $repository = substr($repository, \strlen("bindings/php/build.sh\n"));

        [$status, $output] = self::command(['bash', '-euo', 'pipefail', '-c', $repository], Testdata::repo());
        self::assertSame(0, $status, $output);
        $package = self::$dir . '/php-packages/unleashed-signer';
        foreach (
            ['composer.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE', self::shippedLibrary(),
            'preload.php', 'bin/unleashed-signer-ffi-header', 'src/SigningKey.php'] as $file
        ) {
            self::assertFileExists("$package/$file");
        }
        foreach (['tests', 'vendor', 'bench', 'phpunit.xml', 'phpcs.xml'] as $file) {
            self::assertFileDoesNotExist("$package/$file");
        }

        file_put_contents(self::$dir . '/app/composer.json', "{}\n");
        [$status, $output] = self::command(['bash', '-euo', 'pipefail', '-c', $project], self::$dir . '/app');
        self::assertSame(0, $status, $output);
        self::assertFileExists(self::$dir . '/app/vendor/unleashed/signer/' . self::shippedLibrary());
    }

    /** @depends testTheInstallCommandsInstallACompletePackage */
    public function testTheExampleRunsAsShown(): void
    {
        [$code, $expected] = self::example(\dirname(__DIR__) . '/README.md', '## Example');
        file_put_contents(self::$dir . '/app/example.php', $code);
        [$status, $output] = self::command(['php', 'example.php'], self::$dir . '/app');
        self::assertSame(0, $status, $output);
        self::assertSame($expected, $output);
    }
}
