using CloudIngress.Core.Annotations;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Client;
using k8s;
using Microsoft.Extensions.Logging;
using System.Threading.Channels;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// The Observe stage against a cluster: informers for every kind the build reads, snapshots of
/// them, and the decision whether a change needs a rebuild (a Secret nobody refers to does not).
/// Secrets other than <c>kubernetes.io/tls</c> are kept without their data until an Ingress
/// annotation refers to them; then they are fetched. Changes are batched with a short, capped delay,
/// measured on the <see cref="TimeProvider"/> given.
/// </summary>
public sealed partial class ClusterCache
{
    private static readonly string[] SecretAnnotationKeys =
        [.. AnnotationCatalog.Get(AnnotationCatalog.AuthSecretSetting).Keys.Concat(AnnotationCatalog.Get(AnnotationCatalog.BackendCaSecretSetting).Keys).Select(k => k.Name)];

    private readonly IKubernetes _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private HashSet<string> _referenced = new(StringComparer.Ordinal);
    private long _lastChange;

    /// <summary>With <paramref name="observeMetalLb"/>, Namespaces and MetalLB's pools and advertisements are observed too (their CRDs must exist).</summary>
    public ClusterCache(IKubernetes client, ILogger logger, string? watchNamespace = null, TimeProvider? time = null, bool observeMetalLb = false)
    {
        _client = client;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Ingresses = new Informer<Ingress>(ObservedKinds.Ingresses(client, watchNamespace), logger, time: _time);
        IngressClasses = new Informer<IngressClass>(ObservedKinds.IngressClasses(client), logger, time: _time);
        Services = new Informer<Service>(ObservedKinds.Services(client, watchNamespace), logger, time: _time);
        EndpointSlices = new Informer<EndpointSlice>(ObservedKinds.EndpointSlices(client, watchNamespace), logger, time: _time);
        Secrets = new Informer<Secret>(ObservedKinds.Secrets(client, watchNamespace), logger, Keep, _time);

        if (observeMetalLb)
        {
            MetalLb = new MetalLbInformers(
                new Informer<Namespace>(CustomObjectFeeds.Namespaces(client), logger, time: _time),
                new Informer<Core.Resources.IPAddressPool>(CustomObjectFeeds.AddressPools(client), logger, time: _time),
                new Informer<Core.Resources.L2Advertisement>(CustomObjectFeeds.L2Advertisements(client), logger, time: _time),
                new Informer<BGPAdvertisement>(CustomObjectFeeds.BgpAdvertisements(client), logger, time: _time));
            MetalLb.Namespaces.Changed += (_, _) => Signal();
            MetalLb.Pools.Changed += (_, _) => Signal();
            MetalLb.L2.Changed += (_, _) => Signal();
            MetalLb.Bgp.Changed += (_, _) => Signal();
        }

        Ingresses.Changed += (_, _) => OnIngressChanged();
        IngressClasses.Changed += (_, _) => Signal();
        Services.Changed += (_, _) => Signal();
        EndpointSlices.Changed += (_, _) => Signal();
        Secrets.Changed += (_, secret) =>
        {
            if (Matters(secret))
            {
                Signal();
            }
        };
    }

    public Informer<Ingress> Ingresses { get; }

    public Informer<IngressClass> IngressClasses { get; }

    public Informer<Service> Services { get; }

    public Informer<EndpointSlice> EndpointSlices { get; }

    public Informer<Secret> Secrets { get; }

    /// <summary>Namespaces and MetalLB's objects, when asked for.</summary>
    public MetalLbInformers? MetalLb { get; }

    public bool Synced => Ingresses.Synced && IngressClasses.Synced && Services.Synced && EndpointSlices.Synced && Secrets.Synced && (MetalLb?.Synced ?? true);

    /// <summary>Completes once every informer has listed.</summary>
    public Task WhenSynced => Task.WhenAll(Ingresses.WhenSynced, IngressClasses.WhenSynced, Services.WhenSynced, EndpointSlices.WhenSynced, Secrets.WhenSynced,
        MetalLb?.WhenSynced ?? Task.CompletedTask);

    public long WatchRestarts => Ingresses.WatchRestarts + IngressClasses.WatchRestarts + Services.WatchRestarts + EndpointSlices.WatchRestarts + Secrets.WatchRestarts
        + (MetalLb?.WatchRestarts ?? 0);

    /// <summary>A change needing a rebuild was signalled and no <see cref="WaitForChangesAsync"/> has taken it yet.</summary>
    internal bool ChangePending => _changes.Reader.Count > 0;

    /// <summary>Runs every informer until cancelled; once all have listed, referenced Secrets are fetched and a first rebuild is signalled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(
            Ingresses.RunAsync(cancellationToken), IngressClasses.RunAsync(cancellationToken), Services.RunAsync(cancellationToken),
            EndpointSlices.RunAsync(cancellationToken), Secrets.RunAsync(cancellationToken), MetalLb?.RunAsync(cancellationToken) ?? Task.CompletedTask);
        await Task.WhenAny(all, WhenSynced);

        if (Synced)
        {
            OnIngressChanged();
        }

        await all;
    }

    /// <summary>
    /// A snapshot that answers every change signalled so far, which it takes: each signal is raised
    /// after its change is stored, so a pass over this snapshot has seen it. Without this the
    /// first pass after the sync was followed by a second one over the same objects (the sync's
    /// own signal), a full rebuild of a large cluster for nothing.
    /// </summary>
    public ClusterSnapshot TakeSnapshot()
    {
        _changes.Reader.TryRead(out _);
        return Snapshot();
    }

    public ClusterSnapshot Snapshot() => new()
    {
        Ingresses = [.. Ingresses.Items],
        IngressClasses = [.. IngressClasses.Items],
        Services = [.. Services.Items],
        EndpointSlices = [.. EndpointSlices.Items],
        Secrets = [.. Secrets.Items.Where(s => s.Data is not null || s.StringData is not null)],
        Namespaces = MetalLb is null ? [] : [.. MetalLb.Namespaces.Items],
        AddressPools = MetalLb is null ? [] : [.. MetalLb.Pools.Items],
        L2Advertisements = MetalLb is null ? [] : [.. MetalLb.L2.Items],
        BGPAdvertisements = MetalLb is null ? [] : [.. MetalLb.Bgp.Items],
    };

    /// <summary>
    /// Waits for a change that needs a rebuild, then lets a burst settle: returns after
    /// <paramref name="quiet"/> without further changes, or at most <paramref name="cap"/> after the first.
    /// </summary>
    public async Task WaitForChangesAsync(TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken)
    {
        await _changes.Reader.ReadAsync(cancellationToken);
        var first = _time.GetTimestamp();
        while (true)
        {
            // Measured from the last change's time, not from when this loop woke, so a change
            // made while time stood still (a fake clock, a stalled thread) still counts as recent.
            var quietLeft = quiet - _time.GetElapsedTime(Interlocked.Read(ref _lastChange));
            var capLeft = cap - _time.GetElapsedTime(first);
            var wait = quietLeft < capLeft ? quietLeft : capLeft;
            if (wait <= TimeSpan.Zero)
            {
                _changes.Reader.TryRead(out _); // a change signalled meanwhile is in this batch
                return;
            }

            await Task.Delay(wait, _time, cancellationToken);
        }
    }

    private void Signal()
    {
        Interlocked.Exchange(ref _lastChange, _time.GetTimestamp());
        _changes.Writer.TryWrite(true);
    }

    /// <summary>TLS Secrets are kept whole; others only when an annotation refers to them, else without data.</summary>
    private Secret Keep(Secret secret) =>
        secret.Type == Secret.TlsType || _referenced.Contains($"{secret.Metadata.Namespace}/{secret.Metadata.Name}")
            ? secret
            : secret with { Data = null, StringData = null };

    private bool Matters(Secret secret)
    {
        var key = $"{secret.Metadata.Namespace}/{secret.Metadata.Name}";
        return _referenced.Contains(key) || Ingresses.Items.Any(i => i.Metadata.Namespace == secret.Metadata.Namespace
            && (i.Spec?.Tls?.Any(t => t.SecretName == secret.Metadata.Name) ?? false));
    }

    /// <summary>Recomputes which Secrets annotations refer to, and fetches the ones held without data.</summary>
    private void OnIngressChanged()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ingress in Ingresses.Items)
        {
            foreach (var key in SecretAnnotationKeys)
            {
                if (ingress.Metadata.Annotations?.GetValueOrDefault(key) is { Length: > 0 } value)
                {
                    var name = value.Contains('/', StringComparison.Ordinal) ? value : $"{ingress.Metadata.Namespace}/{value}";
                    referenced.Add(name);
                }
            }
        }

        _referenced = referenced;
        var missing = Secrets.Items.Where(s => s.Data is null && s.StringData is null && referenced.Contains($"{s.Metadata.Namespace}/{s.Metadata.Name}")).ToList();
        if (missing.Count == 0)
        {
            Signal();
            return;
        }

        _ = Task.Run(async () =>
        {
            foreach (var stub in missing)
            {
                try
                {
                    Secrets.Put(CoreMapper.Secret(await _client.CoreV1.ReadNamespacedSecretAsync(stub.Metadata.Name!, stub.Metadata.Namespace!)));
                }
                catch (Exception e) when (ApiErrors.IsApiFailure(e))
                {
                    LogFetchFailed(_logger, stub.Metadata.Namespace, stub.Metadata.Name, ApiErrors.Describe(e));
                }
            }

            Signal();
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not fetch Secret {Namespace}/{Name} that an annotation refers to: {Message}")]
    private static partial void LogFetchFailed(ILogger logger, string? @namespace, string? name, string message);
}
