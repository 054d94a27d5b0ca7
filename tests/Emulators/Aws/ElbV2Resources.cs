namespace CloudIngress.Emulators.Aws;

/// <summary>A load balancer; in snapshots it carries its listeners and tags.</summary>
public sealed record LoadBalancer(
    string Arn, string Name, string Type, string Scheme, string VpcId, IReadOnlyList<string> Subnets, IReadOnlyList<string> SecurityGroups,
    string IpAddressType, string DnsName, DateTimeOffset CreatedTime, IReadOnlyDictionary<string, string> Attributes)
{
    public IReadOnlyList<Listener> Listeners { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>A listener; <see cref="Certificates"/>[0] is the default certificate. In snapshots it carries its rules, the default one last.</summary>
public sealed record Listener(
    string Arn, string LoadBalancerArn, string Protocol, int Port, string? SslPolicy, IReadOnlyList<string> Certificates,
    IReadOnlyList<RuleAction> DefaultActions, string DefaultRuleArn)
{
    public IReadOnlyList<Rule> Rules { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>A rule; the default rule has no priority.</summary>
public sealed record Rule(string Arn, string ListenerArn, int? Priority, IReadOnlyList<RuleCondition> Conditions, IReadOnlyList<RuleAction> Actions)
{
    public bool IsDefault => Priority is null;

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>host-header, path-pattern, http-header (with its header name) or source-ip, with its values.</summary>
public sealed record RuleCondition(string Field, IReadOnlyList<string> Values, string? HttpHeaderName = null);

/// <summary>forward (to weighted target groups), redirect or fixed-response.</summary>
public sealed record RuleAction(string Type, int Order, IReadOnlyList<WeightedTargetGroup> TargetGroups, RedirectAction? Redirect = null, FixedResponseAction? FixedResponse = null);

public sealed record WeightedTargetGroup(string TargetGroupArn, int Weight);

public sealed record RedirectAction(string Protocol, string Port, string Host, string Path, string Query, string StatusCode);

public sealed record FixedResponseAction(string StatusCode, string? ContentType, string? MessageBody);

/// <summary>A target group; in snapshots it carries the load balancers that forward to it and its tags.</summary>
public sealed record TargetGroup(
    string Arn, string Name, string Protocol, string? ProtocolVersion, int Port, string VpcId, string TargetType, HealthCheck HealthCheck,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<RegisteredTarget> Targets)
{
    public IReadOnlyList<string> LoadBalancerArns { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

public sealed record HealthCheck(
    bool Enabled, string Protocol, string Port, string? Path, int IntervalSeconds, int TimeoutSeconds, int HealthyThresholdCount,
    int UnhealthyThresholdCount, string? HttpCode, string? GrpcCode);

public sealed record RegisteredTarget(string Id, int Port, string? AvailabilityZone, string State, string? Reason = null);
