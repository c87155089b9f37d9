using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace Unleashed.Signer
{
    /// <summary>
    /// Signs every request an <see cref="HttpClient"/> sends to Unleashed's origin: adds <c>api-auth-id</c>,
    /// <c>api-auth-signature</c> (of the request URI's query as it goes on the wire) and <c>client-type</c>, and
    /// <c>Accept: application/json</c> (and <c>Content-Type: application/json</c> for a body) unless already set.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The handler signs the final <see cref="HttpRequestMessage.RequestUri"/>, after
    /// <see cref="HttpClient.BaseAddress"/> is applied, taking the query from <see cref="Uri.PathAndQuery"/>: the
    /// escaped form the HTTP stack writes on the request line, not the spelling the URI was written in
    /// (<see cref="Uri"/> escapes spaces and non-ASCII text, and may unescape <c>%7E</c>). A fragment (<c>#...</c>)
    /// is removed from the request, since Mono's handler would send it. The handler does not own the key: dispose
    /// the <see cref="SigningKey"/> after the client.
    /// </para>
    /// <para>
    /// Redirects follow docs/http-contract.md. The handler follows them itself, one hop at a time, when the inner
    /// handler would have (<c>AllowAutoRedirect</c>, which it turns off on the inner handler before the first
    /// request, and <c>MaxAutomaticRedirections</c>): a redirect to the same origin (scheme, host and port) as the
    /// request sent is signed again for its own query, and a redirect to any other origin is refused: nothing is
    /// sent there, and <see cref="RedirectRefusedException"/> is thrown, holding the 3xx response. With
    /// <c>AllowAutoRedirect = false</c> the caller gets a same-origin 3xx response itself, as usual, and a
    /// cross-origin one is refused all the same.
    /// </para>
    /// <para>
    /// A body whose <c>Content-Type</c> is <see cref="StringContent"/>'s <c>text/plain</c> is sent as
    /// <c>application/json</c>, keeping its charset: <c>new StringContent(json)</c> sets <c>text/plain</c> by
    /// itself, and Unleashed reads only JSON and XML. Any other <c>Content-Type</c> is kept.
    /// </para>
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
        // .NET's HttpClientHandler default, used when the inner handler says nothing.
        private const int DefaultMaxRedirects = 50;

        private static readonly string[] SigningHeaders =
        {
            HeaderNames.ApiAuthId, HeaderNames.ApiAuthSignature, HeaderNames.ClientType,
        };

        private readonly string _apiId;
        private readonly SigningKey _key;
        private readonly string _clientType;
        private readonly SignedForm _form;
        private readonly object _setup = new object();
        private volatile bool _ready;
        private bool _follow;
        private int _maxRedirects;

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
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }
            TakeOverRedirects();
            Prepare(request);
            Uri origin = request.RequestUri;
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            for (int hops = 0; ; hops++)
            {
                Uri next = RedirectTarget(request.RequestUri, response);
                if (next == null)
                {
                    break;
                }
                // Refused whether or not redirects are followed: the contract holds for callers that follow them.
                if (!SameOrigin(next, origin))
                {
                    throw new RedirectRefusedException(response, next, origin);
                }
                bool downgrade = request.RequestUri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp;
                if (!_follow || hops == _maxRedirects || downgrade)
                {
                    break;
                }
                HttpRequestMessage following = Redirected(request, next, response.StatusCode);
                response.Dispose();
                request = following;
                Prepare(request);
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            return response;
        }

        private static Uri RequestUriOf(HttpRequestMessage request)
        {
            Uri uri = request.RequestUri;
            if (uri == null || !uri.IsAbsoluteUri)
            {
                throw new InvalidOperationException(
                    "the request has no absolute URI to sign: set HttpClient.BaseAddress or use an absolute URI");
            }
            return uri;
        }

        private static Uri WithoutFragment(Uri uri)
        {
            if (uri.Fragment.Length == 0)
            {
                return uri;
            }
            const UriComponents withoutFragment = UriComponents.AbsoluteUri & ~UriComponents.Fragment;
            return new Uri(uri.GetComponents(withoutFragment, UriFormat.UriEscaped));
        }

        private static bool SameOrigin(Uri a, Uri b)
        {
            return Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.UriEscaped,
                StringComparison.OrdinalIgnoreCase) == 0;
        }

        /// <summary>Where a redirect response points (resolved against the request's URI); else null.</summary>
        private static Uri RedirectTarget(Uri current, HttpResponseMessage response)
        {
            switch ((int)response.StatusCode)
            {
                case 301:
                case 302:
                case 303:
                case 307:
                case 308:
                    break;
                default:
                    return null;
            }
            Uri location = response.Headers.Location;
            if (location == null)
            {
                return null;
            }
            return location.IsAbsoluteUri ? location : new Uri(current, location);
        }

        /// <summary>
        /// The request HttpClientHandler sends next: a 303 (and a 301 or 302 answering a POST) becomes a GET
        /// without a body; any other keeps its method and body.
        /// </summary>
        private static HttpRequestMessage Redirected(HttpRequestMessage previous, Uri next, HttpStatusCode status)
        {
            int code = (int)status;
            HttpMethod method = previous.Method;
            bool toGet = (code == 303 && method != HttpMethod.Get && method != HttpMethod.Head) ||
                ((code == 301 || code == 302) && method == HttpMethod.Post);
            var following = new HttpRequestMessage(toGet ? HttpMethod.Get : method, next)
            {
                Version = previous.Version,
                Content = toGet ? null : previous.Content,
            };
            foreach (KeyValuePair<string, IEnumerable<string>> header in previous.Headers)
            {
                following.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            // Obsolete from .NET 5 (Options replaces it, and shares its storage), the only way on Mono.
#pragma warning disable 618
            foreach (KeyValuePair<string, object> property in previous.Properties)
            {
                following.Properties[property.Key] = property.Value;
            }
#pragma warning restore 618
            return following;
        }

        private static bool Is(string a, string b)
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// Once, before the first request: when the handler at the end of the chain follows redirects itself
        /// (<c>AllowAutoRedirect</c>, true by default), turn that off and follow them here instead, as far as it
        /// would have (<c>MaxAutomaticRedirections</c>), so that every hop is seen and signed by the rule.
        /// </summary>
        private void TakeOverRedirects()
        {
            if (_ready)
            {
                return;
            }
            lock (_setup)
            {
                if (_ready)
                {
                    return;
                }
                HttpMessageHandler handler = InnerHandler;
                var delegating = handler as DelegatingHandler;
                while (delegating != null && delegating.InnerHandler != null)
                {
                    handler = delegating.InnerHandler;
                    delegating = handler as DelegatingHandler;
                }
                PropertyInfo allow = handler == null ? null : handler.GetType().GetProperty("AllowAutoRedirect");
                if (allow != null && allow.PropertyType == typeof(bool) && (bool)allow.GetValue(handler))
                {
                    PropertyInfo max = handler.GetType().GetProperty("MaxAutomaticRedirections");
                    _maxRedirects = max != null && max.PropertyType == typeof(int)
                        ? (int)max.GetValue(handler)
                        : DefaultMaxRedirects;
                    try
                    {
                        allow.SetValue(handler, false);
                    }
                    catch (TargetInvocationException e)
                    {
                        throw new InvalidOperationException(
                            "the inner handler follows redirects itself and has already sent requests, so it " +
                            "cannot be told to stop: give UnleashedHandler a new HttpClientHandler of its own, or " +
                            "set AllowAutoRedirect = false on it",
                            e.InnerException);
                    }
                    _follow = true;
                }
                _ready = true;
            }
        }

        /// <summary>Signs <paramref name="request"/> for its own URI, replacing any signing headers it carries.</summary>
        private void Prepare(HttpRequestMessage request)
        {
            Uri uri = WithoutFragment(RequestUriOf(request));
            if (!ReferenceEquals(uri, request.RequestUri))
            {
                request.RequestUri = uri;
            }
            foreach (string name in SigningHeaders)
            {
                // Replaced, not added to: a request sent again (a retry) is signed again.
                request.Headers.Remove(name);
            }
            string[] values = _key.HeaderValues(_apiId, _clientType, uri.PathAndQuery, _form);
            for (int i = 0; i < SigningHeaders.Length; i++)
            {
                request.Headers.TryAddWithoutValidation(SigningHeaders[i], values[i]);
            }
            if (request.Headers.Accept.Count == 0)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            }
            if (request.Content != null)
            {
                MediaTypeHeaderValue type = request.Content.Headers.ContentType;
                if (type == null)
                {
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }
                else if (request.Content is StringContent && Is(type.MediaType, "text/plain"))
                {
                    request.Content.Headers.ContentType =
                        new MediaTypeHeaderValue("application/json") { CharSet = type.CharSet };
                }
            }
        }
    }
}
