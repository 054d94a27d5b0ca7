using CloudIngress.Core.Model;
using CloudIngress.Proxy.Routing;
using CloudIngress.Proxy.Tests.Infrastructure;

namespace CloudIngress.Proxy.Tests;

public sealed class HostTableTests
{
    [Fact]
    public async Task Match_AllocatesNothingPerRequest()
    {
        await using var proxy = await ProxyHarness.StartAsync();
        proxy.Apply(Manifests.Service("web", 1) + Manifests.Ingress("a", "a.example.com", "web", path: "/api")
            + Manifests.Ingress("b", "*.example.com", "web") + Manifests.Ingress("c", "c.example.com", "web", path: "/x"));
        var table = proxy.Server.Current.Http;
        var hosts = new[] { "a.example.com", "B.EXAMPLE.COM", "c.example.com", "nope.test", "x.example.com." };
        var paths = new[] { "/api/v1/users", "/", "/xyz", "/x/y" };
        Assert.NotNull(table.Match("a.example.com", "/api/orders"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            _ = table.Match(hosts[i % hosts.Length], paths[i % paths.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("a.example.com", "a.example.com")]
    [InlineData("A.Example.Com.", "a.example.com")]
    [InlineData("b.example.com", "*.example.com")]
    [InlineData("a.b.example.com", "*")]
    [InlineData("example.com", "*")]
    public void HostLookup_ExactThenWildcardThenAny(string host, string expected)
    {
        var lookup = new HostLookup<string>([
            ("*", HostMatchKind.Any, "*"),
            ("*.example.com", HostMatchKind.Wildcard, "*.example.com"),
            ("a.example.com", HostMatchKind.Exact, "a.example.com"),
        ]);
        Assert.Equal(expected, lookup.Find(host));
    }
}
