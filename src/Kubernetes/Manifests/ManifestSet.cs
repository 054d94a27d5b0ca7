using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Snapshot;

namespace CloudIngress.Kubernetes.Manifests;

/// <summary>What a manifests directory holds: the snapshot, the loader's own diagnostics, and where each object came from.</summary>
public sealed record ManifestSet
{
    public required ClusterSnapshot Snapshot { get; init; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public IReadOnlyDictionary<ObjectRef, string> Sources { get; init; } = new Dictionary<ObjectRef, string>();

    public int FileCount { get; init; }

    /// <summary>Adds the file and document an object came from to a diagnostic about it.</summary>
    public Diagnostic Locate(Diagnostic diagnostic) =>
        diagnostic.Source is null && Sources.TryGetValue(diagnostic.Object, out var source)
            ? diagnostic with { Source = source }
            : diagnostic;
}
