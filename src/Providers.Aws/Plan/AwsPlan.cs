using CloudIngress.Core.Diagnostics;
using CloudIngress.Providers.Aws.Clients;

namespace CloudIngress.Providers.Aws.Plan;

/// <summary>
/// The desired AWS state for one cluster: what Translate makes of a model. Resources refer to
/// each other by key (the <c>cloudingress.io/resource</c> tag), never by ARN: ARNs are what AWS
/// hands out when the deployer creates them.
/// </summary>
public sealed record AwsPlan
{
    public IReadOnlyList<LoadBalancerPlan> LoadBalancers { get; init; } = [];

    public IReadOnlyList<TargetGroupPlan> TargetGroups { get; init; } = [];

    public IReadOnlyList<CertificateImportPlan> Certificates { get; init; } = [];

    public IReadOnlyList<SecurityGroupPlan> SecurityGroups { get; init; } = [];

    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>
    /// Hosts whose certificate Translate looked for among ACM's issued certificates: a host new here
    /// makes an incremental apply list ACM again, since a certificate may have been issued for it
    /// since the last full read. Not part of the desired state.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> DiscoveredHosts { get; init; } = [];
}

/// <summary>
/// An ALB or NLB. <see cref="Members"/> are the Ingresses and Services that publish its DNS name.
/// </summary>
public sealed record LoadBalancerPlan
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public required string FrontendId { get; init; }

    public LoadBalancerType Type { get; init; }

    /// <summary><c>internet-facing</c> or <c>internal</c>.</summary>
    public required string Scheme { get; init; }

    public required string SecurityGroupKey { get; init; }

    public ValueList<ListenerPlan> Listeners { get; init; } = ValueList<ListenerPlan>.Empty;

    public ValueList<ObjectRef> Members { get; init; } = ValueList<ObjectRef>.Empty;

    /// <summary>The attributes we manage; others are left as they are.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>A listener; <see cref="Rules"/> are in priority order, <see cref="Certificates"/> default first.</summary>
public sealed record ListenerPlan
{
    public int Port { get; init; }

    /// <summary><c>HTTP</c>, <c>HTTPS</c>, <c>TCP</c>, <c>UDP</c>.</summary>
    public required string Protocol { get; init; }

    public string? SslPolicy { get; init; }

    public ValueList<CertificateRef> Certificates { get; init; } = ValueList<CertificateRef>.Empty;

    public required ActionSpec DefaultAction { get; init; }

    public ValueList<RuleSpec> Rules { get; init; } = ValueList<RuleSpec>.Empty;
}

/// <summary>A certificate by ARN (annotation or discovery), or a Secret that is imported into ACM under <see cref="ImportKey"/>.</summary>
public sealed record CertificateRef(string? Arn, string? ImportKey)
{
    public static CertificateRef ForArn(string arn) => new(arn, null);

    public static CertificateRef ForImport(string key) => new(null, key);

    public override string ToString() => Arn ?? $"import {ImportKey}";
}

public sealed record TargetGroupPlan
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public required string LoadBalancerKey { get; init; }

    public required string PoolId { get; init; }

    /// <summary><c>HTTP</c>, <c>HTTPS</c>, <c>TCP</c>, <c>UDP</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary><c>HTTP1</c> or <c>GRPC</c> for HTTP(S) groups; null for TCP/UDP.</summary>
    public string? ProtocolVersion { get; init; }

    public int Port { get; init; }

    /// <summary><c>ip</c> or <c>instance</c>.</summary>
    public required string TargetType { get; init; }

    public required HealthCheckSpec HealthCheck { get; init; }

    /// <summary>ip: pod addresses. instance: node names with the node port, resolved to instance ids when deployed.</summary>
    public ValueList<TargetSpec> Targets { get; init; } = ValueList<TargetSpec>.Empty;

    /// <summary>The attributes we manage; others are left as they are.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>A Secret's certificate to keep in ACM, re-imported in place when <see cref="Sha256"/> changes.</summary>
public sealed record CertificateImportPlan
{
    public required string Key { get; init; }

    public required string Sha256 { get; init; }

    // PEM stays out of plan JSON: the key is secret, and the SHA-256 names the certificate.
    [System.Text.Json.Serialization.JsonIgnore]
    public required string CertificatePem { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string? ChainPem { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public required Core.Model.SensitiveText PrivateKeyPem { get; init; }

    public IReadOnlyList<string> DnsNames { get; init; } = [];
}

/// <summary>The managed security group of one load balancer: who may reach its listeners.</summary>
public sealed record SecurityGroupPlan
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    public ValueList<Ec2Permission> Ingress { get; init; } = ValueList<Ec2Permission>.Empty;
}
