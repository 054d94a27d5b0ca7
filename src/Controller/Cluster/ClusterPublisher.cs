using CloudIngress.Controller.Reconcile;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Client;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;

namespace CloudIngress.Controller.Cluster;

/// <summary>
/// Publish in a cluster: finalizers around cloud applies, Events from diagnostics, and addresses
/// into <c>status.loadBalancer.ingress</c> through a per-object work queue, so one failing write
/// never holds up the others. Only the leader writes.
/// </summary>
internal sealed partial class ClusterPublisher : IPublisher
{
    private const string FieldManager = "cloudingress";
    private readonly IKubernetes _client;
    private readonly ClusterControllerOptions _options;
    private readonly Func<bool> _isLeader;
    private readonly ILogger _logger;
    private readonly Dictionary<ObjectRef, IReadOnlyList<LoadBalancerIngress>> _desired = [];
    private readonly Lock _desiredLock = new();

    public ClusterPublisher(IKubernetes client, ClusterControllerOptions options, Func<bool> isLeader, TimeProvider time, ILogger logger)
    {
        _client = client;
        _options = options;
        _isLeader = isLeader;
        _logger = logger;
        Events = new EventRecorder(client, FieldManager, options.Election?.Identity ?? Environment.MachineName, logger, time);
        StatusQueue = new WorkQueue<ObjectRef>(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2), startsPerSecond: 50, time);
    }

    public bool IsLeader => _isLeader();

    public ControllerMetrics Metrics { get; } = new();

    public EventRecorder Events { get; }

    public WorkQueue<ObjectRef> StatusQueue { get; }

    public Task RunAsync(CancellationToken cancellationToken) => StatusQueue.RunAsync(WriteStatusAsync, workers: 2, cancellationToken);

    /// <summary>Finalizer first, then cloud resources: an object deleted at any moment still has its cloud side cleaned up before it goes.</summary>
    public Task BeforeApplyAsync(ClusterSnapshot snapshot, GatewayModel model, CancellationToken cancellationToken) =>
        PatchFinalizersAsync(FinalizerPlan.ToAdd(snapshot, model), cancellationToken);

    public async Task PublishAsync(ClusterSnapshot snapshot, GatewayModel model, ProviderApplyResult applied, bool ownsCloudResources, CancellationToken cancellationToken)
    {
        // What the provider cannot express (its Translate stage) is reported like the model's own findings.
        await Events.RecordAsync([.. model.Diagnostics, .. applied.Diagnostics], snapshot, cancellationToken);
        IReadOnlyList<StatusWrite> writes;
        if (ownsCloudResources)
        {
            await PatchFinalizersAsync(FinalizerPlan.ToRemoveAfterApply(snapshot, model), cancellationToken);
            writes = StatusPlan.Compute(snapshot, model, applied.For);
        }
        else if (applied.ByFrontend.Count > 0 || applied.ByMember.Count > 0)
        {
            writes = StatusPlan.Compute(snapshot, model, applied.For);
        }
        else if (await PublishServiceAddressesAsync(cancellationToken) is { } addresses)
        {
            writes = StatusPlan.Compute(snapshot, model, addresses);
        }
        else
        {
            return;
        }

        foreach (var write in writes)
        {
            lock (_desiredLock)
            {
                _desired[write.Object] = write.Ingress;
            }

            StatusQueue.Add(write.Object);
        }
    }

    public Task ReportFailureAsync(ClusterSnapshot snapshot, GatewayModel model, IReadOnlyList<Diagnostic> diagnostics, CancellationToken cancellationToken) =>
        Events.RecordAsync([.. model.Diagnostics, .. diagnostics], snapshot, cancellationToken);

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
                await PatchAsync(change.Object, patch, status: false, cancellationToken);
                LogFinalizer(_logger, change.Object.ToString(), change.Finalizers.Contains(FinalizerPlan.Finalizer) ? "added" : "removed");
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
            }
        }
    }

    /// <summary>A merge patch, as <see cref="FieldManager"/>, on an Ingress or a Service (the two kinds that own frontends), or on its /status.</summary>
    private async Task PatchAsync(ObjectRef target, JsonNode patch, bool status, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        var (ns, name) = (target.Namespace ?? ObjectRefs.DefaultNamespace, target.Name);
        _ = (target.Kind == Service.KindValue, status) switch
        {
            (true, false) => (object)await _client.CoreV1.PatchNamespacedServiceAsync(body, name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken),
            (true, true) => await _client.CoreV1.PatchNamespacedServiceStatusAsync(body, name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken),
            (false, false) => await _client.NetworkingV1.PatchNamespacedIngressAsync(body, name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken),
            (false, true) => await _client.NetworkingV1.PatchNamespacedIngressStatusAsync(body, name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken),
        };
    }

    /// <summary>The <c>--publish-service</c>'s address (its load balancer's, else its cluster IP); null when there is none.</summary>
    private async Task<IReadOnlyList<string>?> PublishServiceAddressesAsync(CancellationToken cancellationToken)
    {
        if (_options.PublishService is not { } reference)
        {
            return null;
        }

        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        try
        {
            var service = await _client.CoreV1.ReadNamespacedServiceAsync(reference[(slash + 1)..], reference[..slash], cancellationToken: cancellationToken);
            var balanced = service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip ?? i.Hostname).OfType<string>().ToList() ?? [];
            return balanced.Count > 0 ? balanced
                : service.Spec?.ClusterIP is { Length: > 0 } ip && ip != "None" ? [ip]
                : null;
        }
        catch (Exception e) when (ApiErrors.IsApiFailure(e))
        {
            LogPublishServiceFailed(_logger, reference, ApiErrors.Describe(e));
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
            await PatchAsync(target, patch, status: true, cancellationToken);
            Metrics.StatusWritten(success: true);
            LogStatusWritten(_logger, target.ToString(), desired.Count == 0 ? "(cleared)" : string.Join(", ", desired.Select(i => i.Ip ?? i.Hostname)));
            return true;
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return true; // deleted meanwhile: nothing to publish
        }
        catch (Exception e) when (ApiErrors.IsApiFailure(e))
        {
            Metrics.StatusWritten(success: false);
            LogStatusFailed(_logger, target.ToString(), ApiErrors.Describe(e));
            lock (_desiredLock)
            {
                _desired.TryAdd(target, desired);
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "--publish-service {Service}: {Message}; status not written")]
    private static partial void LogPublishServiceFailed(ILogger logger, string service, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "status of {Object}: {Addresses}")]
    private static partial void LogStatusWritten(ILogger logger, string @object, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "status of {Object} not written: {Message}; retrying with backoff")]
    private static partial void LogStatusFailed(ILogger logger, string @object, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "finalizer {Change} on {Object}")]
    private static partial void LogFinalizer(ILogger logger, string @object, string change);
}
