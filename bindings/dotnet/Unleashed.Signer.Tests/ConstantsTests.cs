using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Unleashed.Signer.Tests
{
    /// <summary>The C# constants against include/unleashed_signer.h: any drift fails here.</summary>
    [TestFixture]
    public class ConstantsTests
    {
        private static readonly Lazy<string> Header = new Lazy<string>(() => Repository.Read("include/unleashed_signer.h"));

        /// <summary>Every <c>NAME = number,</c> enumerator of <c>enum unleashed_status</c>.</summary>
        private static Dictionary<string, ulong> HeaderStatuses()
        {
            Match body = Regex.Match(Header.Value, @"enum unleashed_status[^{]*\{(.*?)\};", RegexOptions.Singleline);
            Assert.IsTrue(body.Success, "enum unleashed_status not found in the header");
            return Regex.Matches(body.Groups[1].Value, @"\bUNLEASHED_([A-Z0-9_]+)\s*=\s*(\d+)")
                .Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => ulong.Parse(m.Groups[2].Value));
        }

        /// <summary>Every <c>#define UNLEASHED_PREFIXname value</c>, value as written.</summary>
        private static Dictionary<string, string> HeaderDefines(string prefix)
        {
            return Regex.Matches(Header.Value, @"^#define UNLEASHED_" + prefix + @"([A-Z0-9_]+) (.+)$", RegexOptions.Multiline)
                .Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());
        }

        /// <summary><c>KeyNotUtf8</c> as the header spells it: <c>KEY_NOT_UTF8</c>.</summary>
        private static string CName(string name)
        {
            return Regex.Replace(name, "(?<=.)([A-Z])", "_$1").ToUpperInvariant();
        }

        private static Dictionary<string, ulong> EnumValues(Type type)
        {
            return Enum.GetNames(type).ToDictionary(CName, n => Convert.ToUInt64(Enum.Parse(type, n)));
        }

        [Test]
        public void StatusesMatchTheHeader()
        {
            Dictionary<string, ulong> header = HeaderStatuses();
            Assert.That(header.Count, Is.GreaterThan(20));
            CollectionAssert.AreEquivalent(header, EnumValues(typeof(UnleashedStatus)));
        }

        [Test]
        public void KeyFormatsMatchTheHeader()
        {
            var header = HeaderDefines("KEY_FORMAT_").ToDictionary(p => p.Key, p => ulong.Parse(p.Value));
            Assert.That(header.Count, Is.EqualTo(3));
            CollectionAssert.AreEquivalent(header, EnumValues(typeof(KeyFormat)));
        }

        [Test]
        public void SignedFormsMatchTheHeader()
        {
            var header = HeaderDefines("SIGNED_FORM_").ToDictionary(p => p.Key, p => ulong.Parse(p.Value));
            Assert.That(header.Count, Is.EqualTo(2));
            CollectionAssert.AreEquivalent(header, EnumValues(typeof(SignedForm)));
        }

        [Test]
        public void LengthsMatchTheHeader()
        {
            var lengths = HeaderDefines("SIGNATURE_");
            Assert.AreEqual(SigningKey.SignatureLength.ToString(), lengths["LEN"]);
            Assert.AreEqual("(UNLEASHED_SIGNATURE_LEN + 1)", lengths["BUFFER_LEN"]);
            Assert.AreEqual(SigningKey.SignatureLength + 1, Native.SignatureBufferLength);
            using (var key = new SigningKey("k"))
            {
                Assert.AreEqual(SigningKey.SignatureLength, key.Sign("").Length);
            }
        }

        [Test]
        public void HeaderNamesMatchTheHeader()
        {
            var header = HeaderDefines("HEADER_").ToDictionary(p => p.Key, p => p.Value.Trim('"'));
            var ours = typeof(HeaderNames).GetFields(BindingFlags.Public | BindingFlags.Static)
                .ToDictionary(f => CName(f.Name), f => (string)f.GetRawConstantValue());
            Assert.That(header.Count, Is.EqualTo(3));
            CollectionAssert.AreEquivalent(header, ours);
        }

        [Test]
        public void EveryImportedFunctionIsInTheHeader()
        {
            var imported = typeof(Native).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
                .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0)
                .Select(m => m.Name)
                .ToList();
            Assert.That(imported.Count, Is.GreaterThan(10));
            foreach (string name in imported)
            {
                StringAssert.IsMatch(@"\b" + name + @"\(", Header.Value, name + " is not declared in the header");
            }
        }

        [Test]
        public void VersionsAgree()
        {
            var header = HeaderDefines("VERSION_");
            string headerVersion = header["MAJOR"] + "." + header["MINOR"] + "." + header["PATCH"];
            Match workspace = Regex.Match(
                Repository.Read("Cargo.toml"), @"\[workspace\.package\][^\[]*?^version\s*=\s*""([^""]+)""",
                RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.IsTrue(workspace.Success, "no version in Cargo.toml's [workspace.package]");
            Match project = Regex.Match(
                Repository.Read("bindings/dotnet/Unleashed.Signer/Unleashed.Signer.csproj"), @"<Version>([^<]+)</Version>");
            Assert.IsTrue(project.Success, "no <Version> in Unleashed.Signer.csproj");
            string assembly = typeof(SigningKey).Assembly
                .GetCustomAttributes(typeof(AssemblyInformationalVersionAttribute), false)
                .Cast<AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

            Assert.AreEqual(workspace.Groups[1].Value, headerVersion);
            Assert.AreEqual(workspace.Groups[1].Value, project.Groups[1].Value);
            Assert.AreEqual(workspace.Groups[1].Value, assembly.Split('+')[0]);
            Assert.AreEqual(workspace.Groups[1].Value, SigningKey.LibraryVersion);
        }
    }
}
