using CloudIngress.Core.Resources;

namespace CloudIngress.Core.Tests.Resources;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["team"] = "web", ["tier"] = "edge" };

    [Fact]
    public void Matches_EmptySelector_MatchesEverything()
    {
        Assert.True(new LabelSelector().Matches(Labels));
        Assert.True(new LabelSelector().Matches(null));
    }

    [Fact]
    public void Matches_MatchLabelsAndExpressions_MustAllHold()
    {
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["team"] = "web" },
            MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["edge", "core"] }],
        };
        Assert.True(selector.Matches(Labels));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["team"] = "web" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["tier"] = "edge" }));
    }

    [Theory]
    [InlineData("NotIn", "db", true)]
    [InlineData("NotIn", "web", false)]
    [InlineData("Exists", null, true)]
    [InlineData("DoesNotExist", null, false)]
    public void Matches_Operators_FollowKubernetes(string op, string? value, bool expected)
    {
        var requirement = new LabelSelectorRequirement { Key = "team", Operator = op, Values = value is null ? null : [value] };
        Assert.Equal(expected, new LabelSelector { MatchExpressions = [requirement] }.Matches(Labels));
    }

    [Fact]
    public void Matches_NotInOnAMissingLabel_Holds() =>
        Assert.True(new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "zone", Operator = "NotIn", Values = ["a"] }] }.Matches(Labels));

    [Theory]
    [InlineData(null, "In", "needs a key")]
    [InlineData("k", "In", "operator In needs values")]
    [InlineData("k", "Equals", "operator \"Equals\" is not In, NotIn, Exists or DoesNotExist")]
    public void Problem_InvalidRequirement_SaysWhy(string? key, string op, string problem) =>
        Assert.Equal(problem, new LabelSelectorRequirement { Key = key, Operator = op }.Problem);
}
