using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Unleashed.Signer.Tests
{
    /// <summary>The repository's shared test data: testdata/vectors.txt, testdata/e2e_cases.txt, the header, the READMEs.</summary>
    internal static class Repository
    {
        private static readonly Lazy<string> RootPath = new Lazy<string>(FindRoot);

        /// <summary>The repository root: <c>UNLEASHED_REPO</c>, or the first directory above the tests or the working directory that holds testdata/vectors.txt.</summary>
        internal static string Root
        {
            get { return RootPath.Value; }
        }

        internal static string PathOf(string relative)
        {
            return System.IO.Path.Combine(Root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));
        }

        internal static string Read(string relative)
        {
            return File.ReadAllText(PathOf(relative), Encoding.UTF8);
        }

        /// <summary>The data lines of a file, without comments and blank lines, split on spaces.</summary>
        internal static IEnumerable<string[]> Records(string relative)
        {
            return File.ReadAllLines(PathOf(relative))
                .Where(line => line.Length > 0 && !line.StartsWith("#", StringComparison.Ordinal))
                .Select(line => line.Split(' '));
        }

        /// <summary>Bytes from hex; "-" is empty.</summary>
        internal static byte[] Hex(string hex)
        {
            if (hex == "-")
            {
                return new byte[0];
            }
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = byte.Parse(hex.Substring(2 * i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
            return bytes;
        }

        /// <summary>"namehex:valuehex,..." as byte pairs; "-" is no pairs.</summary>
        internal static List<KeyValuePair<byte[], byte[]>> Pairs(string field)
        {
            var pairs = new List<KeyValuePair<byte[], byte[]>>();
            if (field == "-")
            {
                return pairs;
            }
            foreach (string pair in field.Split(','))
            {
                string[] parts = pair.Split(':');
                pairs.Add(new KeyValuePair<byte[], byte[]>(Hex(parts[0]), Hex(parts[1])));
            }
            return pairs;
        }

        /// <summary>The UTF-8 text of <paramref name="bytes"/>, or null when they are not valid UTF-8.</summary>
        internal static string TextOrNull(byte[] bytes)
        {
            try
            {
                return new UTF8Encoding(false, true).GetString(bytes);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        private static string FindRoot()
        {
            string given = Environment.GetEnvironmentVariable("UNLEASHED_REPO");
            if (!string.IsNullOrEmpty(given))
            {
                return given;
            }
            var starts = new[] { AppDomain.CurrentDomain.BaseDirectory, Directory.GetCurrentDirectory() };
            foreach (string start in starts)
            {
                for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                {
                    if (File.Exists(System.IO.Path.Combine(dir.FullName, "testdata", "vectors.txt")))
                    {
                        return dir.FullName;
                    }
                }
            }
            throw new InvalidOperationException(
                "cannot find the repository (testdata/vectors.txt) above " + string.Join(" or ", starts) + ": set UNLEASHED_REPO");
        }
    }
}
