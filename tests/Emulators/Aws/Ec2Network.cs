using System.Xml.Linq;
using static CloudIngress.Emulators.Aws.QueryXml;

namespace CloudIngress.Emulators.Aws;

/// <summary>EC2 VPCs, subnets, instances and CreateTags: what a load balancer controller reads to place itself.</summary>
internal sealed class Ec2Network(AwsState state)
{
    private string Owner => state.Options.AccountId;

    public IEnumerable<XElement?> DescribeVpcs(QueryParams p)
    {
        var filters = new Ec2Filters(p, "vpc-id", "cidr", "cidr-block", "is-default", "state", "owner-id");
        var vpcs = Ec2Filters.Selected(p.List("VpcId"), state.Vpcs, "InvalidVpcID.NotFound", "vpc ID")
            .Where(v => filters.Match(state.TagsOf(v.Id), new Dictionary<string, string>
            {
                ["vpc-id"] = v.Id, ["cidr"] = v.CidrBlock, ["cidr-block"] = v.CidrBlock, ["is-default"] = Bool(v.IsDefault), ["state"] = "available", ["owner-id"] = Owner,
            })).ToList();
        var (page, next) = Ec2Filters.Page(vpcs, p, state.Options.PageSize);
        return [Items("vpcSet", page.Select(v => new object?[]
        {
            E("vpcId", v.Id), E("ownerId", Owner), E("state", "available"), E("cidrBlock", v.CidrBlock), E("dhcpOptionsId", "dopt-0" + v.Id[5..]),
            E("instanceTenancy", "default"), E("isDefault", v.IsDefault), Ec2Filters.TagSet(state.TagsOf(v.Id)),
        })), next];
    }

    public IEnumerable<XElement?> DescribeSubnets(QueryParams p)
    {
        var filters = new Ec2Filters(p, "vpc-id", "subnet-id", "availability-zone", "default-for-az", "cidr-block", "state", "owner-id");
        var subnets = Ec2Filters.Selected(p.List("SubnetId"), state.Subnets, "InvalidSubnetID.NotFound", "subnet ID")
            .Where(s => filters.Match(state.TagsOf(s.Id), new Dictionary<string, string>
            {
                ["vpc-id"] = s.VpcId, ["subnet-id"] = s.Id, ["availability-zone"] = s.AvailabilityZone, ["default-for-az"] = Bool(s.DefaultForAz),
                ["cidr-block"] = s.CidrBlock, ["state"] = "available", ["owner-id"] = Owner,
            })).ToList();
        var (page, next) = Ec2Filters.Page(subnets, p, state.Options.PageSize);
        return [Items("subnetSet", page.Select(s => new object?[]
        {
            E("subnetId", s.Id), E("subnetArn", $"arn:aws:ec2:{state.Options.Region}:{Owner}:subnet/{s.Id}"), E("state", "available"), E("ownerId", Owner),
            E("vpcId", s.VpcId), E("cidrBlock", s.CidrBlock), E("availableIpAddressCount", 4091), E("availabilityZone", s.AvailabilityZone),
            E("availabilityZoneId", "use1-az" + (s.AvailabilityZone[^1] - 'a' + 1)), E("defaultForAz", s.DefaultForAz), E("mapPublicIpOnLaunch", s.DefaultForAz),
            Ec2Filters.TagSet(state.TagsOf(s.Id)),
        })), next];
    }

    public IEnumerable<XElement?> DescribeInstances(QueryParams p)
    {
        var filters = new Ec2Filters(p, "instance-id", "private-dns-name", "vpc-id", "subnet-id", "availability-zone", "instance-state-name", "private-ip-address");
        var instances = Ec2Filters.Selected(p.List("InstanceId"), state.Instances, "InvalidInstanceID.NotFound", "instance ID")
            .Where(i => filters.Match(state.TagsOf(i.Id), new Dictionary<string, string>
            {
                ["instance-id"] = i.Id, ["private-dns-name"] = i.PrivateDnsName, ["vpc-id"] = i.VpcId, ["subnet-id"] = i.SubnetId,
                ["availability-zone"] = i.AvailabilityZone, ["instance-state-name"] = "running", ["private-ip-address"] = i.PrivateIpAddress,
            })).ToList();
        var (page, next) = Ec2Filters.Page(instances, p, state.Options.PageSize);
        return [Items("reservationSet", page.Select(i => new object?[]
        {
            E("reservationId", "r-0" + i.Id[2..]), E("ownerId", Owner), E("groupSet"),
            Items("instancesSet", [new object?[]
            {
                E("instanceId", i.Id), E("instanceState", E("code", 16), E("name", "running")), E("privateDnsName", i.PrivateDnsName),
                E("privateIpAddress", i.PrivateIpAddress), E("placement", E("availabilityZone", i.AvailabilityZone), E("tenancy", "default")),
                E("subnetId", i.SubnetId), E("vpcId", i.VpcId), Ec2Filters.TagSet(state.TagsOf(i.Id)),
            }]),
        })), next];
    }

    public IEnumerable<XElement?> CreateTags(QueryParams p)
    {
        var ids = p.List("ResourceId");
        var tags = p.Tags("Tag");
        if (ids.Count == 0 || tags.Count == 0)
        {
            throw p.Missing(ids.Count == 0 ? "ResourceId" : "Tag");
        }

        foreach (var id in ids)
        {
            Exists(id);
            TagRules.Check(state.TagsOf(id), tags, "TagLimitExceeded", "InvalidParameterValue");
        }

        foreach (var id in ids)
        {
            state.AddTags(id, tags);
        }

        return [E("return", true)];
    }

    private void Exists(string id)
    {
        var (found, code) = id.Split('-')[0] switch
        {
            "vpc" => (state.Vpcs.ContainsKey(id), "InvalidVpcID.NotFound"),
            "subnet" => (state.Subnets.ContainsKey(id), "InvalidSubnetID.NotFound"),
            "sg" => (state.SecurityGroups.ContainsKey(id), "InvalidGroup.NotFound"),
            "i" => (state.Instances.ContainsKey(id), "InvalidInstanceID.NotFound"),
            _ => (false, "InvalidID"),
        };
        if (!found)
        {
            throw new AwsError(code, $"The ID '{id}' does not exist");
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
