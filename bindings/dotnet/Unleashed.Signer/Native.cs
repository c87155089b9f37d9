using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Unleashed.Signer
{
    /// <summary>One <c>unleashed_param</c>: a name and a value, each a pointer and a length in bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NativeParam
    {
        public byte* Name;
        public UIntPtr NameLength;
        public byte* Value;
        public UIntPtr ValueLength;
    }

    /// <summary>
    /// One <c>unleashed_headers</c>: the three signing header values, each NUL-terminated, 147 bytes of <c>char</c>.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal unsafe struct NativeHeaders
    {
        public fixed byte ApiId[37];
        public fixed byte Signature[45];
        public fixed byte ClientType[65];
    }

    /// <summary>
    /// The C API of <c>include/unleashed_signer.h</c>, one <c>extern</c> per function used, under its C name.
    /// Every argument is blittable (pointers, <see cref="UIntPtr"/> for <c>size_t</c>, <see cref="uint"/> for the
    /// status, format and form), so nothing is copied or converted on the way in or out.
    /// </summary>
    [SuppressUnmanagedCodeSecurity]
    internal static unsafe class Native
    {
        /// <summary>
        /// Found as <c>libunleashed_signer.so</c> (Linux), <c>libunleashed_signer.dylib</c> (macOS) or
        /// <c>unleashed_signer.dll</c> (Windows) next to the application or in a NuGet package's
        /// <c>runtimes/&lt;rid&gt;/native/</c>.
        /// </summary>
        internal const string Library = "unleashed_signer";

        /// <summary><c>UNLEASHED_SIGNATURE_LEN</c>.</summary>
        internal const int SignatureLength = 44;

        /// <summary><c>UNLEASHED_SIGNATURE_BUFFER_LEN</c>: the signature and a NUL.</summary>
        internal const int SignatureBufferLength = SignatureLength + 1;

        private const CallingConvention Cdecl = CallingConvention.Cdecl;

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern IntPtr unleashed_status_str(uint status);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern IntPtr unleashed_version();

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern UIntPtr unleashed_key_size();

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_key_init(KeyStorage key, byte* secret, UIntPtr secretLength, uint format);

        // Takes the raw address: it is called from KeyStorage.ReleaseHandle, when the handle is already closed.
        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern void unleashed_key_clear(IntPtr key);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_sign(
            KeyStorage key, byte* message, UIntPtr messageLength, byte* output, UIntPtr outputLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_sign_query(
            KeyStorage key, byte* query, UIntPtr queryLength, uint form, byte* output, UIntPtr outputLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_sign_url(
            KeyStorage key, byte* url, UIntPtr urlLength, uint form, byte* output, UIntPtr outputLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_verify(
            KeyStorage key, byte* message, UIntPtr messageLength, byte* signature, UIntPtr signatureLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_verify_url(
            KeyStorage key, byte* url, UIntPtr urlLength, uint form, byte* signature, UIntPtr signatureLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_build_query(
            KeyStorage key, NativeParam* parameters, UIntPtr parameterCount, uint form, byte* queryOutput,
            UIntPtr queryOutputLength, UIntPtr* needed, byte* signatureOutput, UIntPtr signatureOutputLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_headers_for_url(
            KeyStorage key, byte* apiId, UIntPtr apiIdLength, byte* clientType, UIntPtr clientTypeLength, byte* url,
            UIntPtr urlLength, uint form, NativeHeaders* output, UIntPtr outputLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_api_id_validate(byte* id, UIntPtr idLength);

        [DllImport(Library, CallingConvention = Cdecl)]
        internal static extern uint unleashed_client_type_validate(byte* clientType, UIntPtr clientTypeLength);

        /// <summary>A static NUL-terminated UTF-8 string from the library, as a .NET string.</summary>
        internal static string StaticString(IntPtr text)
        {
            byte* bytes = (byte*)text;
            int length = 0;
            while (bytes[length] != 0)
            {
                length++;
            }
            return Utf8.Decode(bytes, length);
        }

        /// <summary>The 44 ASCII characters of a signature the library wrote.</summary>
        internal static string Signature(byte* signature)
        {
            char* chars = stackalloc char[SignatureLength];
            for (int i = 0; i < SignatureLength; i++)
            {
                chars[i] = (char)signature[i];
            }
            return new string(chars, 0, SignatureLength);
        }
    }
}
