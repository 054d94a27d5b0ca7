using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Api;
using CloudIngress.Kubernetes.Leader;
using CloudIngress.Kubernetes.Observe;
using CloudIngress.Proxy;
using CloudIngress.Proxy.Hosting;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Text.Json.Nodes;

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

    /// <summary>A provider that creates cloud resources; null for the Kestrel data plane alone.</summary>
    public ICloudApplier? Cloud { get; init; }

    /// <summary>Null runs without election: this replica always writes (one replica only).</summary>
    public LeaderElectionOptions? Election { get; init; }

    public TimeSpan BatchQuiet { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan BatchCap { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A full pass even without changes, so drift (a status edited by hand) is repaired.</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The in-cluster controller with the Kestrel data plane: Observe (informers) → Build (model) →
/// Apply (the proxy's route table, on every replica) → Publish (status and Events, leader only).
/// A rebuild covers the whole cluster, but one bad object only yields diagnostics for itself;
/// status writes go through a per-object work queue, so one failing write never holds up others.
/// </summary>
internal sealed partial class ClusterController
{
    private const string FieldManager = "cloudingress";
    private readonly KubernetesClient _client;
    private readonly ClusterControllerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ClusterCache _cache;
    private readonly LeaderElector? _elector;
    private readonly WorkQueue<ObjectRef> _statusQueue = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2), startsPerSecond: 50);
    private readonly Dictionary<ObjectRef, IReadOnlyList<LoadBalancerIngress>> _desired = [];
    private readonly Lock _desiredLock = new();
    private readonly ControllerMetrics _metrics = new();
    private readonly EventRecorder _events;
    private readonly SemaphoreSlim _wake = new(0);
    private int _failedPasses;

    public ClusterController(KubernetesClient client, ClusterControllerOptions options, ILoggerFactory loggers)
    {
        _client = client;
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("CloudIngress.Controller");
        _cache = new ClusterCache(client, loggers.CreateLogger("CloudIngress.Kubernetes"), options.WatchNamespace);
        var identity = options.Election?.Identity ?? Environment.MachineName;
        _events = new EventRecorder(client, "cloudingress", identity, _logger);
        if (options.Election is { } election)
        {
            _elector = new LeaderElector(client, election, loggers.CreateLogger("CloudIngress.Leader"));
            _elector.LeadershipChanged += _ => _wake.Release();
        }
    }

    public bool IsLeader => _elector?.IsLeader ?? true;

    public async Task RunAsync(Action<ProxyServer>? started, CancellationToken cancellationToken)
    {
        await using var server = await ProxyServer.StartAsync(_options.Proxy, _loggers, cancellationToken);
        server.Ready = () => _cache.Synced;
        server.ExtraMetrics = () => _metrics.Render(_statusQueue.Depth, _cache.WatchRestarts, IsLeader, _events.Emitted);
        LogListening(_logger, _options.Proxy.BindAddress, server.HttpPort, server.HttpsPort, server.AdminPort);
        started?.Invoke(server);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var background = new List<Task>
        {
            _cache.RunAsync(stop.Token),
            _statusQueue.RunAsync(WriteStatusAsync, workers: 2, stop.Token),
        };
        if (_elector is not null)
        {
            background.Add(_elector.RunAsync(stop.Token));
        }

        try
        {
            await WaitForSyncAsync(stop.Token);
            while (true)
            {
                await ReconcileAsync(server, stop.Token);
                await WaitForWorkAsync(stop.Token);
            }
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
        var started = Stopwatch.StartNew();
        while (!_cache.Synced)
        {
            await Task.Delay(20, cancellationToken);
        }

        LogSynced(_logger, started.Elapsed.TotalMilliseconds);
    }

    /// <summary>Waits for a cluster change, a change of leadership, or the resync period.</summary>
    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        using var any = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changes = _cache.WaitForChangesAsync(_options.BatchQuiet, _options.BatchCap, any.Token);
        var wake = _wake.WaitAsync(any.Token);
        // After a failed pass (a cloud API refusing, say) try again with backoff even if nothing changes.
        var idle = _failedPasses == 0 ? _options.Resync
            : TimeSpan.FromMilliseconds(Math.Min(_options.Resync.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(_failedPasses - 1, 20))));
        await Task.WhenAny(changes, wake, Task.Delay(idle, any.Token));
        await any.CancelAsync();
        try
        {
            await Task.WhenAll(changes, wake);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task ReconcileAsync(ProxyServer server, CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        var success = false;
        try
        {
            var snapshot = _cache.Snapshot();
            var model = ModelBuilder.Build(snapshot, _options.Build with { Now = DateTimeOffset.UtcNow });
            foreach (var warning in server.Apply(model))
            {
                LogMergeWarning(_logger, warning);
            }

            LogApplied(_logger, model.Frontends.Count, model.Frontends.SelectMany(f => f.Listeners).SelectMany(l => l.VirtualHosts).Sum(h => h.Routes.Count),
                model.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error), took.Elapsed.TotalMilliseconds);
            if (IsLeader)
            {
                await PublishAsync(snapshot, model, cancellationToken);
            }

            success = true;
            _failedPasses = 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failedPasses++;
            LogReconcileFailed(_logger, e.GetType().Name, e.Message); // retried with backoff, or on the next change
        }
        finally
        {
            _metrics.Reconciled(took.Elapsed, success);
        }
    }

    private async Task PublishAsync(ClusterSnapshot snapshot, GatewayModel model, CancellationToken cancellationToken)
    {
        IReadOnlyList<StatusWrite> writes;
        if (_options.Cloud is { } cloud)
        {
            // Finalizer first, then cloud resources: an object deleted at any moment still has
            // its cloud side cleaned up before it goes.
            await PatchFinalizersAsync(FinalizerPlan.ToAdd(snapshot, model), cancellationToken);
            CloudAddresses addresses;
            try
            {
                addresses = await cloud.ApplyAsync(model, cancellationToken);
            }
            catch
            {
                await _events.RecordAsync(model.Diagnostics, snapshot, cancellationToken);
                throw;
            }

            // What the cloud cannot express (its Translate stage) is reported like the model's own findings.
            await _events.RecordAsync([.. model.Diagnostics, .. addresses.Diagnostics], snapshot, cancellationToken);
            await PatchFinalizersAsync(FinalizerPlan.ToRemoveAfterApply(snapshot, model), cancellationToken);
            writes = StatusPlan.Compute(snapshot, model, addresses.For);
        }
        else
        {
            await _events.RecordAsync(model.Diagnostics, snapshot, cancellationToken);
            var addresses = await PublishAddressesAsync(cancellationToken);
            if (addresses is null)
            {
                return;
            }

            writes = StatusPlan.Compute(snapshot, model, addresses);
        }

        foreach (var write in writes)
        {
            lock (_desiredLock)
            {
                _desired[write.Object] = write.Ingress;
            }

            _statusQueue.Add(write.Object);
        }
    }

    /// <summary>
    /// Sets the finalizer list guarded by the resourceVersion it was computed from: a 409 means
    /// the object changed meanwhile, and the pass is retried on that change.
    /// </summary>
    private async Task PatchFinalizersAsync(IReadOnlyList<FinalizerChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = change.ResourceVersion,
                    ["finalizers"] = new JsonArray([.. change.Finalizers.Select(f => (JsonNode)JsonValue.Create(f))]),
                },
            };
            try
            {
                await PatchAsync(change.Object, patch, null, cancellationToken);

                LogFinalizer(_logger, change.Object.ToString(), change.Finalizers.Contains(FinalizerPlan.Finalizer) ? "added" : "removed");
            }
            catch (KubernetesApiException e) when (e.IsNotFound)
            {
            }
        }
    }

    /// <summary>A merge patch on an Ingress or a Service (the two kinds that own frontends).</summary>
    private Task PatchAsync(ObjectRef target, JsonNode patch, string? subresource, CancellationToken cancellationToken) =>
        target.Kind == Service.KindValue
            ? _client.PatchAsync(ResourceTypes.Services, target.Namespace, target.Name, patch, subresource, cancellationToken)
            : _client.PatchAsync(ResourceTypes.Ingresses, target.Namespace, target.Name, patch, subresource, cancellationToken);

    /// <summary>The configured addresses, or the published Service's (its load balancer's, else its cluster IP).</summary>
    private async Task<IReadOnlyList<string>?> PublishAddressesAsync(CancellationToken cancellationToken)
    {
        if (_options.PublishService is not { } reference)
        {
            return _options.PublishAddresses.Count > 0 ? _options.PublishAddresses : null;
        }

        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        try
        {
            var service = await _client.GetAsync(ResourceTypes.Services, reference[..slash], reference[(slash + 1)..], cancellationToken);
            var balanced = service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip ?? i.Hostname).OfType<string>().ToList() ?? [];
            return balanced.Count > 0 ? balanced
                : service.Spec?.ClusterIP is { Length: > 0 } ip && ip != "None" ? [ip]
                : null;
        }
        catch (KubernetesApiException e)
        {
            LogPublishServiceFailed(_logger, reference, e.Message);
            return null;
        }
    }

    /// <summary>One status write; the latest desired value wins, and it is skipped when the cache already shows it.</summary>
    private async Task<bool> WriteStatusAsync(ObjectRef target, CancellationToken cancellationToken)
    {
        if (!IsLeader)
        {
            return true; // the new leader recomputes everything
        }

        IReadOnlyList<LoadBalancerIngress> desired;
        lock (_desiredLock)
        {
            if (!_desired.Remove(target, out desired!))
            {
                return true;
            }
        }

        var ingress = new JsonArray([.. desired.Select(i => (JsonNode)(i.Ip is not null ? new JsonObject { ["ip"] = i.Ip } : new JsonObject { ["hostname"] = i.Hostname }))]);
        var patch = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = desired.Count > 0 ? ingress : null } } };
        try
        {
            // A merge patch replaces the list as a whole and removes it with null, which is what
            // "these are the addresses now" means; it never touches the rest of the object.
            await PatchAsync(target, patch, "status", cancellationToken);

            _metrics.StatusWritten(success: true);
            LogStatusWritten(_logger, target.ToString(), desired.Count == 0 ? "(cleared)" : string.Join(", ", desired.Select(i => i.Ip ?? i.Hostname)));
            return true;
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return true; // deleted meanwhile: nothing to publish
        }
        catch (KubernetesApiException e)
        {
            _metrics.StatusWritten(success: false);
            LogStatusFailed(_logger, target.ToString(), e.Message);
            lock (_desiredLock)
            {
                _desired.TryAdd(target, desired);
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "listening on {Bind}: http {HttpPort}, https {HttpsPort}, admin {AdminPort} (/healthz, /readyz, /metrics)")]
    private static partial void LogListening(ILogger logger, string bind, int httpPort, int httpsPort, int adminPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "caches synced in {Milliseconds:F0} ms")]
    private static partial void LogSynced(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration applied: {Frontends} frontend(s), {Routes} route(s), {Errors} object error(s) in {Milliseconds:F1} ms")]
    private static partial void LogApplied(ILogger logger, int frontends, int routes, int errors, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogMergeWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Error, Message = "reconcile failed ({Error}: {Message}); retrying on the next change")]
    private static partial void LogReconcileFailed(ILogger logger, string error, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "--publish-service {Service}: {Message}; status not written")]
    private static partial void LogPublishServiceFailed(ILogger logger, string service, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "status of {Object}: {Addresses}")]
    private static partial void LogStatusWritten(ILogger logger, string @object, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "status of {Object} not written: {Message}; retrying with backoff")]
    private static partial void LogStatusFailed(ILogger logger, string @object, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "finalizer {Change} on {Object}")]
    private static partial void LogFinalizer(ILogger logger, string @object, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "shutting down: draining in-flight requests for up to {Seconds}s")]
    private static partial void LogDraining(ILogger logger, double seconds);
}
