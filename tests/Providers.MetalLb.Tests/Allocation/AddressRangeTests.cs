using CloudIngress.Providers.MetalLb.Allocation;
using System.Net;

namespace CloudIngress.Providers.MetalLb.Tests.Allocation;

public sealed class AddressRangeTests
{
    [Theory]
    [InlineData("192.0.2.5/30", "192.0.2.4", "192.0.2.7")]
    [InlineData("192.0.2.10-192.0.2.20", "192.0.2.10", "192.0.2.20")]
    [InlineData("192.0.2.10 - 192.0.2.10", "192.0.2.10", "192.0.2.10")]
    [InlineData("fd00::/126", "fd00::", "fd00::3")]
    [InlineData("fd00::1-fd00::ff", "fd00::1", "fd00::ff")]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255")]
    [InlineData("::ffff:10.0.0.1-10.0.0.2", "10.0.0.1", "10.0.0.2")]
    public void Parse_CidrOrRange_CoversFirstToLast(string text, string first, string last)
    {
        var range = AddressRange.Parse(text, out var error);
        Assert.Null(error);
        Assert.Equal(first, range!.At(range.First).ToString());
        Assert.Equal(last, range.At(range.Last).ToString());
    }

    [Theory]
    [InlineData("192.0.2.0", "is neither a CIDR nor a range a-b")]
    [InlineData("192.0.2.0/33", "is neither a CIDR nor a range a-b")]
    [InlineData("192.0.2/24", "is neither a CIDR nor a range a-b")]
    [InlineData(" 192.0.2.0/24", "is neither a CIDR nor a range a-b")]
    [InlineData("192.0.2.20-192.0.2.10", "the start address is after the end address")]
    [InlineData("192.0.2.1-fd00::1", "mixes IPv4 and IPv6")]
    [InlineData("192.0.2.1-x", "\"x\" is not an IP address")]
    public void Parse_Invalid_SaysWhy(string text, string problem)
    {
        Assert.Null(AddressRange.Parse(text, out var error));
        Assert.Contains(problem, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Contains_And_Overlaps_RespectFamilies()
    {
        var v4 = AddressRange.Parse("10.0.0.0/24", out _)!;
        Assert.True(v4.Contains(IPAddress.Parse("10.0.0.255")));
        Assert.False(v4.Contains(IPAddress.Parse("10.0.1.0")));
        Assert.True(v4.Overlaps(AddressRange.Parse("10.0.0.200-10.0.1.5", out _)!));
        Assert.False(v4.Overlaps(AddressRange.Parse("::/0", out _)!));
        Assert.Equal(UInt128.MaxValue, AddressRange.Parse("::/0", out _)!.Size);
        Assert.Equal(256, (int)v4.Size);
    }

    [Theory]
    [InlineData("1.2.3.4", true)]
    [InlineData("1.2", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("::ffff:1.2.3.4", true)]
    [InlineData("", false)]
    public void IpAddresses_Parse_ReadsWhatGoReads(string text, bool valid)
    {
        var ip = IpAddresses.Parse(text);
        Assert.Equal(valid, ip is not null);
        if (ip is not null)
        {
            Assert.Equal(IpFamily.IPv4, IpAddresses.FamilyOf(ip));
        }
    }
}
