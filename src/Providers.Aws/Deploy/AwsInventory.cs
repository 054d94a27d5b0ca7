using CloudIngress.Providers.Aws.Clients;
using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// What the cluster owns in AWS now, found by the <c>cloudingress.io/cluster</c> tag, each resource
/// with its <c>cloudingress.io/resource</c> key. Read by <see cref="InventoryReader"/>; compared
/// with an <see cref="AwsPlan"/> by <see cref="AwsDiff"/>.
/// </summary>
public sealed record AwsInventory
{
    public IReadOnlyList<ActualLoadBalancer> LoadBalancers { get; init; } = [];

    public IReadOnlyList<ActualTargetGroup> TargetGroups { get; init; } = [];

    public IReadOnlyList<ActualCertificate> Certificates { get; init; } = [];

    public IReadOnlyList<ActualSecurityGroup> SecurityGroups { get; init; } = [];
}

public sealed record ActualLoadBalancer(string Key, ElbLoadBalancer LoadBalancer)
{
    public IReadOnlyList<ActualListener> Listeners { get; init; } = [];

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>A listener with its non-default rules and its certificates (default first).</summary>
public sealed record ActualListener(ElbListener Listener)
{
    public IReadOnlyList<ElbRule> Rules { get; init; } = [];

    public IReadOnlyList<string> Certificates { get; init; } = [];
}

public sealed record ActualTargetGroup(string Key, ElbTargetGroup TargetGroup)
{
    /// <summary>Registered targets that are not on their way out (draining targets are gone already).</summary>
    public IReadOnlyList<TargetSpec> Targets { get; init; } = [];

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>A certificate this cluster imported; <see cref="Sha256"/> is the leaf's fingerprint tag.</summary>
public sealed record ActualCertificate(string Key, string Arn, string? Sha256, bool InUse);

public sealed record ActualSecurityGroup(string Key, Ec2SecurityGroup Group);
