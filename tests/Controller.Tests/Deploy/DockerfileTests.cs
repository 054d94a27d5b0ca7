using CloudIngress.Kubernetes.Manifests;
using CloudIngress.Tests;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace CloudIngress.Controller.Tests.Deploy;

/// <summary>
/// The root Dockerfile builds the image deploy/ names. There is no Docker engine to build it here,
/// so its instructions are checked against what they must agree with: the target framework, the
/// controller's executable name, and deploy/'s user, arguments and ports.
/// </summary>
public sealed class DockerfileTests
{
    private const string ControllerProject = "src/Controller/CloudIngress.Controller.csproj";

    private static readonly List<Stage> Stages = Parse(File.ReadAllText(RepoPaths.Of("Dockerfile")));

    private static readonly JsonNode DeploymentPod = Directory.GetFiles(RepoPaths.Of("deploy"), "*.yaml")
        .SelectMany(f => YamlDocuments.Split(File.ReadAllText(f)).Select(d => YamlDocuments.ToJson(d.Text)))
        .OfType<JsonObject>().Single(o => (string?)o["kind"] == "Deployment")["spec"]!["template"]!["spec"]!;

    [Fact]
    public void Builds_WithTheSdk_AndRuns_OnTheAspNetRuntime_OfTheTargetFramework()
    {
        var framework = XDocument.Load(RepoPaths.Of("Directory.Build.props")).Descendants("TargetFramework").Single().Value; // net10.0
        var version = framework["net".Length..];
        Assert.Equal(2, Stages.Count);
        var (build, runtime) = (Stages[0], Stages[1]);
        Assert.Equal($"mcr.microsoft.com/dotnet/sdk:{version}", build.Image);
        // The controller is an ASP.NET Core app (FrameworkReference Microsoft.AspNetCore.App): the aspnet runtime, any variant of that version.
        Assert.Matches($"^mcr\\.microsoft\\.com/dotnet/aspnet:{System.Text.RegularExpressions.Regex.Escape(version)}(-[a-z0-9-]+)?$", runtime.Image);
        Assert.Contains(runtime.All("COPY"), c => c.StartsWith($"--from={build.Name} ", StringComparison.Ordinal));
        Assert.Empty(runtime.All("RUN")); // the runtime stage only receives files: nothing to run as root there
    }

    [Fact]
    public void Entrypoint_IsTheExecutablePublishedFromSrcController()
    {
        var assemblyName = XDocument.Load(RepoPaths.Of(ControllerProject)).Descendants("AssemblyName").Single().Value;
        var (build, runtime) = (Stages[0], Stages[1]);
        var publish = Assert.Single(build.All("RUN"), r => r.StartsWith("dotnet publish ", StringComparison.Ordinal));
        var words = publish.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ControllerProject, words[2]);
        var output = words[Array.IndexOf(words, "--output") + 1];
        // Precompiled for the image's runtime, framework-dependent on the aspnet image.
        Assert.Contains("-p:PublishReadyToRun=true", words);
        Assert.Equal("false", words[Array.IndexOf(words, "--self-contained") + 1]);

        // COPY --from=build <output>/ <dir>/ puts the publish output in <dir>; the entrypoint is the executable there.
        var copy = Assert.Single(runtime.All("COPY")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(output.TrimEnd('/'), copy[1].TrimEnd('/'));
        var appDir = copy[2].TrimEnd('/');
        Assert.Equal([$"{appDir}/{assemblyName}"], ExecForm(runtime.Single("ENTRYPOINT")));
    }

    [Fact]
    public void User_IsDeploysNonRootUserAndGroup()
    {
        var security = DeploymentPod["securityContext"]!;
        var user = Stages[^1].Single("USER");
        Assert.Equal($"{(long)security["runAsUser"]!}:{(long)security["runAsGroup"]!}", user);
        Assert.DoesNotContain(user.Split(':'), id => id == "0");
    }

    [Fact]
    public void DefaultArguments_AndPorts_AreDeploys()
    {
        var container = DeploymentPod["containers"]![0]!;
        Assert.Equal(container["args"]!.AsArray().Select(a => (string)a!), ExecForm(Stages[^1].Single("CMD")));
        Assert.Equal(
            container["ports"]!.AsArray().Select(p => (long)p!["containerPort"]!).Order(),
            Stages[^1].Single("EXPOSE").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).Order());
    }

    [Fact]
    public void BuildStage_CopiesEverythingTheControllerBuildReads()
    {
        var copied = Stages[0].All("COPY").SelectMany(c =>
        {
            var words = c.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words[..^1]; // sources; the last word is the destination
        }).ToList();
        var needed = new List<string> { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" };
        var projects = new Queue<string>([ControllerProject]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (projects.TryDequeue(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            needed.Add(project);
            var dir = Path.GetDirectoryName(project)!;
            var items = XDocument.Load(RepoPaths.Of(project)).Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "EmbeddedResource" or "Content" or "None");
            foreach (var item in items)
            {
                if (item.Attribute("Include")?.Value is not { } include)
                {
                    continue;
                }

                var path = Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.Of(dir), include.Replace('\\', '/')))).Replace('\\', '/');
                if (item.Name.LocalName == "ProjectReference")
                {
                    projects.Enqueue(path);
                }
                else
                {
                    needed.Add(path);
                }
            }
        }

        Assert.All(needed, path => Assert.Contains(copied, source => path == source || path.StartsWith(source.TrimEnd('/') + "/", StringComparison.Ordinal)));
        Assert.All(copied, source => Assert.True(File.Exists(RepoPaths.Of(source)) || Directory.Exists(RepoPaths.Of(source)), $"COPY {source}: no such path in the repository"));
    }

    private static string[] ExecForm(string value) =>
        JsonSerializer.Deserialize<string[]>(value) ?? throw new InvalidOperationException($"not a JSON array: {value}");

    /// <summary>Instructions by stage: comments and blank lines dropped, continuation lines joined.</summary>
    private static List<Stage> Parse(string dockerfile)
    {
        var stages = new List<Stage>();
        var logical = new List<string>();
        var pending = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            logical.Add(pending + line);
            pending = "";
        }

        foreach (var line in logical)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (instruction, argument) = (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            if (instruction == "FROM")
            {
                var words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add(new Stage(words[0], words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : $"{stages.Count}"));
            }
            else
            {
                Assert.NotEmpty(stages); // every instruction belongs to a stage
                stages[^1].Instructions.Add((instruction, argument));
            }
        }

        return stages;
    }

    private sealed record Stage(string Image, string Name)
    {
        public List<(string Instruction, string Argument)> Instructions { get; } = [];

        public List<string> All(string instruction) => [.. Instructions.Where(i => i.Instruction == instruction).Select(i => i.Argument)];

        public string Single(string instruction) => Assert.Single(All(instruction));
    }
}
