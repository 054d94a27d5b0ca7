using CloudIngress.Proxy.Tests.Infrastructure;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Net.WebSockets;
using System.Text.Json;

namespace CloudIngress.Proxy.Tests;

/// <summary>Offload with SNI, passthrough with and without PROXY protocol, and bridge, all on one HTTPS port.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private TestBackend _web = null!;
    private TestBackend _tlsPod = null!;
    private RawTlsBackend _plainPassthrough = null!;
    private RawTlsBackend _v1Pod = null!;
    private RawTlsBackend _v2Pod = null!;
    private ProxyHarness _proxy = null!;

    public async Task InitializeAsync()
    {
        _web = await TestBackend.StartAsync("web");
        _tlsPod = await TestBackend.StartAsync("tls-pod", TestPki.Backend);
        _plainPassthrough = new RawTlsBackend(TestPki.Backend, expectProxyHeader: false);
        _v1Pod = new RawTlsBackend(TestPki.Backend, expectProxyHeader: true);
        _v2Pod = new RawTlsBackend(TestPki.Backend, expectProxyHeader: true);
        _proxy = await ProxyHarness.StartAsync();
        _proxy.Apply(
            Manifests.Service("web", _web.Port)
            + Manifests.Service("pod", "https", _tlsPod.Port)
            + Manifests.Service("plain", "https", _plainPassthrough.Port)
            + Manifests.Service("v1", "https", _v1Pod.Port)
            + Manifests.Service("v2", "https", _v2Pod.Port)
            + TestPki.TlsSecret("app-tls", TestPki.App)
            + TestPki.TlsSecret("wild-tls", TestPki.Wildcard)
            + TestPki.TlsSecret("default-tls", TestPki.Fallback)
            + TestPki.CaSecret("good-ca", TestPki.Ca)
            + TestPki.CaSecret("bad-ca", TestPki.OtherCa)
            + Manifests.Ingress("app", "app.example.com", "web", tls: "tls: [{hosts: [app.example.com], secretName: app-tls}, {secretName: default-tls}]")
            + Manifests.Ingress("wild", "*.example.com", "web", tls: "tls: [{hosts: ['*.example.com'], secretName: wild-tls}]")
            + Manifests.Ingress("pass", "secure.example.com", "plain", port: 443, annotations: "cloudingress.io/tls-mode: passthrough")
            + Manifests.Ingress("pass-v1", "v1.pods.test", "v1", port: 443, annotations: "cloudingress.io/tls-mode: passthrough, cloudingress.io/proxy-protocol: v1")
            + Manifests.Ingress("pass-v2", "v2.pods.test", "v2", port: 443, annotations: "cloudingress.io/tls-mode: passthrough, cloudingress.io/proxy-protocol: v2")
            + Manifests.Ingress("pass-denied", "denied.pods.test", "plain", port: 443,
                annotations: "cloudingress.io/tls-mode: passthrough, cloudingress.io/whitelist-source-range: 10.0.0.0/8")
            + Manifests.Ingress("bridge", "bridge.example.com", "pod", port: 443, tls: "tls: [{hosts: [bridge.example.com], secretName: wild-tls}]",
                annotations: "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: good-ca, cloudingress.io/backend-sni: backend.internal")
            + Manifests.Ingress("bridge-bad-ca", "badca.example.com", "pod", port: 443, tls: "tls: [{hosts: [badca.example.com], secretName: wild-tls}]",
                annotations: "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: bad-ca, cloudingress.io/backend-sni: backend.internal")
            + Manifests.Ingress("bridge-bad-name", "badname.example.com", "pod", port: 443, tls: "tls: [{hosts: [badname.example.com], secretName: wild-tls}]",
                annotations: "cloudingress.io/tls-mode: bridge, cloudingress.io/backend-ca-secret: good-ca, cloudingress.io/backend-sni: wrong.internal"));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _web.DisposeAsync();
        await _tlsPod.DisposeAsync();
        await _plainPassthrough.DisposeAsync();
        await _v1Pod.DisposeAsync();
        await _v2Pod.DisposeAsync();
    }

    [Theory]
    [InlineData("app.example.com", "CN=app.example.com")]
    [InlineData("shop.example.com", "CN=*.example.com")]
    [InlineData("unknown.test", "CN=default.example.com")]
    public async Task Offload_CertificateIsChosenBySni(string host, string subject)
    {
        var (certificate, protocol, alpn) = await HandshakeAsync(host);
        Assert.Equal(subject, certificate.Subject);
        Assert.True(protocol >= SslProtocols.Tls12);
        Assert.Equal(SslApplicationProtocol.Http2, alpn);
    }

    [Fact]
    public async Task Offload_WithoutSni_GetsTheDefaultCertificate()
    {
        var (certificate, _, _) = await HandshakeAsync(null);
        Assert.Equal("CN=default.example.com", certificate.Subject);
    }

    [Fact]
    public async Task Offload_OverHttp2_ForwardsPlainHttpToThePod()
    {
        using var client = _proxy.Client(version: System.Net.HttpVersion.Version20);
        using var response = await client.GetAsync("https://app.example.com/hello");
        Assert.Equal(System.Net.HttpVersion.Version20, response.Version);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("web", echo.GetProperty("backend").GetString());
        Assert.False(echo.GetProperty("tls").GetBoolean());
        Assert.Equal("https", _web.Seen.Last().Headers["x-forwarded-proto"]);
    }

    [Fact]
    public async Task Passthrough_ClientSeesThePodsOwnCertificate()
    {
        X509Certificate2? seen = null;
        using var client = _proxy.Client(seen: c => seen = c);
        using var response = await client.GetAsync("https://secure.example.com/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=secure.example.com", seen!.Subject);
        Assert.Equal("none", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Passthrough_ProxyProtocolV1_CarriesTheClientAddress()
    {
        using var client = _proxy.Client(anyCertificate: true);
        var header = await client.GetStringAsync("https://v1.pods.test/");
        Assert.Matches($@"^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ {_proxy.Server.HttpsPort}$", header);
    }

    [Fact]
    public async Task Passthrough_ProxyProtocolV2_CarriesTheClientAddress()
    {
        using var client = _proxy.Client(anyCertificate: true);
        var header = await client.GetStringAsync("https://v2.pods.test/");
        // signature, v2 PROXY, TCP over IPv4, 12 address bytes, 127.0.0.1 twice, then the ports
        var port = _proxy.Server.HttpsPort.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($"^v2 0D0A0D0A000D0A515549540A2111000C7F0000017F000001[0-9A-F]{{4}}{port}$", header);
    }

    [Fact]
    public async Task Passthrough_SourceRangeRefused_ClosesTheConnection()
    {
        using var client = _proxy.Client(anyCertificate: true);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("https://denied.pods.test/"));
    }

    [Fact]
    public async Task Bridge_VerifiesThePodAgainstTheCaAndSni()
    {
        using var client = _proxy.Client();
        using var response = await client.GetAsync("https://bridge.example.com/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("tls-pod", echo.GetProperty("backend").GetString());
        Assert.True(echo.GetProperty("tls").GetBoolean());
    }

    [Fact]
    public async Task Bridge_WebSocket_IsTunnelledToTheTlsPodBothWays()
    {
        // The upgrade goes over TLS twice: client to proxy (offload with the site's certificate),
        // proxy to pod (verified against the CA and the backend SNI), then the tunnel carries frames.
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, token) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await tcp.ConnectAsync(IPAddress.Loopback, _proxy.Server.HttpsPort, token);
                return new NetworkStream(tcp, ownsSocket: true);
            },
            // The proxy must present the site's own certificate (SNI bridge.example.com).
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestPki.Wildcard.GetCertHashString() },
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri("wss://bridge.example.com/ws"), invoker, CancellationToken.None);
        await WebSocketEcho.AssertEchoesAsync(socket, "hello", new string('x', 50_000));
    }

    [Theory]
    [InlineData("badca.example.com")]
    [InlineData("badname.example.com")]
    public async Task Bridge_UntrustedPodCertificate_FailsClosedWith502(string host)
    {
        using var client = _proxy.Client();
        using var response = await client.GetAsync($"https://{host}/");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("502 the backend's TLS certificate was not accepted\n", await response.Content.ReadAsStringAsync());
    }

    private async Task<(X509Certificate2 Certificate, SslProtocols Protocol, SslApplicationProtocol Alpn)> HandshakeAsync(string? serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _proxy.Server.HttpsPort);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName ?? string.Empty,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return (X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData()), tls.SslProtocol, tls.NegotiatedApplicationProtocol);
    }
}
