using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>HttpClient through UnleashedHandler against the loopback mock of Unleashed, in both signed forms.</summary>
    [TestFixture]
    public class HandlerTests
    {
        private static readonly E2eCases Data = new E2eCases();

        private static HttpClient Client(SigningKey key, MockUnleashed mock, SignedForm form)
        {
            var inner = new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false };
            return new HttpClient(new UnleashedHandler(Data.ApiId, key, Data.ClientType, inner, form)) { BaseAddress = mock.BaseAddress };
        }

        private static string Hex(byte[] bytes)
        {
            return string.Concat(bytes.Select(b => b.ToString("x2")));
        }

        /// <summary>The bytes the server checks: the parameters as given (decoded) or the query as sent (wire).</summary>
        private static string ExpectedMessage(List<KeyValuePair<string, string>> pairs, string wireQuery, SignedForm form)
        {
            string text = form == SignedForm.Decoded ? string.Join("&", pairs.Select(p => p.Key + "=" + p.Value)) : wireQuery;
            return Hex(Encoding.UTF8.GetBytes(text));
        }

        [Test]
        public void TheCaseFileHasCases()
        {
            Assert.That(Data.Cases.Count, Is.GreaterThanOrEqualTo(8));
            Assert.IsNotNull(Data.Key);
            Assert.IsNotNull(Data.OtherKey);
        }

        [TestCase(SignedForm.Decoded)]
        [TestCase(SignedForm.Wire)]
        public void EveryCaseIsAccepted(SignedForm form)
        {
            using (var mock = new MockUnleashed(form == SignedForm.Decoded ? "decoded" : "wire", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.Key))
            using (var client = Client(key, mock, form))
            {
                foreach (var pairs in Data.Cases)
                {
                    // The query built by the library, and the same parameters escaped by .NET as most C# code does.
                    string built = key.BuildQuery(pairs, form).Query;
                    string escaped = string.Join("&", pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
                    foreach (string query in new[] { built, escaped })
                    {
                        HttpResponseMessage response = client.GetAsync("Customers?" + query).GetAwaiter().GetResult();
                        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, "query " + query);
                        var report = MockUnleashed.Report(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                        string sentQuery = report["target"].Substring(report["target"].IndexOf('?') + 1);
                        Assert.AreEqual(ExpectedMessage(pairs, sentQuery, form), report["message"], "query " + query);
                        if (query == built)
                        {
                            Assert.AreEqual("/Customers?" + built, report["target"]);
                        }
                    }
                }
            }
        }

        [TestCase(SignedForm.Decoded)]
        [TestCase(SignedForm.Wire)]
        public void UrlsTheRuntimeRewritesAreSignedAsSent(SignedForm form)
        {
            // System.Uri escapes spaces, braces and non-ASCII, and may unescape %41 or %7e: the handler must sign the
            // query as it goes on the wire, not as it was written.
            var urls = new[] { "Customers?customerName=Café Zoë", "Customers?q=100%25 sure&x={y}|\"^`", "Customers?a=%7e%41%2f&b=c#fragment" };
            using (var mock = new MockUnleashed(form == SignedForm.Decoded ? "decoded" : "wire", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.Key))
            using (var client = Client(key, mock, form))
            {
                foreach (string url in urls)
                {
                    HttpResponseMessage response = client.GetAsync(url).GetAwaiter().GetResult();
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, url);
                    var report = MockUnleashed.Report(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                    StringAssert.DoesNotContain(" ", report["target"]);
                    StringAssert.DoesNotContain("#", report["target"]);
                }
            }
        }

        [TestCase(SignedForm.Decoded)]
        [TestCase(SignedForm.Wire)]
        public void AWrongKeyIsRefused(SignedForm form)
        {
            using (var mock = new MockUnleashed(form == SignedForm.Decoded ? "decoded" : "wire", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.OtherKey))
            using (var client = Client(key, mock, form))
            {
                foreach (var pairs in Data.Cases)
                {
                    string query = key.BuildQuery(pairs, form).Query;
                    HttpResponseMessage response = client.GetAsync("Customers?" + query).GetAwaiter().GetResult();
                    Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, "query " + query);
                }
            }
        }

        [Test]
        public void TheOtherFormIsRefusedWhenTheyDiffer()
        {
            using (var mock = new MockUnleashed("wire", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.Key))
            using (var client = Client(key, mock, SignedForm.Decoded))
            {
                var response = client.GetAsync("Customers?customerName=Acme%20%26%20Sons").GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode);
            }
        }

        [Test]
        public void ABodyIsSentAsJsonAndThePathIsNotSigned()
        {
            using (var mock = new MockUnleashed("decoded", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.Key))
            using (var client = Client(key, mock, SignedForm.Decoded))
            {
                var body = new StringContent("{\"customerCode\":\"ACME\"}");
                body.Headers.ContentType = null;
                var response = client.PostAsync("Customers/ACME-%C3%A9", body).GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
                var report = MockUnleashed.Report(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                Assert.AreEqual("", report["message"]);
                Assert.AreEqual(Hex(Encoding.UTF8.GetBytes("{\"customerCode\":\"ACME\"}")), report["body"]);
                var names = report["header-names"].Split(',').Select(n => n.ToLowerInvariant()).ToList();
                CollectionAssert.IsSubsetOf(new[] { "api-auth-id", "api-auth-signature", "client-type", "accept", "content-type" }, names);
            }
        }

        [Test]
        public void ARequestSentAgainIsSignedAgain()
        {
            using (var mock = new MockUnleashed("decoded", Data.ApiId, Data.Key))
            using (var key = new SigningKey(Data.Key))
            using (var invoker = new HttpMessageInvoker(
                new UnleashedHandler(Data.ApiId, key, Data.ClientType, new HttpClientHandler { UseProxy = false })))
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri(mock.BaseAddress, "Customers?customerCode=ACME"));
                request.Headers.TryAddWithoutValidation(HeaderNames.ApiAuthSignature, "stale");
                var response = invoker.SendAsync(request, System.Threading.CancellationToken.None).GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
                CollectionAssert.AreEqual(new[] { key.Sign("customerCode=ACME") }, request.Headers.GetValues(HeaderNames.ApiAuthSignature));
            }
        }
    }
}
