using CloudIngress.Core.Model;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using CloudIngress.Proxy.Tests.Infrastructure;
using CloudIngress.Proxy.Tls;
using CloudIngress.Tests;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Tests;

/// <summary>
/// Compiling is pure; transports, endpoints and certificates are bound at the swap, reused by
/// key, and released only when nothing that started on a table can still use them.
/// </summary>
public sealed class ResourceLifetimeTests
{
    /// <summary>Two pools with different transports (HTTP/1.1 and h2c), one certificate.</summary>
    private static readonly GatewayModel TwoPools = ProxyHarness.Build(
        Manifests.Service("blue", 18001) + Manifests.Service("green", 18002)
        + Manifests.Ingress("blue", "blue.example.com", "blue") + Manifests.Ingress("green", "green.example.com", "green", annotations: "cloudingress.io/backend-protocol: GRPC")
        + TestPki.TlsSecret("app-tls", TestPki.App)
        + Manifests.Ingress("app", "app.example.com", "blue", tls: "tls: [{hosts: [app.example.com], secretName: app-tls}]"));

    private static readonly GatewayModel OnePool = ProxyHarness.Build(Manifests.Service("blue", 18001) + Manifests.Ingress("blue", "blue.example.com", "blue"));

    [Fact]
    public void Compile_CreatesNoTransportAndBindsNothing()
    {
        var transports = new TransportFactory();
        using var state = new ProxyState(new ProxyOptions(), new ProxyMetrics(), FallbackCertificate.Create(), transports);

        var table = new RouteTableCompiler(new ProxyMetrics(), new ProxyOptions()).Compile(TwoPools);

        Assert.Equal(0, transports.Created);
        Assert.Equal(2, table.Backends.Count);
        Assert.All(table.Backends, b => Assert.False(b.IsBound));
        Assert.Equal(0, state.LoadedCertificates);
        Assert.Single(table.Tls.Certificates);
    }

    /// <summary>
    /// SslStream given a null certificate context fails the handshake with NotSupportedException
    /// "The server mode SSL must use a certificate with the associated private key": a table whose
    /// certificates are not bound yet has none to hand out, not a placeholder holding null.
    /// </summary>
    [Fact]
    public void Compile_TableNotBound_HasNoCertificateToHandOut()
    {
        var table = new RouteTableCompiler(new ProxyMetrics(), new ProxyOptions()).Compile(TwoPools);

        Assert.Throws<InvalidOperationException>(() => table.Certificates.Select("app.example.com"));
    }

    [Fact]
    public void Apply_SameModelTwice_ReusesTransportsEndpointsAndCertificates()
    {
        var transports = new TransportFactory();
        using var state = new ProxyState(new ProxyOptions(), new ProxyMetrics(), FallbackCertificate.Create(), transports);

        state.Apply(TwoPools);
        var first = state.Current;
        var created = transports.Created;
        state.Apply(TwoPools);
        var second = state.Current;

        Assert.Equal(2, created);
        Assert.Equal(created, transports.Created);
        Assert.Same(first.Backends[0].Transport, second.Backends[0].Transport);
        Assert.Same(first.Backends[0].Endpoints[0], second.Backends[0].Endpoints[0]);
        Assert.Same(first.Certificates.Select("app.example.com").Value, second.Certificates.Select("app.example.com").Value);
        Assert.Equal(1, state.LoadedCertificates);
    }

    [Fact]
    public void Apply_PoolRemoved_TransportReleasedWhenTheLastRequestOnTheOldTableEnds()
    {
        var transports = new TransportFactory();
        using var state = new ProxyState(new ProxyOptions(), new ProxyMetrics(), FallbackCertificate.Create(), transports);
        state.Apply(TwoPools);
        var inFlight = state.Acquire();

        state.Apply(OnePool);
        Assert.Equal(2, state.LiveTransports);
        Assert.Equal(1, state.LoadedCertificates);

        inFlight.Release();
        Assert.Equal(1, state.LiveTransports);
        Assert.Equal(0, state.LoadedCertificates);
        Assert.Equal(2, transports.Created);
    }

    /// <summary>
    /// The soak's handshake failure, made deterministic: a handshake selects a certificate, a reload
    /// replaces that certificate (and the old table drains) before the handshake uses it. Released
    /// then, SslStream would find a certificate whose key is gone; held by the connection, the
    /// handshake completes and the certificate goes when the connection closes.
    /// </summary>
    [Fact]
    public async Task CertificateReplacedDuringHandshake_HandshakeCompletes_ReleasedWhenConnectionCloses()
    {
        await using var web = await TestBackend.StartAsync("web");
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(TestPki.OffloadedApp(web.Port, TestPki.App));
        var selected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Server.CertificateSelected = () =>
        {
            selected.TrySetResult();
            return resume.Task;
        };

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, proxy.Server.HttpsPort);
        var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        var handshake = tls.AuthenticateAsClientAsync("app.example.com");
        await selected.Task;
        using var renewed = TestPki.Issue("app.example.com renewed", "app.example.com");
        proxy.Apply(TestPki.OffloadedApp(web.Port, renewed));

        resume.SetResult();
        await handshake;
        Assert.Equal("CN=app.example.com", X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData()).Subject);
        Assert.Equal(2, proxy.Server.State.LoadedCertificates); // the old one is the open connection's
        await tls.DisposeAsync();
        tcp.Dispose();
        await Eventually.Until(() => proxy.Server.State.LoadedCertificates == 1, what: "the replaced certificate released after its connection closed");
    }
}
