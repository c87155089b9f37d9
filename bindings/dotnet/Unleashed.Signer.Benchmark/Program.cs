using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Unleashed.Signer;

/// <summary>
/// Nanoseconds per signature of one query (string in, base64 string out): SigningKey.Sign against .NET's
/// HMACSHA256 keyed per request and HMACSHA256 reused (one instance, ComputeHash per request). Time is the
/// process's CPU time, so that time the machine gives to other processes does not count (its resolution is
/// coarse, about 10 ms on Linux: keep rounds long).
/// Usage: Unleashed.Signer.Benchmark [milliseconds per round, default 500] [rounds, default 7]
/// </summary>
internal static class Program
{
    // Made up, with the length (86 characters) and alphabet of a real key.
    private const string ApiKey = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
    private const string Query = "orderStatus=Completed,Backordered&modifiedSince=2024-01-01T00:00:00&pageSize=200";

    private static int Main(string[] args)
    {
        int milliseconds = args.Length > 0 ? int.Parse(args[0]) : 500;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 7;
        byte[] keyBytes = Encoding.UTF8.GetBytes(ApiKey);

        using (var key = new SigningKey(ApiKey))
        using (var reused = new HMACSHA256(keyBytes))
        {
            var cases = new List<KeyValuePair<string, Func<string>>>
            {
                Case("SigningKey.Sign (prepared key, C ABI)", () => key.Sign(Query)),
                Case("SigningKey.SignUrl (path and query, decoded)", () => key.SignUrl("/SalesOrders?" + Query)),
                Case("HMACSHA256 reused (ComputeHash)", () => Convert.ToBase64String(reused.ComputeHash(Encoding.UTF8.GetBytes(Query)))),
                Case("HMACSHA256 keyed per request", () =>
                {
                    using (var hmac = new HMACSHA256(keyBytes))
                    {
                        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(Query)));
                    }
                }),
            };

            // Every way gives the same signature, or the comparison means nothing.
            string expected = cases[0].Value();
            foreach (var c in cases.Skip(1))
            {
                if (c.Value() != expected)
                {
                    Console.Error.WriteLine("{0} gives a different signature", c.Key);
                    return 1;
                }
            }

            Console.WriteLine("runtime: {0}; query: {1} bytes; median of {2} rounds of ~{3} ms CPU time", Runtime(), Query.Length, rounds, milliseconds);
            double ours = 0;
            foreach (var c in cases)
            {
                double ns = Measure(c.Value, milliseconds, rounds);
                if (ours == 0)
                {
                    ours = ns;
                }
                Console.WriteLine("{0,-46} {1,9:F0} ns   {2,6:F2}x", c.Key, ns, ns / ours);
            }
        }
        return 0;
    }

    private static KeyValuePair<string, Func<string>> Case(string name, Func<string> sign)
    {
        return new KeyValuePair<string, Func<string>>(name, sign);
    }

    /// <summary>The median over rounds of CPU nanoseconds per call; each round takes about the given CPU time.</summary>
    private static double Measure(Func<string> sign, int milliseconds, int rounds)
    {
        // Warm up, and find how many calls fill a round.
        long calls = 1, done = 0;
        TimeSpan start = CpuTime();
        while ((CpuTime() - start).TotalMilliseconds < milliseconds / 3.0)
        {
            for (long i = 0; i < calls; i++)
            {
                sign();
            }
            done += calls;
            calls *= 2;
        }
        long perRound = Math.Max(1, (long)(done * milliseconds / Math.Max(1, (CpuTime() - start).TotalMilliseconds)));

        var results = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            start = CpuTime();
            for (long i = 0; i < perRound; i++)
            {
                sign();
            }
            results.Add((CpuTime() - start).TotalMilliseconds * 1e6 / perRound);
        }
        results.Sort();
        return results[results.Count / 2];
    }

    private static TimeSpan CpuTime()
    {
        using (var process = Process.GetCurrentProcess())
        {
            return process.TotalProcessorTime;
        }
    }

    private static string Runtime()
    {
        Type mono = Type.GetType("Mono.Runtime");
        if (mono != null)
        {
            var display = mono.GetMethod("GetDisplayName", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
            return "Mono " + (display != null ? display.Invoke(null, null) : Environment.Version.ToString());
        }
        return ".NET " + Environment.Version;
    }
}
