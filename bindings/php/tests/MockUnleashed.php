<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

/** testing/mock_unleashed.py, started with proc_open: it stops when its stdin closes. */
final class MockUnleashed
{
    /** @var resource */
    private $process;
    /** @var array<int, resource> */
    private array $pipes;
    public readonly int $port;

    public function __construct(string $apiId, string $key, string $form)
    {
        $process = proc_open(
            ['python3', Testdata::repo() . '/testing/mock_unleashed.py', '--form', $form, '--lifetime', '300'],
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes,
            null,
            ['MOCK_UNLEASHED_API_ID' => $apiId, 'MOCK_UNLEASHED_API_KEY' => $key, 'PATH' => (string) getenv('PATH')],
        );
        if (!\is_resource($process)) {
            throw new \RuntimeException('cannot start python3 testing/mock_unleashed.py');
        }
        $this->process = $process;
        $this->pipes = $pipes;
        $line = fgets($pipes[1]);
        if ($line === false || !ctype_digit(trim($line))) {
            $this->stop();
            throw new \RuntimeException('mock_unleashed.py printed no port');
        }
        $this->port = (int) trim($line);
    }

    public function url(string $pathAndQuery): string
    {
        return "http://127.0.0.1:{$this->port}/" . ltrim($pathAndQuery, '/');
    }

    public function stop(): void
    {
        foreach ($this->pipes as $pipe) {
            if (\is_resource($pipe)) {
                fclose($pipe);
            }
        }
        proc_close($this->process);
    }
}
