using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>Every line of testdata/vectors.txt, through every API that can express it.</summary>
    [TestFixture]
    public class VectorTests
    {
        /// <summary>One test case per vector, named by its kind and line.</summary>
        public static IEnumerable<TestCaseData> Vectors()
        {
            int line = 0;
            foreach (string[] fields in Repository.Records("testdata/vectors.txt"))
            {
                line++;
                yield return new TestCaseData((object)fields).SetName(string.Format("{0} {1:D3} {2} {3}", fields[0], line, fields[1], fields[3]));
            }
        }

        [Test]
        public void TheVectorFileHasEveryKind()
        {
            var kinds = Vectors().Select(v => ((string[])v.Arguments[0])[0]).ToList();
            Assert.That(kinds.Count, Is.GreaterThan(100));
            CollectionAssert.IsSubsetOf(new[] { "sign", "url", "query" }, kinds.Distinct().ToList());
        }

        [TestCaseSource("Vectors")]
        public void Vector(string[] fields)
        {
            string kind = fields[0], format = fields[1], form = fields[3], expected = fields[6];
            byte[] key = Repository.Hex(fields[2]);
            foreach (SigningKey signingKey in Keys(format, key))
            {
                using (signingKey)
                {
                    switch (kind)
                    {
                        case "sign":
                            CheckSign(signingKey, Repository.Hex(fields[4]), expected);
                            break;
                        case "url":
                            CheckUrl(signingKey, Form(form), Repository.Hex(fields[4]), Repository.Hex(fields[5]), expected);
                            break;
                        case "query":
                            CheckQuery(signingKey, Form(form), Repository.Pairs(fields[4]), Repository.Hex(fields[5]), expected);
                            break;
                        default:
                            Assert.Fail("unknown vector kind " + kind);
                            break;
                    }
                }
            }
        }

        /// <summary>The key made every way the API allows for this format: from a string and from bytes.</summary>
        private static IEnumerable<SigningKey> Keys(string format, byte[] key)
        {
            string text = Repository.TextOrNull(key);
            switch (format)
            {
                case "text":
                    Assert.That(text, Is.Not.Null, "text keys are UTF-8");
                    yield return new SigningKey(text);
                    yield return new SigningKey(key);
                    break;
                case "raw":
                    yield return new SigningKey(key, KeyFormat.Raw);
                    if (text != null)
                    {
                        yield return new SigningKey(text, KeyFormat.Raw);
                    }
                    break;
                case "base64":
                    yield return new SigningKey(text, KeyFormat.Base64);
                    yield return new SigningKey(key, KeyFormat.Base64);
                    break;
                default:
                    Assert.Fail("unknown key format " + format);
                    break;
            }
        }

        private static SignedForm Form(string form)
        {
            Assert.That(form, Is.EqualTo("decoded").Or.EqualTo("wire"));
            return form == "decoded" ? SignedForm.Decoded : SignedForm.Wire;
        }

        private static void CheckSign(SigningKey key, byte[] message, string expected)
        {
            Assert.AreEqual(expected, key.Sign(message));
            Assert.IsTrue(key.Verify(message, expected));
            Assert.IsFalse(key.Verify(message, Tampered(expected)));
            Assert.IsFalse(key.Verify(message.Concat(new byte[] { (byte)'x' }).ToArray(), expected));
            string text = Repository.TextOrNull(message);
            if (text != null)
            {
                Assert.AreEqual(expected, key.Sign(text));
                Assert.AreEqual(expected, key.SignQuery(text, SignedForm.Wire));
                Assert.IsTrue(key.Verify(text, expected));
                Assert.IsFalse(key.Verify(text, Tampered(expected)));
            }
        }

        private static void CheckUrl(SigningKey key, SignedForm form, byte[] url, byte[] query, string expected)
        {
            string urlText = Repository.TextOrNull(url), queryText = Repository.TextOrNull(query);
            Assert.That(urlText, Is.Not.Null, "URL vectors are UTF-8");
            Assert.AreEqual(expected, key.SignUrl(urlText, form));
            Assert.AreEqual(expected, key.SignQuery(queryText, form));
            Assert.AreEqual(expected, key.SignUrl("/x?" + queryText, form));
            if (form == SignedForm.Wire)
            {
                Assert.AreEqual(expected, key.Sign(queryText));
            }
        }

        private static void CheckQuery(
            SigningKey key, SignedForm form, List<KeyValuePair<byte[], byte[]>> pairs, byte[] wire, string expected)
        {
            string wireText = Encoding.ASCII.GetString(wire);
            SignedQuery fromBytes = key.BuildQuery(pairs, form);
            Assert.AreEqual(wireText, fromBytes.Query);
            Assert.AreEqual(expected, fromBytes.Signature);
            Assert.AreEqual(wireText, fromBytes.ToString());

            var texts = pairs.Select(p => new KeyValuePair<string, string>(Repository.TextOrNull(p.Key), Repository.TextOrNull(p.Value))).ToList();
            if (texts.All(p => p.Key != null && p.Value != null))
            {
                SignedQuery fromText = key.BuildQuery(texts, form);
                Assert.AreEqual(wireText, fromText.Query);
                Assert.AreEqual(expected, fromText.Signature);
            }
            // The built query, signed as a query string in the same form, gives the same signature.
            Assert.AreEqual(expected, key.SignQuery(wireText, form));
        }

        private static string Tampered(string signature)
        {
            char first = signature[0] == 'A' ? 'B' : 'A';
            return first + signature.Substring(1);
        }
    }

    /// <summary>Checks against .NET's own HMACSHA256, an implementation independent of the library.</summary>
    [TestFixture]
    public class IndependentHmacTests
    {
        private const string ApiKey = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";

        [TestCase("customerCode=ACME")]
        [TestCase("")]
        [TestCase("customerName=Café Zoë – Ōsaka 東京")]
        [TestCase("a=€&b=😀")]
        public void SignMatchesHmacSha256OfTheUtf8Bytes(string query)
        {
            using (var key = new SigningKey(ApiKey))
            using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(ApiKey)))
            {
                string expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(query)));
                Assert.AreEqual(expected, key.Sign(query));
                Assert.AreEqual(SigningKey.SignatureLength, expected.Length);
            }
        }

        [Test]
        public void LongQueriesGoThroughTheHeapBuffer()
        {
            string query = "q=" + new string('é', 3000);
            using (var key = new SigningKey(ApiKey))
            using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(ApiKey)))
            {
                string expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(query)));
                Assert.AreEqual(expected, key.Sign(query));
                Assert.IsTrue(key.Verify(query, expected));
                Assert.AreEqual(expected, key.SignUrl("/Customers?" + query, SignedForm.Wire));
            }
        }

        [Test]
        public void BuildQueryGrowsItsBufferOnceForEncodedText()
        {
            // 2000 spaces become 6000 bytes of %20: far over the first guess, so the second call is needed.
            string value = new string(' ', 2000) + "&é";
            using (var key = new SigningKey(ApiKey))
            using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(ApiKey)))
            {
                SignedQuery decoded = key.BuildQuery(new Dictionary<string, string> { { "q", value }, { "n", "" } });
                string wire = "q=" + string.Concat(Enumerable.Repeat("%20", 2000)) + "%26%C3%A9&n=";
                Assert.AreEqual(wire, decoded.Query);
                string expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes("q=" + value + "&n=")));
                Assert.AreEqual(expected, decoded.Signature);

                SignedQuery onWire = key.BuildQuery(new Dictionary<string, string> { { "q", value }, { "n", "" } }, SignedForm.Wire);
                Assert.AreEqual(wire, onWire.Query);
                Assert.AreEqual(Convert.ToBase64String(hmac.ComputeHash(Encoding.ASCII.GetBytes(wire))), onWire.Signature);
            }
        }

        [Test]
        public void EmptyParameterListSignsTheEmptyQuery()
        {
            using (var key = new SigningKey(ApiKey))
            {
                SignedQuery built = key.BuildQuery(new KeyValuePair<string, string>[0]);
                Assert.AreEqual("", built.Query);
                Assert.AreEqual(key.Sign(""), built.Signature);
            }
        }
    }
}
