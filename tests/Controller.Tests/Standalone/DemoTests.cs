using CloudIngress.Controller.Cli;
using CloudIngress.Controller.Demo;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace CloudIngress.Controller.Tests.Standalone;

/// <summary>The README's first command: every curl line the demo prints works, done here with sockets.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_EveryPrintedExampleWorks()
    {
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<(DemoSite Site, ProxyServer Proxy)>();
        using var output = new StringWriter();
        var options = new ProxyOptions { HttpPort = 0, HttpsPort = 0, AdminPort = 0, PublicHttpsPort = null };
        var running = DemoCommand.RunAsync(options, TextWriter.Synchronized(output), TextWriter.Null, (site, proxy) => started.SetResult((site, proxy)), stop.Token);
        var (site, proxy) = await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        try
        {
            Assert.Contains("curl -H 'Host: shop.demo.test'", output.ToString(), StringComparison.Ordinal);
            var ca = X509CertificateLoader.LoadCertificateFromFile(site.CaPath);
            X509Certificate2? presented = null;
            using var client = Client(proxy, ca, c => presented = c);

            Assert.Equal("blue", await BackendOf(client, "http://shop.demo.test/"));
            Assert.Equal("green", await BackendOf(client, "http://shop.demo.test/api/orders"));

            using (var redirect = await client.GetAsync("http://app.demo.test/"))
            {
                Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
                Assert.Equal("https://app.demo.test/", redirect.Headers.Location!.OriginalString);
            }

            Assert.Equal("blue", await BackendOf(client, "https://app.demo.test/"));
            Assert.Equal("CN=*.demo.test", presented!.Subject);

            using (var bridged = await client.GetAsync("https://bridge.demo.test/"))
            {
                var echo = JsonDocument.Parse(await bridged.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal("secure", echo.GetProperty("backend").GetString());
                Assert.True(echo.GetProperty("tls").GetBoolean());
            }

            Assert.Equal("secure", await BackendOf(client, "https://secure.demo.test/"));
            Assert.Equal("CN=secure.demo.test", presented!.Subject); // passthrough: the backend's own certificate

            using (var denied = await client.GetAsync("http://admin.demo.test/"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "http://admin.demo.test/");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("demo:demo")));
            using var allowed = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(ExitCodes.Ok, await running);
        }

        Assert.False(Directory.Exists(site.Directory)); // the generated keys do not outlive the demo
    }

    private static async Task<string?> BackendOf(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("backend").GetString();
    }

    /// <summary>Like curl --resolve: every host goes to the proxy, certificates are checked against the demo CA.</summary>
    private static HttpClient Client(ProxyServer proxy, X509Certificate2 ca, Action<X509Certificate2> presented) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            var https = context.InitialRequestMessage.RequestUri!.Scheme == "https";
            await socket.ConnectAsync(IPAddress.Loopback, https ? proxy.HttpsPort : proxy.HttpPort, token);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                var leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                presented(leaf);
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) && chain.Build(leaf);
            },
        },
    });
}
