<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use PHPUnit\Framework\TestCase;

/**
 * What is left of a key in a PHP process after clear(), measured with the repository's residue scanner
 * (residue/scan.py, through tests/residue/scan_php.py, which runs tests/residue/driver.php): for every key shape and
 * every path, no piece of 16 bytes or more of any key-derived secret beyond what a PHP process that never read the
 * key holds; and a control run that keeps the key alive must be found, so the scanner is never silently blind.
 *
 * @group residue
 */
final class ResidueTest extends TestCase
{
    public function testNothingOfTheKeyIsLeftAfterClear(): void
    {
        $command = ['python3', __DIR__ . '/residue/scan_php.py'];
        $io = [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        $process = proc_open($command, $io, $pipes);
        self::assertIsResource($process, 'cannot run python3 tests/residue/scan_php.py');
        $output = (string) stream_get_contents($pipes[1]);
        $errors = (string) stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), "scan_php.py failed: $errors");

        $runs = array_map(
            static fn (string $line): array => json_decode($line, true, flags: JSON_THROW_ON_ERROR),
            array_filter(explode("\n", $output)),
        );
        self::assertCount(3 * 8, $runs, 'three keys, seven paths and a control run each');
        foreach ($runs as $run) {
            $beyond = [];
            foreach ($run['found'] as $secret => $pieces) {
                if ($pieces > ($run['baseline'][$secret] ?? 0)) {
                    $beyond[$secret] = $pieces - ($run['baseline'][$secret] ?? 0);
                }
            }
            if ($run['path'] === 'control') {
                self::assertNotSame([], $beyond, "{$run['key']}: the control run's live key was not found");
            } else {
                self::assertSame([], $beyond, "{$run['key']} {$run['path']}: pieces left after clear()");
            }
        }
    }
}
