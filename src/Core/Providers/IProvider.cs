using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Providers;

/// <summary>Which replicas apply a provider.</summary>
public enum ProviderScope
{
    /// <summary>Each replica applies it to itself (its own proxy).</summary>
    EveryReplica,

    /// <summary>Only the leader applies it (one cloud account, one set of writes).</summary>
    Leader,
}

/// <summary>
/// The Translate and Apply stages of one target (a cloud, or the proxy in this process). The
/// reconciler calls <see cref="ApplyAsync"/> with every new model; <c>plan</c>, <c>apply</c> and
/// <c>destroy</c> call the other members once.
/// </summary>
public interface IProvider : IDisposable
{
    string Name { get; }

    ProviderScope Scope { get; }

    /// <summary>
    /// True when it creates resources outside the cluster: then only the leader applies, and the
    /// objects it serves carry the finalizer until their cloud side is gone.
    /// </summary>
    bool OwnsCloudResources { get; }

    /// <summary>What an apply would do now: reads only, never writes.</summary>
    Task<ProviderPlan> PlanAsync(GatewayModel model, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the target match <paramref name="model"/>, deleting what no frontend needs any more.
    /// <paramref name="fullResync"/> asks to re-read everything (drift made by hand) rather than
    /// trust what the provider remembers. Throws <see cref="ProviderException"/> when it could
    /// not finish; then no finalizer is removed.
    /// </summary>
    Task<ProviderApplyResult> ApplyAsync(GatewayModel model, bool fullResync, CancellationToken cancellationToken);

    /// <summary>Removes everything this cluster owns in the target.</summary>
    Task<ProviderApplyResult> DestroyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A short text that changes whenever the objects of <paramref name="snapshot"/> its apply
    /// depends on beyond the model change (MetalLB: LoadBalancer Services and their status, pools):
    /// the reconciler applies again when it does, as when the model changes. Empty: the model alone.
    /// </summary>
    string ObservedFingerprint(ClusterSnapshot snapshot) => string.Empty;
}
