using CloudIngress.Controller.Cluster;
using CloudIngress.Controller.Reconcile;
using CloudIngress.Core.Build;
using CloudIngress.Core.Providers;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Proxy.Provider;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Controller.Standalone;

/// <summary>
/// Manifests mode (<c>serve</c>): the reconciler with a manifests directory as its source and
/// the log as its publisher. At start it serves what loads; on a change it reloads, except that
/// a document that no longer parses keeps the last good configuration (applying without it would
/// silently drop its routes). Problems in single objects are diagnostics: they are logged and the
/// rest is served.
/// </summary>
internal sealed partial class StandaloneServer(string manifests, ProxyOptions proxyOptions, BuildOptions buildOptions, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("CloudIngress");

    /// <summary>The provider besides this process's proxy (Kestrel's alone by default).</summary>
    public IProviderDefinition Provider { get; init; } = new KestrelProviderDefinition();

    public ProviderSettings ProviderSettings { get; init; } = new() { Verb = ProviderVerb.Run };

    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public async Task RunAsync(Action<ProxyServer>? started, CancellationToken cancellationToken)
    {
        using var source = new ManifestSource(manifests);
        await using var server = await ProxyServer.StartAsync(proxyOptions, loggers, cancellationToken);
        var configured = Provider.Configure(ProviderSettings with { DataPlane = server, Time = Time });
        using var provider = configured.Provider ?? throw new InvalidOperationException(configured.Error);
        using var local = provider.Scope == ProviderScope.EveryReplica ? null : new KestrelProvider(server, []);
        var metrics = new ControllerMetrics();
        var reconciler = new Reconciler(source, local ?? provider, provider, new LogPublisher(_logger),
            new ReconcilerOptions { Build = buildOptions, Resync = Resync }, Time, _logger)
        {
            Rejected = server.ReportRejectedConfiguration,
            Reconciled = metrics.Reconciled,
            CloudCalls = metrics.CloudCalls,
        };
        server.ExtraMetrics = metrics.RenderManifests;
        await reconciler.PassAsync(cancellationToken);
        LogListening(_logger, proxyOptions.BindAddress, server.HttpPort, server.HttpsPort, server.AdminPort);
        started?.Invoke(server);
        try
        {
            await reconciler.WatchAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogDraining(_logger, proxyOptions.ShutdownTimeout.TotalSeconds);
            await server.StopAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "listening on {Bind}: http {HttpPort}, https {HttpsPort}, admin {AdminPort} (/healthz, /readyz, /metrics)")]
    private static partial void LogListening(ILogger logger, string bind, int httpPort, int httpsPort, int adminPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: draining in-flight requests for up to {Seconds}s")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
