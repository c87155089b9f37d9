using System;
using System.Collections.Generic;
using System.Net.Http;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>Bad input is an ArgumentException that names the parameter, says what to fix and never quotes the key.</summary>
    [TestFixture]
    public class BadInputTests
    {
        private const string ApiKey = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
        private const string ApiId = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
        private const string ClientType = "acme/orderautomation";

        private static UnleashedStatus Rejected(string paramName, TestDelegate call)
        {
            var error = Assert.Throws<ArgumentException>(call);
            Assert.AreEqual(paramName, error.ParamName);
            Assert.IsInstanceOf<UnleashedException>(error.InnerException);
            var inner = (UnleashedException)error.InnerException;
            StringAssert.StartsWith(inner.Message, error.Message);
            Assert.AreEqual(UnleashedException.Describe(inner.Status), inner.Message);
            return inner.Status;
        }

        [TestCase("SECRETkey\n", UnleashedStatus.KeyWhitespace)]
        [TestCase("SECRET key", UnleashedStatus.KeyWhitespace)]
        [TestCase("SECRET\u0001key", UnleashedStatus.KeyControlCharacter)]
        [TestCase("", UnleashedStatus.EmptyKey)]
        public void RejectedTextKeys(string key, UnleashedStatus status)
        {
            Assert.AreEqual(status, Rejected("key", () => new SigningKey(key)));
            Assert.AreEqual(status, Rejected("key", () => new SigningKey(System.Text.Encoding.UTF8.GetBytes(key))));
            var error = Assert.Throws<ArgumentException>(() => new SigningKey(key));
            StringAssert.DoesNotContain("SECRET", error.ToString());
        }

        [Test]
        public void KeyMessagesSayWhatToFix()
        {
            var error = Assert.Throws<ArgumentException>(() => new SigningKey("SECRETkey\n"));
            StringAssert.Contains("whitespace", error.Message);
            StringAssert.Contains("copy the key again", error.Message);
        }

        [Test]
        public void RejectedKeysInOtherFormats()
        {
            Assert.AreEqual(UnleashedStatus.InvalidBase64, Rejected("key", () => new SigningKey("SECRET!!", KeyFormat.Base64)));
            Assert.AreEqual(UnleashedStatus.EmptyKey, Rejected("key", () => new SigningKey(new byte[0], KeyFormat.Raw)));
            Assert.AreEqual(UnleashedStatus.KeyNotUtf8, Rejected("key", () => new SigningKey(new byte[] { 0x53, 0xff }, KeyFormat.Text)));
            Assert.AreEqual(UnleashedStatus.InvalidKeyFormat, Rejected("key", () => new SigningKey(ApiKey, (KeyFormat)7)));
        }

        [Test]
        public void AKeyThatIsNotUtf16IsRejectedWithoutQuotingIt()
        {
            var error = Assert.Throws<ArgumentException>(() => new SigningKey("SECRET\ud800key"));
            Assert.AreEqual("key", error.ParamName);
            StringAssert.Contains("unpaired surrogate", error.Message);
            StringAssert.DoesNotContain("SECRET", error.ToString());
            StringAssert.DoesNotContain("D800", error.ToString().ToUpperInvariant());
            Assert.IsNull(error.InnerException);
        }

        [Test]
        public void NullArguments()
        {
            Assert.AreEqual("key", Assert.Throws<ArgumentNullException>(() => new SigningKey((string)null)).ParamName);
            Assert.AreEqual("key", Assert.Throws<ArgumentNullException>(() => new SigningKey((byte[])null)).ParamName);
            using (var key = new SigningKey(ApiKey))
            {
                Assert.AreEqual("query", Assert.Throws<ArgumentNullException>(() => key.Sign((string)null)).ParamName);
                Assert.AreEqual("message", Assert.Throws<ArgumentNullException>(() => key.Sign((byte[])null)).ParamName);
                Assert.AreEqual("url", Assert.Throws<ArgumentNullException>(() => key.SignUrl(null)).ParamName);
                Assert.AreEqual("signature", Assert.Throws<ArgumentNullException>(() => key.Verify("a=b", null)).ParamName);
                Assert.AreEqual("parameters", Assert.Throws<ArgumentNullException>(
                    () => key.BuildQuery((IEnumerable<KeyValuePair<string, string>>)null)).ParamName);
                Assert.AreEqual("key", Assert.Throws<ArgumentNullException>(() => new UnleashedHandler(ApiId, null, ClientType)).ParamName);
            }
        }

        [Test]
        public void MalformedEscapesCannotBeSignedDecoded()
        {
            using (var key = new SigningKey(ApiKey))
            {
                Assert.AreEqual(UnleashedStatus.MalformedEscape, Rejected("query", () => key.SignQuery("q=100%")));
                Assert.AreEqual(UnleashedStatus.MalformedEscape, Rejected("url", () => key.SignUrl("/Customers?q=%zz")));
                // The wire form signs the bytes as they are.
                Assert.AreEqual(key.Sign("q=%zz"), key.SignUrl("/Customers?q=%zz", SignedForm.Wire));
                Assert.AreEqual(UnleashedStatus.InvalidSignedForm, Rejected("url", () => key.SignUrl("/a?b", (SignedForm)9)));
            }
        }

        [Test]
        public void BadParameters()
        {
            using (var key = new SigningKey(ApiKey))
            {
                Assert.AreEqual(UnleashedStatus.EmptyParameterName, Rejected("parameters",
                    () => key.BuildQuery(new[] { new KeyValuePair<string, string>("", "x") })));
                var nullValue = Assert.Throws<ArgumentException>(
                    () => key.BuildQuery(new[] { new KeyValuePair<string, string>("a", "1"), new KeyValuePair<string, string>("b", null) }));
                Assert.AreEqual("parameters", nullValue.ParamName);
                StringAssert.Contains("parameter 1 has a null value", nullValue.Message);
                Assert.AreEqual(UnleashedStatus.InvalidSignedForm, Rejected("parameters",
                    () => key.BuildQuery(new[] { new KeyValuePair<string, string>("a", "1") }, (SignedForm)5)));
            }
        }

        [TestCase("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5", ClientType, "apiId", UnleashedStatus.InvalidApiId)]
        [TestCase("0a1b2c3d_4e5f-6a7b-8c9d-0e1f2a3b4c5d", ClientType, "apiId", UnleashedStatus.InvalidApiId)]
        [TestCase(ApiId, "acme order app", "clientType", UnleashedStatus.InvalidClientType)]
        [TestCase(ApiId, "acme/order/app", "clientType", UnleashedStatus.InvalidClientType)]
        public void BadCredentials(string apiId, string clientType, string paramName, UnleashedStatus status)
        {
            using (var key = new SigningKey(ApiKey))
            {
                Assert.AreEqual(status, Rejected(paramName, () => key.Headers(apiId, clientType, "/Customers")));
                Assert.AreEqual(UnleashedStatus.MalformedEscape, Rejected("url", () => key.Headers(ApiId, ClientType, "/Customers?a=%zz")));
                Assert.AreEqual(status, Rejected(paramName, () => new UnleashedHandler(apiId, key, clientType)));
            }
        }

        [TestCase(ApiId)]
        [TestCase("0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D")]
        public void HeadersInOrder(string apiId)
        {
            using (var key = new SigningKey(ApiKey))
            {
                // The API id goes out in lower case however it was given: the C library writes it.
                var headers = key.Headers(apiId, ClientType, "https://api.unleashedsoftware.com/Customers?customerCode=ACME");
                CollectionAssert.AreEqual(
                    new[]
                    {
                        new KeyValuePair<string, string>("api-auth-id", ApiId),
                        new KeyValuePair<string, string>("api-auth-signature", key.Sign("customerCode=ACME")),
                        new KeyValuePair<string, string>("client-type", ClientType),
                        new KeyValuePair<string, string>("Accept", "application/json"),
                        new KeyValuePair<string, string>("Content-Type", "application/json"),
                    },
                    headers);
            }
        }

        [Test]
        public void ADisposedKeyCannotSign()
        {
            var key = new SigningKey(ApiKey);
            key.Dispose();
            key.Dispose(); // twice is fine
            var error = Assert.Throws<ObjectDisposedException>(() => key.Sign("a=b"));
            StringAssert.Contains("make a new SigningKey", error.Message);
            Assert.Throws<ObjectDisposedException>(() => key.SignUrl("/a?b=c"));
            Assert.Throws<ObjectDisposedException>(() => key.Verify("a=b", "x"));
            Assert.Throws<ObjectDisposedException>(() => key.BuildQuery(new Dictionary<string, string> { { "a", "b" } }));
        }

        [Test]
        public void TheKeyNeverShows()
        {
            using (var key = new SigningKey("SECRETkey"))
            {
                Assert.AreEqual("SigningKey(<redacted>)", key.ToString());
            }
        }

        [Test]
        public void WrongSignaturesAreFalseNotErrors()
        {
            using (var key = new SigningKey(ApiKey))
            {
                Assert.IsFalse(key.Verify("a=b", ""));
                Assert.IsFalse(key.Verify("a=b", "short"));
                Assert.IsFalse(key.Verify("a=b", key.Sign("a=c")));
                Assert.IsFalse(key.Verify("a=b", key.Sign("a=b") + "="));
                Assert.IsTrue(key.Verify("a=b", key.Sign("a=b")));
            }
        }

        [Test]
        public void StatusMessagesComeFromTheLibrary()
        {
            StringAssert.Contains("signature does not match", UnleashedException.Describe(UnleashedStatus.SignatureMismatch));
            StringAssert.Contains("unknown", UnleashedException.Describe((UnleashedStatus)999));
            var error = new UnleashedException(UnleashedStatus.Panic);
            Assert.AreEqual(UnleashedStatus.Panic, error.Status);
            StringAssert.Contains("please report", error.Message);
        }

        [Test]
        public void AHandlerNeedsAnAbsoluteUri()
        {
            using (var key = new SigningKey(ApiKey))
            using (var invoker = new HttpMessageInvoker(new UnleashedHandler(ApiId, key, ClientType, new HttpClientHandler())))
            {
                var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/Customers", UriKind.Relative));
                var error = Assert.Throws<InvalidOperationException>(
                    () => invoker.SendAsync(request, System.Threading.CancellationToken.None).GetAwaiter().GetResult());
                StringAssert.Contains("BaseAddress", error.Message);
            }
        }
    }
}
