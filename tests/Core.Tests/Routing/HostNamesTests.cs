using CloudIngress.Core.Model;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Tests.Routing;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("*.foo.com", "bar.foo.com", true)]
    [InlineData("*.foo.com", "BAR.Foo.com", true)]
    [InlineData("*.foo.com", "bar.foo.com.", true)]
    [InlineData("*.foo.com", "foo.com", false)]
    [InlineData("*.foo.com", "a.bar.foo.com", false)]
    [InlineData("*.foo.com", ".foo.com", false)]
    [InlineData("*.foo.com", "barfoo.com", false)]
    public void Matches_Wildcard_MatchesExactlyOneLabel(string rule, string request, bool expected) =>
        Assert.Equal(expected, HostNames.Matches(rule, HostMatchKind.Wildcard, request));

    [Theory]
    [InlineData("foo.com", "foo.com", true)]
    [InlineData("foo.com", "FOO.com", true)]
    [InlineData("foo.com", "foo.com.", true)]
    [InlineData("foo.com", "www.foo.com", false)]
    [InlineData("foo.com", "foo.co", false)]
    public void Matches_Exact_IgnoresCaseAndTrailingDot(string rule, string request, bool expected) =>
        Assert.Equal(expected, HostNames.Matches(rule, HostMatchKind.Exact, request));

    [Fact]
    public void Matches_Any_MatchesEverything() => Assert.True(HostNames.Matches("*", HostMatchKind.Any, "whatever.example"));

    [Theory]
    [InlineData(null, HostMatchKind.Any)]
    [InlineData("", HostMatchKind.Any)]
    [InlineData("foo.com", HostMatchKind.Exact)]
    [InlineData("*.foo.com", HostMatchKind.Wildcard)]
    public void TryClassify_ValidHosts(string? host, HostMatchKind expected)
    {
        Assert.True(HostNames.TryClassify(host, out var kind, out _));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData("Foo.com")]
    [InlineData("10.0.0.1")]
    [InlineData("::1")]
    [InlineData("*")]
    [InlineData("*.com")]
    [InlineData("a.*.com")]
    [InlineData("foo.com:80")]
    [InlineData("-foo.com")]
    [InlineData("foo..com")]
    public void TryClassify_InvalidHosts_Refused(string host) => Assert.False(HostNames.TryClassify(host, out _, out _));
}
