using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;
using static CloudIngress.Providers.MetalLb.Tests.Allocation.AllocatorSteps;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

/// <summary>New pools under existing allocations (MetalLB's TestConfigReload): addresses move to their new pool or are lost.</summary>
public sealed class AllocatorPoolChangeTests
{
    public static TheoryData<string, AddressPool[], string, string> Changes() => new()
    {
        { "set same config is no-op", [Pool("test", "1.2.3.0/30", "1000::/126")], "test", "test" },
        { "expand pool", [Pool("test", "1.2.3.0/24", "1000::/120")], "test", "test" },
        { "shrink pool", [Pool("test", "1.2.3.0/30", "1000::/126")], "test", "test" },
        { "can't shrink further, removing the service allocation", [Pool("test", "1.2.3.2/31", "1000::0/126")], "", "test" },
        { "can't shrink further ipv6, removing the service allocation", [Pool("test", "1.2.3.0/30", "1000::2/127")], "test", "" },
        { "rename the pool", [Pool("test2", "1.2.3.0/30", "1000::0/126")], "test2", "test2" },
        { "split pool", [Pool("test", "1.2.3.0/31", "1000::2/127"), Pool("test2", "1.2.3.2/31", "1000::/127")], "test", "test2" },
        { "enable buggy IPs not allowed", [Pool("test2", "1.2.3.0/31", "1000::/127") with { AvoidBuggyIps = true }], "", "test2" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void SetPools_ExistingAllocations_FollowTheirAddresses(string description, AddressPool[] pools, string poolS1, string poolS2)
    {
        var allocator = new Allocator([Pool("test", "1.2.3.0/30", "1000::/126"), Pool("unused", "1.2.4.0/30", "1001::/126")]);
        Assert.True(allocator.Assign(Svc("s1"), [IPAddress.Parse("1.2.3.0")]).Succeeded);
        Assert.True(allocator.Assign(Svc("s2", family: ServiceFamily.IPv6), [IPAddress.Parse("1000::")]).Succeeded);

        allocator.SetPools(pools);

        Assert.True(poolS1 == (allocator.PoolOf("s1") ?? string.Empty), $"{description}: s1 in {allocator.PoolOf("s1")}");
        Assert.True(poolS2 == (allocator.PoolOf("s2") ?? string.Empty), $"{description}: s2 in {allocator.PoolOf("s2")}");
    }

    [Fact]
    public void SetPools_LostAddress_IsFreeForOthers()
    {
        var allocator = new Allocator([Pool("a", "10.0.0.0/32")]);
        Assert.True(allocator.Assign(Svc("s1"), [IPAddress.Parse("10.0.0.0")]).Succeeded);
        allocator.SetPools([]);
        allocator.SetPools([Pool("b", "10.0.0.0/32")]);
        Assert.Empty(allocator.AddressesOf("s1"));
        Assert.Equal("10.0.0.0", Assert.Single(allocator.Allocate(Svc("s2")).Addresses).ToString());
    }
}
