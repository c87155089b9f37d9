<?php

declare(strict_types=1);

namespace Unleashed\Signer\Tests;

use FFI\CData;
use PHPUnit\Framework\TestCase;
use Unleashed\Signer\SigningKey;

/** The prepared key lives in FFI memory that clear() and the destructor leave all zero. */
final class ClearTest extends TestCase
{
    private const KEY = 'ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==';

    public function testClearZeroesEveryByteOfTheStorage(): void
    {
        $key = new SigningKey(self::KEY);
        $storage = self::storage($key);
        self::assertSame(\FFI::sizeof($storage), \FFI::sizeof(\FFI::cdef()->type('uint64_t')) * \count($storage));
        self::assertNotSame(0, self::nonZeroBytes($storage), 'the prepared key is all zero: this would prove nothing');
        $key->clear();
        self::assertSame(0, self::nonZeroBytes($storage));
    }

    public function testTheDestructorClears(): void
    {
        $key = new SigningKey(self::KEY);
        $storage = self::storage($key); // keeps the memory alive after the object is gone
        self::assertNotSame(0, self::nonZeroBytes($storage));
        unset($key);
        self::assertSame(0, self::nonZeroBytes($storage));
    }

    public function testTheStorageIsAlignedTo8(): void
    {
        $address = \FFI::cdef()->cast('uintptr_t', \FFI::addr(self::storage(new SigningKey(self::KEY))))->cdata;
        self::assertSame(0, $address % 8);
    }

    private static function storage(SigningKey $key): CData
    {
        $storage = (new \ReflectionProperty(SigningKey::class, 'storage'))->getValue($key);
        self::assertInstanceOf(CData::class, $storage);
        return $storage;
    }

    private static function nonZeroBytes(CData $storage): int
    {
        $bytes = \FFI::string($storage, \FFI::sizeof($storage));
        return \strlen($bytes) - substr_count($bytes, "\0");
    }
}
