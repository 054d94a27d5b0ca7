using CloudIngress.Kubernetes.Config;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Kubernetes.Tests.Config;

/// <summary>The API-server handler over real TLS: trust, names, tls-server-name and the bearer token.</summary>
public sealed class KubernetesHttpTests : IAsyncLifetime
{
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa();
    private WebApplication _server = null!;
    private int _port;
    private string? _seenAuthorization;

    public async Task InitializeAsync()
    {
        // The certificate names the server "kubernetes" and 127.0.0.1, as API server certificates name their service IP.
        var certificate = TestCertificates.Issue(_ca, "kubernetes", ["kubernetes", "kubernetes.default.svc"], [IPAddress.Loopback]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null))));
        _server = builder.Build();
        _server.Run(context =>
        {
            _seenAuthorization = context.Request.Headers.Authorization;
            return context.Response.WriteAsync("{\"kind\":\"APIVersions\"}");
        });
        await _server.StartAsync();
        _port = new Uri(_server.Urls.First()).Port;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TrustedCa_ServerByIp_TokenSent()
    {
        using var client = Client(new ClusterConnection { Server = Server("127.0.0.1"), CaCertificates = [_ca], Token = new StaticToken("abc"), Source = "test" });
        Assert.Equal("{\"kind\":\"APIVersions\"}", await client.GetStringAsync("/api"));
        Assert.Equal("Bearer abc", _seenAuthorization);
    }

    [Fact]
    public async Task UntrustedCa_IsRefused()
    {
        using var other = TestCertificates.CreateCa();
        using var client = Client(new ClusterConnection { Server = Server("127.0.0.1"), CaCertificates = [other], Source = "test" });
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/api"));
    }

    [Fact]
    public async Task SystemRoots_DoNotTrustAPrivateCa()
    {
        using var client = Client(new ClusterConnection { Server = Server("127.0.0.1"), Source = "test" });
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("/api"));
    }

    [Fact]
    public async Task TlsServerName_IsTheNameChecked()
    {
        using var right = Client(new ClusterConnection { Server = Server("127.0.0.1"), CaCertificates = [_ca], TlsServerName = "kubernetes.default.svc", Source = "test" });
        Assert.Contains("APIVersions", await right.GetStringAsync("/api"), StringComparison.Ordinal);
        using var wrong = Client(new ClusterConnection { Server = Server("127.0.0.1"), CaCertificates = [_ca], TlsServerName = "evil.example.com", Source = "test" });
        await Assert.ThrowsAsync<HttpRequestException>(() => wrong.GetStringAsync("/api"));
    }

    [Fact]
    public async Task InsecureSkipVerify_OnlyWhenConfigured()
    {
        using var client = Client(new ClusterConnection { Server = Server("127.0.0.1"), InsecureSkipTlsVerify = true, Source = "test" });
        Assert.Contains("APIVersions", await client.GetStringAsync("/api"), StringComparison.Ordinal);
    }

    private Uri Server(string host) => new($"https://{host}:{_port}");

    private static HttpClient Client(ClusterConnection connection) =>
        new(KubernetesHttp.CreateHandler(connection)) { BaseAddress = connection.Server, Timeout = TimeSpan.FromSeconds(10) };
}
