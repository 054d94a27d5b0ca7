namespace CloudIngress.Providers.Azure.Translate;

/// <summary>Where and how Translate places resources; no IO, so ids are computed, never looked up.</summary>
public sealed record AzureTranslateOptions
{
    public required string ClusterName { get; init; }

    public required string Subscription { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Location { get; init; }

    /// <summary>The subnet id dedicated to application gateways (required by Application Gateway v2).</summary>
    public required string GatewaySubnet { get; init; }

    /// <summary>The subnet for internal load balancer frontends; null when none was given.</summary>
    public string? LoadBalancerSubnet { get; init; }

    /// <summary><c>Standard_v2</c> or <c>WAF_v2</c>.</summary>
    public string GatewaySku { get; init; } = "Standard_v2";

    public int MinCapacity { get; init; }

    public int MaxCapacity { get; init; } = 10;

    public AzureLimits Limits { get; init; } = AzureLimits.Default;

    public string ResourceId(string type, string name) =>
        $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.Network/{type}/{name}";

    /// <summary>The virtual network pod addresses live in: that of the load balancer subnet, else the gateway subnet.</summary>
    public string VirtualNetwork
    {
        get
        {
            var subnet = LoadBalancerSubnet ?? GatewaySubnet;
            var cut = subnet.IndexOf("/subnets/", StringComparison.OrdinalIgnoreCase);
            return cut < 0 ? subnet : subnet[..cut];
        }
    }
}

/// <summary>Application Gateway v2 limits per gateway (Azure subscription limits); past them a diagnostic says what was left out.</summary>
public sealed record AzureLimits
{
    public static readonly AzureLimits Default = new();

    public int Listeners { get; init; } = 200;

    public int RoutingRules { get; init; } = 400;

    public int SslCertificates { get; init; } = 100;

    public int BackendPools { get; init; } = 100;

    public int BackendSettings { get; init; } = 100;

    public int PathRulesPerMap { get; init; } = 100;

    public int FrontendPorts { get; init; } = 100;

    public int TrustedRootCertificates { get; init; } = 100;

    public int RedirectConfigurations { get; init; } = 100;
}
