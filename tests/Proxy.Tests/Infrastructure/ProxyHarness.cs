using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Proxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace CloudIngress.Proxy.Tests.Infrastructure;

/// <summary>
/// A real <see cref="ProxyServer"/> on free loopback ports. Clients made here connect to the proxy
/// whatever host the URL names, so SNI and Host are what a real client would send.
/// </summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private ProxyHarness(ProxyServer server, StringWriter accessLog)
    {
        Server = server;
        AccessLog = accessLog;
    }

    public ProxyServer Server { get; }

    public StringWriter AccessLog { get; }

    public static async Task<ProxyHarness> StartAsync(ProxyOptions? options = null, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        var log = new StringWriter();
        options = (options ?? new ProxyOptions()) with { HttpPort = 0, HttpsPort = 0, AdminPort = 0, AccessLog = TextWriter.Synchronized(log) };
        if (Environment.GetEnvironmentVariable("CLOUDINGRESS_KESTREL_HTTP1") is "1" or "true")
        {
            // The suite on Kestrel's HTTP/1.1 stack (the engine's own tests excluded):
            // CLOUDINGRESS_KESTREL_HTTP1=1 dotnet test tests/Proxy.Tests --filter "FullyQualifiedName!~Proxy.Tests.Engine"
            options = options with { Http1Engine = false };
        }

        var server = await ProxyServer.StartAsync(options, loggers ?? NullLoggerFactory.Instance);
        return new ProxyHarness(server, log);
    }

    /// <summary>Builds the model of the manifests and applies it; object errors fail the test unless allowed.</summary>
    public GatewayModel Apply(string yaml, bool allowErrors = false)
    {
        var model = Build(yaml);
        if (!allowErrors)
        {
            var errors = model.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }

        Server.Apply(model);
        return model;
    }

    public static GatewayModel Build(string yaml)
    {
        var collector = new ManifestCollector();
        collector.AddText(yaml, "test.yaml");
        var set = collector.Build();
        Assert.True(set.Diagnostics.Count == 0, string.Join("\n", set.Diagnostics));
        return ModelBuilder.Build(set.Snapshot, BuildOptions.Default with { Now = DateTimeOffset.UtcNow });
    }

    /// <summary>
    /// An HTTP client that always connects to the proxy: http:// URLs to the HTTP port, https:// to
    /// the HTTPS port. Server certificates are checked against <paramref name="trust"/> (the test CA by
    /// default) and reported to <paramref name="seen"/>.
    /// </summary>
    public HttpClient Client(X509Certificate2? trust = null, Action<X509Certificate2>? seen = null, Version? version = null, bool anyCertificate = false)
    {
        trust ??= TestPki.Ca;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            ConnectCallback = async (context, token) =>
            {
                var port = context.InitialRequestMessage.RequestUri!.Scheme == "https" ? Server.HttpsPort : Server.HttpPort;
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, sent, errors) =>
                {
                    var presented = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                    seen?.Invoke(presented);
                    return anyCertificate || ChainsTo(presented, sent, trust, errors);
                },
            },
        };
        var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        if (version is not null)
        {
            client.DefaultRequestVersion = version;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return client;
    }

    public string AdminUrl(string path) => $"http://127.0.0.1:{Server.AdminPort}{path}";

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Like a real client: the intermediates the server sent help build the chain to the trusted root.</summary>
    private static bool ChainsTo(X509Certificate2 certificate, X509Chain? sent, X509Certificate2 ca, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (sent is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
        }

        return chain.Build(certificate);
    }
}
