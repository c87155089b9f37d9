using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;

namespace Unleashed.Signer.Tests
{
    /// <summary>
    /// An HTTP/1.1 loopback server (HttpListener) for redirected requests with bodies: <c>/redirect/STATUS/REST</c>
    /// answers STATUS with <c>Location: /REST?hop=2[&amp;query]</c>; any other path answers 200 with lines
    /// <c>method</c>, <c>target</c>, <c>signed yes|no</c> (the signature checked for the target's own query),
    /// <c>body</c> (hex) and one <c>content-type</c> line per header received.
    /// </summary>
    internal sealed class RedirectingServer : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly SigningKey _key;
        private readonly Thread _thread;

        internal RedirectingServer(SigningKey key)
        {
            _key = key;
            var random = new Random();
            for (int attempt = 0; ; attempt++)
            {
                int port = random.Next(20000, 60000);
                _listener = new HttpListener();
                _listener.Prefixes.Add("http://127.0.0.1:" + port + "/");
                try
                {
                    _listener.Start();
                    BaseAddress = new Uri("http://127.0.0.1:" + port + "/");
                    break;
                }
                catch (HttpListenerException)
                {
                    _listener.Close();
                    if (attempt == 20)
                    {
                        throw;
                    }
                }
            }
            _thread = new Thread(Serve) { IsBackground = true };
            _thread.Start();
        }

        internal Uri BaseAddress { get; }

        public void Dispose()
        {
            _listener.Close();
        }

        private void Serve()
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = _listener.GetContext();
                }
                catch (Exception)
                {
                    return; // closed
                }
                Answer(context);
            }
        }

        private void Answer(HttpListenerContext context)
        {
            HttpListenerRequest request = context.Request;
            byte[] body;
            using (var copy = new MemoryStream())
            {
                request.InputStream.CopyTo(copy);
                body = copy.ToArray();
            }
            string target = request.RawUrl;
            string path = target.Split('?')[0];
            string query = target.Contains("?") ? target.Substring(target.IndexOf('?') + 1) : "";
            string[] parts = path.Split(new[] { '/' }, 4);
            if (parts.Length == 4 && parts[1] == "redirect")
            {
                context.Response.StatusCode = int.Parse(parts[2]);
                context.Response.RedirectLocation = "/" + parts[3] + "?hop=2" + (query.Length > 0 ? "&" + query : "");
                context.Response.Close();
                return;
            }
            string signature = request.Headers["api-auth-signature"];
            var lines = new StringBuilder();
            lines.Append("method ").Append(request.HttpMethod).Append('\n');
            lines.Append("target ").Append(target).Append('\n');
            lines.Append("signed ").Append(signature == _key.SignUrl(target) ? "yes" : "no").Append('\n');
            lines.Append("body ").Append(string.Concat(body.Select(b => b.ToString("x2")))).Append('\n');
            foreach (string type in request.Headers.GetValues("Content-Type") ?? new string[0])
            {
                lines.Append("content-type ").Append(type).Append('\n');
            }
            byte[] reply = Encoding.UTF8.GetBytes(lines.ToString());
            context.Response.ContentLength64 = reply.Length;
            context.Response.OutputStream.Write(reply, 0, reply.Length);
            context.Response.Close();
        }
    }
}
