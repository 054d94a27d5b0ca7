namespace CloudIngress.Providers.MetalLb.Allocation;

/// <summary>A port a Service uses on its address: two Services can share an address only on different ones.</summary>
public readonly record struct PortKey(string Protocol, int Port)
{
    public override string ToString() => $"{Port}/{Protocol}";
}

/// <summary>What the allocator needs to know of a Service, read as MetalLB reads it.</summary>
public sealed record AllocationRequest
{
    /// <summary><c>namespace/name</c>.</summary>
    public required string Key { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<PortKey> Ports { get; init; } = [];

    /// <summary><c>allow-shared-ip</c>; empty means the address is not shared.</summary>
    public string SharingKey { get; init; } = string.Empty;

    /// <summary>MetalLB's "backend key": the selector when <c>externalTrafficPolicy: Local</c>, else empty; sharers must agree.</summary>
    public string BackendKey { get; init; } = string.Empty;

    public ServiceFamily Family { get; init; } = ServiceFamily.IPv4;

    public FamilyPolicy Policy { get; init; } = FamilyPolicy.SingleStack;

    /// <summary>The first of <c>spec.ipFamilies</c>: PreferDualStack falls back to it before the other.</summary>
    public IpFamily PrimaryFamily { get; init; } = IpFamily.IPv4;
}
