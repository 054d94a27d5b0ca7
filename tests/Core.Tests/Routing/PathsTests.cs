using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Routing;

namespace CloudIngress.Core.Tests.Routing;

public sealed class PathsTests
{
    [Theory]
    [InlineData("/foo", "/foo", true)]
    [InlineData("/foo", "/foo/", true)]
    [InlineData("/foo", "/foo/bar", true)]
    [InlineData("/foo", "/foobar", false)]
    [InlineData("/foo", "/fo", false)]
    [InlineData("/foo/bar", "/foo/bar/baz", true)]
    [InlineData("/foo/bar", "/foo/barbaz", false)]
    [InlineData("/", "/anything/at/all", true)]
    [InlineData("/", "/", true)]
    [InlineData("/Foo", "/foo", false)]
    public void Matches_Prefix_IsElementWise(string rule, string request, bool expected) =>
        Assert.Equal(expected, Paths.Matches(rule, PathMatchKind.Prefix, request));

    [Theory]
    [InlineData("/foo", "/foo", true)]
    [InlineData("/foo", "/foo/", false)]
    [InlineData("/foo/", "/foo/", true)]
    [InlineData("/foo", "/FOO", false)]
    public void Matches_Exact_IsWholePath(string rule, string request, bool expected) =>
        Assert.Equal(expected, Paths.Matches(rule, PathMatchKind.Exact, request));

    [Theory]
    [InlineData("/foo/", PathMatchKind.Prefix, "/foo")]
    [InlineData("/foo//", PathMatchKind.Prefix, "/foo")]
    [InlineData("/", PathMatchKind.Prefix, "/")]
    [InlineData("///", PathMatchKind.Prefix, "/")]
    [InlineData("/foo/", PathMatchKind.Exact, "/foo/")]
    public void Normalize_TrailingSlash_OnlyForPrefix(string path, PathMatchKind kind, string expected) =>
        Assert.Equal(expected, Paths.Normalize(path, kind));

    [Fact]
    public void ComparePrecedence_LongestFirstThenExactBeforePrefix()
    {
        var routes = new[]
        {
            Route("/", PathMatchKind.Prefix), Route("/foo", PathMatchKind.Prefix), Route("/foo/bar", PathMatchKind.Prefix),
            Route("/foo", PathMatchKind.Exact), Route("/bar", PathMatchKind.Prefix),
        };
        var ordered = routes.Order(Comparer<Route>.Create(Paths.ComparePrecedence)).Select(r => $"{r.PathType} {r.Path}");
        Assert.Equal(["Prefix /foo/bar", "Exact /foo", "Prefix /bar", "Prefix /foo", "Prefix /"], ordered);
    }

    [Theory]
    [InlineData("/a b")]
    [InlineData("/a?b")]
    [InlineData("/a#b")]
    [InlineData("a")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_RefusesNonAbsoluteOrQueryPaths(string? path) => Assert.False(Paths.IsValid(path));

    private static Route Route(string path, PathMatchKind kind) => new()
    {
        Id = path + kind,
        Path = path,
        PathType = kind,
        Source = new ObjectRef("Ingress", "default", "x"),
        Action = RouteAction.NotFound,
    };
}
