using CloudIngress.Core.Providers;

namespace CloudIngress.Providers.Aws.Tests.Provider;

public sealed class AwsProviderDefinitionTests
{
    [Theory]
    [InlineData("--aws-api-rates", "elasticloadbalancing:Describe*=fast", "--aws-api-rates: \"elasticloadbalancing:Describe*=fast\" is not service:Operations=perSecond:burst")]
    [InlineData("--aws-full-read-rate", "quick", "--aws-full-read-rate: \"quick\" is not a number of calls per second")]
    public void Configure_ABadRateFlag_IsRefusedByName(string flag, string value, string error)
    {
        var configured = Configure((flag, value));

        Assert.Null(configured.Provider);
        Assert.StartsWith(error, configured.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_RateOverridesAndNoFurtherPacing_AreAccepted()
    {
        var configured = Configure(("--aws-api-rates", "*:*=1000:1000"), ("--aws-full-read-rate", "0"));

        using var provider = configured.Provider;
        Assert.Null(configured.Error);
        Assert.Equal("aws", provider!.Name);
    }

    private static ProviderConfiguration Configure(params (string Flag, string Value)[] flags) =>
        new AwsProviderDefinition().Configure(new ProviderSettings
        {
            Verb = ProviderVerb.Apply,
            ClusterName = "c1",
            Values = new ProviderOptionValues(flags.Append(("--aws-region", "eu-west-1")).ToDictionary(f => f.Item1, f => f.Item2)),
        });
}
