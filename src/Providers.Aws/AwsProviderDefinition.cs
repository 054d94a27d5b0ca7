using CloudIngress.Core.Providers;
using CloudIngress.Providers.Aws.Clients;

namespace CloudIngress.Providers.Aws;

/// <summary><c>--provider aws</c>: ALBs for ingress groups, NLBs for passthrough and LoadBalancer Services, certificates in ACM.</summary>
public sealed class AwsProviderDefinition : IProviderDefinition
{
    public static readonly ProviderOption Region = new("--aws-region", "AWS region (else AWS_REGION, AWS_DEFAULT_REGION)");

    public static readonly ProviderOption Endpoint = new("--aws-endpoint", "One URL for ELBv2, EC2 and ACM: LocalStack, moto, a VPC endpoint proxy (else AWS_ENDPOINT_URL)");

    public static readonly ProviderOption VpcId = new("--aws-vpc-id", "VPC for target groups and security groups (default: that of --aws-subnets, else the default VPC)");

    public static readonly ProviderOption Subnets = new("--aws-subnets", "Comma-separated subnet ids for load balancers (default: subnets tagged kubernetes.io/role/elb or internal-elb)");

    public static readonly ProviderOption MaxRules = new("--aws-max-rules", "Listener rules per load balancer before a group is split over several (AWS's default quota)", ProviderOptionKind.Int, "100");

    public static readonly ProviderOption ApiRates = new("--aws-api-rates",
        "Client-side rate limits matched before AWS's documented ones: service:Operations=perSecond:burst, comma-separated (e.g. 'elasticloadbalancing:Describe*=20:80'; '*:*=1000:1000' for a local endpoint)");

    public static readonly ProviderOption FullReadRate = new("--aws-full-read-rate",
        "Calls per second a full resync reads at most, leaving the rest of the account's Describe budget to other tools; 0: only the API rates pace it", ProviderOptionKind.String, "8");

    public string Name => AwsCloudProvider.ProviderName;

    public string Summary => "AWS: an ALB per ingress group, NLBs for passthrough and LoadBalancer Services, certificates in ACM";

    public IReadOnlyList<ProviderOption> Options => [Region, Endpoint, VpcId, Subnets, MaxRules, ApiRates, FullReadRate];

    public ProviderConfiguration Configure(ProviderSettings settings)
    {
        if (settings.ClusterName is not { Length: > 0 } cluster)
        {
            return ProviderConfiguration.Fail("--cluster-name is required with --provider aws: it names and tags everything this cluster owns");
        }

        var values = settings.Values;
        if (values.Int(MaxRules) is < 1 or > 1000)
        {
            return ProviderConfiguration.Fail($"--aws-max-rules: {values.String(MaxRules)} is not between 1 and 1000");
        }

        var rates = AwsRateLimits.Aws;
        if (values.String(ApiRates) is { } ratesText)
        {
            if (AwsRateLimits.Parse(ratesText, out var rateError) is not { } overrides)
            {
                return ProviderConfiguration.Fail($"--aws-api-rates: {rateError}");
            }

            rates = overrides.Before(rates);
        }

        if (!double.TryParse(values.String(FullReadRate), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var fullReads))
        {
            return ProviderConfiguration.Fail($"--aws-full-read-rate: \"{values.String(FullReadRate)}\" is not a number of calls per second (0 for no further pacing)");
        }

        var options = new AwsProviderOptions
        {
            ClusterName = cluster,
            VpcId = values.String(VpcId),
            Subnets = values.List(Subnets),
            MaxRulesPerLoadBalancer = values.Int(MaxRules),
            Warn = settings.Warn,
            Time = settings.Time,
        };
        var region = values.String(Region) ?? Variable("AWS_REGION") ?? Variable("AWS_DEFAULT_REGION");
        if (region is null)
        {
            // A plan without a region is what a first apply would create in an empty account.
            return settings.Verb == ProviderVerb.Plan
                ? ProviderConfiguration.Ok(new AwsCloudProvider(null, options))
                : ProviderConfiguration.Fail("--aws-region (or AWS_REGION) is required");
        }

        var endpointText = values.String(Endpoint) ?? Variable("AWS_ENDPOINT_URL");
        Uri? endpoint = null;
        if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            return ProviderConfiguration.Fail($"--aws-endpoint: \"{endpointText}\" is not an http(s) URL");
        }

        var clients = new AwsClients(new AwsSettings { Region = region, Endpoint = endpoint, RateLimits = rates, FullReadsPerSecond = fullReads, Time = settings.Time }, AwsCredentialChain.Default());
        return ProviderConfiguration.Ok(new AwsCloudProvider(clients, options));
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
