using System;
using System.Text;

namespace Unleashed.Signer
{
    /// <summary>
    /// Strict UTF-8, as the C API wants its bytes. A string that is not valid UTF-16 (an unpaired surrogate) is
    /// rejected with an <see cref="ArgumentException"/> that names the parameter but never quotes its text.
    /// </summary>
    internal static unsafe class Utf8
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>Strings of up to this many UTF-8 bytes are encoded on the stack, longer ones in an array.</summary>
        internal const int StackLimit = 512;

        /// <summary>The UTF-8 length of <paramref name="text"/> in bytes.</summary>
        internal static int Length(string text, string paramName)
        {
            if (text == null)
            {
                throw new ArgumentNullException(paramName);
            }
            try
            {
                fixed (char* chars = text)
                {
                    return Strict.GetByteCount(chars, text.Length);
                }
            }
            catch (EncoderFallbackException)
            {
                // Its message quotes the offending character: not to be repeated for a key.
                throw NotUtf16(paramName);
            }
        }

        /// <summary>Writes the <paramref name="length"/> (from <see cref="Length"/>) UTF-8 bytes of the text.</summary>
        internal static void Write(string text, byte* bytes, int length, string paramName)
        {
            if (length == 0)
            {
                return; // bytes may be null: an empty array pins as null
            }
            try
            {
                fixed (char* chars = text)
                {
                    Strict.GetBytes(chars, text.Length, bytes, length);
                }
            }
            catch (EncoderFallbackException)
            {
                throw NotUtf16(paramName);
            }
        }

        /// <summary>The UTF-8 bytes of <paramref name="text"/>, in a new array.</summary>
        internal static byte[] Bytes(string text, string paramName)
        {
            var bytes = new byte[Length(text, paramName)];
            fixed (byte* start = bytes)
            {
                Write(text, start, bytes.Length, paramName);
            }
            return bytes;
        }

        internal static string Decode(byte* bytes, int length)
        {
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(bytes, length);
        }

        private static ArgumentException NotUtf16(string paramName)
        {
            return new ArgumentException(
                "the text holds an unpaired surrogate, so it has no UTF-8 form: pass well-formed text",
                paramName);
        }
    }
}
