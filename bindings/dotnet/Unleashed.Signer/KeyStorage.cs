using System;
using System.Runtime.InteropServices;

namespace Unleashed.Signer
{
    /// <summary>
    /// The native memory that holds one prepared key: <c>unleashed_key_size()</c> bytes, aligned to 8, zeroed
    /// before use. Releasing the handle (on <see cref="SigningKey.Dispose"/>, or by the finalizer as a backstop)
    /// wipes the key with <c>unleashed_key_clear</c> and then frees the memory. The handle's reference count
    /// defers that until every call using the key has returned, so disposing never races a signature.
    /// </summary>
    internal sealed unsafe class KeyStorage : SafeHandle
    {
        private const int Alignment = 8;

        /// <summary>For the tests only: called on release, after the wipe and before the free.</summary>
        internal static Action<IntPtr, int> WipedForTesting = null;

        private readonly IntPtr _allocation;

        internal KeyStorage()
            : base(IntPtr.Zero, true)
        {
            Platform.Require();
            Size = checked((int)Native.unleashed_key_size());
            // Allocated with room to align it: AllocHGlobal's own alignment is not documented.
            _allocation = Marshal.AllocHGlobal(Size + Alignment - 1);
            var address = (byte*)((_allocation.ToInt64() + Alignment - 1) & ~(long)(Alignment - 1));
            for (int i = 0; i < Size; i++)
            {
                address[i] = 0;
            }
            SetHandle((IntPtr)address);
        }

        /// <summary>The key's size in bytes, <c>unleashed_key_size()</c>.</summary>
        internal int Size { get; }

        /// <inheritdoc/>
        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <inheritdoc/>
        protected override bool ReleaseHandle()
        {
            Native.unleashed_key_clear(handle);
            var wiped = WipedForTesting;
            if (wiped != null)
            {
                wiped(handle, Size);
            }
            Marshal.FreeHGlobal(_allocation);
            return true;
        }
    }
}
