using System;
using System.Collections.Generic;
using System.Net.Http;
using Unleashed.Signer;

class Example
{
    static void Main()
    {
        string apiId = Environment.GetEnvironmentVariable("UNLEASHED_API_ID");
        string baseUrl = Environment.GetEnvironmentVariable("UNLEASHED_URL") ?? "https://api.unleashedsoftware.com/";

        using (var key = new SigningKey(Environment.GetEnvironmentVariable("UNLEASHED_API_KEY")))
        {
            // One signature, for a request sent some other way: only the query is signed.
            Console.WriteLine(key.SignUrl("Customers?customerCode=ACME"));

            // Or build the query, so that what is sent and what is signed cannot drift apart.
            SignedQuery query = key.BuildQuery(new Dictionary<string, string> { { "customerName", "Acme & Sons" } });
            Console.WriteLine(query.Query);

            // Or let HttpClient sign every request it sends.
            var handler = new UnleashedHandler(apiId, key, "acme/orderautomation", new HttpClientHandler());
            using (var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) })
            {
                HttpResponseMessage response = client.GetAsync("Customers?" + query.Query).Result;
                Console.WriteLine((int)response.StatusCode);
            }
        }
    }
}
