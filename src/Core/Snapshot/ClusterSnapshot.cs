using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Snapshot;

/// <summary>
/// The Observe stage's output: an immutable view of every object the build reads. Both sources
/// (the Kubernetes API and a manifests directory) produce this one type.
/// </summary>
public sealed record ClusterSnapshot
{
    public static readonly ClusterSnapshot Empty = new();

    public IReadOnlyList<Ingress> Ingresses { get; init; } = [];

    public IReadOnlyList<IngressClass> IngressClasses { get; init; } = [];

    public IReadOnlyList<Service> Services { get; init; } = [];

    public IReadOnlyList<EndpointSlice> EndpointSlices { get; init; } = [];

    public IReadOnlyList<Secret> Secrets { get; init; } = [];
}
