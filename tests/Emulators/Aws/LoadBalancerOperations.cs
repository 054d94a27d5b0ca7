using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>ELBv2 load balancers: create (idempotent for identical requests), describe, delete, security groups, attributes.</summary>
internal sealed class LoadBalancerOperations(AwsState state)
{
    public IEnumerable<XElement?> Create(QueryParams p)
    {
        var name = p.Required("Name");
        ElbV2Names.Check(name, "Load balancer");
        var type = p.OneOf("Type", "application", "network") ?? "application";
        var scheme = p.OneOf("Scheme", "internet-facing", "internal") ?? "internet-facing";
        var ipType = p.OneOf("IpAddressType", "ipv4", "dualstack") ?? "ipv4";
        var subnets = Subnets(p.List("Subnets"), type);
        var vpcId = subnets[0].VpcId;
        var groups = SecurityGroups(p.List("SecurityGroups"), vpcId);
        var tags = ElbV2Names.Tags(p);
        if (state.LoadBalancers.Values.FirstOrDefault(l => l.Name == name) is { } existing)
        {
            // AWS answers an identical create with the existing load balancer, so retries are safe.
            var same = existing.Type == type && existing.Scheme == scheme && existing.IpAddressType == ipType
                && existing.Subnets.Order().SequenceEqual(subnets.Select(s => s.Id).Order())
                && existing.SecurityGroups.Order().SequenceEqual(groups.Order());
            return same
                ? [Members("LoadBalancers", [ElbV2Xml.LoadBalancer(state, existing)])]
                : throw new AwsError("DuplicateLoadBalancerName", $"A load balancer with the name '{name}' already exists");
        }

        var arn = state.ElbArn($"loadbalancer/{(type == "application" ? "app" : "net")}/{name}/{AwsState.Hex(16)}");
        var digits = string.Concat(Guid.NewGuid().ToByteArray().Take(10).Select(b => (char)('0' + (b % 10))));
        var dns = $"{(scheme == "internal" ? "internal-" : string.Empty)}{name}-{digits}.{state.Options.Region}.elb.amazonaws.com";
        var lb = new LoadBalancer(arn, name, type, scheme, vpcId, subnets.Select(s => s.Id).ToList(), groups, ipType, dns, state.Now, ElbV2Attributes.ForLoadBalancer(type));
        state.LoadBalancers[arn] = lb;
        state.AddTags(arn, tags);
        return [Members("LoadBalancers", [ElbV2Xml.LoadBalancer(state, lb)])];
    }

    public IEnumerable<XElement?> Describe(QueryParams p)
    {
        var arns = p.List("LoadBalancerArns");
        var names = p.List("Names");
        if (arns.Count > 0 && names.Count > 0)
        {
            throw new AwsError("ValidationError", "Load balancer names and load balancer ARNs cannot be specified at the same time");
        }

        var found = arns.Count > 0 ? arns.Select(state.LoadBalancer).ToList()
            : names.Count > 0 ? names.Select(n => state.LoadBalancers.Values.FirstOrDefault(l => l.Name == n) ?? throw new AwsError("LoadBalancerNotFound", $"Load balancers '[{n}]' not found")).ToList()
            : [.. state.LoadBalancers.Values];
        var (page, next) = Paging.Take(found, p.Get("Marker"), p.Int("PageSize", 1, 400), state.Options.PageSize, "ValidationError");
        return [Members("LoadBalancers", page.Select(l => ElbV2Xml.LoadBalancer(state, l))), Opt("NextMarker", next)];
    }

    /// <summary>Deleting an absent load balancer succeeds, as in AWS; its listeners and rules go with it.</summary>
    public IEnumerable<XElement?> Delete(QueryParams p)
    {
        var arn = p.Required("LoadBalancerArn");
        if (!state.LoadBalancers.TryGetValue(arn, out var lb))
        {
            return [];
        }

        if (lb.Attributes["deletion_protection.enabled"] == "true")
        {
            throw new AwsError("OperationNotPermitted", $"Load balancer '{arn}' cannot be deleted because deletion protection is enabled");
        }

        foreach (var listener in state.Listeners.Values.Where(l => l.LoadBalancerArn == arn).ToList())
        {
            ListenerOperations.Remove(state, listener);
        }

        state.LoadBalancers.Remove(arn);
        state.Tags.Remove(arn);
        return [];
    }

    public IEnumerable<XElement?> SetSecurityGroups(QueryParams p)
    {
        var lb = state.LoadBalancer(p.Required("LoadBalancerArn"));
        var groups = SecurityGroups(p.List("SecurityGroups"), lb.VpcId);
        state.LoadBalancers[lb.Arn] = lb with { SecurityGroups = groups };
        return [Members("SecurityGroupIds", groups)];
    }

    public IEnumerable<XElement?> DescribeAttributes(QueryParams p) => [ElbV2Xml.Attributes(state.LoadBalancer(p.Required("LoadBalancerArn")).Attributes)];

    public IEnumerable<XElement?> ModifyAttributes(QueryParams p)
    {
        var lb = state.LoadBalancer(p.Required("LoadBalancerArn"));
        var attributes = ElbV2Attributes.Modify(lb.Attributes, p);
        state.LoadBalancers[lb.Arn] = lb with { Attributes = attributes };
        return [ElbV2Xml.Attributes(attributes)];
    }

    private List<Subnet> Subnets(IReadOnlyList<string> ids, string type)
    {
        if (ids.Count == 0)
        {
            throw new AwsError("ValidationError", "At least one subnet must be specified");
        }

        var subnets = ids.Distinct().Select(id => state.Subnets.GetValueOrDefault(id) ?? throw new AwsError("SubnetNotFound", $"The subnet ID '{id}' is not valid")).ToList();
        if (subnets.Select(s => s.VpcId).Distinct().Count() > 1)
        {
            throw new AwsError("InvalidConfigurationRequest", "The subnets of a load balancer must all be in the same VPC");
        }

        if (subnets.Select(s => s.AvailabilityZone).Distinct().Count() != subnets.Count)
        {
            throw new AwsError("InvalidConfigurationRequest", "A load balancer cannot be attached to multiple subnets in the same Availability Zone");
        }

        if (type == "application" && subnets.Count < 2)
        {
            throw new AwsError("ValidationError", "At least two subnets in two different Availability Zones must be specified");
        }

        return subnets;
    }

    private List<string> SecurityGroups(IReadOnlyList<string> ids, string vpcId)
    {
        foreach (var id in ids)
        {
            if (!state.SecurityGroups.TryGetValue(id, out var group) || group.VpcId != vpcId)
            {
                throw new AwsError("InvalidSecurityGroup", $"Security group '{id}' does not exist in VPC '{vpcId}'");
            }
        }

        return ids.Distinct().ToList();
    }
}
