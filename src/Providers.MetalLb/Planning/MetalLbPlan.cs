using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Providers;
using CloudIngress.Core.Resources;
using CloudIngress.Providers.MetalLb.Allocation;
using CloudIngress.Providers.MetalLb.Exposure;

namespace CloudIngress.Providers.MetalLb.Planning;

/// <summary>The desired state on bare metal and what MetalLB would make of it.</summary>
public sealed record MetalLbPlan
{
    /// <summary>One per Service of type LoadBalancer MetalLB serves, owned ones included, by namespace/name.</summary>
    public IReadOnlyList<Assignment> Assignments { get; init; } = [];

    /// <summary>The Services the controller owns in front of the proxy.</summary>
    public IReadOnlyList<ExposedService> Services { get; init; } = [];

    /// <summary>The pools MetalLB would have after an apply, and where each comes from.</summary>
    public IReadOnlyList<(AddressPool Pool, string Source)> Pools { get; init; } = [];

    /// <summary>Creates, changes and deletes of owned Services (and, with pools as code, owned pools and advertisements).</summary>
    public IReadOnlyList<PlannedOperation> Operations { get; init; } = [];

    /// <summary>The objects the Apply operations write (owned Services, pools as code), as they should be.</summary>
    public IReadOnlyList<IKubernetesObject> Declared { get; init; } = [];

    /// <summary>The observed owned objects the Delete operations remove.</summary>
    public IReadOnlyList<IKubernetesObject> Deleted { get; init; } = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>The predicted addresses of each ingress group, by frontend id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByFrontend { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
