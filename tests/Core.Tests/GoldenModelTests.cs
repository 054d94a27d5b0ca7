using CloudIngress.Core.Build;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CloudIngress.Core.Tests;

/// <summary>
/// One theory over <c>testassets/&lt;case&gt;/{input.yaml,expected.json}</c>: adding a case is adding
/// a folder. Every case also sees <c>testassets/_shared/shared.yaml</c>. Run with
/// <c>UPDATE_GOLDEN=1</c> to rewrite the expected files, then review the diff.
/// </summary>
public sealed class GoldenModelTests
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string Assets = Path.Combine(AppContext.BaseDirectory, "testassets");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Assets).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (!name.StartsWith('_'))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Fact]
    public void Cases_AreAtLeastForty() => Assert.True(Cases().Count >= 40, $"only {Cases().Count} golden cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_Case_MatchesExpectedModel(string name)
    {
        var actual = Render(Path.Combine(Assets, name, "input.yaml"));
        var expectedPath = Path.Combine(Assets, name, "expected.json");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceAssets(), name, "expected.json"), actual);
            return;
        }

        Assert.True(File.Exists(expectedPath), $"{name}: expected.json is missing (run with UPDATE_GOLDEN=1 and review)");
        Assert.Equal(File.ReadAllText(expectedPath).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>Loads a case with the shared objects and renders its model, loader diagnostics included.</summary>
    public static string Render(string inputPath)
    {
        var collector = new ManifestCollector();
        collector.AddText(File.ReadAllText(inputPath), "input.yaml");
        collector.AddText(File.ReadAllText(Path.Combine(Assets, "_shared", "shared.yaml")), "shared.yaml");
        var manifests = collector.Build();
        var model = ModelBuilder.Build(manifests.Snapshot, BuildOptions.Default with { Now = Now });
        model = model with
        {
            Diagnostics = manifests.Diagnostics.Concat(model.Diagnostics).Select(manifests.Locate).Order().ToList(),
        };
        return JsonSerializer.Serialize(model, ModelJsonContext.Default.GatewayModel).ReplaceLineEndings("\n") + "\n";
    }

    private static string SourceAssets([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "testassets");
}
