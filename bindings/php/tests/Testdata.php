<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

/** The repository's shared test data: testdata/vectors.txt and testdata/e2e_cases.txt. */
final class Testdata
{
    public static function repo(): string
    {
        return \dirname(__DIR__, 3);
    }

    /** @return list<list<string>> the fields of each vector line */
    public static function vectors(): array
    {
        $rows = [];
        foreach (self::lines('testdata/vectors.txt') as $line) {
            $fields = preg_split('/ +/', $line);
            if (\count($fields) !== 7) {
                throw new \UnexpectedValueException("a vector line has 7 fields: $line");
            }
            $rows[] = $fields;
        }
        return $rows;
    }

    /** @return array{credentials: array<string, string>, cases: list<list<array{string, string}>>} */
    public static function e2e(): array
    {
        $credentials = [];
        $cases = [];
        foreach (self::lines('testdata/e2e_cases.txt') as $line) {
            [$kind, $value] = explode(' ', $line, 2);
            if ($kind === 'case') {
                $cases[] = self::pairs($value);
            } else {
                $credentials[$kind] = $value;
            }
        }
        return ['credentials' => $credentials, 'cases' => $cases];
    }

    /** Bytes from hex, `-` being empty. */
    public static function hex(string $field): string
    {
        return $field === '-' ? '' : (string) hex2bin($field);
    }

    /** @return list<array{string, string}> pairs from `namehex:valuehex,...` */
    public static function pairs(string $field): array
    {
        if ($field === '-') {
            return [];
        }
        $pairs = [];
        foreach (explode(',', $field) as $pair) {
            [$name, $value] = explode(':', $pair, 2);
            $pairs[] = [self::hex($name === '' ? '-' : $name), self::hex($value === '' ? '-' : $value)];
        }
        return $pairs;
    }

    /** @return list<string> */
    private static function lines(string $path): array
    {
        $text = file_get_contents(self::repo() . '/' . $path);
        if ($text === false) {
            throw new \RuntimeException("cannot read $path");
        }
        return array_values(array_filter(
            explode("\n", $text),
            static fn (string $line): bool => $line !== '' && $line[0] !== '#',
        ));
    }
}
