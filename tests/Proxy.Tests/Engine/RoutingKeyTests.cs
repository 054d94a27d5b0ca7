using CloudIngress.Proxy.Engine;
using System.Text;

namespace CloudIngress.Proxy.Tests.Engine;

public sealed class RoutingKeyTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/api/orders", "/api/orders")]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/%61pi", "/api")]
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/a%2fb", "/a%2fb")]
    [InlineData("/caf%C3%A9", "/caf\u00e9")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/a/.", "/a/")]
    [InlineData("/..", "/")]
    [InlineData("/../../x", "/x")]
    [InlineData("/a/%2e%2e/b", "/b")]
    [InlineData("/a/.b/..c", "/a/.b/..c")]
    [InlineData("/%zz", "/%zz")]
    [InlineData("/%4", "/%4")]
    public void TryPath_DecodesAndRemovesDotSegments(string raw, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(raw);
        var scratch = new byte[bytes.Length];
        var chars = new char[bytes.Length];
        Assert.True(RoutingKey.TryPath(bytes, scratch, chars, out var written));
        Assert.Equal(expected, new string(chars, 0, written));
    }

    [Fact]
    public void TryPath_InvalidUtf8_IsRefused()
    {
        var bytes = Encoding.ASCII.GetBytes("/%C3%28");
        Assert.False(RoutingKey.TryPath(bytes, new byte[bytes.Length], new char[bytes.Length], out _));
    }

    [Theory]
    [InlineData("shop.test", "shop.test")]
    [InlineData("shop.test:8080", "shop.test")]
    [InlineData("[::1]:8080", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("", "")]
    public void Host_DropsThePort(string host, string expected)
    {
        var chars = new char[host.Length];
        Assert.Equal(expected, RoutingKey.Host(RoutingKey.HostWithoutPort(Encoding.ASCII.GetBytes(host)), chars).ToString());
    }
}
