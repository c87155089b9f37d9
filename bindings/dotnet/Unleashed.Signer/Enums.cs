namespace Unleashed.Signer
{
    /// <summary>How the secret given to <see cref="SigningKey"/> is read (<c>UNLEASHED_KEY_FORMAT_*</c>).</summary>
    public enum KeyFormat : uint
    {
        /// <summary>The key text's UTF-8 bytes are the HMAC key: Unleashed's way, and the default.</summary>
        Text = 0,

        /// <summary>The key is padded standard base64 of the HMAC key. Never right for Unleashed keys.</summary>
        Base64 = 1,

        /// <summary>The bytes are the HMAC key as they are; only an empty key is rejected.</summary>
        Raw = 2,
    }

    /// <summary>Which form of a query is signed (<c>UNLEASHED_SIGNED_FORM_*</c>).</summary>
    public enum SignedForm : uint
    {
        /// <summary>The percent-decoded query, as a person writes it: the default, and Unleashed's way.</summary>
        Decoded = 0,

        /// <summary>The query bytes exactly as sent on the wire.</summary>
        Wire = 1,
    }

    /// <summary>
    /// The C library's <c>unleashed_status</c> numbers, carried by <see cref="UnleashedException.Status"/>. The
    /// numbers are fixed by the C ABI and never reused; a test checks them against the C header.
    /// </summary>
    public enum UnleashedStatus : uint
    {
        /// <summary>Success.</summary>
        Ok = 0,
        /// <summary>A Rust panic was caught at the boundary: a bug in the library; please report it.</summary>
        Panic = 1,
        /// <summary>A pointer argument was NULL where a value is needed.</summary>
        NullPointer = 2,
        /// <summary>A length is larger than any real object.</summary>
        InvalidLength = 3,
        /// <summary>A key or query pointer is not aligned for its type.</summary>
        MisalignedPointer = 4,
        /// <summary>An output buffer is too small; nothing was written to it.</summary>
        BufferTooSmall = 5,
        /// <summary>An input overlaps the buffer the call writes to.</summary>
        OverlappingBuffers = 6,
        /// <summary>The key was never initialised, was cleared, or its initialisation failed.</summary>
        KeyNotInitialised = 10,
        /// <summary>The key format number is not one of <see cref="KeyFormat"/>.</summary>
        InvalidKeyFormat = 11,
        /// <summary>The signed-form number is not one of <see cref="SignedForm"/>.</summary>
        InvalidSignedForm = 12,
        /// <summary>The query builder was never initialised.</summary>
        QueryNotInitialised = 13,
        /// <summary>The key is empty.</summary>
        EmptyKey = 20,
        /// <summary>The key text holds whitespace (usually a pasted trailing newline or space).</summary>
        KeyWhitespace = 21,
        /// <summary>The key text holds a control character.</summary>
        KeyControlCharacter = 22,
        /// <summary>The key text is not valid UTF-8.</summary>
        KeyNotUtf8 = 23,
        /// <summary>The key was to be base64-decoded but is not valid padded standard base64.</summary>
        InvalidBase64 = 24,
        /// <summary>The base64 key is longer than the library decodes.</summary>
        Base64KeyTooLong = 25,
        /// <summary>The key was rejected for a reason this version of the C API has no number for.</summary>
        InvalidKey = 26,
        /// <summary>A <c>%</c> in the query lacks two hex digits: the decoded form cannot be signed.</summary>
        MalformedEscape = 30,
        /// <summary>A query parameter has an empty name.</summary>
        EmptyParameterName = 31,
        /// <summary>The signature does not match the message.</summary>
        SignatureMismatch = 40,
        /// <summary>The API id is not a 36-character GUID.</summary>
        InvalidApiId = 50,
        /// <summary>The client type is not <c>partner/app_name</c>, visible ASCII, at most 64 bytes.</summary>
        InvalidClientType = 51,
    }

    /// <summary>The names of the headers every Unleashed request carries (<c>UNLEASHED_HEADER_*</c>).</summary>
    public static class HeaderNames
    {
        /// <summary>The header carrying the account's API id.</summary>
        public const string ApiAuthId = "api-auth-id";

        /// <summary>The header carrying the request's signature.</summary>
        public const string ApiAuthSignature = "api-auth-signature";

        /// <summary>The header naming the integration, <c>partner_or_account/app_name</c>.</summary>
        public const string ClientType = "client-type";
    }
}
