using CloudIngress.Providers.Aws.Clients;
using Microsoft.Extensions.Time.Testing;

namespace CloudIngress.Providers.Aws.Tests.Clients;

public sealed class AwsRateLimitsTests
{
    [Theory]
    [InlineData("elasticloadbalancing", "DescribeTargetHealth", 10, 40)]
    [InlineData("elasticloadbalancing", "DescribeTags", 10, 40)]
    [InlineData("elasticloadbalancing", "RegisterTargets", 4, 20)]
    [InlineData("elasticloadbalancing", "DeregisterTargets", 4, 20)]
    [InlineData("elasticloadbalancing", "CreateRule", 3, 20)]
    [InlineData("elasticloadbalancing", "ModifyTargetGroup", 3, 20)]
    [InlineData("ec2", "DescribeSecurityGroups", 20, 100)]
    [InlineData("ec2", "AuthorizeSecurityGroupIngress", 5, 200)]
    [InlineData("acm", "ListCertificates", 1, 1)]
    [InlineData("acm", "ImportCertificate", 1, 1)]
    [InlineData("acm", "ListTagsForCertificate", 10, 10)]
    public void Aws_FollowsTheDocumentedThrottling_DescribeAndMutateApart(string service, string operation, double perSecond, int burst)
    {
        var rule = AwsRateLimits.Aws.For(service, operation);

        Assert.NotNull(rule);
        Assert.Equal((perSecond, burst), (rule.PerSecond, rule.Burst));
    }

    [Fact]
    public void Parse_EntriesComeBeforeTheDefaults_SoAnOverrideNamesOnlyWhatItChanges()
    {
        var limits = AwsRateLimits.Parse("elasticloadbalancing:Describe*=20:80, acm:ImportCertificate|AddTagsToCertificate=2.5:3", out var error)!.Before(AwsRateLimits.Aws);

        Assert.Null(error);
        Assert.Equal((20, 80), (limits.For("elasticloadbalancing", "DescribeRules")!.PerSecond, limits.For("elasticloadbalancing", "DescribeRules")!.Burst));
        Assert.Equal(2.5, limits.For("acm", "AddTagsToCertificate")!.PerSecond);
        Assert.Equal(3, limits.For("elasticloadbalancing", "CreateRule")!.PerSecond);
        Assert.Equal(1000, AwsRateLimits.Parse("*:*=1000:1000", out _)!.Before(AwsRateLimits.Aws).For("ec2", "DescribeVpcs")!.PerSecond);
    }

    [Theory]
    [InlineData("elasticloadbalancing:Describe*")]
    [InlineData("elasticloadbalancing:Describe*=0:10")]
    [InlineData("elasticloadbalancing:Describe*=10:0")]
    [InlineData("Describe*=10:40")]
    [InlineData("elasticloadbalancing:=10:40")]
    public void Parse_AnEntryNotOfTheForm_IsNamedInTheError(string entry)
    {
        Assert.Null(AwsRateLimits.Parse("acm:*=1:1," + entry, out var error));
        Assert.Contains($"\"{entry}\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limiter_ABurstOfReads_NeitherWaitsForNorHoldsBackAWrite()
    {
        var clock = new FakeTimeProvider();
        var limiter = new AwsRateLimiter(new AwsRateLimits([new("elasticloadbalancing", "Describe*", 1, 2), new("elasticloadbalancing", "*", 1, 1)]), clock);

        Assert.True(limiter.TakeAsync("elasticloadbalancing", "DescribeRules", CancellationToken.None).IsCompletedSuccessfully);
        Assert.True(limiter.TakeAsync("elasticloadbalancing", "DescribeTags", CancellationToken.None).IsCompletedSuccessfully);
        var third = limiter.TakeAsync("elasticloadbalancing", "DescribeTargetHealth", CancellationToken.None);
        Assert.False(third.IsCompleted, "the reads' bucket is empty");
        Assert.True(limiter.TakeAsync("elasticloadbalancing", "CreateRule", CancellationToken.None).IsCompletedSuccessfully, "a write has its own bucket");
        Assert.True(limiter.TakeAsync("ec2", "DescribeVpcs", CancellationToken.None).IsCompletedSuccessfully, "no rule names it");

        clock.Advance(TimeSpan.FromSeconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
