<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;

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
        mkdir(self::$dir . '/package', 0755, true);
        mkdir(self::$dir . '/app');
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

    public function testTheArchiveIsACompletePackage(): string
    {
        [$status, $output] = self::command(
            ['composer', 'archive', '--format=tar', '--dir=' . self::$dir, '--file=unleashed-signer'],
            \dirname(__DIR__),
        );
        self::assertSame(0, $status, $output);
        $archive = self::$dir . '/unleashed-signer.tar';
        [$status, $output] = self::command(['tar', '-xf', $archive, '-C', self::$dir . '/package']);
        self::assertSame(0, $status, $output);
        foreach (
            ['composer.json', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'lib/libunleashed_signer.so',
            'preload.php', 'bin/unleashed-signer-ffi-header', 'src/SigningKey.php'] as $file
        ) {
            self::assertFileExists(self::$dir . "/package/$file");
        }
        foreach (['tests', 'vendor', 'bench', 'phpunit.xml'] as $file) {
            self::assertFileDoesNotExist(self::$dir . "/package/$file");
        }
        return self::$dir . '/package';
    }

    /** @depends testTheArchiveIsACompletePackage */
    public function testComposerInstallsItAndTheExamplesRunAsShown(string $package): void
    {
        file_put_contents(self::$dir . '/app/composer.json', json_encode([
            'require' => ['unleashed/signer' => '0.1.0'],
            'repositories' => [
                ['type' => 'path', 'url' => $package, 'options' => ['symlink' => false]],
                ['packagist.org' => false],
            ],
        ], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
        [$status, $output] = self::command(['composer', 'install', '--no-progress'], self::$dir . '/app');
        self::assertSame(0, $status, $output);

        $examples = [
            self::example(\dirname(__DIR__) . '/README.md', '## Example'),
        ];
        foreach ($examples as $i => [$code, $expected]) {
            file_put_contents(self::$dir . "/app/example$i.php", $code);
            [$status, $output] = self::command(['php', "example$i.php"], self::$dir . '/app');
            self::assertSame(0, $status, $output);
            self::assertSame($expected, $output);
        }
    }
}
