using CloudIngress.Core.Snapshot;

namespace CloudIngress.Core.Tests;

/// <summary>The snapshot of a golden case's input, with the shared objects every case sees.</summary>
internal static class GoldenCases
{
    public static ClusterSnapshot Load(string goldenCase)
    {
        var collector = new Kubernetes.Manifests.ManifestCollector();
        var assets = Path.Combine(AppContext.BaseDirectory, "testassets");
        collector.AddText(File.ReadAllText(Path.Combine(assets, goldenCase, "input.yaml")), "input.yaml");
        collector.AddText(File.ReadAllText(Path.Combine(assets, "_shared", "shared.yaml")), "shared.yaml");
        return collector.Build().Snapshot;
    }
}
