using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>
    /// The HTTP conformance suite (testdata/http_conformance.txt, docs/http-contract.md) through HttpClient and
    /// UnleashedHandler against testing/mock_unleashed.py --other-origin, one NUnit case per line; then what the
    /// suite's GETs cannot show: bodies on same-origin hops, AllowAutoRedirect = false, Content-Type, and that the
    /// other origin received nothing.
    /// </summary>
    [TestFixture]
    public class ConformanceTests
    {
        private static readonly Dictionary<string, string> Settings = new Dictionary<string, string>();
        private static readonly List<Dictionary<string, string>> Cases = ReadCases();
        private MockUnleashed _mock;
        private SigningKey _key;

        public static IEnumerable<TestCaseData> CaseData
        {
            get { return Cases.Select(c => new TestCaseData(c).SetName("conformance " + c["name"])); }
        }

        [TestFixtureSetUp]
        public void Start()
        {
            _mock = new MockUnleashed(Settings["form"], Settings["api-id"], Settings["key"], true);
            _key = new SigningKey(Settings["key"]);
        }

        [TestFixtureTearDown]
        public void Stop()
        {
            _key.Dispose();
            _mock.Dispose();
        }

        [Test]
        public void TheSuiteHasItsCases()
        {
            Assert.That(Cases.Count, Is.GreaterThanOrEqualTo(15));
        }

        [TestCaseSource("CaseData")]
        public void Case(Dictionary<string, string> c)
        {
            using (HttpClient client = Client(c["api-id"], new HttpClientHandler { UseProxy = false }))
            {
                var request = new HttpRequestMessage(HttpMethod.Get, Encoding.UTF8.GetString(Repository.Hex(c["url"])));
                if (c["accept"] != "-")
                {
                    request.Headers.TryAddWithoutValidation("Accept", c["accept"]);
                }
                if (c["expect"] == "refused")
                {
                    var refused = Assert.Throws<RedirectRefusedException>(() => client.SendAsync(request).GetAwaiter().GetResult());
                    Assert.AreEqual(_mock.OtherAddress.GetLeftPart(UriPartial.Authority), refused.Location.GetLeftPart(UriPartial.Authority));
                    StringAssert.Contains(c["name"].Substring(c["name"].Length - 3), ((int)refused.Response.StatusCode).ToString());
                    refused.Response.Dispose();
                    return;
                }
                Assert.AreEqual("200", c["expect"]);
                HttpResponseMessage response = client.SendAsync(request).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body);
                ILookup<string, string> lines = Lines(body);
                CollectionAssert.AreEqual(new[] { "main" }, lines["origin"]);
                CollectionAssert.AreEqual(new[] { c["message"] == "-" ? "" : c["message"] }, lines["message"]);
                CollectionAssert.AreEqual(new[] { c["accept-received"] }, lines["accept"]);
                Assert.That(lines["content-type"].Count(), Is.LessThanOrEqualTo(1));
            }
        }

        // POST hops run against an HTTP/1.1 server of the test's own: Mono 6.8 sends the next request on a
        // connection the HTTP/1.0 mock has closed (even with Connection: close), and retries only GETs.
        [TestCase(303, "")]
        [TestCase(307, "7b2261223a317d")]
        [TestCase(308, "7b2261223a317d")]
        public void APostRedirectedOnTheSameOriginIsSignedAgain(int status, string bodyHex)
        {
            using (var server = new RedirectingServer(_key))
            using (HttpClient client = Client(Settings["api-id"], new HttpClientHandler { UseProxy = false }, server.BaseAddress))
            {
                HttpResponseMessage response = client.PostAsync("redirect/" + status + "/Next?a=1", new StringContent("{\"a\":1}")).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body);
                ILookup<string, string> lines = Lines(body);
                CollectionAssert.AreEqual(new[] { "/Next?hop=2&a=1" }, lines["target"]);
                CollectionAssert.AreEqual(new[] { status == 303 ? "GET" : "POST" }, lines["method"]);
                CollectionAssert.AreEqual(new[] { "yes" }, lines["signed"]);
                CollectionAssert.AreEqual(new[] { bodyHex }, lines["body"]);
                if (status != 303)
                {
                    // StringContent's own text/plain is no choice of the caller's: it goes as JSON, charset kept.
                    CollectionAssert.AreEqual(new[] { "application/json; charset=utf-8" }, lines["content-type"]);
                }
            }
        }

        [Test]
        public void APostTurnedIntoAGetBy303StaysAGetThroughA307()
        {
            using (var server = new RedirectingServer(_key))
            using (HttpClient client = Client(Settings["api-id"], new HttpClientHandler { UseProxy = false }, server.BaseAddress))
            {
                HttpResponseMessage response = client.PostAsync("redirect/303/redirect/307/End?a=1", new StringContent("{\"a\":1}")).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body);
                ILookup<string, string> lines = Lines(body);
                CollectionAssert.AreEqual(new[] { "/End?hop=2&hop=2&a=1" }, lines["target"]);
                CollectionAssert.AreEqual(new[] { "GET" }, lines["method"]);
                CollectionAssert.AreEqual(new[] { "yes" }, lines["signed"]);
                CollectionAssert.AreEqual(new[] { "" }, lines["body"]);
            }
        }

        [Test]
        public void ACallersOwnContentTypeAcceptAndSigningHeaders()
        {
            var content = new ByteArrayContent(new byte[] { 1 });
            content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
            using (HttpClient client = Client(Settings["api-id"], new HttpClientHandler { UseProxy = false }))
            {
                client.DefaultRequestHeaders.Accept.ParseAdd("application/xml");
                var request = new HttpRequestMessage(HttpMethod.Post, "conformance/Body")
                {
                    Content = new StringContent("<a/>", Encoding.UTF8, "application/xml"),
                };
                request.Headers.TryAddWithoutValidation(HeaderNames.ApiAuthSignature, "stale");
                request.Headers.TryAddWithoutValidation("API-AUTH-ID", "someone");
                HttpResponseMessage response = client.SendAsync(request).GetAwaiter().GetResult();
                string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, body);
                ILookup<string, string> lines = Lines(body);
                CollectionAssert.AreEqual(new[] { "application/xml" }, lines["accept"]);
                CollectionAssert.AreEqual(new[] { "application/xml; charset=utf-8" }, lines["content-type"]);
                var names = lines["header-names"].Single().Split(',').Select(n => n.ToLowerInvariant()).ToList();
                foreach (string name in new[] { "api-auth-id", "api-auth-signature", "client-type" })
                {
                    Assert.AreEqual(1, names.Count(n => n == name), name);
                }

            }
            // A new client: the HTTP/1.0 mock closes each connection, and Mono may reuse one for a POST.
            using (HttpClient client = Client(Settings["api-id"], new HttpClientHandler { UseProxy = false }))
            {
                HttpResponseMessage other = client.PostAsync("conformance/Body", content).GetAwaiter().GetResult();
                CollectionAssert.AreEqual(new[] { "text/plain" }, Lines(other.Content.ReadAsStringAsync().GetAwaiter().GetResult())["content-type"]);
            }
        }

        [Test]
        public void WithoutAutomaticRedirectsASameOrigin3xxIsTheCallersAndACrossOriginOneIsRefused()
        {
            using (HttpClient client = Client(Settings["api-id"], new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false }))
            {
                HttpResponseMessage response = client.GetAsync("conformance/redirect/302/same/X?a=1").GetAwaiter().GetResult();
                Assert.AreEqual(HttpStatusCode.Found, response.StatusCode);
                StringAssert.EndsWith("/conformance/X?hop=2&a=1", response.Headers.Location.ToString());
                var refused = Assert.Throws<RedirectRefusedException>(
                    () => client.GetAsync("conformance/redirect/307/other/X?a=1").GetAwaiter().GetResult());
                Assert.AreEqual(HttpStatusCode.TemporaryRedirect, refused.Response.StatusCode);
            }
        }

        [Test]
        public void AnInnerHandlerThatAlreadySentCannotBeTakenOver()
        {
            var inner = new HttpClientHandler { UseProxy = false };
            using (var plain = new HttpClient(inner, false))
            {
                plain.GetAsync(_mock.OtherAddress + "warm-up").GetAwaiter().GetResult().Dispose();
            }
            using (HttpClient client = Client(Settings["api-id"], inner))
            {
                var e = Assert.Throws<InvalidOperationException>(() => client.GetAsync("conformance/X").GetAwaiter().GetResult());
                StringAssert.Contains("new HttpClientHandler", e.Message);
            }
        }

        [Test]
        public void ZzTheOtherOriginReceivedOnlyTheWarmUp()
        {
            // Named to run last (NUnit 2 runs a fixture's tests in name order).
            using (var plain = new HttpClient(new HttpClientHandler { UseProxy = false }))
            {
                string received = plain.GetStringAsync(new Uri(_mock.OtherAddress, "_received")).GetAwaiter().GetResult();
                Assert.AreEqual("GET /warm-up -\n", received);
            }
        }

        private static ILookup<string, string> Lines(string body)
        {
            return body.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(new[] { ' ' }, 2))
                .ToLookup(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
        }

        private static List<Dictionary<string, string>> ReadCases()
        {
            var cases = new List<Dictionary<string, string>>();
            foreach (string line in System.IO.File.ReadAllLines(Repository.PathOf("testdata/http_conformance.txt")))
            {
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }
                int space = line.IndexOf(' ');
                string kind = line.Substring(0, space), rest = line.Substring(space + 1);
                if (kind == "case")
                {
                    cases.Add(rest.Split(' ').Select(f => f.Split(new[] { '=' }, 2)).ToDictionary(f => f[0], f => f[1]));
                }
                else
                {
                    Settings[kind] = rest;
                }
            }
            return cases;
        }

        private HttpClient Client(string apiId, HttpMessageHandler inner, Uri baseAddress = null)
        {
            var handler = new UnleashedHandler(apiId, _key, Settings["client-type"], inner);
            return new HttpClient(handler) { BaseAddress = baseAddress ?? _mock.BaseAddress };
        }
    }
}
