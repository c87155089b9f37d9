using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Unleashed.Signer
{
    /// <summary>
    /// An Unleashed API key, prepared for signing requests: <c>api-auth-signature</c> is the base64 HMAC-SHA256 of
    /// the query string, keyed with the key's text. Prepare it once and sign from any number of threads.
    /// </summary>
    /// <remarks>
    /// The prepared key lives in native memory owned by a <see cref="SafeHandle"/>; <see cref="Dispose"/> wipes
    /// it (after any signature still being computed) and frees it, and the finalizer does so as a backstop. The
    /// key never appears in a message or in <see cref="object.ToString"/>. The string or array you pass in is
    /// yours: wipe an array with <see cref="Array.Clear(Array, int, int)"/> once the key is made.
    /// </remarks>
    /// <example>
    /// <code>
    /// using (var key = new SigningKey(apiKey))
    /// {
    ///     string signature = key.SignUrl("Customers?customerCode=ACME");
    /// }
    /// </code>
    /// </example>
    public sealed unsafe class SigningKey : IDisposable
    {
        /// <summary>The characters in a signature (<c>UNLEASHED_SIGNATURE_LEN</c>).</summary>
        public const int SignatureLength = Native.SignatureLength;

        private static readonly UIntPtr SignatureBuffer = (UIntPtr)Native.SignatureBufferLength;

        private readonly KeyStorage _storage;

        private enum Signing
        {
            Verbatim,
            Query,
            Url,
        }

        // Set by Dispose before the handle is released: on Mono, SafeHandle.IsClosed stays false while a call
        // still holds the handle, and a disposed key must refuse new calls on every runtime.
        private volatile bool _disposed;

        /// <summary>Prepares <paramref name="key"/>, the key text from Unleashed's API Access page.</summary>
        /// <param name="key">The key; its UTF-8 bytes are read in <paramref name="format"/>.</param>
        /// <param name="format"><see cref="KeyFormat.Text"/> (Unleashed's way) unless you sign for another
        /// service.</param>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="ArgumentException">The key is empty, holds whitespace or a control character, or is
        /// not valid for <paramref name="format"/>; the message says what to fix.</exception>
        public SigningKey(string key, KeyFormat format = KeyFormat.Text)
        {
            int length = Utf8.Length(key, nameof(key));
            _storage = new KeyStorage();
            // The UTF-8 copy is made in native memory, never in a managed array the GC could move and leave behind.
            IntPtr scratch = Marshal.AllocHGlobal(Math.Max(length, 1));
            try
            {
                Utf8.Write(key, (byte*)scratch, length, nameof(key));
                Init((byte*)scratch, length, format);
            }
            finally
            {
                Wipe((byte*)scratch, length);
                Marshal.FreeHGlobal(scratch);
            }
        }

        /// <summary>
        /// Prepares a key given as bytes: the key text's UTF-8 bytes, or any bytes with <see cref="KeyFormat.Raw"/>.
        /// </summary>
        /// <param name="key">The key's bytes; the array is read, never kept.</param>
        /// <param name="format">How to read the bytes.</param>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        /// <exception cref="ArgumentException">The key is not valid for <paramref name="format"/>.</exception>
        public SigningKey(byte[] key, KeyFormat format = KeyFormat.Text)
        {
            if (key == null)
            {
                throw new ArgumentNullException(nameof(key));
            }
            _storage = new KeyStorage();
            fixed (byte* bytes = key)
            {
                Init(bytes, key.Length, format);
            }
        }

        /// <summary>The native library's version, <c>"MAJOR.MINOR.PATCH"</c> (<c>unleashed_version</c>).</summary>
        public static string LibraryVersion
        {
            get
            {
                Platform.Require();
                return Native.StaticString(Native.unleashed_version());
            }
        }

        /// <summary>
        /// Signs <paramref name="query"/> exactly as given: its UTF-8 bytes are the message. Pass the query string
        /// without the <c>?</c> (<c>customerCode=ACME</c>); for a percent-encoded query use <see cref="SignQuery"/>,
        /// and for a URL <see cref="SignUrl"/>.
        /// </summary>
        /// <returns>The 44-character signature for <c>api-auth-signature</c>.</returns>
        /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
        public string Sign(string query)
        {
            return SignText(query, nameof(query), Signing.Verbatim, SignedForm.Wire);
        }

        /// <summary>Signs <paramref name="message"/> exactly as given, byte for byte (UTF-8 or not).</summary>
        /// <returns>The 44-character signature.</returns>
        public string Sign(byte[] message)
        {
            if (message == null)
            {
                throw new ArgumentNullException(nameof(message));
            }
            byte* signature = stackalloc byte[Native.SignatureBufferLength];
            fixed (byte* bytes = message)
            {
                var size = (UIntPtr)message.Length;
                uint status = Native.unleashed_sign(Storage, bytes, size, signature, SignatureBuffer);
                Check(status, nameof(message));
            }
            return Native.Signature(signature);
        }

        /// <summary>
        /// Signs a query string (without the <c>?</c>) in <paramref name="form"/>: percent-decoded first for
        /// <see cref="SignedForm.Decoded"/> (Unleashed's way), as it is for <see cref="SignedForm.Wire"/>.
        /// </summary>
        /// <exception cref="ArgumentException">For the decoded form, a <c>%</c> is not followed by two hex
        /// digits.</exception>
        public string SignQuery(string query, SignedForm form = SignedForm.Decoded)
        {
            return SignText(query, nameof(query), Signing.Query, form);
        }

        /// <summary>
        /// Signs the query of a URL or path-and-query (<c>Customers?customerCode=ACME</c>, or a full
        /// <c>https://</c> URL): the part after the first <c>?</c> and before any <c>#</c>, or the empty string
        /// when there is no <c>?</c>, in <paramref name="form"/>. Pass the URL as it is sent.
        /// </summary>
        /// <exception cref="ArgumentException">For the decoded form, a <c>%</c> is not followed by two hex
        /// digits.</exception>
        public string SignUrl(string url, SignedForm form = SignedForm.Decoded)
        {
            return SignText(url, nameof(url), Signing.Url, form);
        }

        /// <summary>
        /// Whether <paramref name="signature"/> is this key's signature of <paramref name="query"/> signed exactly
        /// as given (see <see cref="Sign(string)"/>), compared in constant time. A signature of the wrong length is
        /// false.
        /// </summary>
        public bool Verify(string query, string signature)
        {
            int queryLength = Utf8.Length(query, nameof(query));
            int signatureLength = Utf8.Length(signature, nameof(signature));
            int total = queryLength + signatureLength;
            byte* stack = stackalloc byte[total <= Utf8.StackLimit ? total : 0];
            byte[] heap = total <= Utf8.StackLimit ? null : new byte[total];
            fixed (byte* pinned = heap)
            {
                byte* message = heap == null ? stack : pinned;
                byte* given = message + queryLength;
                Utf8.Write(query, message, queryLength, nameof(query));
                Utf8.Write(signature, given, signatureLength, nameof(signature));
                return Verified(Native.unleashed_verify(
                    Storage, message, (UIntPtr)queryLength, given, (UIntPtr)signatureLength));
            }
        }

        /// <summary>
        /// Whether <paramref name="signature"/> is this key's signature of <paramref name="message"/>'s bytes,
        /// compared in constant time.
        /// </summary>
        public bool Verify(byte[] message, string signature)
        {
            if (message == null)
            {
                throw new ArgumentNullException(nameof(message));
            }
            int signatureLength = Utf8.Length(signature, nameof(signature));
            byte* given = stackalloc byte[signatureLength <= Utf8.StackLimit ? signatureLength : 0];
            byte[] heap = signatureLength <= Utf8.StackLimit ? null : new byte[signatureLength];
            fixed (byte* bytes = message)
            fixed (byte* pinned = heap)
            {
                if (heap != null)
                {
                    given = pinned;
                }
                Utf8.Write(signature, given, signatureLength, nameof(signature));
                return Verified(Native.unleashed_verify(
                    Storage, bytes, (UIntPtr)message.Length, given, (UIntPtr)signatureLength));
            }
        }

        /// <summary>
        /// Builds <c>name=value&amp;name=value...</c> from <paramref name="parameters"/> (each name and value
        /// percent-encoded minimally) and signs it in <paramref name="form"/>, in one call: what is sent and what
        /// is signed cannot drift apart.
        /// </summary>
        /// <param name="parameters">Names and values as you mean them, not yet percent-encoded, in order. A value
        /// may be empty; a name may not.</param>
        /// <param name="form">The form the server checks; <see cref="SignedForm.Decoded"/> for Unleashed.</param>
        /// <returns>The query to send after <c>?</c>, and its signature.</returns>
        /// <exception cref="ArgumentException">A name is empty or null, or a value is null.</exception>
        public SignedQuery BuildQuery(
            IEnumerable<KeyValuePair<string, string>> parameters, SignedForm form = SignedForm.Decoded)
        {
            if (parameters == null)
            {
                throw new ArgumentNullException(nameof(parameters));
            }
            var pairs = new List<KeyValuePair<byte[], byte[]>>();
            foreach (var pair in parameters)
            {
                RequireParameter(pair.Key, pair.Value, pairs.Count);
                pairs.Add(new KeyValuePair<byte[], byte[]>(
                    Utf8.Bytes(pair.Key, nameof(parameters)), Utf8.Bytes(pair.Value, nameof(parameters))));
            }
            return BuildQuery(pairs, form);
        }

        /// <summary>
        /// As <see cref="BuildQuery(IEnumerable{KeyValuePair{string, string}}, SignedForm)"/>, for names and values
        /// given as bytes (taken as they are, UTF-8 or not).
        /// </summary>
        public SignedQuery BuildQuery(
            IEnumerable<KeyValuePair<byte[], byte[]>> parameters, SignedForm form = SignedForm.Decoded)
        {
            if (parameters == null)
            {
                throw new ArgumentNullException(nameof(parameters));
            }
            var pairs = new List<KeyValuePair<byte[], byte[]>>(parameters);
            int total = 0;
            for (int i = 0; i < pairs.Count; i++)
            {
                RequireParameter(pairs[i].Key, pairs[i].Value, i);
                total = checked(total + pairs[i].Key.Length + pairs[i].Value.Length);
            }

            // Every name and value back to back in one pinned array, pointed at by one array of unleashed_param.
            var text = new byte[total];
            var native = new NativeParam[pairs.Count];
            byte* signature = stackalloc byte[Native.SignatureBufferLength];
            // Enough when nothing needs percent-encoding: the text, the separators and the NUL.
            int capacity = checked(total + 2 * pairs.Count + 1);
            fixed (byte* textStart = text)
            fixed (NativeParam* array = native)
            {
                int offset = 0;
                for (int i = 0; i < pairs.Count; i++)
                {
                    array[i].Name = Append(textStart, text, ref offset, pairs[i].Key);
                    array[i].NameLength = (UIntPtr)pairs[i].Key.Length;
                    array[i].Value = Append(textStart, text, ref offset, pairs[i].Value);
                    array[i].ValueLength = (UIntPtr)pairs[i].Value.Length;
                }

                // The call reports the whole query's size, so a second call with that size always fits.
                for (int attempt = 0; ; attempt++)
                {
                    var query = new byte[capacity];
                    UIntPtr needed;
                    uint status;
                    fixed (byte* output = query)
                    {
                        status = Native.unleashed_build_query(
                            Storage, array, (UIntPtr)pairs.Count, (uint)form, output, (UIntPtr)capacity, &needed,
                            signature, SignatureBuffer);
                        if (status == (uint)UnleashedStatus.Ok)
                        {
                            string built = Utf8.Decode(output, checked((int)needed.ToUInt64() - 1));
                            return new SignedQuery(built, Native.Signature(signature));
                        }
                    }
                    bool larger = needed.ToUInt64() > (ulong)capacity;
                    if (status == (uint)UnleashedStatus.BufferTooSmall && attempt == 0 && larger)
                    {
                        capacity = checked((int)needed.ToUInt64());
                        continue;
                    }
                    Check(status, nameof(parameters));
                }
            }
        }

        /// <summary>
        /// The five headers of a request to <paramref name="url"/>, in the order Unleashed documents them:
        /// <c>api-auth-id</c>, <c>api-auth-signature</c> (of the URL's query in <paramref name="form"/>),
        /// <c>client-type</c>, <c>Accept: application/json</c> and <c>Content-Type: application/json</c>.
        /// </summary>
        /// <param name="apiId">The API id from Unleashed's API Access page, a GUID.</param>
        /// <param name="clientType">Your integration, <c>partner_or_account/app_name</c> (for example
        /// <c>acme/orderautomation</c>).</param>
        /// <param name="url">The URL or path-and-query as it is sent (see <see cref="SignUrl"/>).</param>
        /// <param name="form">The form the server checks.</param>
        /// <exception cref="ArgumentException">The API id or client type is malformed; the message says
        /// how.</exception>
        public IReadOnlyList<KeyValuePair<string, string>> Headers(
            string apiId, string clientType, string url, SignedForm form = SignedForm.Decoded)
        {
            string[] values = HeaderValues(apiId, clientType, url, form);
            return new[]
            {
                new KeyValuePair<string, string>(HeaderNames.ApiAuthId, values[0]),
                new KeyValuePair<string, string>(HeaderNames.ApiAuthSignature, values[1]),
                new KeyValuePair<string, string>(HeaderNames.ClientType, values[2]),
                new KeyValuePair<string, string>("Accept", "application/json"),
                new KeyValuePair<string, string>("Content-Type", "application/json"),
            };
        }

        /// <summary>
        /// <c>api-auth-id</c>, <c>api-auth-signature</c> and <c>client-type</c> of a request to
        /// <paramref name="url"/>, exactly as the C library writes them (<c>unleashed_headers_for_url</c>: the API
        /// id in lower case, the client type as checked), so that every runtime sends the same bytes.
        /// </summary>
        internal string[] HeaderValues(string apiId, string clientType, string url, SignedForm form)
        {
            int idLength = Utf8.Length(apiId, nameof(apiId));
            int typeLength = Utf8.Length(clientType, nameof(clientType));
            int urlLength = Utf8.Length(url, nameof(url));
            int total = checked(idLength + typeLength + urlLength);
            byte* stack = stackalloc byte[total <= Utf8.StackLimit ? total : 0];
            byte[] heap = total <= Utf8.StackLimit ? null : new byte[total];
            NativeHeaders output;
            fixed (byte* pinned = heap)
            {
                byte* id = heap == null ? stack : pinned;
                byte* type = id + idLength;
                byte* address = type + typeLength;
                Utf8.Write(apiId, id, idLength, nameof(apiId));
                Utf8.Write(clientType, type, typeLength, nameof(clientType));
                Utf8.Write(url, address, urlLength, nameof(url));
                uint status = Native.unleashed_headers_for_url(
                    Storage, id, (UIntPtr)idLength, type, (UIntPtr)typeLength, address, (UIntPtr)urlLength,
                    (uint)form, &output, (UIntPtr)sizeof(NativeHeaders));
                switch (status)
                {
                    case (uint)UnleashedStatus.InvalidApiId:
                        Check(status, nameof(apiId));
                        break;
                    case (uint)UnleashedStatus.InvalidClientType:
                        Check(status, nameof(clientType));
                        break;
                    default:
                        Check(status, status == (uint)UnleashedStatus.InvalidSignedForm ? nameof(form) : nameof(url));
                        break;
                }
            }
            return new[]
            {
                Native.StaticString((IntPtr)output.ApiId),
                Native.StaticString((IntPtr)output.Signature),
                Native.StaticString((IntPtr)output.ClientType),
            };
        }

        /// <summary>
        /// Wipes the prepared key and frees its memory, once no call is using it; using the key afterwards throws
        /// <see cref="ObjectDisposedException"/>.
        /// </summary>
        public void Dispose()
        {
            _disposed = true;
            _storage.Dispose();
        }

        /// <summary>Never shows the key.</summary>
        public override string ToString()
        {
            return "SigningKey(<redacted>)";
        }

        /// <summary>
        /// The storage, passed to every call (the marshaller holds the handle for the call), unless disposed.
        /// </summary>
        internal KeyStorage Storage
        {
            get
            {
                if (_disposed || _storage.IsClosed)
                {
                    throw new ObjectDisposedException(
                        nameof(SigningKey), "the key was disposed: make a new SigningKey");
                }
                return _storage;
            }
        }

        /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="apiId"/> is a GUID.</summary>
        internal static void ValidateApiId(string apiId, string paramName)
        {
            ValidateText(apiId, paramName, false);
        }

        /// <summary>
        /// Throws <see cref="ArgumentException"/> unless <paramref name="clientType"/> is
        /// <c>partner_or_account/app_name</c>.
        /// </summary>
        internal static void ValidateClientType(string clientType, string paramName)
        {
            ValidateText(clientType, paramName, true);
        }

        private static void ValidateText(string text, string paramName, bool clientType)
        {
            int length = Utf8.Length(text, paramName);
            byte* stack = stackalloc byte[length <= Utf8.StackLimit ? length : 0];
            byte[] heap = length <= Utf8.StackLimit ? null : new byte[length];
            fixed (byte* pinned = heap)
            {
                byte* bytes = heap == null ? stack : pinned;
                Utf8.Write(text, bytes, length, paramName);
                Platform.Require();
                uint status = clientType
                    ? Native.unleashed_client_type_validate(bytes, (UIntPtr)length)
                    : Native.unleashed_api_id_validate(bytes, (UIntPtr)length);
                Check(status, paramName);
            }
        }

        private static void Check(uint status, string paramName)
        {
            UnleashedException.Check(status, paramName);
        }

        private static bool Verified(uint status)
        {
            if (status == (uint)UnleashedStatus.SignatureMismatch)
            {
                return false;
            }
            Check(status, "signature");
            return true;
        }

        private static void RequireParameter(object name, object value, int index)
        {
            if (name == null || value == null)
            {
                throw new ArgumentException(
                    string.Format(
                        "parameter {0} has a null {1}: give every parameter a name, and use an empty value for none",
                        index, name == null ? "name" : "value"),
                    "parameters");
            }
        }

        private static byte* Append(byte* start, byte[] text, ref int offset, byte[] bytes)
        {
            Buffer.BlockCopy(bytes, 0, text, offset, bytes.Length);
            byte* at = start + offset;
            offset += bytes.Length;
            return at;
        }

        private static void Wipe(byte* bytes, int length)
        {
            for (int i = 0; i < length; i++)
            {
                bytes[i] = 0;
            }
        }

        private void Init(byte* secret, int length, KeyFormat format)
        {
            uint status = Native.unleashed_key_init(_storage, secret, (UIntPtr)length, (uint)format);
            if (status != (uint)UnleashedStatus.Ok)
            {
                _storage.Dispose();
                Check(status, "key");
            }
        }

        private string SignText(string text, string paramName, Signing how, SignedForm form)
        {
            int length = Utf8.Length(text, paramName);
            byte* stack = stackalloc byte[length <= Utf8.StackLimit ? length : 0];
            byte[] heap = length <= Utf8.StackLimit ? null : new byte[length];
            byte* signature = stackalloc byte[Native.SignatureBufferLength];
            fixed (byte* pinned = heap)
            {
                byte* bytes = heap == null ? stack : pinned;
                Utf8.Write(text, bytes, length, paramName);
                var size = (UIntPtr)length;
                var signedForm = (uint)form;
                uint status;
                switch (how)
                {
                    case Signing.Verbatim:
                        status = Native.unleashed_sign(Storage, bytes, size, signature, SignatureBuffer);
                        break;
                    case Signing.Query:
                        status = Native.unleashed_sign_query(
                            Storage, bytes, size, signedForm, signature, SignatureBuffer);
                        break;
                    default:
                        status = Native.unleashed_sign_url(
                            Storage, bytes, size, signedForm, signature, SignatureBuffer);
                        break;
                }
                Check(status, paramName);
            }
            return Native.Signature(signature);
        }
    }
}
