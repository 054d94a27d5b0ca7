namespace CloudIngress.Core.Resources;

/// <summary>
/// <c>status.loadBalancer</c> of Services and Ingresses; the two API types differ only in
/// <c>ipMode</c>, which Ingress never sets.
/// </summary>
public sealed record LoadBalancerStatus
{
    public IReadOnlyList<LoadBalancerIngress>? Ingress { get; init; }
}

public sealed record LoadBalancerIngress
{
    public string? Ip { get; init; }

    public string? Hostname { get; init; }

    public string? IpMode { get; init; }

    public IReadOnlyList<PortStatus>? Ports { get; init; }
}

public sealed record PortStatus
{
    public int Port { get; init; }

    public string? Protocol { get; init; }

    public string? Error { get; init; }
}
