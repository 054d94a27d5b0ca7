namespace CloudIngress.Emulators.Aws;

/// <summary>How the emulated account looks and how strict it is.</summary>
public sealed record AwsEmulatorOptions
{
    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>Default page size of every paged Describe/List: small, so that clients must follow markers.</summary>
    public int PageSize { get; init; } = 20;

    /// <summary>Non-default rules per load balancer (the AWS quota, adjustable there too).</summary>
    public int MaxRulesPerLoadBalancer { get; init; } = 100;

    /// <summary>A default VPC 10.0.0.0/16 with public and internal subnets in three zones.</summary>
    public bool SeedDefaultVpc { get; init; } = true;

    /// <summary>AWS refuses ip targets outside the VPC unless their AvailabilityZone is <c>all</c>; tests with made-up pod IPs may relax it.</summary>
    public bool TargetIpsMustBeInVpc { get; init; } = true;

    /// <summary>The clock for certificate validity, creation times and injected delays.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
