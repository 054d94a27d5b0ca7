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

    /// <summary>Only their labels are read: MetalLB pools select namespaces by label.</summary>
    public IReadOnlyList<Namespace> Namespaces { get; init; } = [];

    /// <summary>MetalLB's pools and advertisements, read to predict the addresses MetalLB assigns.</summary>
    public IReadOnlyList<IPAddressPool> AddressPools { get; init; } = [];

    public IReadOnlyList<L2Advertisement> L2Advertisements { get; init; } = [];

    public IReadOnlyList<BGPAdvertisement> BGPAdvertisements { get; init; } = [];
}
