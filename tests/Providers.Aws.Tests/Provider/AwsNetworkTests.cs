using CloudIngress.Emulators.Aws;
using CloudIngress.Providers.Aws.Deploy;

namespace CloudIngress.Providers.Aws.Tests.Provider;

/// <summary>Where load balancers go: --aws-subnets, else role-tagged subnets, else default subnets with a warning.</summary>
public sealed class AwsNetworkTests
{
    private static readonly Dictionary<string, string> Public = new() { ["kubernetes.io/role/elb"] = "1" };
    private static readonly Dictionary<string, string> Internal = new() { ["kubernetes.io/role/internal-elb"] = "1" };

    [Fact]
    public async Task TaggedSubnets_OnePerZone_PerScheme()
    {
        await using var bed = await AwsTestbed.StartAsync(new AwsEmulatorOptions { SeedDefaultVpc = false });
        var vpc = bed.Emulator!.AddVpc("10.1.0.0/16", isDefault: true);
        var a1 = bed.Emulator.AddSubnet(vpc, "us-east-1a", "10.1.1.0/24", Public);
        bed.Emulator.AddSubnet(vpc, "us-east-1a", "10.1.2.0/24", Public);
        var b = bed.Emulator.AddSubnet(vpc, "us-east-1b", "10.1.3.0/24", Public);
        var internalA = bed.Emulator.AddSubnet(vpc, "us-east-1a", "10.1.4.0/24", Internal);
        var warnings = new List<string>();
        var network = new AwsNetwork(bed.Clients.Ec2, null, [], warnings.Add);

        Assert.Equal(vpc, await network.VpcAsync(CancellationToken.None));
        var chosen = await network.SubnetsAsync("internet-facing", CancellationToken.None);
        Assert.Equal(2, chosen.Count);
        Assert.Contains(b, chosen);
        Assert.Contains(chosen, s => s != b);
        Assert.Equal([internalA], await network.SubnetsAsync("internal", CancellationToken.None));
        Assert.Empty(warnings);
    }

    [Fact]
    public async Task WithoutTags_DefaultSubnetsAreUsed_WithAWarning()
    {
        await using var bed = await AwsTestbed.StartAsync(new AwsEmulatorOptions { SeedDefaultVpc = false });
        var vpc = bed.Emulator!.AddVpc("10.1.0.0/16", isDefault: true);
        var a = bed.Emulator.AddSubnet(vpc, "us-east-1a", "10.1.1.0/24", defaultForAz: true);
        var b = bed.Emulator.AddSubnet(vpc, "us-east-1b", "10.1.2.0/24", defaultForAz: true);
        bed.Emulator.AddSubnet(vpc, "us-east-1c", "10.1.3.0/24");
        var warnings = new List<string>();
        var network = new AwsNetwork(bed.Clients.Ec2, null, [], warnings.Add);

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), (await network.SubnetsAsync("internet-facing", CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Contains("kubernetes.io/role/elb", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenSubnets_AreUsedAsIs_AndNameTheVpc()
    {
        await using var bed = await AwsTestbed.StartAsync(new AwsEmulatorOptions { SeedDefaultVpc = false });
        var vpc = bed.Emulator!.AddVpc("10.1.0.0/16");
        var a = bed.Emulator.AddSubnet(vpc, "us-east-1a", "10.1.1.0/24");
        var network = new AwsNetwork(bed.Clients.Ec2, null, [a], _ => { });

        Assert.Equal(vpc, await network.VpcAsync(CancellationToken.None));
        Assert.Equal([a], await network.SubnetsAsync("internal", CancellationToken.None));
    }

    [Fact]
    public async Task NoDefaultVpc_AndNoFlags_IsAClearError()
    {
        await using var bed = await AwsTestbed.StartAsync(new AwsEmulatorOptions { SeedDefaultVpc = false });
        var network = new AwsNetwork(bed.Clients.Ec2, null, [], _ => { });
        var e = await Assert.ThrowsAsync<AwsConfigurationException>(() => network.VpcAsync(CancellationToken.None));
        Assert.Contains("--aws-vpc-id", e.Message, StringComparison.Ordinal);
    }
}
