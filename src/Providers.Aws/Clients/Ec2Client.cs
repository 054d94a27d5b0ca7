using System.Globalization;
using System.Xml.Linq;

namespace CloudIngress.Providers.Aws.Clients;

public sealed record Ec2Vpc(string Id, string? CidrBlock, bool IsDefault);

public sealed record Ec2Subnet(string Id, string VpcId, string AvailabilityZone, bool DefaultForAz, IReadOnlyDictionary<string, string> Tags);

/// <summary>One ingress permission: protocol (<c>tcp</c>, <c>udp</c>), port range and one CIDR (IPv4 or IPv6).</summary>
public sealed record Ec2Permission(string Protocol, int FromPort, int ToPort, string Cidr)
{
    public bool IsIpv6 => Cidr.Contains(':', StringComparison.Ordinal);

    public override string ToString() => $"{Protocol}/{FromPort.ToString(CultureInfo.InvariantCulture)} from {Cidr}";
}

public sealed record Ec2SecurityGroup(string Id, string Name, string? VpcId, IReadOnlyList<Ec2Permission> Ingress, IReadOnlyDictionary<string, string> Tags);

public sealed record Ec2Instance(string Id, string? PrivateDnsName, string? AvailabilityZone);

/// <summary>A DescribeX filter: <c>Filter.N.Name</c> with values <c>Filter.N.Value.M</c>.</summary>
public sealed record Ec2Filter(string Name, params IReadOnlyList<string> Values);

/// <summary>The EC2 operations CloudIngress uses (API version 2016-11-15), typed. Lists are <c>Name.N</c>.</summary>
public sealed class Ec2Client(AwsQueryClient query)
{
    public const string ApiVersion = "2016-11-15";

    public AwsQueryClient Query => query;

    public async Task<IReadOnlyList<Ec2Vpc>> DescribeVpcsAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken ct) =>
        (await PagedAsync("DescribeVpcs", "vpcSet", Filters(filters), ct))
            .Select(v => new Ec2Vpc((string)v.Element("vpcId")!, (string?)v.Element("cidrBlock"), (bool?)v.Element("isDefault") ?? false)).ToList();

    public async Task<IReadOnlyList<Ec2Subnet>> DescribeSubnetsAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken ct) =>
        (await PagedAsync("DescribeSubnets", "subnetSet", Filters(filters), ct))
            .Select(s => new Ec2Subnet((string)s.Element("subnetId")!, (string)s.Element("vpcId")!, (string?)s.Element("availabilityZone") ?? string.Empty,
                (bool?)s.Element("defaultForAz") ?? false, Tags(s)))
            .ToList();

    public async Task<string> CreateSecurityGroupAsync(string name, string description, string vpcId, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var p = new Params { { "GroupName", name }, { "GroupDescription", description }, { "VpcId", vpcId }, { "TagSpecification.1.ResourceType", "security-group" } };
        p.AddRange(tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"TagSpecification.1.Tag.{N(i)}.Key", t.Key),
            new($"TagSpecification.1.Tag.{N(i)}.Value", t.Value),
        }));
        return (string)(await query.CallAsync("CreateSecurityGroup", p, ct)).Element("groupId")!;
    }

    public async Task<IReadOnlyList<Ec2SecurityGroup>> DescribeSecurityGroupsAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken ct) =>
        (await PagedAsync("DescribeSecurityGroups", "securityGroupInfo", Filters(filters), ct)).Select(ParseGroup).ToList();

    public Task DeleteSecurityGroupAsync(string groupId, CancellationToken ct) =>
        query.CallAsync("DeleteSecurityGroup", new Params { { "GroupId", groupId } }, ct);

    public Task AuthorizeIngressAsync(string groupId, IReadOnlyList<Ec2Permission> permissions, CancellationToken ct) =>
        query.CallAsync("AuthorizeSecurityGroupIngress", new Params { { "GroupId", groupId } }.With(Permissions(permissions)), ct);

    public Task RevokeIngressAsync(string groupId, IReadOnlyList<Ec2Permission> permissions, CancellationToken ct) =>
        query.CallAsync("RevokeSecurityGroupIngress", new Params { { "GroupId", groupId } }.With(Permissions(permissions)), ct);

    public Task CreateTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyDictionary<string, string> tags, CancellationToken ct)
    {
        var p = new Params();
        p.AddRange(resourceIds.Select((id, i) => new KeyValuePair<string, string>($"ResourceId.{N(i)}", id)));
        p.AddRange(tags.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany((t, i) => new KeyValuePair<string, string>[]
        {
            new($"Tag.{N(i)}.Key", t.Key),
            new($"Tag.{N(i)}.Value", t.Value),
        }));
        return query.CallAsync("CreateTags", p, ct);
    }

    public async Task<IReadOnlyList<Ec2Instance>> DescribeInstancesAsync(IReadOnlyList<Ec2Filter> filters, CancellationToken ct) =>
        (await PagedAsync("DescribeInstances", "reservationSet", Filters(filters), ct))
            .SelectMany(r => r.Element("instancesSet")?.Elements("item") ?? [])
            .Select(i => new Ec2Instance((string)i.Element("instanceId")!, (string?)i.Element("privateDnsName"), (string?)i.Element("placement")?.Element("availabilityZone")))
            .ToList();

    private async Task<List<XElement>> PagedAsync(string action, string setName, Params parameters, CancellationToken ct)
    {
        var all = new List<XElement>();
        string? token = null;
        do
        {
            var p = new Params().With(parameters);
            if (token is not null)
            {
                p.Add("NextToken", token);
            }

            var result = await query.CallAsync(action, p, ct);
            all.AddRange(result.Element(setName)?.Elements("item") ?? []);
            token = (string?)result.Element("nextToken");
        }
        while (!string.IsNullOrEmpty(token));
        return all;
    }

    private static Ec2SecurityGroup ParseGroup(XElement g)
    {
        var permissions = new List<Ec2Permission>();
        foreach (var p in g.Element("ipPermissions")?.Elements("item") ?? [])
        {
            var protocol = (string?)p.Element("ipProtocol") ?? "-1";
            var from = (int?)p.Element("fromPort") ?? -1;
            var to = (int?)p.Element("toPort") ?? -1;
            permissions.AddRange((p.Element("ipRanges")?.Elements("item") ?? []).Select(r => new Ec2Permission(protocol, from, to, (string)r.Element("cidrIp")!)));
            permissions.AddRange((p.Element("ipv6Ranges")?.Elements("item") ?? []).Select(r => new Ec2Permission(protocol, from, to, (string)r.Element("cidrIpv6")!)));
        }

        return new Ec2SecurityGroup((string)g.Element("groupId")!, (string?)g.Element("groupName") ?? string.Empty, (string?)g.Element("vpcId"), permissions, Tags(g));
    }

    private static Dictionary<string, string> Tags(XElement e) =>
        (e.Element("tagSet")?.Elements("item") ?? []).ToDictionary(t => (string)t.Element("key")!, t => (string?)t.Element("value") ?? string.Empty, StringComparer.Ordinal);

    private static Params Filters(IReadOnlyList<Ec2Filter> filters)
    {
        var p = new Params();
        for (var i = 0; i < filters.Count; i++)
        {
            p.Add($"Filter.{N(i)}.Name", filters[i].Name);
            p.AddRange(filters[i].Values.Select((v, j) => new KeyValuePair<string, string>($"Filter.{N(i)}.Value.{N(j)}", v)));
        }

        return p;
    }

    /// <summary>Every permission is its own <c>IpPermissions.N</c> entry: simple, and exactly what was asked.</summary>
    private static Params Permissions(IReadOnlyList<Ec2Permission> permissions)
    {
        var p = new Params();
        for (var i = 0; i < permissions.Count; i++)
        {
            var x = permissions[i];
            var prefix = $"IpPermissions.{N(i)}.";
            p.Add(prefix + "IpProtocol", x.Protocol);
            p.Add(prefix + "FromPort", x.FromPort.ToString(CultureInfo.InvariantCulture));
            p.Add(prefix + "ToPort", x.ToPort.ToString(CultureInfo.InvariantCulture));
            p.Add(prefix + (x.IsIpv6 ? "Ipv6Ranges.1.CidrIpv6" : "IpRanges.1.CidrIp"), x.Cidr);
        }

        return p;
    }

    private static string N(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);
}
