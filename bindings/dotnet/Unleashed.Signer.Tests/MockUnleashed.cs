using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;

namespace Unleashed.Signer.Tests
{
    /// <summary>testing/mock_unleashed.py on a loopback port: 200 when the signature and id match, else 403.</summary>
    internal sealed class MockUnleashed : IDisposable
    {
        private readonly Process _process;

        internal MockUnleashed(string form, string apiId, string apiKey, bool otherOrigin = false)
        {
            string arguments = "\"" + Repository.PathOf("testing/mock_unleashed.py") + "\" --form " + form + " --lifetime 300" +
                (otherOrigin ? " --other-origin" : "");
            var start = new ProcessStartInfo("python3", arguments)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            start.EnvironmentVariables["MOCK_UNLEASHED_API_ID"] = apiId;
            start.EnvironmentVariables["MOCK_UNLEASHED_API_KEY"] = apiKey;
            _process = Process.Start(start);
            string port = _process.StandardOutput.ReadLine();
            int number;
            if (!int.TryParse(port, out number))
            {
                Dispose();
                throw new InvalidOperationException("the mock server did not print its port (got " + (port ?? "nothing") + ")");
            }
            BaseAddress = new Uri("http://127.0.0.1:" + number + "/");
            if (otherOrigin)
            {
                string other = _process.StandardOutput.ReadLine();
                if (!int.TryParse(other, out number))
                {
                    Dispose();
                    throw new InvalidOperationException("the mock server did not print its other port (got " + (other ?? "nothing") + ")");
                }
                OtherAddress = new Uri("http://127.0.0.1:" + number + "/");
            }
        }

        internal Uri BaseAddress { get; }

        /// <summary>The second origin (with <c>--other-origin</c>), which records every request it receives.</summary>
        internal Uri OtherAddress { get; }

        /// <summary>The mock exits when its stdin closes.</summary>
        public void Dispose()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10000))
            {
                _process.Kill();
            }
            _process.Dispose();
        }

        /// <summary>A 200 answer's body: "name value" lines (target, message, body, header-names).</summary>
        internal static Dictionary<string, string> Report(string body)
        {
            return body.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(new[] { ' ' }, 2))
                .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
        }
    }

    /// <summary>testdata/e2e_cases.txt: the made-up credentials and the tricky queries.</summary>
    internal sealed class E2eCases
    {
        internal E2eCases()
        {
            Cases = new List<List<KeyValuePair<string, string>>>();
            foreach (string[] fields in Repository.Records("testdata/e2e_cases.txt"))
            {
                switch (fields[0])
                {
                    case "key": Key = fields[1]; break;
                    case "other-key": OtherKey = fields[1]; break;
                    case "api-id": ApiId = fields[1]; break;
                    case "client-type": ClientType = fields[1]; break;
                    case "case":
                        Cases.Add(Repository.Pairs(fields[1])
                            .Select(p => new KeyValuePair<string, string>(Encoding.UTF8.GetString(p.Key), Encoding.UTF8.GetString(p.Value)))
                            .ToList());
                        break;
                    default: throw new InvalidOperationException("unknown line in e2e_cases.txt: " + fields[0]);
                }
            }
        }

        internal string Key { get; private set; }

        internal string OtherKey { get; private set; }

        internal string ApiId { get; private set; }

        internal string ClientType { get; private set; }

        internal List<List<KeyValuePair<string, string>>> Cases { get; }
    }
}
