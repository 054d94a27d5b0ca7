using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Controller.Reconcile;

/// <summary>The Observe stage: the Kubernetes API (informers) or a manifests directory.</summary>
internal interface ISnapshotSource
{
    /// <summary>Completes when something changed since the last <see cref="Take"/> (batched: a burst of changes is one).</summary>
    Task WaitForChangeAsync(CancellationToken cancellationToken);

    Observation Take();
}

/// <summary>
/// A snapshot, the problems of reading it, and where each object came from.
/// <see cref="Unusable"/> means part of the input could not be read at all: building from the rest would drop its routes.
/// </summary>
internal sealed record Observation(ClusterSnapshot Snapshot)
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public int Unusable { get; init; }

    /// <summary>Adds the source location (manifest file and document) to a diagnostic.</summary>
    public Func<Diagnostic, Diagnostic> Locate { get; init; } = d => d;
}
