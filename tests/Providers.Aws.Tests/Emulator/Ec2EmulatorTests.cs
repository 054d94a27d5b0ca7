using CloudIngress.Emulators.Aws;

namespace CloudIngress.Providers.Aws.Tests.Emulator;

public sealed class Ec2EmulatorTests : EmulatorTest
{
    [Fact]
    public async Task DescribeSubnets_FiltersByVpcAndTags()
    {
        var tagged = (await Wire.Ec2("DescribeSubnets", "Filter.1.Name", "vpc-id", "Filter.1.Value.1", Aws.DefaultVpcId!,
            "Filter.2.Name", "tag:kubernetes.io/role/elb", "Filter.2.Value.1", "1")).Ok();
        Assert.Equal(3, tagged.All("subnetId").Count());
        Assert.Equal(["us-east-1a", "us-east-1b", "us-east-1c"], tagged.All("availabilityZone"));
        Assert.All(tagged.All("defaultForAz"), v => Assert.Equal("true", v));
        var internalOnes = (await Wire.Ec2("DescribeSubnets", "Filter.1.Name", "tag-key", "Filter.1.Value.1", "kubernetes.io/role/internal-elb")).Ok();
        Assert.Equal(3, internalOnes.All("subnetId").Count());
        (await Wire.Ec2("DescribeSubnets", "SubnetId.1", "subnet-404")).Fails("InvalidSubnetID.NotFound");
        (await Wire.Ec2("DescribeSubnets", "Filter.1.Name", "color", "Filter.1.Value.1", "blue")).Fails("InvalidParameterValue");
    }

    [Fact]
    public async Task DescribeVpcs_ById()
    {
        Assert.Equal("10.0.0.0/16", (await Wire.Ec2("DescribeVpcs", "VpcId.1", Aws.DefaultVpcId!)).Ok().One("cidrBlock"));
        (await Wire.Ec2("DescribeVpcs", "VpcId.1", "vpc-404")).Fails("InvalidVpcID.NotFound");
    }

    [Fact]
    public async Task EmptyAccount_HasNoNetworkUntilAdded()
    {
        await using var aws = await AwsEmulator.StartAsync(new AwsEmulatorOptions { SeedDefaultVpc = false });
        using var wire = new AwsWire(aws);
        Assert.Empty((await wire.Ec2("DescribeVpcs")).Ok().All("vpcId"));
        var vpc = aws.AddVpc("192.168.0.0/16");
        aws.AddSubnet(vpc, "us-east-1a", "192.168.0.0/24", new Dictionary<string, string> { ["team"] = "a" });
        Assert.Equal("a", (await wire.Ec2("DescribeSubnets", "Filter.1.Name", "vpc-id", "Filter.1.Value.1", vpc)).Ok().One("value"));
    }

    [Fact]
    public async Task SecurityGroups_CreateWithTags_RefuseDuplicates_AndKeepPermissions()
    {
        var created = (await Wire.Ec2("CreateSecurityGroup", "GroupName", "lb", "GroupDescription", "load balancer", "VpcId", Aws.DefaultVpcId!,
            "TagSpecification.1.ResourceType", "security-group", "TagSpecification.1.Tag.1.Key", "cloudingress.io/cluster", "TagSpecification.1.Tag.1.Value", "c1")).Ok();
        var id = created.One("groupId");
        (await Wire.Ec2("CreateSecurityGroup", "GroupName", "lb", "GroupDescription", "again", "VpcId", Aws.DefaultVpcId!)).Fails("InvalidGroup.Duplicate");
        string[] https = ["GroupId", id, "IpPermissions.1.IpProtocol", "tcp", "IpPermissions.1.FromPort", "443", "IpPermissions.1.ToPort", "443",
            "IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0", "IpPermissions.1.Ipv6Ranges.1.CidrIpv6", "::/0"];
        Assert.Equal("true", (await Wire.Ec2("AuthorizeSecurityGroupIngress", https)).Ok().One("return"));
        (await Wire.Ec2("AuthorizeSecurityGroupIngress", https)).Fails("InvalidPermission.Duplicate");
        var described = (await Wire.Ec2("DescribeSecurityGroups", "Filter.1.Name", "tag:cloudingress.io/cluster", "Filter.1.Value.1", "c1")).Ok();
        Assert.Equal(id, described.One("groupId"));
        var permission = described.Root.Descendants().First(e => e.Name.LocalName == "ipPermissions").Elements().Single();
        Assert.Equal(["tcp", "443", "443"], permission.Elements().Take(3).Select(e => e.Value));
        Assert.Equal(["0.0.0.0/0", "::/0"], permission.Descendants().Where(e => e.Name.LocalName is "cidrIp" or "cidrIpv6").Select(e => e.Value));
        (await Wire.Ec2("RevokeSecurityGroupIngress", https)).Ok();
        (await Wire.Ec2("RevokeSecurityGroupIngress", https)).Fails("InvalidPermission.NotFound");
        (await Wire.Ec2("DescribeSecurityGroups", "GroupId.1", "sg-404")).Fails("InvalidGroup.NotFound");
    }

    [Fact]
    public async Task SecurityGroup_AttachedToALoadBalancer_CannotBeDeleted()
    {
        var id = (await Wire.Ec2("CreateSecurityGroup", "GroupName", "lb", "GroupDescription", "d", "VpcId", Aws.DefaultVpcId!)).Ok().One("groupId");
        var lb = await Wire.CreateLoadBalancer("web", "application", "SecurityGroups.member.1", id);
        (await Wire.Ec2("DeleteSecurityGroup", "GroupId", id)).Fails("DependencyViolation");
        (await Wire.Elb("DeleteLoadBalancer", "LoadBalancerArn", lb)).Ok();
        (await Wire.Ec2("DeleteSecurityGroup", "GroupId", id)).Ok();
        (await Wire.Ec2("DeleteSecurityGroup", "GroupId", id)).Fails("InvalidGroup.NotFound");
    }

    [Fact]
    public async Task DescribeSecurityGroups_IsPagedWithNextToken()
    {
        for (var i = 0; i < 7; i++)
        {
            (await Wire.Ec2("CreateSecurityGroup", "GroupName", $"g{i}", "GroupDescription", "d", "VpcId", Aws.DefaultVpcId!)).Ok();
        }

        var first = (await Wire.Ec2("DescribeSecurityGroups", "MaxResults", "5")).Ok();
        Assert.Equal(5, first.All("groupId").Count());
        var rest = (await Wire.Ec2("DescribeSecurityGroups", "MaxResults", "5", "NextToken", first.One("nextToken"))).Ok();
        Assert.Equal(3, rest.All("groupId").Count());
        Assert.Empty(rest.All("nextToken"));
    }

    [Fact]
    public async Task CreateTags_NeedsTheResource()
    {
        (await Wire.Ec2("CreateTags", "ResourceId.1", "sg-404", "Tag.1.Key", "k", "Tag.1.Value", "v")).Fails("InvalidGroup.NotFound");
        var vpc = Aws.DefaultVpcId!;
        (await Wire.Ec2("CreateTags", "ResourceId.1", vpc, "Tag.1.Key", "k", "Tag.1.Value", "v")).Ok();
        Assert.Equal("v", Aws.AllTags()[vpc]["k"]);
    }

    [Fact]
    public async Task DescribeInstances_ByPrivateDnsName()
    {
        Aws.AddInstance("i-0123", "ip-10-0-1-7.ec2.internal", "us-east-1b");
        var answer = (await Wire.Ec2("DescribeInstances", "Filter.1.Name", "private-dns-name", "Filter.1.Value.1", "ip-10-0-1-7.ec2.internal")).Ok();
        Assert.Equal("i-0123", answer.One("instanceId"));
        Assert.Equal("us-east-1b", answer.One("availabilityZone"));
        Assert.Equal(Aws.DefaultVpcId, answer.One("vpcId"));
    }
}
