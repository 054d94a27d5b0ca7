using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>EC2 security groups: create, describe, delete (refused while a load balancer uses it) and ingress permissions.</summary>
internal sealed class SecurityGroupOperations(AwsState state)
{
    private const int MaxIngressRules = 60;

    public IEnumerable<XElement?> Create(QueryParams p)
    {
        var name = p.Required("GroupName");
        var description = p.Required("GroupDescription");
        var vpcId = p.Get("VpcId") ?? state.Vpcs.Values.FirstOrDefault(v => v.IsDefault)?.Id ?? throw new AwsError("VPCIdNotSpecified", "No default VPC for this user");
        if (!state.Vpcs.ContainsKey(vpcId))
        {
            throw new AwsError("InvalidVpcID.NotFound", $"The vpc ID '{vpcId}' does not exist");
        }

        if (name.StartsWith("sg-", StringComparison.OrdinalIgnoreCase) || name.Length > 255)
        {
            throw new AwsError("InvalidParameterValue", $"Invalid value '{name}' for groupName");
        }

        if (state.SecurityGroups.Values.Any(g => g.VpcId == vpcId && g.Name == name))
        {
            throw new AwsError("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var spec in p.Structs("TagSpecification"))
        {
            if (spec.Get("ResourceType") != "security-group")
            {
                throw new AwsError("InvalidParameterValue", $"'{spec.Get("ResourceType")}' is not a valid taggable resource type for this operation.");
            }

            tags.AddRange(spec.Tags("Tag"));
        }

        TagRules.Check(null, tags, "TagLimitExceeded", "InvalidParameterValue");
        var group = Add(state, name, description, vpcId);
        state.AddTags(group.Id, tags);
        return [E("return", true), E("groupId", group.Id), Ec2Filters.TagSet(state.TagsOf(group.Id))];
    }

    public static SecurityGroup Add(AwsState state, string name, string description, string vpcId)
    {
        var group = new SecurityGroup("sg-" + AwsState.Hex(17), name, description, vpcId, []);
        state.SecurityGroups[group.Id] = group;
        return group;
    }

    public IEnumerable<XElement?> Describe(QueryParams p)
    {
        var filters = new Ec2Filters(p, "vpc-id", "group-name", "group-id", "description", "owner-id");
        var names = p.List("GroupName");
        var groups = Ec2Filters.Selected(p.List("GroupId"), state.SecurityGroups, "InvalidGroup.NotFound", "security group")
            .Where(g => names.Count == 0 || names.Contains(g.Name))
            .Where(g => filters.Match(state.TagsOf(g.Id), new Dictionary<string, string>
            {
                ["vpc-id"] = g.VpcId, ["group-name"] = g.Name, ["group-id"] = g.Id, ["description"] = g.Description, ["owner-id"] = state.Options.AccountId,
            })).ToList();
        var missingName = names.FirstOrDefault(n => groups.All(g => g.Name != n));
        if (missingName is not null)
        {
            throw new AwsError("InvalidGroup.NotFound", $"The security group '{missingName}' does not exist");
        }

        var (page, next) = Ec2Filters.Page(groups, p, state.Options.PageSize);
        return [Items("securityGroupInfo", page.Select(g => new object?[]
        {
            E("ownerId", state.Options.AccountId), E("groupId", g.Id), E("groupName", g.Name), E("groupDescription", g.Description), E("vpcId", g.VpcId),
            E("securityGroupArn", $"arn:aws:ec2:{state.Options.Region}:{state.Options.AccountId}:security-group/{g.Id}"),
            Permissions("ipPermissions", g.Ingress),
            Permissions("ipPermissionsEgress", [new IpPermission("-1", null, null, "0.0.0.0/0", null)]),
            Ec2Filters.TagSet(state.TagsOf(g.Id)),
        })), next];
    }

    public IEnumerable<XElement?> Delete(QueryParams p)
    {
        var group = Find(p.Required("GroupId"));
        if (group.Name == "default")
        {
            throw new AwsError("CannotDelete", $"the specified group: \"{group.Id}\" name: \"default\" cannot be deleted by a user");
        }

        if (state.LoadBalancers.Values.Any(l => l.SecurityGroups.Contains(group.Id)))
        {
            throw new AwsError("DependencyViolation", $"resource {group.Id} has a dependent object");
        }

        state.SecurityGroups.Remove(group.Id);
        state.Tags.Remove(group.Id);
        return [E("return", true), E("groupId", group.Id)];
    }

    public IEnumerable<XElement?> Authorize(QueryParams p)
    {
        var group = Find(p.Required("GroupId"));
        var added = Parse(p);
        var clash = added.FirstOrDefault(a => group.Ingress.Contains(a)) ?? added.GroupBy(a => a).Where(g => g.Count() > 1).Select(g => g.Key).FirstOrDefault();
        if (clash is not null)
        {
            throw new AwsError("InvalidPermission.Duplicate", $"the specified rule \"peer: {clash.CidrIp ?? clash.CidrIpv6}, {clash.IpProtocol.ToUpperInvariant()}, from port: {clash.FromPort}, to port: {clash.ToPort}, ALLOW\" already exists");
        }

        if (group.Ingress.Count + added.Count > MaxIngressRules)
        {
            throw new AwsError("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");
        }

        state.SecurityGroups[group.Id] = group with { Ingress = [.. group.Ingress, .. added] };
        return [E("return", true)];
    }

    public IEnumerable<XElement?> Revoke(QueryParams p)
    {
        var group = Find(p.Required("GroupId"));
        var removed = Parse(p);
        if (removed.FirstOrDefault(r => !group.Ingress.Contains(r)) is { } missing)
        {
            throw new AwsError("InvalidPermission.NotFound", $"The specified rule does not exist in this security group: {missing.IpProtocol} {missing.FromPort}-{missing.ToPort} {missing.CidrIp ?? missing.CidrIpv6}");
        }

        state.SecurityGroups[group.Id] = group with { Ingress = group.Ingress.Where(i => !removed.Contains(i)).ToList() };
        return [E("return", true)];
    }

    private SecurityGroup Find(string id) =>
        state.SecurityGroups.GetValueOrDefault(id) ?? throw new AwsError("InvalidGroup.NotFound", $"The security group '{id}' does not exist");

    /// <summary><c>IpPermissions.N</c> split into one permission per address range.</summary>
    private static List<IpPermission> Parse(QueryParams p)
    {
        var items = p.Structs("IpPermissions");
        if (items.Count == 0)
        {
            throw p.Missing("IpPermissions");
        }

        var result = new List<IpPermission>();
        foreach (var item in items)
        {
            var protocol = item.Required("IpProtocol").ToLowerInvariant() switch
            {
                "tcp" or "6" => "tcp",
                "udp" or "17" => "udp",
                "icmp" or "1" => "icmp",
                "-1" or "all" => "-1",
                var other => throw new AwsError("InvalidParameterValue", $"Invalid value '{other}' for IP protocol. Unknown protocol."),
            };
            int? from = protocol == "-1" ? null : item.RequiredInt("FromPort", -1, 65535);
            int? to = protocol == "-1" ? null : item.RequiredInt("ToPort", -1, 65535);
            if (protocol is "tcp" or "udp" && (from < 0 || from > to))
            {
                throw new AwsError("InvalidParameterValue", $"Invalid port range {from}-{to}");
            }

            var v4 = item.Structs("IpRanges").Select(r => Cidr(r.Required("CidrIp"), AddressFamily.InterNetwork)).Select(c => new IpPermission(protocol, from, to, c, null));
            var v6 = item.Structs("Ipv6Ranges").Select(r => Cidr(r.Required("CidrIpv6"), AddressFamily.InterNetworkV6)).Select(c => new IpPermission(protocol, from, to, null, c));
            var ranges = v4.Concat(v6).ToList();
            result.AddRange(ranges.Count > 0 ? ranges : throw item.Missing("IpRanges"));
        }

        return result;
    }

    private static string Cidr(string text, AddressFamily family) =>
        IPNetwork.TryParse(text, out var network) && network.BaseAddress.AddressFamily == family && network.ToString() == text
            ? text
            : throw new AwsError("InvalidParameterValue", $"CIDR block {text} is malformed");

    private static XElement Permissions(string name, IReadOnlyList<IpPermission> permissions) =>
        Items(name, permissions.GroupBy(i => (i.IpProtocol, i.FromPort, i.ToPort)).Select(g => new object?[]
        {
            E("ipProtocol", g.Key.IpProtocol),
            Opt("fromPort", g.Key.FromPort?.ToString(CultureInfo.InvariantCulture)),
            Opt("toPort", g.Key.ToPort?.ToString(CultureInfo.InvariantCulture)),
            E("groups"),
            Items("ipRanges", g.Where(i => i.CidrIp is not null).Select(i => E("cidrIp", i.CidrIp))),
            Items("ipv6Ranges", g.Where(i => i.CidrIpv6 is not null).Select(i => E("cidrIpv6", i.CidrIpv6))),
            E("prefixListIds"),
        }));
}
