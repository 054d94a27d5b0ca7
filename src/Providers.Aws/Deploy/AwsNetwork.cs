using CloudIngress.Providers.Aws.Clients;

namespace CloudIngress.Providers.Aws.Deploy;

/// <summary>
/// The VPC and subnets load balancers go into, found once and kept: <c>--aws-vpc-id</c> (else the
/// VPC of <c>--aws-subnets</c>, else the default VPC); <c>--aws-subnets</c>, else subnets tagged
/// <c>kubernetes.io/role/elb</c> (internal: <c>kubernetes.io/role/internal-elb</c>), one per zone,
/// else the default subnet of each zone, with a warning.
/// </summary>
public sealed class AwsNetwork(Ec2Client ec2, string? vpcId, IReadOnlyList<string> subnets, Action<string> warn)
{
    private readonly Dictionary<string, IReadOnlyList<string>> _subnets = new(StringComparer.Ordinal);
    private string? _vpc = vpcId;

    public async Task<string> VpcAsync(CancellationToken ct)
    {
        if (_vpc is not null)
        {
            return _vpc;
        }

        if (subnets.Count > 0)
        {
            var found = await ec2.DescribeSubnetsAsync([new Ec2Filter("subnet-id", subnets)], ct);
            _vpc = found.FirstOrDefault()?.VpcId ?? throw new AwsConfigurationException($"--aws-subnets: none of {string.Join(", ", subnets)} exists");
            return _vpc;
        }

        var defaults = await ec2.DescribeVpcsAsync([new Ec2Filter("is-default", "true")], ct);
        _vpc = defaults.FirstOrDefault()?.Id ?? throw new AwsConfigurationException("no VPC: this account has no default VPC; pass --aws-vpc-id");
        return _vpc;
    }

    public async Task<IReadOnlyList<string>> SubnetsAsync(string scheme, CancellationToken ct)
    {
        if (subnets.Count > 0)
        {
            return subnets;
        }

        if (_subnets.TryGetValue(scheme, out var cached))
        {
            return cached;
        }

        var vpc = await VpcAsync(ct);
        var role = scheme == "internal" ? "kubernetes.io/role/internal-elb" : "kubernetes.io/role/elb";
        var chosen = OnePerZone(await ec2.DescribeSubnetsAsync([new Ec2Filter("vpc-id", vpc), new Ec2Filter("tag-key", role)], ct));
        if (chosen.Count == 0)
        {
            chosen = OnePerZone(await ec2.DescribeSubnetsAsync([new Ec2Filter("vpc-id", vpc), new Ec2Filter("default-for-az", "true")], ct));
            if (chosen.Count == 0)
            {
                throw new AwsConfigurationException($"no subnets for {scheme} load balancers in {vpc}: tag them {role}=1 or pass --aws-subnets");
            }

            warn($"no subnet in {vpc} is tagged {role}; using the default subnet of each zone ({string.Join(", ", chosen)}). Tag the subnets meant for {scheme} load balancers, or pass --aws-subnets");
        }

        _subnets[scheme] = chosen;
        return chosen;
    }

    private static List<string> OnePerZone(IReadOnlyList<Ec2Subnet> found) =>
        [.. found.GroupBy(s => s.AvailabilityZone, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(s => s.Id, StringComparer.Ordinal).First().Id)];
}

/// <summary>A setting the AWS provider cannot work with; the message says which flag to fix.</summary>
public sealed class AwsConfigurationException(string message) : Exception(message);
