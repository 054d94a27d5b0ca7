using CloudIngress.Tests;
using System.Xml.Linq;

namespace CloudIngress.Controller.Tests.Architecture;

/// <summary>The project reference graph of docs/architecture.md: arrows point down, nothing points up.</summary>
public sealed class ProjectGraphTests
{
    private static readonly string Root = RepoPaths.Root;

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Core"] = [],
        ["Kubernetes"] = ["Core"],
        ["Proxy"] = ["Core"],
        ["Providers.Aws"] = ["Core"],
        ["Providers.Azure"] = ["Core"],
        ["Providers.MetalLb"] = ["Core", "Kubernetes"],
        ["Controller"] = ["Core", "Kubernetes", "Proxy", "Providers.Aws", "Providers.Azure", "Providers.MetalLb"],
    };

    public static TheoryData<string> Projects() => [.. Allowed.Keys];

    [Fact]
    public void Source_HasExactlyTheProjectsOfTheArchitecture() =>
        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal),
            Directory.GetDirectories(Path.Combine(Root, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_ReferencesOnlyWhatTheArchitectureAllows(string project)
    {
        var references = ProjectReferences(project);
        Assert.All(references, r => Assert.Contains(r, Allowed[project]));
    }

    [Fact]
    public void Core_ReferencesNoProjectAndNoPackage()
    {
        Assert.Empty(ProjectReferences("Core"));
        Assert.Empty(Csproj("Core").Descendants("PackageReference"));
        Assert.Empty(Csproj("Core").Descendants("FrameworkReference"));
    }

    [Theory]
    [InlineData("Providers.Aws")]
    [InlineData("Providers.Azure")]
    [InlineData("Providers.MetalLb")]
    public void Providers_NeverReferenceEachOtherTheProxyOrTheController(string provider)
    {
        var references = ProjectReferences(provider);
        Assert.DoesNotContain(references, r => r.StartsWith("Providers.", StringComparison.Ordinal));
        Assert.DoesNotContain("Proxy", references);
        Assert.DoesNotContain("Controller", references);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_HasItsTestProjectAndIsInTheSolution(string project)
    {
        Assert.True(File.Exists(Path.Combine(Root, "tests", project + ".Tests", $"CloudIngress.{project}.Tests.csproj")), $"tests/{project}.Tests is missing");
        var solution = File.ReadAllText(Path.Combine(Root, "CloudIngress.sln"));
        Assert.Contains($"CloudIngress.{project}.csproj", solution, StringComparison.Ordinal);
        Assert.Contains($"CloudIngress.{project}.Tests.csproj", solution, StringComparison.Ordinal);
    }

    private static XDocument Csproj(string project) =>
        XDocument.Load(Path.Combine(Root, "src", project, $"CloudIngress.{project}.csproj"));

    /// <summary>Referenced projects by folder name: "..\Core\CloudIngress.Core.csproj" is "Core".</summary>
    private static List<string> ProjectReferences(string project) =>
        Csproj(project).Descendants("ProjectReference")
            .Select(e => Path.GetFileName(Path.GetDirectoryName(e.Attribute("Include")!.Value.Replace('\\', '/'))!))
            .ToList();

}
