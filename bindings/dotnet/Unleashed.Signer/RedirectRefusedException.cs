using System;
using System.Net.Http;

namespace Unleashed.Signer
{
    /// <summary>
    /// A server redirected a request signed by <see cref="UnleashedHandler"/> to another origin (scheme, host or
    /// port), and the handler refused to follow: the signing headers are a credential that never leaves the
    /// origin of the request (docs/http-contract.md), so nothing was sent there.
    /// </summary>
    public sealed class RedirectRefusedException : HttpRequestException
    {
        internal RedirectRefusedException(HttpResponseMessage response, Uri location, Uri origin)
            : base(string.Format(
                "refused to follow a {0} redirect from {1} to another origin, {2}: signed requests never leave " +
                "their origin. If you trust {2}, send the request to it yourself",
                (int)response.StatusCode, origin.GetLeftPart(UriPartial.Authority),
                location.GetLeftPart(UriPartial.Authority)))
        {
            Response = response;
            Location = location;
        }

        /// <summary>The redirect response (301, 302, 303, 307 or 308); dispose it when done.</summary>
        public HttpResponseMessage Response { get; }

        /// <summary>Where it pointed.</summary>
        public Uri Location { get; }
    }
}
