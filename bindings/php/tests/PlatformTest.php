<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\Native;
use Unleashed\Signer\SigningKey;

/**
 * Which library the package loads: lib/PLATFORM/, chosen by the machine's OS and architecture, and the errors when
 * it has none for the machine or one that does not load. Runs on x86_64 and on arm64 under qemu (arm64-test.sh).
 */
final class PlatformTest extends TestCase
{
    private static string $dir;

    public static function setUpBeforeClass(): void
    {
        self::$dir = sys_get_temp_dir() . '/unleashed-php-platform-' . getmypid();
        mkdir(self::$dir);
    }

    public static function tearDownAfterClass(): void
    {
        foreach (['linux-x64/libunleashed_signer.so', 'linux-x64', 'garbage.so'] as $name) {
            $path = self::$dir . '/' . $name;
            is_dir($path) ? rmdir($path) : (is_file($path) && unlink($path));
        }
        rmdir(self::$dir);
    }

    public function testPlatformNamesFollowLibsDirectories(): void
    {
        self::assertSame('linux-x64', Native::platform('Linux', 'x86_64'));
        self::assertSame('linux-arm64', Native::platform('Linux', 'aarch64'));
        self::assertSame('linux-arm64', Native::platform('Linux', 'arm64'));
        self::assertSame('darwin-arm64', Native::platform('Darwin', 'arm64'));
        self::assertSame('windows-x64', Native::platform('Windows', 'AMD64'));
        self::assertSame('linux-riscv64', Native::platform('Linux', 'riscv64'));
        self::assertSame(['linux-x64', 'linux-arm64'], Native::PLATFORMS);
        self::assertStringEndsWith('/lib/linux-arm64/libunleashed_signer.so', Native::libraryPath('linux-arm64'));
    }

    /** The library mapped into this process is lib/THIS-PLATFORM/'s, and of this machine's ELF machine. */
    public function testTheLoadedLibraryIsTheOneOfThisMachine(): void
    {
        $machine = php_uname('m');
        $expected = ['x86_64' => ['linux-x64', 62], 'aarch64' => ['linux-arm64', 183]][$machine] ?? null;
        self::assertNotNull($expected, "the tests run on $machine, a machine the package ships no library for");
        [$platform, $elfMachine] = $expected;
        self::assertSame($platform, Native::currentPlatform());

        self::assertSame(44, \strlen((new SigningKey('made-up-key'))->sign('customerCode=ACME')));
        $mapped = [];
        foreach (file('/proc/self/maps', \FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            if (preg_match('~\s(/\S*libunleashed_signer[^/\s]*)$~', $line, $m) === 1) {
                $mapped[$m[1]] = true;
            }
        }
        $library = realpath(Native::libraryDirectory() . "/$platform/libunleashed_signer.so");
        self::assertNotFalse($library);
        self::assertSame([$library], array_keys($mapped), 'the C library mapped into this process');
        $header = (string) file_get_contents($library, false, null, 0, 20);
        self::assertSame("\x7fELF", substr($header, 0, 4));
        self::assertSame($elfMachine, unpack('v', $header, 18)[1], "$library's ELF machine");
    }

    public function testAPlatformWithoutALibraryIsNamedWithTheOnesThePackageHas(): void
    {
        $shipped = [];
        foreach (Native::PLATFORMS as $platform) {
            if (is_file(Native::libraryPath($platform))) {
                $shipped[] = $platform;
            }
        }
        sort($shipped);
        self::assertContains(Native::currentPlatform(), $shipped);
        try {
            Native::requireLibrary('linux-riscv64', Native::libraryDirectory());
            self::fail('requireLibrary() found a library for linux-riscv64');
        } catch (\LogicException $e) {
            self::assertStringStartsWith(
                'unleashed/signer has no C library for linux-riscv64 (expected at '
                . Native::libraryDirectory() . '/linux-riscv64/libunleashed_signer.so): it has one for '
                . implode(', ', $shipped) . ' only; the package ships linux-x64 and linux-arm64: on another platform, '
                . 'build the C library',
                $e->getMessage(),
            );
        }
    }

    public function testASupportedPlatformMissingFromLibSaysHowToBuildIt(): void
    {
        try {
            Native::requireLibrary('linux-arm64', self::$dir);
            self::fail('requireLibrary() found a library in an empty directory');
        } catch (\LogicException $e) {
            self::assertStringContainsString('no C library for linux-arm64', $e->getMessage());
            self::assertStringContainsString('it has no library for any platform;', $e->getMessage());
        }
        mkdir(self::$dir . '/linux-x64');
        touch(self::$dir . '/linux-x64/libunleashed_signer.so');
        $found = Native::requireLibrary('linux-x64', self::$dir);
        self::assertSame(self::$dir . '/linux-x64/libunleashed_signer.so', $found);
        try {
            Native::requireLibrary('linux-arm64', self::$dir);
            self::fail('requireLibrary() found a linux-arm64 library where there is none');
        } catch (\LogicException $e) {
            self::assertSame(
                'unleashed/signer has no C library for linux-arm64 (expected at ' . self::$dir
                . '/linux-arm64/libunleashed_signer.so): it has one for linux-x64 only; build it with '
                . 'bindings/php/build.sh (`--aarch64 DIR` adds linux-arm64), or reinstall the package, which ships '
                . 'linux-x64 and linux-arm64',
                $e->getMessage(),
            );
        }
    }

    public function testAFileThatIsNotALibraryForThisMachineFailsToLoadClearly(): void
    {
        $path = self::$dir . '/garbage.so';
        file_put_contents($path, "not a shared library\n");
        try {
            Native::open($path);
            self::fail('FFI loaded a text file');
        } catch (\LogicException $e) {
            self::assertSame(
                "unleashed/signer cannot load $path (Failed loading '$path'): it must be the C library built for this "
                . 'machine, ' . Native::currentPlatform() . ' (bindings/php/build.sh)',
                $e->getMessage(),
            );
        }
    }
}
