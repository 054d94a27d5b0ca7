using CloudIngress.Kubernetes.Observe;

namespace CloudIngress.Controller.Reconcile;

/// <summary>Cluster mode: the snapshot is the informers' cache; changes are batched (a quiet period, capped).</summary>
internal sealed class ClusterSource(ClusterCache cache, TimeSpan quiet, TimeSpan cap) : ISnapshotSource
{
    public Task WaitForChangeAsync(CancellationToken cancellationToken) => cache.WaitForChangesAsync(quiet, cap, cancellationToken);

    public Observation Take() => new(cache.TakeSnapshot());
}
