using CloudIngress.Controller.Reconcile;
using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Core.Snapshot;
using CloudIngress.Kubernetes.Manifests;
using System.CommandLine;

namespace CloudIngress.Controller.Cli;

/// <summary><c>--manifests</c> and <c>--ingress-class</c>, and the model of the directory they name: what plan and apply start from.</summary>
internal sealed class ManifestInput
{
    public Option<string> Manifests { get; } = Required(EnvOption.String("--manifests", "Directory (or file) of Kubernetes manifests: *.yaml, *.yml, *.json, recursively"));

    public Option<string> IngressClass { get; } = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it",
        BuildOptions.DefaultIngressClassName);

    /// <summary>The snapshot <see cref="Load"/> read last, for providers that plan against the objects themselves.</summary>
    public ClusterSnapshot Snapshot { get; private set; } = ClusterSnapshot.Empty;

    public void AddTo(Command command)
    {
        command.Add(Manifests);
        command.Add(IngressClass);
    }

    /// <summary>The model (its diagnostics located in the files) and the objects skipped as not ours; null, and why on <paramref name="error"/>, when there is nothing to read.</summary>
    public (GatewayModel Model, ManifestSet Manifests, IReadOnlyList<Diagnostic> Skipped)? Load(ParseResult parse, string verb, TextWriter error)
    {
        var directory = parse.GetValue(Manifests)!;
        ManifestSet manifests;
        try
        {
            manifests = ManifestDirectory.Load(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cloudingress {verb}: {e.Message}");
            return null;
        }

        if (manifests.FileCount == 0)
        {
            error.WriteLine($"cloudingress {verb}: no *.yaml, *.yml or *.json files under \"{directory}\"");
            return null;
        }

        Snapshot = manifests.Snapshot;
        var options = BuildOptions.Default with { IngressClassName = parse.GetValue(IngressClass)! };
        return (BuildStage.Build(ManifestSource.Of(manifests), options, DateTimeOffset.UtcNow), manifests, SkippedObjects.Explain(manifests.Snapshot, options));
    }

    private static Option<string> Required(Option<string> option)
    {
        option.Required = true;
        return option;
    }
}
