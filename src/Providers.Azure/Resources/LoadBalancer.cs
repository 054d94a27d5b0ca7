namespace CloudIngress.Providers.Azure.Resources;

// Microsoft.Network/loadBalancers and publicIPAddresses as api-version 2025-07-01 spells them
// (loadBalancer.json, publicIpAddress.json): only what we set.

public sealed record LoadBalancer
{
    public required string Location { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public required LoadBalancerSku Sku { get; init; }

    public required LoadBalancerProperties Properties { get; init; }
}

/// <summary><c>Standard</c>, <c>Regional</c>: the only SKU that takes IP-addressed backends and Standard public IPs.</summary>
public sealed record LoadBalancerSku(string Name, string Tier);

public sealed record LoadBalancerProperties
{
    public IReadOnlyList<Child<LoadBalancerFrontendIPConfigurationProperties>> FrontendIPConfigurations { get; init; } = [];

    public IReadOnlyList<Child<LoadBalancerBackendAddressPoolProperties>> BackendAddressPools { get; init; } = [];

    public IReadOnlyList<Child<LoadBalancerProbeProperties>> Probes { get; init; } = [];

    public IReadOnlyList<Child<LoadBalancingRuleProperties>> LoadBalancingRules { get; init; } = [];
}

public sealed record LoadBalancerFrontendIPConfigurationProperties
{
    public SubResource? PublicIPAddress { get; init; }

    public string? PrivateIPAllocationMethod { get; init; }

    public SubResource? Subnet { get; init; }
}

public sealed record LoadBalancerBackendAddressPoolProperties(IReadOnlyList<Child<LoadBalancerBackendAddressProperties>> LoadBalancerBackendAddresses);

/// <summary>An IP-addressed backend: the pod address and the virtual network it lives in.</summary>
public sealed record LoadBalancerBackendAddressProperties(string IpAddress, SubResource VirtualNetwork);

public sealed record LoadBalancerProbeProperties
{
    /// <summary><c>Tcp</c>, <c>Http</c> or <c>Https</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>Required by the service.</summary>
    public int Port { get; init; }

    public int IntervalInSeconds { get; init; }

    public int ProbeThreshold { get; init; }

    /// <summary>Http(s) probes only.</summary>
    public string? RequestPath { get; init; }
}

public sealed record LoadBalancingRuleProperties
{
    public required SubResource FrontendIPConfiguration { get; init; }

    public required SubResource BackendAddressPool { get; init; }

    public SubResource? Probe { get; init; }

    /// <summary><c>Tcp</c> or <c>Udp</c>.</summary>
    public required string Protocol { get; init; }

    public int FrontendPort { get; init; }

    public int BackendPort { get; init; }

    public bool EnableFloatingIP { get; init; }

    /// <summary>TCP only.</summary>
    public bool? EnableTcpReset { get; init; }

    /// <summary>Pods reach out through their own egress, not this frontend.</summary>
    public bool DisableOutboundSnat { get; init; } = true;

    public string LoadDistribution { get; init; } = "Default";
}

public sealed record PublicIPAddress
{
    public required string Location { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public required PublicIPAddressSku Sku { get; init; }

    public required PublicIPAddressProperties Properties { get; init; }
}

/// <summary>Application Gateway v2 and Standard Load Balancer take only <c>Standard</c> public IPs.</summary>
public sealed record PublicIPAddressSku(string Name, string Tier);

/// <summary><c>Static</c> and <c>IPv4</c>: a Standard public IP must be static.</summary>
public sealed record PublicIPAddressProperties(string PublicIPAllocationMethod, string PublicIPAddressVersion);

/// <summary>A child of a resource: unique name within its collection, and its properties.</summary>
public sealed record Child<T>(string Name, T Properties);

/// <summary>A reference to another resource or child by ARM id.</summary>
public sealed record SubResource(string Id);
