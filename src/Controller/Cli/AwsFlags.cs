using CloudIngress.Providers.Aws;
using CloudIngress.Providers.Aws.Clients;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary>The AWS provider's flags, shared by plan, apply, destroy and run.</summary>
internal sealed class AwsFlags
{
    public Option<string> ClusterName { get; } = EnvOption.String("--cluster-name", "Name of this cluster: tags and names of everything it owns in the cloud");

    public Option<string> Region { get; } = EnvOption.String("--aws-region", "AWS region (else AWS_REGION, AWS_DEFAULT_REGION)");

    public Option<string> Endpoint { get; } = EnvOption.String("--aws-endpoint", "One URL for ELBv2, EC2 and ACM: LocalStack, moto, a VPC endpoint proxy (else AWS_ENDPOINT_URL)");

    public Option<string> VpcId { get; } = EnvOption.String("--aws-vpc-id", "VPC for target groups and security groups (default: that of --aws-subnets, else the default VPC)");

    public Option<string> Subnets { get; } = EnvOption.String("--aws-subnets", "Comma-separated subnet ids for load balancers (default: subnets tagged kubernetes.io/role/elb or internal-elb)");

    public Option<int> MaxRules { get; } = EnvOption.Int("--aws-max-rules", "Listener rules per load balancer before a group is split over several (AWS's default quota)", 100);

    public IEnumerable<Option> All => [ClusterName, Region, Endpoint, VpcId, Subnets, MaxRules];

    /// <summary>The region from the flag or AWS's own variables; null when none is set.</summary>
    public string? RegionOf(ParseResult parse) =>
        parse.GetValue(Region) is { Length: > 0 } region ? region
        : Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r
        : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } d ? d : null;

    /// <summary>Provider options and connection settings, or an error naming the flag.</summary>
    public (AwsProviderOptions? Options, AwsSettings? Settings, string? Error) Read(ParseResult parse, bool needsRegion, Action<string> warn)
    {
        if (parse.GetValue(ClusterName) is not { Length: > 0 } cluster)
        {
            return (null, null, "--cluster-name is required with --provider aws: it names and tags everything this cluster owns");
        }

        if (parse.GetValue(MaxRules) is < 1 or > 1000)
        {
            return (null, null, $"--aws-max-rules: {parse.GetValue(MaxRules)} is not between 1 and 1000");
        }

        var options = new AwsProviderOptions
        {
            ClusterName = cluster,
            VpcId = parse.GetValue(VpcId),
            Subnets = parse.GetValue(Subnets)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            MaxRulesPerLoadBalancer = parse.GetValue(MaxRules),
            Warn = warn,
        };
        var region = RegionOf(parse);
        if (region is null)
        {
            return needsRegion ? (null, null, "--aws-region (or AWS_REGION) is required") : (options, null, null);
        }

        var endpointText = parse.GetValue(Endpoint) is { Length: > 0 } flag ? flag : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(endpointText) && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            return (null, null, $"--aws-endpoint: \"{endpointText}\" is not an http(s) URL");
        }

        return (options, new AwsSettings { Region = region, Endpoint = endpoint }, null);
    }
}
