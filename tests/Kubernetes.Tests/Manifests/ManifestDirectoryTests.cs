using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Tests;

namespace CloudIngress.Kubernetes.Tests.Manifests;

public sealed class ManifestDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cloudingress-manifests-").FullName;

    [Fact]
    public void Load_ReadsYamlYmlAndJsonRecursively_InPathOrder_SkippingHiddenAndOtherFiles()
    {
        Write("b.yaml", Service("b"));
        Write("a/c.yml", Service("c"));
        Write("a.json", """{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}""");
        Write(".git/x.yaml", Service("hidden"));
        Write("notes.txt", Service("text"));
        Write("README.md", "# docs");

        var set = ManifestDirectory.Load(_root);

        Assert.Equal(3, set.FileCount);
        Assert.Equal(["a", "c", "b"], set.Snapshot.Services.Select(s => s.Metadata.Name));
        Assert.Equal("a/c.yml, document 1", set.Sources.Single(s => s.Key.Name == "c").Value);
    }

    [Fact]
    public void Load_SingleFile_Works()
    {
        Write("one.yaml", Service("one"));
        Assert.Single(ManifestDirectory.Load(Path.Combine(_root, "one.yaml")).Snapshot.Services);
    }

    [Fact]
    public void Load_MissingDirectory_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => ManifestDirectory.Load(Path.Combine(_root, "nope")));

    [Fact]
    public void Load_Examples_HaveNoDiagnostics()
    {
        var examples = RepoPaths.Of("examples");
        var set = ManifestDirectory.Load(examples);
        Assert.Empty(set.Diagnostics);
        Assert.NotEmpty(set.Snapshot.Ingresses);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);


    private static string Service(string name) => $"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n";

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
