using CloudIngress.Controller.Output;
using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;
using System.CommandLine;
using System.Text.Json;

namespace CloudIngress.Controller.Cli;

/// <summary>
/// <c>cloudingress plan --manifests DIR [--output text|json] [--provider aws ...]</c>: prints the model and its
/// diagnostics, or with a provider, the provider's resources and the operations an apply would make.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var manifests = EnvOption.String("--manifests", "Directory (or file) of Kubernetes manifests: *.yaml, *.yml, *.json, recursively");
        manifests.Required = true;
        var format = EnvOption.String("--output", "Output format: text or json", "text");
        format.AcceptOnlyFromAmong("text", "json");
        var ingressClass = EnvOption.String("--ingress-class", "IngressClass name served even when no IngressClass object names it",
            BuildOptions.DefaultIngressClassName);

        var provider = EnvOption.String("--provider", "Print a provider's plan instead of the model: aws (kestrel: the model itself)", "kestrel");
        provider.AcceptOnlyFromAmong("kestrel", "aws");
        var aws = new AwsFlags();
        var command = new Command("plan", "Build the model from manifests and print frontends, listeners, routes, backends and diagnostics, or a provider's plan")
        {
            manifests, format, ingressClass, provider,
        };
        foreach (var option in aws.All)
        {
            command.Add(option);
        }

        command.SetAction((parse, ct) => Run(
            parse.GetValue(manifests)!, parse.GetValue(format)!, parse.GetValue(ingressClass)!, parse.GetValue(provider) == "aws" ? (aws, parse) : null, output, error, ct));
        return command;
    }

    /// <summary>The manifests of <paramref name="directory"/>, or null (and why, on <paramref name="error"/>) when there are none to read.</summary>
    public static ManifestSet? LoadManifests(string directory, string verb, TextWriter error)
    {
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

        return manifests;
    }

    private static async Task<int> Run(string directory, string format, string ingressClass, (AwsFlags Flags, ParseResult Parse)? aws, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        if (LoadManifests(directory, "plan", error) is not { } manifests)
        {
            return ExitCodes.UnusableInput;
        }

        var options = BuildOptions.Default with { IngressClassName = ingressClass, Now = DateTimeOffset.UtcNow };
        var model = ModelBuilder.Build(manifests.Snapshot, options);
        var diagnostics = manifests.Diagnostics.Concat(model.Diagnostics).Select(manifests.Locate).Order().ToList();
        model = model with { Diagnostics = diagnostics };
        if (aws is { } provider)
        {
            return await AwsCommands.PlanAsync(model, manifests, diagnostics, provider.Flags, provider.Parse, output, error, ct);
        }

        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(model, ModelJsonContext.Default.GatewayModel));
        }
        else
        {
            ModelTextWriter.Write(model, output);
        }

        return diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? ExitCodes.ObjectErrors : ExitCodes.Ok;
    }
}
