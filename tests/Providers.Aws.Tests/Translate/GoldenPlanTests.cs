using CloudIngress.Providers.Aws.Deploy;
using CloudIngress.Providers.Aws.Plan;
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

    /// <summary>The model golden cases of tests/Core.Tests: every shape of input the builder knows.</summary>
    public static TheoryData<string> ModelCases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "testassets", "model")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    /// <summary>
    /// No plan holds a load balancer that carries no member's route (it would answer 404 to everyone
    /// and be billed for it), nor a target group or imported certificate that no listener uses.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelCases))]
    public void Translate_AnyModelCase_PlansNothingIdle(string name)
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testassets", "model", name, "input.yaml"));
        var plan = AwsTranslator.Translate(Models.Build(yaml), new AwsTranslateOptions { ClusterName = "prod" });

        Assert.All(plan.LoadBalancers, lb =>
        {
            Assert.NotEmpty(lb.Members);
            Assert.NotEmpty(lb.Listeners);
            Assert.Contains(lb.Listeners, l => l.Rules.Count > 0 || l.DefaultAction != ActionSpec.Fixed(404));
        });
        var listeners = plan.LoadBalancers.SelectMany(l => l.Listeners).ToList();
        var forwarded = listeners.SelectMany(l => l.Rules.SelectMany(r => r.Actions).Append(l.DefaultAction)).SelectMany(a => a.Forward).Select(f => f.TargetGroup).ToHashSet();
        Assert.All(plan.TargetGroups, t => Assert.Contains(t.Key, forwarded));
        var presented = listeners.SelectMany(l => l.Certificates).Select(c => c.ImportKey).ToHashSet();
        Assert.All(plan.Certificates, c => Assert.Contains(c.Key, presented));
    }

    private static string SourceAssets([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "..", "testassets", "translate");
}
