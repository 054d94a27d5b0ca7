using CloudIngress.Controller.Reconcile;
using CloudIngress.Core.Build;
using CloudIngress.Core.Providers;
using CloudIngress.Kubernetes.Client;
using CloudIngress.Kubernetes.Observe;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using CloudIngress.Proxy.Provider;
using CloudIngress.Providers.MetalLb;
using Microsoft.Extensions.Logging;

namespace CloudIngress.Controller.Cluster;

/// <summary>What <c>cloudingress run</c> was asked to do.</summary>
internal sealed record ClusterControllerOptions
{
    public required BuildOptions Build { get; init; }

    public required ProxyOptions Proxy { get; init; }

    public string? WatchNamespace { get; init; }

    /// <summary>Addresses written into status; or the Service whose address is used (<c>namespace/name</c>).</summary>
    public IReadOnlyList<string> PublishAddresses { get; init; } = [];

    public string? PublishService { get; init; }

    /// <summary>The provider and its settings; Kestrel's (this process's proxy alone) by default.</summary>
    public IProviderDefinition Provider { get; init; } = new KestrelProviderDefinition();

    public ProviderSettings ProviderSettings { get; init; } = new() { Verb = ProviderVerb.Run };

    /// <summary>Null runs without election: this replica always writes (one replica only).</summary>
    public LeaderElectionOptions? Election { get; init; }

    public TimeSpan BatchQuiet { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan BatchCap { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A full pass even without changes: cloud drift and hand-edited status are repaired.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(10);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// The in-cluster controller: the informers are the reconciler's source, Kubernetes status and
/// Events its publisher. Every replica serves traffic with its own proxy; the one holding the
/// Lease writes to the cloud and to status.
/// </summary>
internal sealed partial class ClusterController
{
    private readonly ClusterControllerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ClusterCache _cache;
    private readonly k8s.IKubernetes _client;
    private readonly LeaderElection? _elector;
    private readonly ClusterPublisher _publisher;

    public ClusterController(k8s.IKubernetes client, ClusterControllerOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("CloudIngress.Controller");
        _client = client;
        // The MetalLB provider plans from every LoadBalancer Service and MetalLB's own objects, so those are observed too.
        _cache = new ClusterCache(client, loggers.CreateLogger("CloudIngress.Kubernetes"), options.WatchNamespace, options.Time,
            observeMetalLb: options.Provider.Name == MetalLbProvider.ProviderName);
        if (options.Election is { } election)
        {
            _elector = new LeaderElection(client, election, loggers.CreateLogger("CloudIngress.Leader"), options.Time);
        }

        _publisher = new ClusterPublisher(client, options, () => IsLeader, options.Time, _logger);
    }

    public bool IsLeader => _elector?.IsLeader ?? true;

    /// <summary>The reconcile loop, once running (tests read its counters).</summary>
    public Reconciler? Reconciler { get; private set; }

    public async Task RunAsync(Action<ProxyServer>? started, CancellationToken cancellationToken)
    {
        await using var server = await ProxyServer.StartAsync(_options.Proxy, _loggers, cancellationToken);
        var configured = _options.Provider.Configure(_options.ProviderSettings with
        {
            DataPlane = server,
            PublishAddresses = _options.PublishAddresses,
            Time = _options.Time,
            Snapshot = _cache.Snapshot,
            Services = new ClusterServices(_client),
        });
        using var provider = configured.Provider ?? throw new InvalidOperationException(configured.Error);
        // Every replica serves traffic: a provider that applies on the leader only leaves this proxy to the Kestrel provider.
        using var local = provider.Scope == ProviderScope.EveryReplica ? null : new KestrelProvider(server, []);
        var reconciler = new Reconciler(new ClusterSource(_cache, _options.BatchQuiet, _options.BatchCap), local ?? provider, provider, _publisher,
            new ReconcilerOptions { Build = _options.Build, Resync = _options.Resync }, _options.Time, _logger)
        {
            Reconciled = _publisher.Metrics.Reconciled,
            CloudCalls = _publisher.Metrics.CloudCalls,
        };
        Reconciler = reconciler;
        server.Ready = () => _cache.Synced;
        server.ExtraMetrics = () => _publisher.Metrics.Render(_publisher.StatusQueue.Depth, _cache.WatchRestarts, IsLeader, _publisher.Events.Emitted);
        LogListening(_logger, _options.Proxy.BindAddress, server.HttpPort, server.HttpsPort, server.AdminPort, provider.Name);
        started?.Invoke(server);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var background = new List<Task> { _cache.RunAsync(stop.Token), _publisher.RunAsync(stop.Token) };
        if (_elector is not null)
        {
            _elector.LeadershipChanged += _ => reconciler.Wake();
            background.Add(_elector.RunAsync(stop.Token));
        }

        try
        {
            await WaitForSyncAsync(stop.Token);
            await reconciler.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogDraining(_logger, _options.Proxy.ShutdownTimeout.TotalSeconds);
            await server.StopAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(background.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private async Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        var started = _options.Time.GetTimestamp();
        await _cache.WhenSynced.WaitAsync(cancellationToken);

        LogSynced(_logger, _options.Time.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "listening on {Bind}: http {HttpPort}, https {HttpsPort}, admin {AdminPort} (/healthz, /readyz, /metrics); provider {Provider}")]
    private static partial void LogListening(ILogger logger, string bind, int httpPort, int httpsPort, int adminPort, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "caches synced in {Milliseconds:F0} ms")]
    private static partial void LogSynced(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: draining in-flight requests for up to {Seconds}s")]
    private static partial void LogDraining(ILogger logger, double seconds);
}

/// <summary>What the controller shares with providers that write Kubernetes objects: the API client.</summary>
internal sealed class ClusterServices(k8s.IKubernetes client) : IServiceProvider
{
    public object? GetService(Type serviceType) => serviceType == typeof(k8s.IKubernetes) ? client : null;
}
