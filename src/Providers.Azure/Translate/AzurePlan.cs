using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CloudIngress.Providers.Azure.Translate;

public enum AzureKind
{
    PublicIp,
    Gateway,
    LoadBalancer,
}

/// <summary>The desired Azure state for one cluster: what Translate makes of a model.</summary>
public sealed record AzurePlan
{
    /// <summary>Public IPs first, then gateways and load balancers, each by name.</summary>
    public IReadOnlyList<DesiredResource> Resources { get; init; } = [];

    /// <summary>Certificate and key by SSL certificate name, for the PUT only: never in plan JSON, logs or errors.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, CertificateMaterial> Certificates { get; init; } = new Dictionary<string, CertificateMaterial>();

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];
}

/// <summary>
/// One ARM resource as we want it. <see cref="Body"/> is the PUT body without secret material;
/// the diff compares exactly its fields with what a GET returns.
/// </summary>
public sealed record DesiredResource
{
    public required AzureKind Kind { get; init; }

    public required string Name { get; init; }

    public required string Id { get; init; }

    /// <summary>The <c>cloudingress.io_resource</c> tag.</summary>
    public required string Key { get; init; }

    public required string FrontendId { get; init; }

    /// <summary>Objects that publish this resource's address (none for public IPs).</summary>
    public IReadOnlyList<ObjectRef> Members { get; init; } = [];

    /// <summary>The public IP this resource's frontend uses, if any.</summary>
    public string? PublicIpId { get; init; }

    public required JsonObject Body { get; init; }

    [JsonIgnore]
    public string Type => TypeOf(Kind);

    public static string TypeOf(AzureKind kind) => kind switch
    {
        AzureKind.PublicIp => "publicIPAddresses",
        AzureKind.Gateway => "applicationGateways",
        _ => "loadBalancers",
    };
}

/// <summary>A TLS Secret's certificate chain and key, made into a PFX with a fresh password at PUT time.</summary>
public sealed record CertificateMaterial(string CertificatePem, SensitiveText PrivateKeyPem);
