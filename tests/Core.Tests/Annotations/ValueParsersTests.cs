using CloudIngress.Core.Annotations;

namespace CloudIngress.Core.Tests.Annotations;

public sealed class ValueParsersTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", false)]
    [InlineData("10.1.2.3/8", "10.0.0.0/8", true)]
    [InlineData("192.168.1.1", "192.168.1.1/32", false)]
    [InlineData("2001:db8::1", "2001:db8::1/128", false)]
    [InlineData("2001:DB8::1/32", "2001:db8::/32", true)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", false)]
    public void TryParseCidr_Normalizes(string input, string expected, bool hostBits)
    {
        Assert.True(ValueParsers.TryParseCidr(input, out var cidr, out var hadHostBits));
        Assert.Equal(expected, cidr);
        Assert.Equal(hostBits, hadHostBits);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("banana")]
    [InlineData("10.0.0/8")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("")]
    public void TryParseCidr_RefusesGarbage(string input) => Assert.False(ValueParsers.TryParseCidr(input, out _, out _));

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("30", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1h", 3_600_000)]
    public void TryParseDuration_Units(string input, int milliseconds)
    {
        Assert.True(ValueParsers.TryParseDuration(input, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("25h")]
    [InlineData("soon")]
    [InlineData("10d")]
    public void TryParseDuration_RefusesOutOfRange(string input) => Assert.False(ValueParsers.TryParseDuration(input, out _));

    [Theory]
    [InlineData("8m", 8L << 20)]
    [InlineData("512k", 512L << 10)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1024", 1024)]
    [InlineData("0", 0)]
    public void TryParseSize_NginxSyntax(string input, long bytes)
    {
        Assert.True(ValueParsers.TryParseSize(input, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("8t")]
    [InlineData("99999999999g")]
    public void TryParseSize_RefusesGarbage(string input) => Assert.False(ValueParsers.TryParseSize(input, out _));

    [Fact]
    public void TryParseListenPorts_ReadsAlbSyntax()
    {
        Assert.True(ValueParsers.TryParseListenPorts("""[{"HTTP": 80}, {"HTTPS": 443}]""", out var ports, out _));
        Assert.Equal([new ListenPort(false, 80), new ListenPort(true, 443)], ports);
    }

    [Theory]
    [InlineData("""[{"HTTP": 80}, {"HTTPS": 80}]""", "listed twice")]
    [InlineData("""[{"TCP": 80}]""", "TCP")]
    [InlineData("""[{"HTTP": 70000}]""", "70000")]
    [InlineData("""[]""", "expected")]
    [InlineData("""not json""", "expected")]
    public void TryParseListenPorts_ExplainsWhatIsWrong(string input, string mention)
    {
        Assert.False(ValueParsers.TryParseListenPorts(input, out _, out var error));
        Assert.Contains(mention, error, StringComparison.Ordinal);
    }
}

/// <summary>Allow lists must never read "10" as an address.</summary>
public sealed class IpLiteralTests
{
    [Theory]
    [InlineData("10")]
    [InlineData("10.0.0")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("010.0.0.1.5")]
    [InlineData("fe80::1%eth0")]
    public void TryParseIp_RefusesLegacyShortForms(string input) => Assert.False(ValueParsers.TryParseIp(input, out _));

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("::1")]
    [InlineData("2001:db8::8a2e:370:7334")]
    public void TryParseIp_AcceptsLiterals(string input) => Assert.True(ValueParsers.TryParseIp(input, out _));
}
