using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>The key's native storage: aligned, holding the key while in use, all zero once released.</summary>
    [TestFixture]
    public class StorageTests
    {
        // Address and contents of each storage released while a test runs (a finalizer may add others' too).
        private readonly List<KeyValuePair<IntPtr, byte[]>> _released = new List<KeyValuePair<IntPtr, byte[]>>();
        private readonly object _lock = new object();

        [SetUp]
        public void ObserveReleases()
        {
            _released.Clear();
            KeyStorage.WipedForTesting = (address, size) =>
            {
                var bytes = new byte[size];
                Marshal.Copy(address, bytes, 0, size);
                lock (_lock)
                {
                    _released.Add(new KeyValuePair<IntPtr, byte[]>(address, bytes));
                }
            };
        }

        [TearDown]
        public void StopObserving()
        {
            KeyStorage.WipedForTesting = null;
        }

        /// <summary>What was in the storage at <paramref name="address"/> when it was released; fails unless released once.</summary>
        private byte[] ReleasedAt(IntPtr address)
        {
            lock (_lock)
            {
                var found = _released.Where(r => r.Key == address).Select(r => r.Value).ToList();
                Assert.AreEqual(1, found.Count, "the storage was released once");
                return found[0];
            }
        }

        private bool WasReleased(IntPtr address)
        {
            lock (_lock)
            {
                return _released.Any(r => r.Key == address);
            }
        }

        private static byte[] Live(SigningKey key)
        {
            return Live(key.Storage);
        }

        private static byte[] Live(KeyStorage storage)
        {
            var bytes = new byte[storage.Size];
            Marshal.Copy(storage.DangerousGetHandle(), bytes, 0, bytes.Length);
            return bytes;
        }

        [Test]
        public void StorageIsTheCSizeAndAligned()
        {
            using (var key = new SigningKey("k"))
            {
                Assert.AreEqual(128, key.Storage.Size, "unleashed_key is uint64_t opaque[16] in the header");
                Assert.AreEqual(0, key.Storage.DangerousGetHandle().ToInt64() % 8);
            }
        }

        [Test]
        public void DisposeWipesTheStorage()
        {
            var key = new SigningKey("ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==");
            IntPtr address = key.Storage.DangerousGetHandle();
            byte[] before = Live(key);
            Assert.That(before.Count(b => b != 0), Is.GreaterThan(32), "a prepared key holds its hash states");
            Assert.IsFalse(WasReleased(address));
            key.Dispose();
            CollectionAssert.AreEqual(new byte[before.Length], ReleasedAt(address));
        }

        [Test]
        public void AKeyFromBytesIsWipedToo()
        {
            var secret = new byte[] { 1, 2, 3, 250, 251 };
            var key = new SigningKey(secret, KeyFormat.Raw);
            IntPtr address = key.Storage.DangerousGetHandle();
            Assert.That(Live(key).Count(b => b != 0), Is.GreaterThan(32));
            key.Dispose();
            Assert.IsTrue(ReleasedAt(address).All(b => b == 0));
        }

        [Test]
        public void ARejectedKeyLeavesNothingBehind()
        {
            Assert.Throws<ArgumentException>(() => new SigningKey("bad key"));
            lock (_lock)
            {
                Assert.AreEqual(1, _released.Count, "the storage of a rejected key is released at once");
                Assert.IsTrue(_released[0].Value.All(b => b == 0));
            }
        }

        [Test]
        public void ACallInFlightDefersTheWipe()
        {
            var key = new SigningKey("k");
            KeyStorage storage = key.Storage;
            IntPtr address = storage.DangerousGetHandle();
            bool added = false;
            storage.DangerousAddRef(ref added); // what the P/Invoke marshaller does during a call
            key.Dispose();
            Assert.IsFalse(WasReleased(address), "not wiped under a call that is still using the key");
            Assert.That(Live(storage).Count(b => b != 0), Is.GreaterThan(32));
            Assert.Throws<ObjectDisposedException>(() => key.Sign("a=b"));
            storage.DangerousRelease();
            Assert.IsTrue(ReleasedAt(address).All(b => b == 0));
        }

        [Test]
        public void TheFinalizerWipesAForgottenKey()
        {
            IntPtr address = Forget();
            for (int i = 0; i < 10 && !WasReleased(address); i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.IsTrue(ReleasedAt(address).All(b => b == 0));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IntPtr Forget()
        {
            var key = new SigningKey("forgotten-key");
            Assert.AreEqual(44, key.Sign("a=b").Length);
            return key.Storage.DangerousGetHandle();
        }

        [Test]
        public void ManyThreadsShareOneKey()
        {
            using (var key = new SigningKey("ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY=="))
            {
                string expected = key.Sign("customerCode=ACME");
                int wrong = 0;
                var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
                {
                    for (int i = 0; i < 2000; i++)
                    {
                        if (key.Sign("customerCode=ACME") != expected)
                        {
                            Interlocked.Increment(ref wrong);
                        }
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                Assert.AreEqual(0, wrong);
            }
        }
    }
}
