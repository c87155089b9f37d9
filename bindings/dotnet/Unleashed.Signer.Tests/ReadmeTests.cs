using System;
using System.IO;
using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>
    /// The README's example: example/Example.cs is compiled into the tests and run against the mock, and the
    /// README must show exactly that file.
    /// </summary>
    [TestFixture]
    public class ReadmeTests
    {
        /// <summary>The first <c>```csharp</c> block of a Markdown file.</summary>
        internal static string Example(string relative)
        {
            Match block = Regex.Match(Repository.Read(relative), "```csharp\n(.*?)```", RegexOptions.Singleline);
            Assert.IsTrue(block.Success, "no csharp block in " + relative);
            return block.Groups[1].Value;
        }

[Test]
        public void TheReadmeShowsTheExampleThatRuns()
        {
            Assert.AreEqual(Repository.Read("bindings/dotnet/example/Example.cs"), Example("bindings/dotnet/README.md"));
        }

        [Test]
        public void TheExampleRunsAgainstTheMock()
        {
            var data = new E2eCases();
            using (var mock = new MockUnleashed("decoded", data.ApiId, data.Key))
            {
                Environment.SetEnvironmentVariable("UNLEASHED_API_ID", data.ApiId);
                Environment.SetEnvironmentVariable("UNLEASHED_API_KEY", data.Key);
                Environment.SetEnvironmentVariable("UNLEASHED_URL", mock.BaseAddress.ToString());
                TextWriter console = Console.Out;
                var output = new StringWriter();
                try
                {
                    Console.SetOut(output);
                    typeof(Example).GetMethod("Main", BindingFlags.NonPublic | BindingFlags.Static).Invoke(null, null);
                }
                finally
                {
                    Console.SetOut(console);
                    Environment.SetEnvironmentVariable("UNLEASHED_API_KEY", null);
                }
                using (var key = new SigningKey(data.Key))
                {
                    Assert.AreEqual(
                        key.Sign("customerCode=ACME") + "\n" + "customerName=Acme%20%26%20Sons" + "\n" + "200" + "\n",
                        output.ToString().Replace("\r\n", "\n"));
                }
            }
        }
    }
}
