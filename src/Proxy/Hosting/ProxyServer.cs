using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Proxy.Backends;
using CloudIngress.Proxy.Forwarding;
using CloudIngress.Proxy.L4;
using CloudIngress.Proxy.Observability;
using CloudIngress.Proxy.Routing;
using CloudIngress.Proxy.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace CloudIngress.Proxy.Hosting;

/// <summary>
/// The data plane: Kestrel on an HTTP port, an HTTPS port (passthrough by SNI, else TLS offload
/// and bridge) and an admin port, plus a TCP port per L4 frontend port that follows the configuration. <see cref="Apply"/> swaps the configuration at any time without
/// dropping anything; <see cref="StopAsync"/> drains in-flight requests.
/// </summary>
public sealed class ProxyServer : IAsyncDisposable, ILocalDataPlane
{
    private readonly ProxyOptions _options;
    private readonly ProxyState _state;
    private readonly HealthProber _prober;
    private readonly AccessLog? _accessLog;
    private readonly WebApplication _proxy;
    private readonly WebApplication _admin;
    private readonly L4Listeners _l4;
    private readonly Lock _applying = new();
    private volatile bool _ready;

    private ProxyServer(ProxyOptions options, ILoggerFactory loggers)
    {
        _options = options;
        Metrics = new ProxyMetrics();
        _state = new ProxyState(options, Metrics, FallbackCertificate.Create());
        _prober = new HealthProber(_state);
        _accessLog = options.AccessLog is null ? null : new AccessLog(options.AccessLog);
        var handler = new ProxyRequestHandler(_state, new HttpForwarder(Metrics, options), options, _accessLog);
        var engine = options.Http1Engine ? new Engine.Http1Engine(_state, options, Metrics, _accessLog, options.Time) : null;
        var router = new SniRouter(_state, options, Metrics, loggers.CreateLogger("CloudIngress.Proxy.Passthrough"));
        _l4 = new L4Listeners(_state, options, Metrics, loggers);

        _proxy = Build(loggers, kestrel =>
        {
            var address = IPAddress.Parse(options.BindAddress);
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => async connection =>
                {
                    Metrics.ConnectionOpened();
                    try
                    {
                        await next(connection);
                    }
                    finally
                    {
                        Metrics.ConnectionClosed();
                    }
                });
                if (engine is not null)
                {
                    listen.Run(connection => engine.OnConnectionAsync(connection, https: false));
                }
            });
            kestrel.Listen(address, options.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(next => connection => router.OnConnectionAsync(connection, next));
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = SelectTls });
                if (engine is not null)
                {
                    // HTTP/2 (ALPN h2) stays on Kestrel's stack; everything else is HTTP/1.1 for the engine.
                    listen.Use(next => connection =>
                        connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol.Span.SequenceEqual(SslApplicationProtocol.Http2.Protocol.Span) == true
                            ? next(connection)
                            : engine.OnConnectionAsync(connection, https: true));
                }
            });
        });
        _proxy.Run(handler.HandleAsync);

        var admin = new AdminEndpoints(() => _state.Current, Metrics, () => _ready && (Ready?.Invoke() ?? true), () => ExtraMetrics?.Invoke());
        _admin = Build(loggers, kestrel => kestrel.Listen(IPAddress.Parse(options.BindAddress), options.AdminPort));
        _admin.Run(admin.HandleAsync);
    }

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    public int AdminPort { get; private set; }

    internal ProxyMetrics Metrics { get; }

    /// <summary>More Prometheus text appended to <c>/metrics</c> (the controller's own series).</summary>
    public Func<string>? ExtraMetrics { get; set; }

    /// <summary>A further condition for <c>/readyz</c>, on top of having a configuration and not draining.</summary>
    public Func<bool>? Ready { get; set; }

    internal RouteTable Current => _state.Current;

    internal ProxyState State => _state;

    /// <summary>The L4 ports listened on now.</summary>
    internal IReadOnlyList<int> L4Ports => _l4.Ports;

    /// <summary>Test seam: runs after a handshake's certificate is selected and held, before the handshake uses it.</summary>
    internal Func<Task>? CertificateSelected { get; set; }

    public static async Task<ProxyServer> StartAsync(ProxyOptions options, ILoggerFactory loggers, CancellationToken cancellationToken = default)
    {
        var server = new ProxyServer(options, loggers);
        await server._proxy.StartAsync(cancellationToken);
        await server._admin.StartAsync(cancellationToken);
        var proxyAddresses = Addresses(server._proxy);
        server.HttpPort = proxyAddresses.First(a => a.Scheme == "http").Port;
        server.HttpsPort = proxyAddresses.First(a => a.Scheme == "https").Port;
        server.AdminPort = Addresses(server._admin)[0].Port;
        server._prober.Start();
        return server;
    }

    /// <summary>Swaps in a new model; the proxy reports ready from the first one on.</summary>
    public IReadOnlyList<string> Apply(GatewayModel model)
    {
        IReadOnlyList<string> warnings;
        lock (_applying)
        {
            // Serialized so that the listeners follow the table just swapped in, not a later one.
            warnings = _state.Apply(model);
            _l4.Follow(_state.Current, ReservedPorts());
        }

        Metrics.Reloaded(success: true, DateTimeOffset.UtcNow);
        _ready = true;
        return warnings;
    }

    /// <summary>Counts a configuration that was refused (the previous one stays).</summary>
    public void ReportRejectedConfiguration() => Metrics.Reloaded(success: false, DateTimeOffset.UtcNow);

    /// <summary>Stops accepting, reports not ready, and waits for in-flight requests up to the shutdown timeout.</summary>
    public async Task StopAsync()
    {
        _ready = false;
        using var timeout = new CancellationTokenSource(_options.ShutdownTimeout);
        await Task.WhenAll(_proxy.StopAsync(timeout.Token), _l4.StopAsync(_options.ShutdownTimeout));
        await _admin.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _prober.DisposeAsync();
        await _proxy.DisposeAsync();
        await _l4.DisposeAsync(); // before the state: its connections hold route tables
        await _admin.DisposeAsync();
        if (_accessLog is not null)
        {
            await _accessLog.DisposeAsync();
        }

        _state.Dispose();
    }

    /// <summary>The proxy's own ports (bound ones once started, configured ones before), which no L4 frontend may take.</summary>
    private Dictionary<int, string> ReservedPorts()
    {
        var reserved = new Dictionary<int, string>();
        foreach (var (port, use) in new[] { (HttpPort, "HTTP"), (HttpsPort, "HTTPS"), (AdminPort, "admin"), (_options.HttpPort, "HTTP"), (_options.HttpsPort, "HTTPS"), (_options.AdminPort, "admin") })
        {
            if (port != 0)
            {
                reserved.TryAdd(port, use);
            }
        }

        return reserved;
    }

    private async ValueTask<SslServerAuthenticationOptions> SelectTls(TlsHandshakeCallbackContext context)
    {
        var table = _state.Acquire();
        Shared<SslStreamCertificateContext> certificate;
        try
        {
            // Held for the connection (SniRouter lets go when it closes): the table may be
            // replaced, and its certificates released, before this handshake is done with it.
            certificate = table.Certificates.Select(context.ClientHelloInfo.ServerName);
            if (!certificate.TryRetain())
            {
                throw new InvalidOperationException("a certificate of a live table was already released");
            }

            context.Connection.Features.Get<CertificateLease>()!.Hold(certificate);
        }
        finally
        {
            table.Release();
        }

        if (CertificateSelected is { } hook)
        {
            await hook();
        }

        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Value,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
    }

    private WebApplication Build(ILoggerFactory loggers, Action<KestrelServerOptions> listen)
    {
        // The proxy takes no settings files: without this the host watches appsettings*.json under
        // the working directory, recursively, and its watcher thread woke on every file written
        // there, on the proxy's cores.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = _options.ShutdownTimeout);
        // Continuations run on the socket's own thread: the proxy never blocks, and on few cores
        // the hop through the thread pool is a large share of a forwarded request's cost.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = _options.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = _options.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = _options.MaxRequestLineSize;
            kestrel.Limits.RequestHeadersTimeout = _options.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = _options.KeepAliveTimeout;
            kestrel.Limits.MaxConcurrentConnections = _options.MaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = _options.MaxConcurrentConnections;
            kestrel.Limits.MaxRequestBodySize = _options.MaxRequestBodyBytes;
            listen(kestrel);
        });
        return builder.Build();
    }

    private static List<Uri> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
}
