using CloudIngress.Controller.Output;
using CloudIngress.Core.Build;
using CloudIngress.Core.Diagnostics;
using CloudIngress.Core.Model;
using CloudIngress.Kubernetes.Manifests;
using System.CommandLine;
using System.Text.Json;

namespace CloudIngress.Controller.Cli;

/// <summary><c>cloudingress plan --manifests DIR [--output text|json]</c>: prints the model and its diagnostics.</summary>
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

        var command = new Command("plan", "Build the model from manifests and print frontends, listeners, routes, backends and diagnostics")
        {
            manifests, format, ingressClass,
        };
        command.SetAction(parse => Run(
            parse.GetValue(manifests)!, parse.GetValue(format)!, parse.GetValue(ingressClass)!, output, error));
        return command;
    }

    private static int Run(string directory, string format, string ingressClass, TextWriter output, TextWriter error)
    {
        ManifestSet manifests;
        try
        {
            manifests = ManifestDirectory.Load(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cloudingress plan: {e.Message}");
            return ExitCodes.UnusableInput;
        }

        if (manifests.FileCount == 0)
        {
            error.WriteLine($"cloudingress plan: no *.yaml, *.yml or *.json files under \"{directory}\"");
            return ExitCodes.UnusableInput;
        }

        var options = BuildOptions.Default with { IngressClassName = ingressClass, Now = DateTimeOffset.UtcNow };
        var model = ModelBuilder.Build(manifests.Snapshot, options);
        var diagnostics = manifests.Diagnostics.Concat(model.Diagnostics).Select(manifests.Locate).Order().ToList();
        model = model with { Diagnostics = diagnostics };

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
