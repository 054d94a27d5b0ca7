using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Translate;
using System.Runtime.CompilerServices;

namespace CloudIngress.Providers.Aws.Tests.Translate;

/// <summary>
/// One theory over <c>testassets/translate/&lt;case&gt;/{input.yaml,expected.txt}</c>: the plan Translate
/// makes of a case (with the shared Services and Secrets), as text. Adding a case is adding a folder;
/// <c>UPDATE_GOLDEN=1</c> rewrites the expected files, to be reviewed as a diff.
/// </summary>
public sealed class GoldenPlanTests
{
    private static readonly string Assets = Path.Combine(AppContext.BaseDirectory, "testassets", "translate");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Assets).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_Case_MatchesExpectedPlan(string name)
    {
        var model = Models.Build(File.ReadAllText(Path.Combine(Assets, name, "input.yaml")));
        var actual = AwsPlanText.Render(AwsTranslator.Translate(model, new AwsTranslateOptions { ClusterName = "prod" }));
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceAssets(), name, "expected.txt"), actual);
            return;
        }

        var expected = Path.Combine(Assets, name, "expected.txt");
        Assert.True(File.Exists(expected), $"{name}: expected.txt is missing (run with UPDATE_GOLDEN=1 and review)");
        Assert.Equal(File.ReadAllText(expected).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>What Translate writes is already in the form the diff compares, so what is created is what is compared.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_Case_WritesRulesAndHealthChecksInTheirCanonicalForm(string name)
    {
        var plan = AwsTranslator.Translate(Models.Build(File.ReadAllText(Path.Combine(Assets, name, "input.yaml"))), new AwsTranslateOptions { ClusterName = "prod" });

        var listeners = plan.LoadBalancers.SelectMany(l => l.Listeners).ToList();
        Assert.All(listeners.SelectMany(l => l.Rules), r => Assert.Equal(AwsCanonical.Rule(r), r));
        Assert.All(listeners, l => Assert.Equal(AwsCanonical.Action(l.DefaultAction), l.DefaultAction));
        Assert.All(plan.TargetGroups, t => Assert.Equal(AwsCanonical.HealthCheck(t.HealthCheck), t.HealthCheck));
    }

    private static string SourceAssets([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "..", "testassets", "translate");
}
