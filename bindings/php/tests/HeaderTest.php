<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;
use Unleashed\Signer\KeyFormat;
use Unleashed\Signer\Native;
use Unleashed\Signer\SignedForm;
use Unleashed\Signer\SigningKey;
use Unleashed\Signer\Status;

/**
 * The binding's copy of the C contract against include/unleashed_signer.h, through the C preprocessor (`cc`):
 * any drift in a declaration, a status, a key format, a signed form or a header name fails here.
 */
final class HeaderTest extends TestCase
{
    private static function header(): string
    {
        return Testdata::repo() . '/include/unleashed_signer.h';
    }

    /** Runs `cc` with `$arguments` over the header and returns its output. */
    private static function preprocess(string ...$arguments): string
    {
        $command = ['cc', '-E', '-P', '-std=c11', ...$arguments, self::header()];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($process, 'cannot run cc, which this test needs to read the header');
        $output = (string) stream_get_contents($pipes[1]);
        $errors = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), "cc failed on the header: $errors");
        return $output;
    }

    /**
     * Top-level declarations mentioning `unleashed`, comments dropped and whitespace normalised.
     *
     * @return list<string>
     */
    private static function declarations(string $c): array
    {
        $c = (string) preg_replace(['#/\*.*?\*/#s', '#//[^\n]*#'], '', $c);
        $c = (string) preg_replace('/\s+/', ' ', $c);
        $c = (string) preg_replace('/ ?([(){}\[\],;*=]) ?/', '$1', $c);
        $declarations = [];
        $depth = 0;
        $current = '';
        foreach (str_split($c) as $char) {
            $current .= $char;
            $depth += match ($char) {
                '{' => 1, '}' => - 1, default => 0
            };
            if ($char === ';' && $depth === 0) {
                $declarations[] = trim($current);
                $current = '';
            }
        }
        return array_values(array_filter($declarations, static fn (string $d): bool => str_contains($d, 'unleashed')));
    }

    public function testEveryDeclarationTheBindingUsesIsTheHeaders(): void
    {
        $header = self::declarations(self::preprocess('-DUNLEASHED_MUST_USE='));
        $binding = self::declarations(Native::CDEF);
        self::assertGreaterThan(15, \count($binding));
        foreach ($binding as $declaration) {
            self::assertContains($declaration, $header, 'Native::CDEF has a declaration the header does not');
        }
    }

    /** @return array<string, string> every macro the header defines, name => replacement */
    private static function macros(): array
    {
        preg_match_all('/^#define (UNLEASHED_\w+) (.*)$/m', self::preprocess('-dM'), $matches, PREG_SET_ORDER);
        $macros = [];
        foreach ($matches as [, $name, $value]) {
            $macros[$name] = trim($value);
        }
        return $macros;
    }

    public function testConstantsMatchTheHeader(): void
    {
        $macros = self::macros();
        self::assertSame((string) Native::SIGNATURE_LEN, $macros['UNLEASHED_SIGNATURE_LEN']);
        foreach (['HEADER_API_AUTH_ID', 'HEADER_API_AUTH_SIGNATURE', 'HEADER_CLIENT_TYPE'] as $name) {
            self::assertSame('"' . \constant(Native::class . "::$name") . '"', $macros["UNLEASHED_$name"]);
        }
        self::assertSame(
            Native::HEADER_VERSION,
            implode('.', [
                $macros['UNLEASHED_VERSION_MAJOR'],
                $macros['UNLEASHED_VERSION_MINOR'],
                $macros['UNLEASHED_VERSION_PATCH'],
            ]),
        );
        foreach (['KEY_FORMAT' => KeyFormat::cases(), 'SIGNED_FORM' => SignedForm::cases()] as $prefix => $cases) {
            $fromHeader = array_filter(
                $macros,
                static fn (string $name): bool => str_starts_with($name, "UNLEASHED_{$prefix}_"),
                ARRAY_FILTER_USE_KEY,
            );
            $fromPhp = [];
            foreach ($cases as $case) {
                $fromPhp['UNLEASHED_' . $prefix . '_' . strtoupper($case->name)] = (string) $case->value;
            }
            ksort($fromHeader);
            ksort($fromPhp);
            self::assertSame($fromHeader, $fromPhp);
        }
    }

    public function testStatusConstantsMatchTheHeadersEnum(): void
    {
        preg_match('/enum unleashed_status\s*\{(.*?)\}/s', self::preprocess(), $enum);
        preg_match_all('/UNLEASHED_(\w+) = (\d+)/', $enum[1] ?? '', $members, PREG_SET_ORDER);
        $fromHeader = [];
        foreach ($members as [, $name, $value]) {
            $fromHeader[$name] = (int) $value;
        }
        self::assertGreaterThan(20, \count($fromHeader));
        self::assertSame($fromHeader, (new \ReflectionClass(Status::class))->getConstants());
    }

    public function testVersionsAgree(): void
    {
        $cargo = (string) file_get_contents(Testdata::repo() . '/Cargo.toml');
        self::assertSame(1, preg_match('/^\[workspace\.package\]\nversion = "([^"]+)"/m', $cargo, $workspace));
        $composerJson = (string) file_get_contents(\dirname(__DIR__) . '/composer.json');
        $composer = json_decode($composerJson, true, flags: JSON_THROW_ON_ERROR);
        self::assertSame($workspace[1], $composer['version'], 'bindings/php/composer.json "version"');
        self::assertSame($workspace[1], Native::HEADER_VERSION);
        self::assertSame($workspace[1], SigningKey::libraryVersion());
    }
}
