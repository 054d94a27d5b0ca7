namespace CloudIngress.Providers.Azure.Resources;

// Microsoft.Network/applicationGateways as api-version 2025-07-01 spells it (applicationGateway.json).
// Only what we set: a GET returns more (server defaults, provisioningState, etags, ids) and the
// diff compares only these fields. Property names follow from the C# names in camelCase.

/// <summary>An application gateway as we PUT it.</summary>
public sealed record ApplicationGateway
{
    public required string Location { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public required ApplicationGatewayProperties Properties { get; init; }
}

public sealed record ApplicationGatewayProperties
{
    public required ApplicationGatewaySku Sku { get; init; }

    public ApplicationGatewayAutoscaleConfiguration? AutoscaleConfiguration { get; init; }

    public bool EnableHttp2 { get; init; }

    public WebApplicationFirewallConfiguration? WebApplicationFirewallConfiguration { get; init; }

    public IReadOnlyList<Child<GatewayIPConfigurationProperties>> GatewayIPConfigurations { get; init; } = [];

    public IReadOnlyList<Child<SslCertificateProperties>> SslCertificates { get; init; } = [];

    public IReadOnlyList<Child<TrustedRootCertificateProperties>> TrustedRootCertificates { get; init; } = [];

    public IReadOnlyList<Child<GatewayFrontendIPConfigurationProperties>> FrontendIPConfigurations { get; init; } = [];

    public IReadOnlyList<Child<FrontendPortProperties>> FrontendPorts { get; init; } = [];

    public IReadOnlyList<Child<GatewayProbeProperties>> Probes { get; init; } = [];

    public IReadOnlyList<Child<GatewayBackendAddressPoolProperties>> BackendAddressPools { get; init; } = [];

    public IReadOnlyList<Child<BackendHttpSettingsProperties>> BackendHttpSettingsCollection { get; init; } = [];

    public IReadOnlyList<Child<HttpListenerProperties>> HttpListeners { get; init; } = [];

    public IReadOnlyList<Child<UrlPathMapProperties>> UrlPathMaps { get; init; } = [];

    public IReadOnlyList<Child<RequestRoutingRuleProperties>> RequestRoutingRules { get; init; } = [];

    public IReadOnlyList<Child<RedirectConfigurationProperties>> RedirectConfigurations { get; init; } = [];
}

/// <summary>v2 gateways: <c>name</c> equals <c>tier</c> (<c>Standard_v2</c> or <c>WAF_v2</c>); capacity comes from autoscaling.</summary>
public sealed record ApplicationGatewaySku(string Name, string Tier);

public sealed record ApplicationGatewayAutoscaleConfiguration(int MinCapacity, int MaxCapacity);

/// <summary>Required by WAF_v2 when no firewall policy is linked: <c>enabled</c>, <c>firewallMode</c>, <c>ruleSetType</c>, <c>ruleSetVersion</c>.</summary>
public sealed record WebApplicationFirewallConfiguration(bool Enabled, string FirewallMode, string RuleSetType, string RuleSetVersion);

public sealed record GatewayIPConfigurationProperties(SubResource Subnet);

/// <summary>
/// <c>data</c> (base64 PFX) and <c>password</c> are filled in just before a PUT and never come
/// back on a GET, so the plan and the diff see only the name, which carries the fingerprint.
/// </summary>
public sealed record SslCertificateProperties
{
    public string? Data { get; init; }

    public string? Password { get; init; }
}

/// <summary>A CA certificate (base64 DER) the gateway trusts for HTTPS to the pods.</summary>
public sealed record TrustedRootCertificateProperties(string Data);

/// <summary>Public: a Standard static public IP. Private: a dynamic address in the gateway's subnet.</summary>
public sealed record GatewayFrontendIPConfigurationProperties
{
    public SubResource? PublicIPAddress { get; init; }

    public string? PrivateIPAllocationMethod { get; init; }

    public SubResource? Subnet { get; init; }
}

public sealed record FrontendPortProperties(int Port);

public sealed record GatewayProbeProperties
{
    /// <summary><c>Http</c> or <c>Https</c>.</summary>
    public required string Protocol { get; init; }

    public string? Host { get; init; }

    public required string Path { get; init; }

    public int Interval { get; init; }

    public int Timeout { get; init; }

    public int UnhealthyThreshold { get; init; }

    public bool PickHostNameFromBackendHttpSettings { get; init; }

    public int? Port { get; init; }

    public ProbeMatch? Match { get; init; }
}

public sealed record ProbeMatch(IReadOnlyList<string> StatusCodes);

public sealed record GatewayBackendAddressPoolProperties(IReadOnlyList<GatewayBackendAddress> BackendAddresses);

/// <summary>A pod address, or the DNS name of an ExternalName Service.</summary>
public sealed record GatewayBackendAddress(string? IpAddress, string? Fqdn);

public sealed record BackendHttpSettingsProperties
{
    public int Port { get; init; }

    /// <summary><c>Http</c> or <c>Https</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary><c>Enabled</c> or <c>Disabled</c>.</summary>
    public string CookieBasedAffinity { get; init; } = "Disabled";

    public int? RequestTimeout { get; init; }

    public SubResource? Probe { get; init; }

    public IReadOnlyList<SubResource>? TrustedRootCertificates { get; init; }

    public string? HostName { get; init; }

    public bool? PickHostNameFromBackendAddress { get; init; }
}

public sealed record HttpListenerProperties
{
    public required SubResource FrontendIPConfiguration { get; init; }

    public required SubResource FrontendPort { get; init; }

    /// <summary><c>Http</c> or <c>Https</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>One exact host; wildcards go in <see cref="HostNames"/>.</summary>
    public string? HostName { get; init; }

    public IReadOnlyList<string>? HostNames { get; init; }

    public SubResource? SslCertificate { get; init; }

    public bool? RequireServerNameIndication { get; init; }
}

public sealed record UrlPathMapProperties
{
    public SubResource? DefaultBackendAddressPool { get; init; }

    public SubResource? DefaultBackendHttpSettings { get; init; }

    public SubResource? DefaultRedirectConfiguration { get; init; }

    public IReadOnlyList<Child<PathRuleProperties>> PathRules { get; init; } = [];
}

public sealed record PathRuleProperties
{
    public required IReadOnlyList<string> Paths { get; init; }

    public SubResource? BackendAddressPool { get; init; }

    public SubResource? BackendHttpSettings { get; init; }

    public SubResource? RedirectConfiguration { get; init; }
}

public sealed record RequestRoutingRuleProperties
{
    /// <summary><c>Basic</c> or <c>PathBasedRouting</c>.</summary>
    public required string RuleType { get; init; }

    /// <summary>1 … 20000, unique on the gateway; lower is evaluated first.</summary>
    public int Priority { get; init; }

    public required SubResource HttpListener { get; init; }

    public SubResource? UrlPathMap { get; init; }

    public SubResource? BackendAddressPool { get; init; }

    public SubResource? BackendHttpSettings { get; init; }

    public SubResource? RedirectConfiguration { get; init; }
}

public sealed record RedirectConfigurationProperties
{
    /// <summary><c>Permanent</c>, <c>Found</c>, <c>SeeOther</c> or <c>Temporary</c>.</summary>
    public required string RedirectType { get; init; }

    public SubResource? TargetListener { get; init; }

    public bool IncludePath { get; init; }

    public bool IncludeQueryString { get; init; }
}
