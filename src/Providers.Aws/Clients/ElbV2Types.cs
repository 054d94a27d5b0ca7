using CloudIngress.Providers.Aws.Plan;

namespace CloudIngress.Providers.Aws.Clients;

/// <summary>A load balancer as DescribeLoadBalancers reports it.</summary>
public sealed record ElbLoadBalancer(string Arn, string Name, LoadBalancerType Type, string Scheme, string DnsName, string? VpcId, string State)
{
    public IReadOnlyList<string> SecurityGroups { get; init; } = [];

    public IReadOnlyList<string> Subnets { get; init; } = [];
}

public sealed record ElbListener(string Arn, string LoadBalancerArn, int Port, string Protocol, string? SslPolicy, string? DefaultCertificate, ValueList<ActionSpec> DefaultActions);

/// <summary>A rule; <see cref="Priority"/> is null for the listener's default rule.</summary>
public sealed record ElbRule(string Arn, int? Priority, RuleSpec Rule);

public sealed record ElbTargetGroup(string Arn, string Name, string Protocol, string? ProtocolVersion, int Port, string? VpcId, string TargetType, HealthCheckSpec HealthCheck)
{
    public IReadOnlyList<string> LoadBalancerArns { get; init; } = [];
}

public sealed record ElbTargetHealth(TargetSpec Target, string State);

public sealed record ElbListenerCertificate(string Arn, bool IsDefault);
