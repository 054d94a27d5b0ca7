using CloudIngress.Core.Annotations;
using CloudIngress.Core.Resources;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Api;
using Microsoft.Extensions.Logging;
using System.Threading.Channels;

namespace CloudIngress.Kubernetes.Observe;

/// <summary>
/// The Observe stage against a cluster: informers for every kind the build reads, snapshots of
/// them, and the decision whether a change needs a rebuild (a Secret nobody refers to does not).
/// Secrets other than <c>kubernetes.io/tls</c> are kept without their data until an Ingress
/// annotation refers to them; then they are fetched. Changes are batched with a short, capped delay.
/// </summary>
public sealed partial class ClusterCache
{
    private static readonly string[] SecretAnnotationKeys =
        [.. AnnotationCatalog.Get(AnnotationCatalog.AuthSecretSetting).Keys.Concat(AnnotationCatalog.Get(AnnotationCatalog.BackendCaSecretSetting).Keys).Select(k => k.Name)];

    private readonly KubernetesClient _client;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private HashSet<string> _referenced = new(StringComparer.Ordinal);

    public ClusterCache(KubernetesClient client, ILogger logger, string? watchNamespace = null)
    {
        _client = client;
        _logger = logger;
        Ingresses = new Informer<Ingress>(client, ResourceTypes.Ingresses, watchNamespace, logger);
        IngressClasses = new Informer<IngressClass>(client, ResourceTypes.IngressClasses, null, logger);
        Services = new Informer<Service>(client, ResourceTypes.Services, watchNamespace, logger);
        EndpointSlices = new Informer<EndpointSlice>(client, ResourceTypes.EndpointSlices, watchNamespace, logger);
        Secrets = new Informer<Secret>(client, ResourceTypes.Secrets, watchNamespace, logger, Keep);

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

    public bool Synced => Ingresses.Synced && IngressClasses.Synced && Services.Synced && EndpointSlices.Synced && Secrets.Synced;

    public long WatchRestarts => Ingresses.WatchRestarts + IngressClasses.WatchRestarts + Services.WatchRestarts + EndpointSlices.WatchRestarts + Secrets.WatchRestarts;

    /// <summary>Runs every informer until cancelled; once all have listed, referenced Secrets are fetched and a first rebuild is signalled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(
            Ingresses.RunAsync(cancellationToken), IngressClasses.RunAsync(cancellationToken), Services.RunAsync(cancellationToken),
            EndpointSlices.RunAsync(cancellationToken), Secrets.RunAsync(cancellationToken));
        while (!Synced && !all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(20, CancellationToken.None));
        }

        if (Synced)
        {
            OnIngressChanged();
        }

        await all;
    }

    public ClusterSnapshot Snapshot() => new()
    {
        Ingresses = [.. Ingresses.Items],
        IngressClasses = [.. IngressClasses.Items],
        Services = [.. Services.Items],
        EndpointSlices = [.. EndpointSlices.Items],
        Secrets = [.. Secrets.Items.Where(s => s.Data is not null || s.StringData is not null)],
    };

    /// <summary>
    /// Waits for a change that needs a rebuild, then lets a burst settle: returns after
    /// <paramref name="quiet"/> without further changes, or at most <paramref name="cap"/> after the first.
    /// </summary>
    public async Task WaitForChangesAsync(TimeSpan quiet, TimeSpan cap, CancellationToken cancellationToken)
    {
        await _changes.Reader.ReadAsync(cancellationToken);
        var deadline = DateTime.UtcNow + cap;
        while (DateTime.UtcNow < deadline)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var left = deadline - DateTime.UtcNow;
            wait.CancelAfter(left < quiet ? left : quiet);
            try
            {
                await _changes.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Signal() => _changes.Writer.TryWrite(true);

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
                    Secrets.Put(await _client.GetAsync(ResourceTypes.Secrets, stub.Metadata.Namespace, stub.Metadata.Name!));
                }
                catch (KubernetesApiException e)
                {
                    LogFetchFailed(_logger, stub.Metadata.Namespace, stub.Metadata.Name, e.Message);
                }
            }

            Signal();
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not fetch Secret {Namespace}/{Name} that an annotation refers to: {Message}")]
    private static partial void LogFetchFailed(ILogger logger, string? @namespace, string? name, string message);
}
