using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Unleashed.Signer
{
    /// <summary>
    /// Signs every request an <see cref="HttpClient"/> sends to Unleashed: adds <c>api-auth-id</c>,
    /// <c>api-auth-signature</c> (of the request URI's query as it goes on the wire) and <c>client-type</c>, and
    /// <c>Accept: application/json</c> (and <c>Content-Type: application/json</c> for a body) unless already set.
    /// </summary>
    /// <remarks>
    /// The handler signs the final <see cref="HttpRequestMessage.RequestUri"/>, after
    /// <see cref="HttpClient.BaseAddress"/> is applied, taking the query from <see cref="Uri.PathAndQuery"/>: the
    /// escaped form the HTTP stack writes on the request line, not the spelling the URI was written in
    /// (<see cref="Uri"/> escapes spaces and non-ASCII text, and may unescape <c>%7E</c>). A fragment (<c>#...</c>)
    /// is removed from the request, since Mono's handler would send it. The handler does not own the key: dispose
    /// the <see cref="SigningKey"/> after the client. Redirects followed by an inner
    /// <see cref="HttpClientHandler"/> are not signed again.
    /// </remarks>
    /// <example>
    /// <code>
    /// var handler = new UnleashedHandler(apiId, key, "acme/orderautomation", new HttpClientHandler());
    /// using (var client = new HttpClient(handler) { BaseAddress = new Uri("https://api.unleashedsoftware.com/") })
    /// {
    ///     string json = await client.GetStringAsync("Customers?customerCode=ACME");
    /// }
    /// </code>
    /// </example>
    public sealed class UnleashedHandler : DelegatingHandler
    {
        private readonly string _apiId;
        private readonly SigningKey _key;
        private readonly string _clientType;
        private readonly SignedForm _form;

        /// <summary>
        /// A handler with no inner handler yet, for <c>IHttpClientFactory</c> (<c>AddHttpMessageHandler</c>) or to
        /// set <see cref="DelegatingHandler.InnerHandler"/> yourself.
        /// </summary>
        /// <param name="apiId">The API id from Unleashed's API Access page, a GUID.</param>
        /// <param name="key">The prepared key; the handler uses it but does not dispose it.</param>
        /// <param name="clientType">Your integration, <c>partner_or_account/app_name</c> (for example
        /// <c>acme/orderautomation</c>).</param>
        /// <param name="form">The form of the query that is signed: <see cref="SignedForm.Decoded"/> for
        /// Unleashed.</param>
        /// <exception cref="ArgumentException">The API id or client type is malformed; the message says
        /// how.</exception>
        public UnleashedHandler(string apiId, SigningKey key, string clientType, SignedForm form = SignedForm.Decoded)
        {
            if (key == null)
            {
                throw new ArgumentNullException(nameof(key));
            }
            SigningKey.ValidateApiId(apiId, nameof(apiId));
            SigningKey.ValidateClientType(clientType, nameof(clientType));
            _apiId = apiId;
            _key = key;
            _clientType = clientType;
            _form = form;
        }

        /// <summary>
        /// A handler that passes signed requests to <paramref name="innerHandler"/>, usually a new
        /// <see cref="HttpClientHandler"/>.
        /// </summary>
        public UnleashedHandler(
            string apiId, SigningKey key, string clientType, HttpMessageHandler innerHandler,
            SignedForm form = SignedForm.Decoded)
            : this(apiId, key, clientType, form)
        {
            if (innerHandler == null)
            {
                throw new ArgumentNullException(nameof(innerHandler));
            }
            InnerHandler = innerHandler;
        }

        /// <inheritdoc/>
        protected override Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri;
            if (uri == null || !uri.IsAbsoluteUri)
            {
                throw new InvalidOperationException(
                    "the request has no absolute URI to sign: set HttpClient.BaseAddress or use an absolute URI");
            }
            if (uri.Fragment.Length > 0)
            {
                const UriComponents withoutFragment = UriComponents.AbsoluteUri & ~UriComponents.Fragment;
                uri = new Uri(uri.GetComponents(withoutFragment, UriFormat.UriEscaped));
                request.RequestUri = uri;
            }

            Set(request.Headers, HeaderNames.ApiAuthId, _apiId);
            Set(request.Headers, HeaderNames.ApiAuthSignature, _key.SignUrl(uri.PathAndQuery, _form));
            Set(request.Headers, HeaderNames.ClientType, _clientType);
            if (request.Headers.Accept.Count == 0)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            }
            if (request.Content != null && request.Content.Headers.ContentType == null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            return base.SendAsync(request, cancellationToken);
        }

        private static void Set(HttpRequestHeaders headers, string name, string value)
        {
            // Replaced, not added to: a request sent again (a retry) is signed again.
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
