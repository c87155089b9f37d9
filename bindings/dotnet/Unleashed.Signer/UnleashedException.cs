using System;

namespace Unleashed.Signer
{
    /// <summary>
    /// A call into the unleashed-signer library failed. <see cref="Status"/> is the C status; the message is the
    /// library's own, which says what to do and never holds key material.
    /// </summary>
    /// <remarks>
    /// Input the library rejects (a key with a trailing newline, a bad API id, a <c>%</c> not followed by two hex
    /// digits) is reported as an <see cref="ArgumentException"/> naming the parameter, whose
    /// <see cref="Exception.InnerException"/> is an <see cref="UnleashedException"/> with the status.
    /// </remarks>
    public sealed class UnleashedException : Exception
    {
        /// <summary>An exception for <paramref name="status"/>, with the library's message for it.</summary>
        public UnleashedException(UnleashedStatus status)
            : base(Describe(status))
        {
            Status = status;
        }

        /// <summary>The C library's status.</summary>
        public UnleashedStatus Status { get; }

        /// <summary>The library's message for any status number, known or not (<c>unleashed_status_str</c>).</summary>
        public static string Describe(UnleashedStatus status)
        {
            Platform.Require();
            return Native.StaticString(Native.unleashed_status_str((uint)status));
        }

        /// <summary>Throws for a status other than <see cref="UnleashedStatus.Ok"/>.</summary>
        /// <param name="status">What the C function returned.</param>
        /// <param name="paramName">The argument that input statuses (a rejected key, query, id) blame.</param>
        internal static void Check(uint status, string paramName)
        {
            if (status == (uint)UnleashedStatus.Ok)
            {
                return;
            }
            var error = new UnleashedException((UnleashedStatus)status);
            if (IsInputError(error.Status))
            {
                throw new ArgumentException(error.Message, paramName, error);
            }
            throw error;
        }

        private static bool IsInputError(UnleashedStatus status)
        {
            switch (status)
            {
                case UnleashedStatus.InvalidKeyFormat:
                case UnleashedStatus.InvalidSignedForm:
                case UnleashedStatus.EmptyKey:
                case UnleashedStatus.KeyWhitespace:
                case UnleashedStatus.KeyControlCharacter:
                case UnleashedStatus.KeyNotUtf8:
                case UnleashedStatus.InvalidBase64:
                case UnleashedStatus.Base64KeyTooLong:
                case UnleashedStatus.InvalidKey:
                case UnleashedStatus.MalformedEscape:
                case UnleashedStatus.EmptyParameterName:
                case UnleashedStatus.InvalidApiId:
                case UnleashedStatus.InvalidClientType:
                    return true;
                default:
                    return false;
            }
        }
    }
}
