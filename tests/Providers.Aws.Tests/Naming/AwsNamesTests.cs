using CloudIngress.Providers.Aws.Naming;

namespace CloudIngress.Providers.Aws.Tests.Naming;

public sealed class AwsNamesTests
{
    [Theory]
    [InlineData("prod", "ingress/shop")]
    [InlineData("a-very-long-cluster-name-indeed", "ingress/a-group-name-that-goes-on-and-on-and-on")]
    [InlineData("Prod_EU.1", "service/team-a/API_Gateway.v2")]
    [InlineData("internal", "ingress/internal-tools")]
    [InlineData("x", "ingress/---")]
    [InlineData("ÄÖÜ", "ingress/ünïcödé")]
    public void Names_AreValidForElbv2_AndStable(string cluster, string resource)
    {
        var lb = AwsNames.LoadBalancer(cluster, resource);
        var tg = AwsNames.TargetGroup(cluster, resource);
        Assert.True(AwsNames.IsValid(lb), lb);
        Assert.True(AwsNames.IsValid(tg), tg);
        Assert.NotEqual(lb, tg);
        Assert.Equal(lb, AwsNames.LoadBalancer(cluster, resource));
    }

    [Fact]
    public void Names_AreReadable_WhenThereIsRoom()
    {
        var name = AwsNames.LoadBalancer("prod", "ingress/shop");
        Assert.StartsWith("ci-prod-shop-", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_DifferWhenOnlyTheClippedPartDiffers()
    {
        var a = AwsNames.TargetGroup("prod", "service/default/backend-pool-number-one:8080/HTTP/ip");
        var b = AwsNames.TargetGroup("prod", "service/default/backend-pool-number-one:8443/HTTPS/ip");
        var c = AwsNames.TargetGroup("staging", "service/default/backend-pool-number-one:8080/HTTP/ip");
        Assert.Equal(3, new[] { a, b, c }.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ManyResources_NeverCollide()
    {
        var names = Enumerable.Range(0, 20_000).Select(i => AwsNames.TargetGroup("prod", $"service/ns/web-{i}:80/HTTP/ip")).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("-leading", false)]
    [InlineData("trailing-", false)]
    [InlineData("internal-lb", false)]
    [InlineData("has_underscore", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("k8s-default-web", true)]
    public void IsValid_FollowsTheElbv2Rules(string name, bool valid) => Assert.Equal(valid, AwsNames.IsValid(name));
}

public sealed class AwsTagsTests
{
    [Fact]
    public void Tags_NameClusterStackAndResource()
    {
        var tags = AwsTags.For("prod", "ingress/shop", "ingress/shop/tg/web:80");
        Assert.Equal("prod", tags[AwsTags.Cluster]);
        Assert.Equal("ingress/shop", tags[AwsTags.Stack]);
        Assert.Equal("ingress/shop/tg/web:80", tags[AwsTags.Resource]);
        Assert.True(AwsTags.OwnedBy(tags, "prod"));
        Assert.False(AwsTags.OwnedBy(tags, "staging"));
    }

    [Fact]
    public void Values_AreMadeAcceptable_AndLongOnesStayDistinct()
    {
        Assert.Equal("a_b", AwsTags.Value("a#b"));
        var first = AwsTags.Value(new string('x', 300) + "1");
        var second = AwsTags.Value(new string('x', 300) + "2");
        Assert.Equal(AwsTags.MaxValueLength, first.Length);
        Assert.NotEqual(first, second);
    }
}
