namespace CloudIngress.Emulators.Kubernetes;

/// <summary>A resource type the emulated API server serves: where it lives and what it is called.</summary>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced, bool HasStatus)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The path prefix: <c>/api/v1</c> or <c>/apis/networking.k8s.io/v1</c>.</summary>
    public string Prefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public static readonly IReadOnlyList<ApiResource> All =
    [
        new(string.Empty, "v1", "Namespace", "namespaces", Namespaced: false, HasStatus: true),
        new(string.Empty, "v1", "Service", "services", Namespaced: true, HasStatus: true),
        new(string.Empty, "v1", "Secret", "secrets", Namespaced: true, HasStatus: false),
        new(string.Empty, "v1", "Event", "events", Namespaced: true, HasStatus: false),
        new(string.Empty, "v1", "ConfigMap", "configmaps", Namespaced: true, HasStatus: false),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", Namespaced: true, HasStatus: true),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", Namespaced: false, HasStatus: false),
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", Namespaced: true, HasStatus: false),
        new("coordination.k8s.io", "v1", "Lease", "leases", Namespaced: true, HasStatus: false),
        // MetalLB's CRDs, as a cluster with MetalLB installed serves them.
        new("metallb.io", "v1beta1", "IPAddressPool", "ipaddresspools", Namespaced: true, HasStatus: false),
        new("metallb.io", "v1beta1", "L2Advertisement", "l2advertisements", Namespaced: true, HasStatus: false),
        new("metallb.io", "v1beta1", "BGPAdvertisement", "bgpadvertisements", Namespaced: true, HasStatus: false),
    ];
}
